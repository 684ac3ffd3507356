import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { newOrderSyncOfEvent, startSync } from '../client/channel-syncs';
import type { SystemEndpoint } from '../config/schema';
import { problemsFromZod } from '../domain/problems';

/**
 * The storefront's push (`PUT /storefront/webhook`): each new outbox event is POSTed here and its new order sync
 * is started at once, instead of at the intake's next poll. The push is best effort on the storefront's side and
 * this listener runs in one worker per host, so the intake's poll stays the truth; both start a sale's sync by
 * the same workflow id, so whichever comes first starts it and the other finds it.
 */

export const STOREFRONT_WEBHOOK_PATH = '/storefront-events';

const PushedEvent = z.object({
  seq: z.number().int().positive(),
  type: z.string(),
  orderId: z.string().min(1),
  origin: z.string().optional(),
  syncToCPQ: z.boolean().optional(),
});

/** A pushed event is small; anything larger is not one. */
const MAX_BODY_BYTES = 64 * 1024;

export interface StorefrontWebhook {
  /** What the storefront is told to call. */
  url: string;
  close(): Promise<void>;
}

/** Listens for the storefront's pushes; rejects (EADDRINUSE) when another process on the host already does. */
export async function startStorefrontWebhook(options: { client: Client; taskQueue: string; host: string; port: number }): Promise<StorefrontWebhook> {
  const server = http.createServer((request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== STOREFRONT_WEBHOOK_PATH) {
      answer(404, { error: { code: 'not-found', message: `POST the storefront's events to ${STOREFRONT_WEBHOOK_PATH}` } });
      return;
    }
    readBody(request)
      .then(async (text) => {
        const json = parseJson(text);
        if (json === undefined) {
          answer(400, { error: { code: 'invalid-request', field: '', message: 'the body is not JSON: expected a storefront outbox event' } });
          return;
        }
        const parsed = PushedEvent.safeParse(json);
        if (!parsed.success) {
          const [problem] = problemsFromZod(parsed.error);
          answer(400, { error: { code: 'invalid-request', field: problem.path, message: `${problem.path || 'body'}: ${problem.message} (expected a storefront outbox event)` } });
          return;
        }
        const sync = newOrderSyncOfEvent(parsed.data, 'storefront-webhook');
        if (!sync) {
          answer(200, { ignored: true, reason: 'not a checkout that asked for a CPQ sync' });
          return;
        }
        answer(200, await startSync(options.client, options.taskQueue, sync));
      })
      // Temporal unreachable (or a body too large): the storefront retries, and the intake's poll catches up anyway.
      .catch((error: Error) => answer(error instanceof BodyTooLarge ? 413 : 503, { error: { code: error instanceof BodyTooLarge ? 'too-large' : 'unavailable', message: error.message } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}${STOREFRONT_WEBHOOK_PATH}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Tells the storefront where to push its events (it keeps one URL: the last worker to start wins, which is fine). */
export async function registerStorefrontWebhook(storefront: SystemEndpoint, url: string): Promise<void> {
  const response = await fetch(`${storefront.url.replace(/\/$/, '')}/webhook`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(storefront.token ? { authorization: `Bearer ${storefront.token}` } : {}) },
    body: JSON.stringify({ url }),
    signal: AbortSignal.timeout(storefront.timeout),
  });
  if (!response.ok) throw new Error(`the storefront answered ${response.status} to PUT webhook: ${(await response.text()).slice(0, 200)}`);
}

class BodyTooLarge extends Error {}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge(`a pushed event is at most ${MAX_BODY_BYTES} bytes`));
        return; // the rest is read and dropped, so the answer still reaches the sender
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
