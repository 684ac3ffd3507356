import assert from 'node:assert/strict';
import type { OrdoClient } from '../../client/ordo-client';
import { ponrOrder, PONR_CATALOG } from '../../bench/ponr-order';
import { countPonrSignals } from '../../bench/ponr-signals';
import { amendUpdate, completeManualTaskUpdate, fulfillmentOrderPlanQuery } from '../../workflows/messages';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import type { FulfillmentOrderPlan } from '../../workflows/types';
import { eventually } from './eventually';
import { getHarness, type Harness } from './harness';

/**
 * A point of no return per bundle, at a modest size: 200 kits, each its own bundle with its own PONR step
 * (bench/catalogs/ponr-kits.yaml, `PONR-KIT-HELD`: prepare → commit (PONR) → one `hold` for the split). The split
 * asks its order for the steps that become ready in one round of a workflow task with one signal, and the order
 * answers with one (`batched-ponr`, behaviour version 5): every bundle is still granted by the order, amendments
 * after PONR are still refused, and the handshake costs far fewer than the two signals per step it cost before.
 */
describe('a PONR-per-bundle order (200 kits, batched PONR requests)', function () {
  this.timeout(300_000);
  const ITEMS = 200;
  let h: Harness;
  let lane: OrdoClient;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await h.startLane({ taskQueue: 'ordo-ponr', catalogFiles: [PONR_CATALOG], config: { queues: { desk: { members: ['ann'], assignment: 'none' } } } });
  });

  it('grants every bundle its PONR in a few batched signals, refuses an amendment after it, and completes', async () => {
    const order = ponrOrder(ITEMS, `PONR-${ITEMS}-${process.pid}`, { held: true });
    const orderId = String(order.id);
    await lane.startOrder(order);
    const split = h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, 'FO-shipping'));
    const plan = await eventually(
      'the split to reach its hold, every kit committed',
      async () => {
        const p = (await split.query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan;
        return p.steps.find((s) => s.id === 'seal-held.hold')?.state === 'InProgress' ? p : undefined;
      },
      240_000,
    );
    const commits = plan.steps.filter((s) => s.id.startsWith('seal-held.commit['));
    assert.equal(commits.length, ITEMS);
    assert.ok(commits.every((s) => s.state === 'Completed'), 'every PONR step was granted and ran');

    const summary = await lane.getSummary(orderId);
    assert.equal(summary.pointOfNoReturn?.length, ITEMS, 'every bundle is past PONR, as the order recorded it');
    const byItem = new Map(summary.pointOfNoReturn!.map((record) => [record.orderItemId, record.stepId]));
    assert.equal(byItem.get('K001'), 'seal-held.commit[SEAL-KIT-HELD:K001]');
    assert.equal(byItem.get('K200'), 'seal-held.commit[SEAL-KIT-HELD:K200]');

    const orderHandle = h.env.client.workflow.getHandle(orderWorkflowId(orderId));
    await assert.rejects(orderHandle.executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'K007', quantity: 2 }] }] }), (error: Error & { cause?: Error & { type?: string } }) => {
      assert.equal(error.cause?.type, 'ChangeOrderRequired');
      assert.match(error.cause!.message, /K007 \(seal-held\.commit\[SEAL-KIT-HELD:K007\]\) is past the point of no return/);
      return true;
    });

    const signals = await countPonrSignals(h.env.client, orderWorkflowId(orderId));
    console.log(`      ${ITEMS} PONR steps: ${signals.requests} requests, ${signals.decisions} decisions, ${signals.orderEvents} events in the order's history`);
    assert.equal(signals.decisions, signals.requests, 'one decision per request');
    // How many steps share a batch depends on how many `prepare` completions the server hands over in one workflow
    // task (2 batches on a quiet machine, about one per 5 steps on a busy one); unbatched it was one per step.
    assert.ok(signals.requests >= 1 && signals.requests <= ITEMS / 2, `the ${ITEMS} steps asked in batches (${signals.requests} requests; unbatched: ${ITEMS})`);

    await split.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'seal-held.hold', actor: 'ann' }] });
    const done = await lane.waitForCompletion(orderId, { timeoutMs: 60_000 });
    assert.equal(done.state, 'completed');
    assert.equal(done.invoices[0].lines.length, ITEMS);
  });
});
