import assert from 'node:assert/strict';
import { fulfillmentOrderProgressSignal } from '../../workflows/messages';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import type { FulfillmentOrderState } from '../../workflows/types';
import { eventually } from './eventually';
import { exampleOrder } from './examples';
import { getHarness, type Harness } from './harness';

/**
 * The state machines (workflows/state-machines.ts) on a real server: an illegal transition the order decides
 * itself is a bug and fails its workflow task, but a split's progress is a signal anyone may send, so a
 * report of a state the split cannot move to is refused into the summary and the order goes on.
 */
describe('state transitions a message asks for', function () {
  this.timeout(120_000);
  let h: Harness;
  const started: string[] = [];

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
  });
  after(async () => {
    await Promise.all(started.map((id) => h.env.client.workflow.getHandle(orderWorkflowId(id)).terminate('test done').catch(() => undefined)));
  });

  it('refuses a progress report of a state its split cannot move to, keeps the split as it was, and fails no workflow task', async () => {
    const order = exampleOrder('network-kit.json', 'transitions');
    await h.client.startOrder(order);
    started.push(order.id);
    const split = 'FO-WH-EAST-DG-BRANCH-7'; // waits for an operator's approval, so it stays inProgress
    const handle = h.env.client.workflow.getHandle(orderWorkflowId(order.id));
    // The order's own summary (the client's would show the split's live counts instead).
    const orderSummary = () => handle.query<{ rejectedMessages?: Array<{ message: string; reason: string }>; fulfillmentOrders: Array<{ id: string; state: string; steps: unknown }> }>('summary');
    const before = await eventually('the splits to run', async () => (await orderSummary()).fulfillmentOrders.find((fo) => fo.id === split && fo.state === 'inProgress'));

    const counts = { total: 9, completed: 9, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 };
    await handle.signal(fulfillmentOrderProgressSignal, { fulfillmentOrderId: split, state: 'pending', counts });
    await handle.signal(fulfillmentOrderProgressSignal, { fulfillmentOrderId: split, state: 'teleported' as FulfillmentOrderState, counts });

    const summary = await eventually('both reports refused', async () => {
      const s = await orderSummary();
      return (s.rejectedMessages ?? []).length === 2 ? s : undefined;
    });
    assert.deepEqual(
      summary.rejectedMessages!.map((r) => [r.message, r.reason]),
      [
        ['fulfillmentOrderProgress', `fulfillment order ${split} cannot go from inProgress to "pending"`],
        ['fulfillmentOrderProgress', `fulfillment order ${split} cannot go from inProgress to "teleported"`],
      ],
    );
    const after = summary.fulfillmentOrders.find((fo) => fo.id === split)!;
    assert.equal(after.state, 'inProgress');
    assert.deepEqual(after.steps, before.steps, 'a refused report changes no counts either');

    for (const workflowId of [orderWorkflowId(order.id), fulfillmentOrderWorkflowId(order.id, split)]) {
      const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
      assert.deepEqual((history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).map((e) => e.workflowTaskFailedEventAttributes?.failure?.message), [], workflowId);
    }
  });
});
