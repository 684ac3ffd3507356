import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The HTTP plumbing every simulated system shares: a reply value, a typed error, a tiny router and a
 * server that can always be stopped at once. Handlers return a `Reply` instead of writing to the
 * response, so they stay plain functions that tests and the call log can reason about.
 */

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An error that has a place in the protocol: it becomes `{ error: { code, message, ...details } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorReply(error: HttpError): Reply {
  return {
    status: error.status,
    body: { error: { code: error.code, message: error.message, ...error.details } },
    headers: error.headers,
  };
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export interface RequestContext {
  method: string;
  path: string;
  /** `:name` segments of the route, and `*` for the rest of the path after a trailing `/*`. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Aborted when the server stops, so waits (simulated latency) end instead of holding it open. */
  signal: AbortSignal;
  readText(): Promise<string>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/** Bodies are small JSON documents; anything bigger is a client bug, not a load test. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Parses a JSON text; an empty body is `undefined`, bad JSON is a 400 that says so. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'invalid-request', `body is not valid JSON: ${(error as Error).message}`, {
      field: '(body)',
    });
  }
}

/** A body as JSON when it parses, else its text (`null` when empty): for logs that keep whatever arrived. */
export function jsonOrText(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** `pattern` is a path such as `/inventory/:operation` or `/webhook/*`; first match wins. */
  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: splitPath(pattern), handler });
    return this;
  }

  async dispatch(ctx: Omit<RequestContext, 'params'>): Promise<Reply> {
    const segments = splitPath(ctx.path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== ctx.method) continue;
      return route.handler({ ...ctx, params });
    }
    if (pathMatched) {
      throw new HttpError(405, 'method-not-allowed', `${ctx.method} is not allowed on ${ctx.path}`);
    }
    throw new HttpError(404, 'not-found', `nothing is served at ${ctx.path}`);
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    if (expected === '*') {
      if (i >= actual.length) return undefined;
      params['*'] = actual.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const segment = actual[i];
    if (segment === undefined) return undefined;
    if (expected.startsWith(':')) params[expected.slice(1)] = decodeURIComponent(segment);
    else if (expected !== segment) return undefined;
  }
  return pattern.length === actual.length ? params : undefined;
}

export interface RunningHttpServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * Listens with the router. `stop()` aborts pending waits and destroys every open socket (keep-alive
 * ones included), so it resolves at once even with slow requests in flight.
 */
export async function startHttpServer(
  router: Router,
  options: { port: number; host: string },
): Promise<RunningHttpServer> {
  const shutdown = new AbortController();
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    void serve(router, req, res, shutdown.signal);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    },
  };
}

async function serve(
  router: Router,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  let reply: Reply;
  let text: Promise<string> | undefined;
  try {
    reply = await router.dispatch({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      signal,
      readText: () => (text ??= readBody(req)),
    });
  } catch (error) {
    if (signal.aborted) return; // the server is stopping; its sockets are already gone
    if (error instanceof HttpError) {
      reply = errorReply(error);
    } else {
      console.error('simulators: unexpected error', error);
      reply = errorReply(new HttpError(500, 'internal', (error as Error)?.message ?? String(error)));
    }
  }
  if (res.destroyed || res.writableEnded) return;
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    ...reply.headers,
  });
  res.end(payload);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'payload-too-large', `bodies are limited to ${MAX_BODY_BYTES} bytes`));
        req.removeAllListeners('data');
        req.resume(); // drain the rest so the 413 can still be answered
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
