import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { readSession } from './session';

/**
 * The codec server (docs/security.md "Operators are who they say"): the Temporal Web UI posts the payloads it shows
 * to `POST /decode` (and what an operator types to `POST /encode`) as `{ payloads: [{ metadata: { key: base64 },
 * data: base64 }] }`, and shows what comes back. It runs Ordo's payload codecs (config/connection.ts
 * payloadCodecsFor), so it decodes only for a signed-in operator: a bearer token (`ordo codec-server token`, signed
 * with the operator's own key), the session cookie the sign-in link sets, or the operations console's session
 * cookie (console/session.ts: cookies go by host, not port, so a console sign-in on localhost reaches this server
 * on localhost too). Anyone else gets 401 with the reason.
 */

export const SESSION_COOKIE = 'ordo_codec_session';
/** Temporal refuses payloads over 2 MiB by default; a request of the Web UI holds a page of them. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const TOKEN_AUDIENCE = 'ordo-codec-server';

export interface CodecServerOptions {
  port: number;
  /** 127.0.0.1 by default: only this machine reaches it (a deployment puts it behind its own TLS proxy). */
  host?: string;
  codecs: PayloadCodec[];
  /** Operator → Ed25519 public key (hex), read on every request so a key added or removed counts at once. */
  publicKeys: () => Record<string, string>;
  /** The Web UI's origins (CORS). Default: the local stack's UI on localhost and 127.0.0.1, port 8233. */
  allowedOrigins?: string[];
  /**
   * The console's session key (console.sessionKey), read on every request (the console makes it when it first
   * starts); with it, a console session cookie signs the Web UI in too. Undefined: console sessions do not count.
   */
  consoleSessionKey?: () => Buffer | undefined;
}

export interface RunningCodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

// ---- Tokens: `<base64url JSON { operator, aud, exp }>.<hex Ed25519 signature of that text>` ----

/** A short-lived codec token for `operator`, signed with their private key. */
export function codecToken(operator: string, privateKey: crypto.KeyObject, lifetimeMs = 60 * 60 * 1000, nowMs = Date.now()): string {
  const claims = Buffer.from(JSON.stringify({ operator, aud: TOKEN_AUDIENCE, exp: new Date(nowMs + lifetimeMs).toISOString() })).toString('base64url');
  return `${claims}.${crypto.sign(null, Buffer.from(claims), privateKey).toString('hex')}`;
}

/** The operator a token names when it is good (signed by that operator's key, for this server, not expired), or why not. */
export function verifyCodecToken(token: string, publicKeys: Record<string, string>, nowMs = Date.now()): { operator: string } | { problem: string } {
  const [claims, signature, extra] = token.split('.');
  if (!claims || !signature || extra !== undefined) return { problem: 'the token is not an Ordo codec token (`ordo codec-server token` prints one)' };
  let parsed: { operator?: unknown; aud?: unknown; exp?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
  } catch {
    return { problem: 'the token is not an Ordo codec token (`ordo codec-server token` prints one)' };
  }
  const { operator, aud, exp } = parsed;
  if (typeof operator !== 'string' || aud !== TOKEN_AUDIENCE || typeof exp !== 'string') return { problem: 'the token is not an Ordo codec token (`ordo codec-server token` prints one)' };
  const key = Object.prototype.hasOwnProperty.call(publicKeys, operator) ? publicKeys[operator] : undefined;
  if (!key) return { problem: `${operator} has no operator key (operators.keys): \`ordo operators init ${operator}\`` };
  const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key, 'hex').toString('base64url') }, format: 'jwk' });
  let good = false;
  try {
    good = crypto.verify(null, Buffer.from(claims), publicKey, Buffer.from(signature, 'hex'));
  } catch {
    good = false;
  }
  if (!good) return { problem: `the token's signature is not ${operator}'s` };
  if (!(Date.parse(exp) > nowMs)) return { problem: `the token expired at ${exp}: \`ordo codec-server token\` prints a new one` };
  return { operator };
}

// ---- The Web UI's payload JSON ----

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

