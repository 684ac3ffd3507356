import assert from 'node:assert/strict';
import * as path from 'node:path';
import { amendOrder } from '../../client/changes';
import { OrdoError } from '../../client/errors';
import { OrdoOperator } from '../../client/operator';
import type { OrdoClient } from '../../client/ordo-client';
import { startOrderWorkflow } from '../../activities/start-order-workflow';
import type { Order } from '../../domain/order';
import { amendUpdate, orderRecordQuery, summaryQuery } from '../../workflows/messages';
import { orderWorkflowId } from '../../workflows/ids';
import { eventually } from './eventually';
import { getHarness, type Harness } from './harness';

/**
 * The catalog guards on the real dev server (catalog test/fixtures/guarded.yaml, its own lane): the client refuses
 * a bad attribute value and an off-book price before any workflow starts, an amendment and an attribute update
 * are refused naming the field, and the worker's decomposition refuses what comes around the client.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/guarded.yaml');
const QUEUE = 'ordo-guards';
let serial = 0;

function orderOf(item: Partial<Order['items'][number]> = {}): Order {
  return {
    id: `GUARD-${process.pid}-${++serial}`,
    accountId: 'TEST',
    channel: 'cpq',
    currency: 'USD',
    items: [{ id: 'OI-1', product: 'GADGET', quantity: 1, unitPrice: '10.00', attributes: { color: 'red' }, ...item }],
  };
}

/** The OrdoError a call is refused with, checked to be `invalid` with these problem paths. */
async function refusedInvalid(call: Promise<unknown>, paths: string[]): Promise<OrdoError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof OrdoError, String(error));
    assert.equal(error.code, 'invalid', error.message);
    assert.deepEqual(error.problems.map((p) => p.path), paths, error.message);
    return error;
  }
  return assert.fail('expected a refusal');
}

describe('catalog guards (real Temporal dev server, guarded catalog lane)', function () {
  this.timeout(120_000);
  let h: Harness;
  let lane: OrdoClient;
  const exists = (orderId: string) => h.env.client.workflow.getHandle(orderWorkflowId(orderId)).describe().then(() => true, () => false);

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await h.startLane({ taskQueue: QUEUE, catalogFiles: [CATALOG], config: { queues: { desk: { members: ['ann'], assignment: 'none' } } } });
  });

  it('refuses a bad attribute value and an off-book price at submission, before any workflow starts', async () => {
    const purple = orderOf({ attributes: { color: 'purple-polka-dot' } });
    const error = await refusedInvalid(lane.startOrder(purple), ['items[0].attributes.color']);
    assert.match(error.message, /"purple-polka-dot" is not an allowed value of color for product GADGET \(allowed: "red", "blue"\)/);
    const cheap = orderOf({ unitPrice: '7.50' });
    const drift = await refusedInvalid(lane.startOrder(cheap), ['items[0].unitPrice']);
    assert.match(drift.message, /"7.50" drifts from the USD price book: GADGET sells at "10.00" \(fix: set unitPrice to "10.00"/);
    assert.equal(await exists(purple.id), false);
    assert.equal(await exists(cheap.id), false);
  });

  it('refuses an amendment and an attribute update outside the catalog, and the worker refuses what comes around the client', async () => {
    const order = orderOf();
    await lane.startOrder(order);
    const handle = h.env.client.workflow.getHandle(orderWorkflowId(order.id));
    await eventually('order in progress', async () => ((await handle.query(summaryQuery)).state === 'inProgress' ? true : undefined));

    await refusedInvalid(amendOrder(lane, order.id, { actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', attributes: { color: 'gold' } }] }), ['actions[0].attributes.color']);
    await refusedInvalid(
      amendOrder(lane, order.id, { actor: 'cpq', actions: [{ type: 'Add', item: { id: 'OI-2', product: 'GADGET', quantity: 1, unitPrice: '1.00' } }] }),
      ['actions[0].item.unitPrice'],
    );
    await refusedInvalid(new OrdoOperator(lane).updateAttributes(order.id, { orderItemId: 'OI-1', attributes: { color: 'gold' }, actor: 'ann' }), ['attributes.color']);

    // Straight to the workflow, around the client: the worker's decomposition of the amended order refuses it.
    await assert.rejects(handle.executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', attributes: { color: 'gold' } }] }] }), (error: Error & { cause?: Error }) => {
      assert.match(error.cause?.message ?? error.message, /items\[0\]\.attributes\.color: "gold" is not an allowed value/);
      return true;
    });
    // A good amendment still goes through, and the order is unchanged by the refused ones.
    const answer = await amendOrder(lane, order.id, { actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', attributes: { color: 'blue' } }] });
    assert.deepEqual(answer.changedItemIds, ['OI-1']);
    assert.deepEqual((await handle.query(orderRecordQuery)).order.items[0].attributes, { color: 'blue' });
  });

  it('refuses a bad attribute value started around the client in the worker (no split starts); prices are the client’s check', async () => {
    const purple = orderOf({ attributes: { color: 'purple-polka-dot' } });
    await startOrderWorkflow(h.env.client, QUEUE, purple);
    const handle = h.env.client.workflow.getHandle(orderWorkflowId(purple.id));
    // The refusal ends the order (as every decomposition refusal does on this path today: the order workflow fails
    // rather than reaching `rejected`); what matters here is the reason and that nothing was fulfilled.
    const outcome = await handle.result().then(
      (summary) => JSON.stringify(summary),
      (error: Error & { cause?: Error & { cause?: Error } }) => [error.message, error.cause?.message, error.cause?.cause?.message].join(' / '),
    );
    assert.match(outcome, /items\[0\]\.attributes\.color: \\?"purple-polka-dot\\?" is not an allowed value/);
    assert.deepEqual((await handle.query(summaryQuery)).fulfillmentOrders, []);

    // The worker leaves prices alone (an amended order's untouched items keep the price they sold at).
    const cheap = orderOf({ unitPrice: '9.99' });
    await startOrderWorkflow(h.env.client, QUEUE, cheap);
    const cheapHandle = h.env.client.workflow.getHandle(orderWorkflowId(cheap.id));
    await eventually('off-book order in progress', async () => ((await cheapHandle.query(summaryQuery)).state === 'inProgress' ? true : undefined));
  });
});
