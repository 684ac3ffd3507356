import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { addSubscription, hubFile, removeSubscription } from '../activities/order-events';
import { OrdoError } from '../client/errors';
import type { OrdoClient } from '../client/ordo-client';
import { queryProblems } from '../domain/tmf622';
import { approveProductOrder, signerFor, type ApprovalSettings } from './approvals';
import { errorAnswer, jsonObject, tmfError } from './errors';
import { authenticate, type ActiveKey } from './keys';
import { amendProductOrder, BASE_PATH, cancelProductOrder, createProductOrder, listProductOrders, readCancellation, readProductOrder } from './product-orders';

/**
 * The TMF622 order API (`ordo api`, docs/api.md): ProductOrder, CancelProductOrder and the event hub under
 * BASE_PATH, on the same client calls and checks as the CLI. Every route but the OpenAPI document needs an API key.
 */

export interface ApiContext {
  client: OrdoClient;
  keys: ActiveKey[];
  /** Where the hub keeps its subscriptions: the workers' `notifyOrderEvent` reads the same file. */
  dataDir: string;
  /** The queues (a non-member's approval is 403) and operator keys (signed mode) for approvals; without it the order alone decides. */
  approvals?: ApprovalSettings;
}

type ApiEnv = { Variables: { keyName: string } };

export const OPENAPI_FILE = path.join(__dirname, 'openapi.json');

export function apiApp(context: ApiContext) {
  const { client } = context;
  const hub = hubFile(context.dataDir);
  const openapi = fs.readFileSync(OPENAPI_FILE, 'utf8');
  const app = new Hono<ApiEnv>().basePath(BASE_PATH);
  app.onError((error, c) => errorAnswer(error, c));
  app.notFound((c) => {
    const { body, status } = tmfError('not-found', `no such route: ${c.req.method} ${c.req.path}; GET ${BASE_PATH}/openapi.json lists every route`);
    return c.json(body, status);
  });

  app.get('/openapi.json', (c) => c.body(openapi, 200, { 'content-type': 'application/json; charset=utf-8' }));
  app.use('*', async (c, next) => {
    c.set('keyName', authenticate(context.keys, { apiKey: c.req.header('x-api-key'), authorization: c.req.header('authorization') }));
    await next();
  });

  app.post('/productOrder', async (c) => {
    const { created, productOrder } = await createProductOrder(client, await jsonObject(c));
    return c.json(productOrder, created ? 201 : 200, created ? { location: String(productOrder.href) } : {});
  });
  app.get('/productOrder', async (c) => c.json(await listProductOrders(client, { state: c.req.query('state'), limit: limitOf(c) })));
  app.get('/productOrder/:id', async (c) => c.json(await readProductOrder(client, c.req.param('id'))));
  // In signed mode an amendment or a cancellation is signed as the key's name (api/approvals.ts signerFor).
  app.patch('/productOrder/:id', async (c) => c.json(await amendProductOrder(client, c.req.param('id'), await jsonObject(c), c.get('keyName'), () => signerFor(context.approvals, c.get('keyName'), 'an amendment'))));

  // Ordo's extension (TMF622 has no approve operation): approve or refuse an order waiting pending (api/approvals.ts).
  app.post('/productOrder/:id/approval', async (c) => {
    const key = context.keys.find((k) => k.name === c.get('keyName'))!;
    return c.json(await approveProductOrder(client, context.approvals, c.req.param('id'), await jsonObject(c), key));
  });

  app.post('/cancelProductOrder', async (c) => c.json(await cancelProductOrder(client, await jsonObject(c), c.get('keyName'), () => signerFor(context.approvals, c.get('keyName'), 'a cancellation')), 201));
  app.get('/cancelProductOrder/:id', async (c) => c.json(await readCancellation(client, c.req.param('id'))));

  app.post('/hub', async (c) => {
    const body = await jsonObject(c);
    const problems = [...callbackProblems(body.callback), ...queryProblems(body.query)];
    if (problems.length) throw new OrdoError('invalid', `the subscription is invalid:\n${problems.map((p) => `  - ${p.path}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}`).join('\n')}`, problems);
    const subscription = addSubscription(hub, body.callback as string, (body.query as string | undefined) || undefined);
    return c.json({ id: subscription.id, callback: subscription.callback, query: subscription.query ?? '' }, 201, { location: `${BASE_PATH}/hub/${subscription.id}` });
  });
  app.delete('/hub/:id', (c) => {
    if (!removeSubscription(hub, c.req.param('id'))) throw new OrdoError('not-found', `no subscription ${c.req.param('id')}: POST hub answered its id`);
    return c.body(null, 204);
  });
  return app;
}

function limitOf(c: Context): number {
  const given = c.req.query('limit');
  if (given === undefined) return 100;
  const limit = Number(given);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new OrdoError('invalid', `limit must be a whole number from 1 to 1000, not ${given}`, [{ path: 'limit', message: 'out of range', fix: 'give 1 to 1000' }]);
  return limit;
}

function callbackProblems(callback: unknown) {
  if (typeof callback !== 'string') return [{ path: 'callback', message: 'is required', fix: 'give the URL events are posted to, e.g. "https://cos.example/listener"' }];
  try {
    const url = new URL(callback);
    if (url.protocol === 'http:' || url.protocol === 'https:') return [];
  } catch {
    // said below
  }
  return [{ path: 'callback', message: `"${callback}" is not an http(s) URL`, fix: 'give the URL events are posted to, e.g. "https://cos.example/listener"' }];
}

export interface RunningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startApi(context: ApiContext, options: { port: number; host?: string }): Promise<RunningApi> {
  const app = apiApp(context);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port, hostname: options.host ?? '127.0.0.1' }, () => resolve(started));
    started.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}${BASE_PATH}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
