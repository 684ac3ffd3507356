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

  // Temporal does not promise that signals sent from different workflow tasks arrive in the order they were sent: a
  // split's `held` report could reach the order after the `inProgress` that resolved it, and leave the order held.
  it('applies only the newest report of a split: one numbered lower than one applied is stale (patch ordered-progress)', async () => {
    const order = exampleOrder('network-kit.json', 'ordered');
    await h.client.startOrder(order);
    started.push(order.id);
    const { handle, orderSummary, split } = await runningSplit(order.id);
    const own = await eventually('the split’s own first report or none', async () => (await orderSummary()).fulfillmentOrders.find((fo) => fo.id === split));

    // The newer report first (the fallout resolved), then the older one (the step in fallout) arriving late.
    const resolved = { ...own.steps, inProgress: 1, fatallyFailed: 0 };
    await handle.signal(fulfillmentOrderProgressSignal, { fulfillmentOrderId: split, state: 'inProgress', counts: resolved, sequence: 1001 });
    await handle.signal(fulfillmentOrderProgressSignal, { fulfillmentOrderId: split, state: 'held', counts: { ...resolved, fatallyFailed: 1 }, sequence: 1000 });
    // A report after both, so the test knows both were handled.
    const newest = { ...resolved, inJeopardy: 1 };
    await handle.signal(fulfillmentOrderProgressSignal, { fulfillmentOrderId: split, state: 'inProgress', counts: newest, sequence: 1002 });

    const summary = await eventually('the newest report applied', async () => {
      const s = await orderSummary();
      return s.fulfillmentOrders.find((fo) => fo.id === split)?.steps.inJeopardy === 1 ? s : undefined;
    });
    assert.equal(summary.fulfillmentOrders.find((fo) => fo.id === split)!.state, 'inProgress', 'the late held report was not applied');
    assert.equal(summary.state, 'inProgress', 'the order was never held');
    assert.equal(summary.stateLog?.some((entry) => entry.state === 'held'), false, JSON.stringify(summary.stateLog));
    assert.deepEqual(summary.rejectedMessages ?? [], [], 'a stale report is ignored, not refused');
  });

  /** The order's handle and own summary once its approval split runs (it waits for an operator, so it stays inProgress). */
  async function runningSplit(orderId: string) {
    const split = 'FO-WH-EAST-DG-BRANCH-7';
    const handle = h.env.client.workflow.getHandle(orderWorkflowId(orderId));
    type Summary = { state: string; stateLog?: Array<{ state: string }>; rejectedMessages?: unknown[]; fulfillmentOrders: Array<{ id: string; state: string; steps: { total: number; completed: number; inProgress: number; fatallyFailed: number; inJeopardy: number } }> };
    const orderSummary = () => handle.query<Summary>('summary');
    await eventually('the splits to run', async () => (await orderSummary()).fulfillmentOrders.find((fo) => fo.id === split && fo.state === 'inProgress'));
    return { handle, orderSummary, split };
  }
});
