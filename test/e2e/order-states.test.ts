import assert from 'node:assert/strict';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import type { OrderSummary } from '../../workflows/types';
import { eventually } from './eventually';
import { exampleOrder } from './examples';
import { getHarness, type Harness } from './harness';

/**
 * TMF622 `failed` on a real server (the time-skipping server does not tell a parent that its child was
 * terminated): a split that cannot finish and was not resolved (its workflow terminated, as an operator or a
 * broken deploy may do) fails the order, which bills nothing and says why.
 */
describe('order states on a real server: failed', function () {
  this.timeout(180_000);
  let h: Harness;

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
  });

  it('a terminated split fails its order: state failed, the reason, nothing billed, the state log', async () => {
    const order = exampleOrder('network-kit.json', 'failed-split');
    await h.client.startOrder(order);
    const split = 'FO-WH-EAST-DG-BRANCH-7'; // waits for an operator's approval, so it is still running
    const handle = h.env.client.workflow.getHandle(orderWorkflowId(order.id));
    await eventually('the split to run', async () => (await handle.query<OrderSummary>('summary')).fulfillmentOrders.find((fo) => fo.id === split && fo.state === 'inProgress'));
    await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(order.id, split)).terminate('the approval system was decommissioned');

    const summary = (await handle.result()) as OrderSummary;
    assert.equal(summary.state, 'failed');
    assert.match(summary.reason!, /fulfillment order\(s\) failed; nothing was billed/);
    assert.deepEqual(summary.invoices, []);
    assert.equal(summary.billing.milestone, 'waiting');
    assert.equal(summary.fulfillmentOrders.find((fo) => fo.id === split)!.state, 'failed');
    assert.deepEqual(summary.stateLog?.map((entry) => entry.state).filter((s) => s !== 'held'), ['acknowledged', 'inProgress', 'failed']);
    // The client reads the same final state.
    assert.equal((await h.client.getSummary(order.id)).state, 'failed');
  });
});
