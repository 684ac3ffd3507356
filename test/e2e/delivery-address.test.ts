import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha256 } from '../../api/keys';
import { startApi, type RunningApi } from '../../api/server';
import { amendOrder } from '../../client/changes';
import { OrdoError } from '../../client/errors';
import type { OrdoClient } from '../../client/ordo-client';
import type { Address, Order } from '../../domain/order';
import { completeManualTaskUpdate, fulfillmentOrderPlanQuery, orderRecordQuery } from '../../workflows/messages';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import type { FulfillmentOrderPlan, StepStatus } from '../../workflows/types';
import { eventually } from './eventually';
import { getHarness, simulatorGet, type Harness } from './harness';
import { answerProblems, openapi } from '../api/openapi-check';
import { testSecret } from '../log-capture';

/**
 * A delivery address changed in flight (issue 14): an amendment (ChangeDeliveryAddress) before the point of no
 * return reaches the shipping system; after it, the change is refused with ChangeOrderRequired. Catalog:
 * test/fixtures/delivery-address.yaml (a router shipped from stock, the shipment its point of no return), on its own lane.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/delivery-address.yaml');
const HQ: Address = { line1: '1 Main St', city: 'Austin', region: 'TX', country: 'US' };
const BRANCH: Address = { line1: '9 Harbor Rd', city: 'Seattle', region: 'WA', country: 'US' };
const MOVED: Address = { line1: '200 Elm St', city: 'Dallas', region: 'TX', postalCode: '75201', country: 'US' };
const FO_HQ = 'FO-WH-EAST-DG-HQ';
const FO_BRANCH = 'FO-WH-EAST-DG-BRANCH';

let serial = 0;

function orderOf(): Order {
  return {
    id: `ADDR-${process.pid}-${++serial}`,
    accountId: 'TEST',
    channel: 'b2b',
    currency: 'USD',
    deliveryGroups: [
      { id: 'DG-HQ', name: 'Headquarters', address: HQ },
      { id: 'DG-BRANCH', name: 'Branch', address: BRANCH },
    ],
    items: [
      { id: 'OI-1', product: 'ROUTER', quantity: 1, unitPrice: '300.00', deliveryGroupId: 'DG-HQ' },
      { id: 'OI-2', product: 'ROUTER', quantity: 1, unitPrice: '300.00', deliveryGroupId: 'DG-BRANCH' },
    ],
  };
}

describe('delivery address changes (real Temporal dev server, delivery-address lane)', function () {
  this.timeout(120_000);

  let h: Harness;
  let lane: OrdoClient;

  const foHandle = (orderId: string, fo: string) => h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, fo));
  const step = async (orderId: string, fo: string, stepId: string): Promise<StepStatus | undefined> =>
    ((await foHandle(orderId, fo).query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan).steps.find((s) => s.id === stepId);
  const waitFor = (orderId: string, fo: string, stepId: string, state: StepStatus['state']) =>
    eventually(`${fo} ${stepId} ${state}`, async () => ((await step(orderId, fo, stepId))?.state === state ? true : undefined));
  const complete = (orderId: string, fo: string, stepId: string) => foHandle(orderId, fo).executeUpdate(completeManualTaskUpdate, { args: [{ stepId, actor: 'ann' }] });
  const shipments = async (orderId: string) =>
    (await simulatorGet<{ calls: Array<{ operation: string; status: number; body: { fulfillmentOrderId: string; deliveryGroupId?: string; deliveryAddress?: Address } }> }>(h, `/shipping/calls?orderId=${orderId}`)).calls.filter(
      (call) => call.operation === 'ship' && call.status === 200,
    );
  const readdress = (orderId: string, deliveryGroupId: string, address: Address) =>
    amendOrder(lane, orderId, { actor: 'cpq', actions: [{ type: 'ChangeDeliveryAddress', deliveryGroupId, address }] });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-address-'));
  const KEY = testSecret('the API key of the delivery-address test');
  let api: RunningApi;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await h.startLane({ taskQueue: 'ordo-delivery-address', catalogFiles: [CATALOG], config: { queues: { desk: { members: ['ann'], assignment: 'none' } }, dataDir } });
    api = await startApi({ client: lane, keys: [{ name: 'cos', hash: sha256(KEY) }], dataDir }, { port: 0 });
  });
  after(async () => {
    await api?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** One request to the TMF622 API, its answer checked against the served OpenAPI document. */
  async function call(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const answer = await fetch(`${api.url}${route}`, { method, headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await answer.text();
    const parsed = text ? JSON.parse(text) : undefined;
    assert.deepEqual(answerProblems(openapi(), method, route, answer.status, parsed), [], `${method} ${route} → ${answer.status} ${text}`);
    return { status: answer.status, body: parsed };
  }

  it('takes a new address before PONR: only the group\'s split is updated, and the shipping system gets the new address', async () => {
    const order = orderOf();
    await lane.startOrder(order);
    await waitFor(order.id, FO_HQ, 'delivery.hold', 'InProgress');
    await waitFor(order.id, FO_BRANCH, 'delivery.hold', 'InProgress');

    const answer = await readdress(order.id, 'DG-HQ', MOVED);
    assert.deepEqual(answer.changedDeliveryGroupIds, ['DG-HQ']);
    assert.deepEqual([answer.addedItemIds, answer.changedItemIds, answer.removedItemIds], [[], [], []]);
    assert.deepEqual(answer.fulfillmentOrders, { started: [], updated: [FO_HQ], stopped: [] }, 'the branch split is not touched');
    assert.equal((await step(order.id, FO_HQ, 'delivery.hold'))!.state, 'InProgress', 'no step re-runs for an address');

    await complete(order.id, FO_HQ, 'delivery.hold');
    await complete(order.id, FO_BRANCH, 'delivery.hold');
    await waitFor(order.id, FO_HQ, 'delivery.after', 'InProgress');
    await waitFor(order.id, FO_BRANCH, 'delivery.after', 'InProgress');
    const shipped = Object.fromEntries((await shipments(order.id)).map((call) => [call.body.fulfillmentOrderId, call.body.deliveryAddress]));
    assert.deepEqual(shipped, { [FO_HQ]: MOVED, [FO_BRANCH]: BRANCH });

    await complete(order.id, FO_HQ, 'delivery.after');
    await complete(order.id, FO_BRANCH, 'delivery.after');
    const done = await lane.waitForCompletion(order.id, { timeoutMs: 30_000 });
    assert.equal(done.state, 'completed');
    const recorded = done.actions.find((action) => action.type === 'ChangeDeliveryAddress')!;
    assert.deepEqual([recorded.itemIds, recorded.deliveryGroupId, recorded.actor], [['OI-1'], 'DG-HQ', 'cpq']);
    const record = await h.env.client.workflow.getHandle(orderWorkflowId(order.id)).query(orderRecordQuery);
    assert.deepEqual(record.order.deliveryGroups!.map((group) => group.address), [MOVED, BRANCH]);
  });

  it('refuses a new address after PONR with ChangeOrderRequired, naming the shipped item, and changes nothing', async () => {
    const order = orderOf();
    await lane.startOrder(order);
    await waitFor(order.id, FO_HQ, 'delivery.hold', 'InProgress');
    await complete(order.id, FO_HQ, 'delivery.hold');
    await waitFor(order.id, FO_HQ, 'delivery.after', 'InProgress');

    await assert.rejects(readdress(order.id, 'DG-HQ', MOVED), (error: unknown) => {
      assert.ok(error instanceof OrdoError, String(error));
      assert.equal(error.code, 'change-order-required');
      assert.match(error.message, /OI-1 \(delivery\.ship\) is past the point of no return; submit a change order .* adds them to a delivery group with the new address/);
      return true;
    });
    // The other group has not shipped: its address still changes.
    const answer = await readdress(order.id, 'DG-BRANCH', MOVED);
    assert.deepEqual(answer.fulfillmentOrders.updated, [FO_BRANCH]);
    await assert.rejects(readdress(order.id, 'DG-NOWHERE', MOVED), /no delivery group DG-NOWHERE in order .*name one of: DG-HQ, DG-BRANCH/s);

    await complete(order.id, FO_BRANCH, 'delivery.hold');
    await waitFor(order.id, FO_BRANCH, 'delivery.after', 'InProgress');
    const shipped = Object.fromEntries((await shipments(order.id)).map((call) => [call.body.fulfillmentOrderId, call.body.deliveryAddress]));
    assert.deepEqual(shipped, { [FO_HQ]: HQ, [FO_BRANCH]: MOVED });
    await complete(order.id, FO_HQ, 'delivery.after');
    await complete(order.id, FO_BRANCH, 'delivery.after');
    assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
  });

  it('moves an item to another delivery group with Amend deliveryGroupId: its split stops, the other ships it to its address', async () => {
    const order = orderOf();
    await lane.startOrder(order);
    await waitFor(order.id, FO_HQ, 'delivery.hold', 'InProgress');
    await waitFor(order.id, FO_BRANCH, 'delivery.hold', 'InProgress');

    const answer = await amendOrder(lane, order.id, { actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-2', deliveryGroupId: 'DG-HQ' }] });
    assert.deepEqual(answer.changedItemIds, ['OI-2']);
    assert.deepEqual(answer.fulfillmentOrders, { started: [], updated: [FO_HQ], stopped: [FO_BRANCH] });
    await eventually('the branch split stopped', async () => (((await foHandle(order.id, FO_BRANCH).query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan).state === 'cancelled' ? true : undefined));

    await waitFor(order.id, FO_HQ, 'delivery.hold', 'InProgress');
    await complete(order.id, FO_HQ, 'delivery.hold');
    await waitFor(order.id, FO_HQ, 'delivery.after', 'InProgress');
    const shipped = await shipments(order.id);
    assert.deepEqual(shipped.map((call) => [call.body.fulfillmentOrderId, call.body.deliveryAddress]), [[FO_HQ, HQ]]);
    assert.deepEqual((shipped[0].body as { lineItems?: Array<{ id: string }> }).lineItems?.map((li) => li.id).sort(), ['SHIP-ROUTER:OI-1', 'SHIP-ROUTER:OI-2']);
    await complete(order.id, FO_HQ, 'delivery.after');
    assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
  });

  it('takes a new address over PATCH /productOrder as an item\'s delivery place, and answers 409 change-order-required after PONR', async () => {
    const order = orderOf();
    await lane.startOrder(order);
    await waitFor(order.id, FO_HQ, 'delivery.hold', 'InProgress');
    await waitFor(order.id, FO_BRANCH, 'delivery.hold', 'InProgress');
    const read = await call('GET', `/productOrder/${order.id}`);
    assert.deepEqual(read.body.productOrderItem[1].product.place, [{ id: 'DG-BRANCH', role: 'deliveryAddress', '@type': 'GeographicAddress', streetName: '9 Harbor Rd', city: 'Seattle', stateOrProvince: 'WA', country: 'US' }]);

    const place = { role: 'deliveryAddress', streetNr: '200', streetName: 'Elm St', city: 'Dallas', stateOrProvince: 'TX', postcode: '75201', country: 'US' };
    const bad = await call('PATCH', `/productOrder/${order.id}`, { productOrderItem: [{ id: 'OI-2', product: { place: [{ ...place, country: 'USA' }] } }] });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body['ordo:problems'].map((p: { path: string }) => p.path), ['productOrderItem[0].product.place[0].country']);

    const amended = await call('PATCH', `/productOrder/${order.id}`, { productOrderItem: [{ id: 'OI-2', product: { place: [place] } }] });
    assert.equal(amended.status, 200, JSON.stringify(amended.body));
    assert.deepEqual(amended.body['ordo:amendment'].changedDeliveryGroupIds, ['DG-BRANCH']);
    assert.equal(amended.body.productOrderItem[1].product.place[0].city, 'Dallas');
    assert.equal(amended.body.productOrderItem[0].product.place[0].city, 'Austin', 'the other group keeps its address');

    await complete(order.id, FO_BRANCH, 'delivery.hold');
    await waitFor(order.id, FO_BRANCH, 'delivery.after', 'InProgress');
    const shipped = (await shipments(order.id)).find((call) => call.body.fulfillmentOrderId === FO_BRANCH)!;
    assert.deepEqual(shipped.body.deliveryAddress, MOVED);

    const late = await call('PATCH', `/productOrder/${order.id}`, { ordo: { deliveryGroups: [{ id: 'DG-BRANCH', address: BRANCH }] } });
    assert.equal(late.status, 409);
    assert.equal(late.body.code, 'change-order-required');
    await complete(order.id, FO_HQ, 'delivery.hold');
    await waitFor(order.id, FO_HQ, 'delivery.after', 'InProgress');
    await complete(order.id, FO_HQ, 'delivery.after');
    await complete(order.id, FO_BRANCH, 'delivery.after');
    assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
  });
});