function fromJson(payload: JsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]));
  return { metadata, data: new Uint8Array(Buffer.from(payload.data ?? '', 'base64')) };
}

function toJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

async function decode(codecs: PayloadCodec[], payloads: Payload[]): Promise<Payload[]> {
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  return payloads;
}

async function encode(codecs: PayloadCodec[], payloads: Payload[]): Promise<Payload[]> {
  for (const codec of codecs) payloads = await codec.encode(payloads);
  return payloads;
}

// ---- The server ----

function cookieOf(request: http.IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * The signed-in operator of a request (bearer token first, then this server's session cookie, then the console's
 * session cookie), or why there is none.
 */
async function signedIn(request: http.IncomingMessage, publicKeys: Record<string, string>, consoleKey: Buffer | undefined): Promise<{ operator: string } | { problem: string }> {
  const authorization = request.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return verifyCodecToken(bearer, publicKeys);
  const session = cookieOf(request, SESSION_COOKIE);
  if (session) return verifyCodecToken(session, publicKeys);
  const consoleSession = consoleKey && (await readSession(request.headers.cookie, consoleKey));
  if (consoleSession) return { operator: consoleSession.name };
  return { problem: 'sign in first: sign in to the Ordo console, open the sign-in link `ordo codec-server token --link` prints, or send Authorization: Bearer <token>' };
}

export function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  const host = options.host ?? '127.0.0.1';
  const origins = options.allowedOrigins ?? ['http://localhost:8233', 'http://127.0.0.1:8233'];

  const server = http.createServer((request, response) => {
    const origin = request.headers.origin;
    // CORS for the Web UI: its own origin only (never *, which cannot go with credentials), cookies allowed.
    if (origin && origins.includes(origin)) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
      response.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
      response.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      response.setHeader('Vary', 'Origin');
    }
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
      response.end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? '/', 'http://codec');

    if (request.method === 'OPTIONS') {
      response.writeHead(204);
      response.end();
      return;
    }
    if (request.method === 'GET' && url.pathname === '/sign-in') {
      // The sign-in link: a good token becomes an HttpOnly session cookie (same site as the local Web UI).
      const token = url.searchParams.get('token') ?? '';
      const who = verifyCodecToken(token, options.publicKeys());
      if ('problem' in who) return reply(401, { error: who.problem });
      const maxAge = Math.max(0, Math.floor((Date.parse(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).exp) - Date.now()) / 1000));
      response.writeHead(200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Set-Cookie': `${SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAge}`,
      });
      response.end(`Signed in as ${who.operator}: the Temporal Web UI now shows Ordo's payloads decoded.\n`);
      return;
    }
    // `/decode`, or `/{namespace}/decode` as the Temporal CLI's --codec-endpoint templating sends it.
    const route = url.pathname.split('/').pop();
    if (request.method !== 'POST' || (route !== 'decode' && route !== 'encode')) return reply(404, { error: 'POST /decode or /encode' });

    // Read before the sign-in check (the console's session is checked asynchronously): so cap what anyone may send.
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) return reply(413, { error: `the body is over ${MAX_BODY_BYTES / 1024 / 1024} MiB: send fewer payloads at once` });
      void (async () => {
        const who = await signedIn(request, options.publicKeys(), options.consoleSessionKey?.()).catch((error: Error) => ({ problem: error.message }));
        if ('problem' in who) return reply(401, { error: who.problem });
        let body: { payloads?: JsonPayload[] };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (!Array.isArray(body.payloads)) throw new Error('payloads must be a list');
        } catch (error) {
          return reply(400, { error: `the body must be { "payloads": [...] }: ${(error as Error).message}` });
        }
        try {
          const payloads = body.payloads.map(fromJson);
          const out = route === 'decode' ? await decode(options.codecs, payloads) : await encode(options.codecs, payloads);
          reply(200, { payloads: out.map(toJson) });
        } catch (error) {
          reply(400, { error: `cannot ${route} these payloads: ${(error as Error).message}` });
        }
      })();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
