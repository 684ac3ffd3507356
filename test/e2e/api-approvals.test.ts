import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha256 } from '../../api/keys';
import { startApi, type RunningApi } from '../../api/server';
import type { LoadedConfig } from '../../config/load';
import { answerProblems, openapi } from '../api/openapi-check';
import { eventually } from './eventually';
import { getHarness } from './harness';
import { testSecret } from '../log-capture';

/**
 * Approvals over the TMF622 API (docs/api.md "Approving"), on the real dev server: an order whose product asks for an
 * approval waits `pending`; a key acting for a member of the approval queue approves it (it runs and completes) or
 * refuses it (it ends `rejected` with the reason); a key whose actor is no member is 403, a key naming an actor it
 * may not act for is 403, a malformed approval is 400, an order no longer pending is 409. Every answer is checked
 * against the served OpenAPI document. Catalog: test/fixtures/approvals.yaml, own lane.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/approvals.yaml');
const KEYS = { cos: testSecret('the cos API key'), credit: testSecret('the credit-service API key'), portal: testSecret('the portal API key'), grace: testSecret('the grace API key') };
const doc = openapi();

describe('the TMF622 API: approvals (Ordo extension, real Temporal dev server, approvals catalog lane)', function () {
  this.timeout(120_000);
  let api: RunningApi;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-api-approvals-'));
  let serial = 0;
  const orderId = () => `API-APPROVE-${process.pid}-${++serial}`;

  before(async function () {
    this.timeout(600_000);
    const h = await getHarness();
    // credit-service (a system) is a member of the approval queue, as grace (a person) is; cos is in no queue.
    const queues: LoadedConfig['queues'] = {
      'ops-leads': { members: ['grace', 'credit-service'], assignment: 'none' },
      fallout: { members: ['alice'], assignment: 'none' },
    };
    const lane = await h.startLane({ taskQueue: 'ordo-api-approvals', catalogFiles: [CATALOG], config: { queues, dataDir } });
    const keys = [
      { name: 'cos', hash: sha256(KEYS.cos) },
      { name: 'credit-service', hash: sha256(KEYS.credit) },
      { name: 'portal', hash: sha256(KEYS.portal), actors: ['grace'] },
      { name: 'grace', hash: sha256(KEYS.grace) },
    ];
    api = await startApi({ client: lane, keys, dataDir, approvals: { queues, operatorKeysDir: h.config.operatorKeysDir, operators: h.config.operators } }, { port: 0 });
  });
  after(async () => {
    await api?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, route: string, body?: unknown, key = KEYS.cos): Promise<{ status: number; body: any }> {
    const answer = await fetch(`${api.url}${route}`, { method, headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await answer.text();
    const parsed = text ? JSON.parse(text) : undefined;
    assert.deepEqual(answerProblems(doc, method, route.split('?')[0], answer.status, parsed), [], `${method} ${route} → ${answer.status} ${text}`);
    return { status: answer.status, body: parsed };
  }

  const productOrder = (id: string) => ({
    externalId: id,
    relatedParty: [{ id: 'TEST', role: 'customer' }],
    productOrderItem: [
      { id: 'OI-1', quantity: 1, product: { id: 'CREDIT-KIT' }, itemPrice: [{ price: { dutyFreeAmount: { unit: 'USD', value: 100 } } }] },
      { id: 'OI-2', quantity: 1, product: { id: 'ADDON' }, itemPrice: [{ price: { dutyFreeAmount: { unit: 'USD', value: 10 } } }] },
    ],
  });
  async function pendingOrder(): Promise<string> {
    const id = orderId();
    assert.equal((await call('POST', '/productOrder', productOrder(id))).status, 201);
    const pending = await eventually('the order to wait pending', async () => {
      const read = await call('GET', `/productOrder/${id}`);
      return read.body.state === 'pending' ? read.body : undefined;
    });
    assert.deepEqual(pending['ordo:approval'], { queues: ['ops-leads'], itemIds: ['OI-1'], state: 'waiting' });
    return id;
  }
  const stateOf = (id: string, state: string) =>
    eventually(`the order ${state}`, async () => {
      const read = await call('GET', `/productOrder/${id}`);
      return read.body.state === state ? read.body : undefined;
    }, 60_000);

  it('a key whose name is a member of the approval queue approves; the order runs and completes; a second approval is 409', async () => {
    const id = await pendingOrder();
    const refused = await call('POST', `/productOrder/${id}/approval`, { approved: true });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'forbidden');
    assert.match(refused.body.message, /cos may not approve order .*: not a member of ops-leads \(grace, credit-service\)/);
    assert.match(refused.body.message, /Fix: add cos to ops-leads/);

    const approved = await call('POST', `/productOrder/${id}/approval`, { approved: true, reason: 'credit checked' }, KEYS.credit);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body['ordo:approval'].state, 'approved');
    assert.equal(approved.body['ordo:approval'].actor, 'credit-service');
    assert.equal(approved.body['ordo:approval'].reason, 'credit checked');
    const done = await stateOf(id, 'completed');
    assert.equal(done['ordo:approval'].state, 'approved');

    const again = await call('POST', `/productOrder/${id}/approval`, { approved: true }, KEYS.credit);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'refused');
    assert.match(again.body.message, /nothing to approve/);
  });

  it('a key that acts for a member refuses as that member: the order ends rejected with the reason; it may name no one else', async () => {
    const id = await pendingOrder();
    const someoneElse = await call('POST', `/productOrder/${id}/approval`, { approved: true, actor: 'mallory' }, KEYS.portal);
    assert.equal(someoneElse.status, 403);
    assert.match(someoneElse.body.message, /API key portal may not act as mallory: it acts as portal or grace/);
    const noReason = await call('POST', `/productOrder/${id}/approval`, { approved: false, actor: 'grace' }, KEYS.portal);
    assert.equal(noReason.status, 400);
    assert.deepEqual(noReason.body['ordo:problems'].map((p: { path: string }) => p.path), ['reason']);

    const refused = await call('POST', `/productOrder/${id}/approval`, { approved: false, reason: 'credit check failed', actor: 'grace' }, KEYS.portal);
    assert.equal(refused.status, 200, JSON.stringify(refused.body));
    assert.equal(refused.body['ordo:approval'].state, 'refused');
    assert.equal(refused.body['ordo:approval'].actor, 'grace');
    const rejected = await stateOf(id, 'rejected');
    assert.equal(rejected['ordo:stateReason'], 'approval refused by grace: credit check failed');
  });

  it('refuses a malformed approval naming each field (400), and an unknown order (404)', async () => {
    const malformed = await call('POST', `/productOrder/${orderId()}/approval`, { approved: 'yes', colour: 'red' });
    assert.equal(malformed.status, 400);
    assert.deepEqual(malformed.body['ordo:problems'].map((p: { path: string }) => p.path), ['approved', 'colour']);
    const unknown = await call('POST', `/productOrder/NO-SUCH-${process.pid}/approval`, { approved: true });
    assert.equal(unknown.status, 404);
  });
});

describe('the TMF622 API: approvals in signed operator mode', function () {
  this.timeout(120_000);
  let api: RunningApi;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-api-approvals-signed-'));

  before(async function () {
    this.timeout(600_000);
    const h = await getHarness();
    const operators = { ...h.config.operators, authentication: 'signed' as const };
    // ops-leads: grace (an operator with a key, test/e2e/operator-keys.ts) and credit-service (a system without one).
    const queues: LoadedConfig['queues'] = { 'ops-leads': { members: ['grace', 'credit-service'], assignment: 'none' }, fallout: { members: ['alice'], assignment: 'none' } };
    const lane = await h.startLane({ taskQueue: 'ordo-api-approvals-signed', catalogFiles: [CATALOG], config: { queues, dataDir, operators } });
    const keys = [
      { name: 'credit-service', hash: sha256(KEYS.credit) },
      { name: 'portal', hash: sha256(KEYS.portal), actors: ['grace'] },
      { name: 'grace', hash: sha256(KEYS.grace) },
    ];
    api = await startApi({ client: lane, keys, dataDir, approvals: { queues, operatorKeysDir: h.config.operatorKeysDir, operators } }, { port: 0 });
  });
  after(async () => {
    await api?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs the approval with the actor’s operator key; an actor without one is refused naming the fix', async () => {
    const send = async (method: string, route: string, body: unknown, key: string) => {
      const answer = await fetch(`${api.url}${route}`, { method, headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const parsed = await answer.json();
      assert.deepEqual(answerProblems(doc, method, route, answer.status, parsed), []);
      return { status: answer.status, body: parsed as any };
    };
    const id = `API-APPROVE-SIGNED-${process.pid}`;
    const created = await send('POST', '/productOrder', {
      externalId: id,
      relatedParty: [{ id: 'TEST', role: 'customer' }],
      productOrderItem: [{ id: 'OI-1', quantity: 1, product: { id: 'CREDIT-KIT' }, itemPrice: [{ price: { dutyFreeAmount: { unit: 'USD', value: 100 } } }] }],
    }, KEYS.portal);
    assert.equal(created.status, 201);
    await eventually('the order pending', async () => {
      const answer = await fetch(`${api.url}/productOrder/${id}`, { headers: { 'x-api-key': KEYS.portal } });
      return ((await answer.json()) as { state: string }).state === 'pending' ? true : undefined;
    });
    const noKey = await send('POST', `/productOrder/${id}/approval`, { approved: true }, KEYS.credit);
    assert.equal(noKey.status, 409);
    assert.match(noKey.body.message, /credit-service has no operator key .*`ordo operators init credit-service`/);
    const byGrace = await send('POST', `/productOrder/${id}/approval`, { approved: true, actor: 'grace' }, KEYS.portal);
    assert.equal(byGrace.status, 200, JSON.stringify(byGrace.body));
    assert.equal(byGrace.body['ordo:approval'].actor, 'grace');
  });

  it('signs a cancellation as the key’s name too; a key whose name has no operator key is refused naming the fix', async () => {
    const send = async (body: unknown, key: string) => {
      const answer = await fetch(`${api.url}/cancelProductOrder`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const parsed = await answer.json();
      assert.deepEqual(answerProblems(doc, 'POST', '/cancelProductOrder', answer.status, parsed), []);
      return { status: answer.status, body: parsed as any };
    };
    const id = `API-CANCEL-SIGNED-${process.pid}`;
    const created = await fetch(`${api.url}/productOrder`, {
      method: 'POST',
      headers: { 'x-api-key': KEYS.grace, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: id, relatedParty: [{ id: 'TEST', role: 'customer' }], productOrderItem: [{ id: 'OI-1', quantity: 1, product: { id: 'CREDIT-KIT' }, itemPrice: [{ price: { dutyFreeAmount: { unit: 'USD', value: 100 } } }] }] }),
    });
    assert.equal(created.status, 201);
    const unsigned = await send({ productOrder: { id }, cancellationReason: 'no longer wanted' }, KEYS.portal);
    assert.equal(unsigned.status, 409);
    assert.match(unsigned.body.message, /portal has no operator key .*a cancellation is signed.*`ordo operators init portal`/);
    const signed = await send({ productOrder: { id }, cancellationReason: 'no longer wanted' }, KEYS.grace);
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
    await eventually('the order cancelled', async () => {
      const answer = await fetch(`${api.url}/productOrder/${id}`, { headers: { 'x-api-key': KEYS.grace } });
      return ((await answer.json()) as { state: string }).state === 'cancelled' ? true : undefined;
    });
  });
});
