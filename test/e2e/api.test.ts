import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha256 } from '../../api/keys';
import { BASE_PATH } from '../../api/product-orders';
import { apiApp, startApi, type RunningApi } from '../../api/server';
import type { OrdoClient } from '../../client/ordo-client';
import { completeManualTaskUpdate, fulfillmentOrderPlanQuery, resolveFalloutUpdate, summaryQuery } from '../../workflows/messages';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import type { FulfillmentOrderPlan } from '../../workflows/types';
import { answerProblems, documentedRoutes, openapi } from '../api/openapi-check';
import { eventually } from './eventually';
import { getHarness, simulatorSend, type Harness } from './harness';
import { testSecret } from '../log-capture';

/**
 * The TMF622 API (docs/api.md) as a change-order system uses it, on the real dev server: an API key, orders created,
 * read, listed, amended and cancelled over HTTP, refusals in TMF's error shape naming the field, a repeat POST
 * answered with the same order, and a subscriber that receives the order's events at least once, also after it was
 * down. Every answer is checked against the served OpenAPI document. Catalog: test/fixtures/changes.yaml, own lane.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/changes.yaml');
const KEY = testSecret('the API key of this run');
const doc = openapi();

describe('the TMF622 order API (real Temporal dev server, changes catalog lane)', function () {
  this.timeout(120_000);
  let h: Harness;
  let lane: OrdoClient;
  let api: RunningApi;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-api-'));
  let serial = 0;
  const orderId = () => `API-${process.pid}-${++serial}`;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await h.startLane({ taskQueue: 'ordo-api', catalogFiles: [CATALOG], config: { queues: { desk: { members: ['ann'], assignment: 'none' } }, dataDir } });
    api = await startApi({ client: lane, keys: [{ name: 'cos', hash: sha256(KEY) }], dataDir }, { port: 0 });
  });
  after(async () => {
    await api?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** One request, its answer checked against the OpenAPI document. */
  async function call(method: string, route: string, body?: unknown, key: string | null = KEY): Promise<{ status: number; body: any }> {
    const answer = await fetch(`${api.url}${route}`, {
      method,
      headers: { ...(key ? { 'x-api-key': key } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    const parsed = text ? JSON.parse(text) : undefined;
    assert.deepEqual(answerProblems(doc, method, route.split('?')[0], answer.status, parsed), [], `${method} ${route} → ${answer.status} ${text}`);
    return { status: answer.status, body: parsed };
  }

  const productOrder = (id: string, quantity = 1) => ({
    externalId: id,
    relatedParty: [{ id: 'TEST', role: 'customer' }],
    channel: [{ name: 'cpq' }],
    productOrderItem: [{ id: 'OI-1', action: 'add', quantity, product: { id: 'CHANGEABLE' }, itemPrice: [{ price: { dutyFreeAmount: { unit: 'USD', value: 100 } } }] }],
  });
  const stepState = async (id: string, stepId: string) =>
    ((await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(id, 'FO-provisioning')).query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan).steps.find((s) => s.id === stepId)?.state;
  const waitForStep = (id: string, stepId: string, state: string) => eventually(`${stepId} ${state}`, async () => ((await stepState(id, stepId)) === state ? true : undefined));
  const complete = (id: string, stepId: string) =>
    h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(id, 'FO-provisioning')).executeUpdate(completeManualTaskUpdate, { args: [{ stepId, actor: 'ann' }] });

  it('serves its OpenAPI document without a key, and has exactly the routes it documents', async () => {
    const served = await fetch(`${api.url}/openapi.json`);
    assert.equal(served.status, 200);
    assert.deepEqual(await served.json(), doc);
    const app = apiApp({ client: lane, keys: [], dataDir });
    const routes = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.slice(BASE_PATH.length).replace(/:(\w+)/g, '{$1}')}`));
    assert.deepEqual([...routes].sort(), documentedRoutes(doc).sort());
    // Every documented route answers (a handler's answer, never "no such route").
    for (const route of documentedRoutes(doc)) {
      const [method, template] = route.split(' ');
      const answer = await fetch(`${api.url}${template.replace(/\{\w+\}/g, 'NO-SUCH-ID')}`, { method, headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
      const text = await answer.text();
      assert.doesNotMatch(text, /no such route/, `${route} answered ${answer.status} ${text}`);
    }
  });

  it('refuses a request without a key, or with a wrong one, with 401 in the TMF error shape', async () => {
    const none = await call('GET', '/productOrder', undefined, null);
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 'unauthorized');
    assert.match(none.body.message, /X-API-Key/);
    assert.equal((await call('GET', '/productOrder', undefined, 'not-the-key')).status, 401);
  });

  it('refuses a bad order naming the field in the ProductOrder and the fix, and starts nothing', async () => {
    const id = orderId();
    const bad = productOrder(id, 0);
    const refused = await call('POST', '/productOrder', bad);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'invalid');
    assert.equal(refused.body.status, '400');
    assert.ok(refused.body['ordo:problems'].some((p: { path: string }) => p.path === 'productOrderItem[0].quantity'), JSON.stringify(refused.body));
    assert.match(refused.body.message, /productOrderItem\[0\]\.quantity/);
    assert.equal((await call('GET', `/productOrder/${id}`)).status, 404);
    const noCustomer = await call('POST', '/productOrder', { ...productOrder(orderId()), relatedParty: [] });
    assert.equal(noCustomer.status, 400);
    assert.match(noCustomer.body.message, /relatedParty\[role=customer\]\.id/);
  });

  it('creates, repeats, reads, lists, amends and cancels an order; a subscriber gets its events, also after being down', async () => {
    const id = orderId();
    // The subscriber is down when the order starts: its port is known, nothing listens there yet.
    const received: Array<{ eventId: string; eventType: string; event: any }> = [];
    const subscriber = http.createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        received.push(JSON.parse(text));
        response.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
    const { port } = subscriber.address() as AddressInfo;
    await new Promise<void>((resolve) => subscriber.close(() => resolve()));
    const subscription = await call('POST', '/hub', { callback: `http://127.0.0.1:${port}/listener`, query: `id=${id}` });
    assert.equal(subscription.status, 201);
    assert.equal((await call('POST', '/hub', { callback: 'not a url', query: 'colour=red' })).status, 400);

    const created = await call('POST', '/productOrder', productOrder(id));
    assert.equal(created.status, 201);
    assert.equal(created.body.id, id);
    assert.equal(created.body.productOrderItem[0].quantity, 1);
    // The same body again answers the same order; another body under the same id is refused.
    const again = await call('POST', '/productOrder', productOrder(id));
    assert.equal(again.status, 200);
    assert.equal(again.body.id, id);
    const other = await call('POST', '/productOrder', productOrder(id, 5));
    assert.equal(other.status, 409);
    assert.equal(other.body.code, 'already-exists');

    await waitForStep(id, 'change.hold', 'InProgress');
    const read = await call('GET', `/productOrder/${id}`);
    assert.equal(read.body.state, 'inProgress');
    await eventually('the order listed as inProgress', async () => {
      const list = await call('GET', '/productOrder?state=inProgress&limit=1000');
      return list.body.some((o: { id: string }) => o.id === id) ? true : undefined;
    });
    assert.equal((await call('GET', '/productOrder?state=sideways')).status, 400);

    const amended = await call('PATCH', `/productOrder/${id}`, { actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 2 }] });
    assert.equal(amended.status, 200, JSON.stringify(amended.body));
    assert.equal(amended.body.productOrderItem[0].quantity, 2);
    const badAmend = await call('PATCH', `/productOrder/${id}`, { actions: [{ type: 'Amend', itemId: 'OI-7', quantity: 2 }] });
    // The order itself refuses an item it does not have (409 refused), naming the field as the CLI does.
    assert.equal(badAmend.status, 409);
    assert.equal(badAmend.body.code, 'refused');
    assert.match(badAmend.body.message, /actions\[0\]\.itemId/);
    const malformed = await call('PATCH', `/productOrder/${id}`, { actions: [] });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.message, /actions/);

    // Back up: the events held while it was down arrive on the next retry.
    await new Promise<void>((resolve) => subscriber.listen(port, '127.0.0.1', resolve));
    try {
      const cancelled = await call('POST', '/cancelProductOrder', { productOrder: { id }, cancellationReason: 'customer changed their mind' });
      assert.equal(cancelled.status, 201);
      assert.equal(cancelled.body.id, id);
      const done = await eventually('the cancellation done', async () => {
        const answer = await call('GET', `/cancelProductOrder/${id}`);
        return answer.body.state === 'done' ? answer.body : undefined;
      }, 30_000);
      assert.equal(done.productOrder.state, 'cancelled');
      assert.equal((await call('GET', `/productOrder/${id}`)).body.state, 'cancelled');

      const ids = await eventually('every event of the order', async () => {
        const seen = new Set(received.map((e) => e.eventId));
        return seen.has(`${id}:CancelProductOrderStateChangeEvent:done`) && seen.has(`${id}:ProductOrderStateChangeEvent:cancelled`) ? seen : undefined;
      }, 40_000);
      for (const state of ['acknowledged', 'inProgress', 'pendingCancellation', 'cancelled']) assert.ok(ids.has(`${id}:ProductOrderStateChangeEvent:${state}`), `${state} in ${[...ids].join(', ')}`);
      assert.ok(ids.has(`${id}:CancelProductOrderStateChangeEvent:inProgress`));
      // Deduplicated by eventId, the states arrive in the order they happened.
      const states = [...new Map(received.filter((e) => e.eventType === 'ProductOrderStateChangeEvent').map((e) => [e.eventId, e.event.productOrder.state])).values()];
      assert.deepEqual(states, ['acknowledged', 'inProgress', 'assessingCancellation', 'pendingCancellation', 'cancelled']);
    } finally {
      await new Promise<void>((resolve) => subscriber.close(() => resolve()));
    }
    assert.equal((await call('DELETE', `/hub/${subscription.body.id}`)).status, 204);
    assert.equal((await call('DELETE', `/hub/${subscription.body.id}`)).status, 404);
  });

  it('refuses an amendment past the point of no return with ChangeOrderRequired, and sends the PONR event', async () => {
    const id = orderId();
    const received: Array<{ eventId: string }> = [];
    const { subscriber, port } = await listenForEvents(received);
    const subscription = await call('POST', '/hub', { callback: `http://127.0.0.1:${port}/`, query: `id=${id}&eventType=ProductOrderPointOfNoReturnEvent,ProductOrderStateChangeEvent` });
    try {
      assert.equal((await call('POST', '/productOrder', productOrder(id))).status, 201);
      await waitForStep(id, 'change.hold', 'InProgress');
      await complete(id, 'change.hold');
      await waitForStep(id, 'change.after', 'InProgress');
      const refused = await call('PATCH', `/productOrder/${id}`, { actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 3 }] });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'change-order-required');
      assert.equal(refused.body.reason, 'ChangeOrderRequired');
      assert.match(refused.body.message, /past the point of no return/);
      await complete(id, 'change.after');
      await eventually('the completed event', async () => (received.some((e) => e.eventId === `${id}:ProductOrderStateChangeEvent:completed`) ? true : undefined), 30_000);
      assert.ok(received.some((e) => e.eventId === `${id}:ProductOrderPointOfNoReturnEvent:OI-1`), received.map((e) => e.eventId).join(', '));
      assert.equal((await call('GET', `/productOrder/${id}`)).body.state, 'completed');
    } finally {
      await call('DELETE', `/hub/${subscription.body.id}`);
      await new Promise<void>((resolve) => subscriber.close(() => resolve()));
    }
  });

  it('gives a state entered again a new eventId, so a subscriber that deduplicates sees the order come back', async () => {
    const id = orderId();
    const received: Array<{ eventId: string }> = [];
    const { subscriber, port } = await listenForEvents(received);
    const subscription = await call('POST', '/hub', { callback: `http://127.0.0.1:${port}/`, query: `id=${id}&eventType=ProductOrderStateChangeEvent` });
    // The first callout is refused once (a 4xx: no retry), so the order is held until an operator retries it.
    await simulatorSend(h, 'PUT', '/_faults/provisioning', { operation: 'activate', failNext: 1, errorStatus: 422, errorCode: 'bad-port' });
    try {
      assert.equal((await call('POST', '/productOrder', productOrder(id))).status, 201);
      await waitForStep(id, 'change.first', 'FatallyFailed');
      await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(id, 'FO-provisioning')).executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'change.first', actor: 'ann', action: 'retry' }] });
      await waitForStep(id, 'change.hold', 'InProgress');
      const ids = await eventually('inProgress twice', async () => {
        const seen = received.map((e) => e.eventId);
        if (seen.includes(`${id}:ProductOrderStateChangeEvent:inProgress#2`)) return seen;
        // Not yet: what the subscriber has and what the order went through, for the timeout's message.
        const { stateLog } = await h.env.client.workflow.getHandle(orderWorkflowId(id)).query(summaryQuery);
        throw new Error(`the subscriber has ${seen.join(', ') || 'nothing'}; the order went ${(stateLog ?? []).map((s) => s.state).join(' → ')}`);
      }, 30_000);
      for (const state of ['acknowledged', 'inProgress', 'held']) assert.ok(ids.includes(`${id}:ProductOrderStateChangeEvent:${state}`), `${state} in ${ids.join(', ')}`);
    } finally {
      await simulatorSend(h, 'DELETE', '/_faults/provisioning');
      await call('DELETE', `/hub/${subscription.body.id}`);
      await new Promise<void>((resolve) => subscriber.close(() => resolve()));
      await call('POST', '/cancelProductOrder', { productOrder: { id }, cancellationReason: 'test done' });
    }
  });
});

/** A subscriber's listener on a free port that keeps every event posted to it. */
async function listenForEvents(received: unknown[]): Promise<{ subscriber: http.Server; port: number }> {
  const subscriber = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      received.push(JSON.parse(text));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
  return { subscriber, port: (subscriber.address() as AddressInfo).port };
}
