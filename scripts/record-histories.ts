import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { exampleOrder } from '../test/e2e/examples';
import { getHarness, type Harness } from '../test/e2e/harness';
import { mochaHooks } from '../test/hooks';
import { amendUpdate, cancelUpdate, completeManualTaskUpdate, fulfillmentOrderPlanQuery, resumeSignal } from '../workflows/messages';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../workflows/ids';

/**
 * `npm run record-histories`: runs sample orders on a real stack and saves their workflow histories
 * under test/replay/histories, for the replay test. Run it when a workflow changes behaviour behind
 * patched(), and keep the old files: they are the in-flight orders the new code must still replay.
 */
const OUT = path.resolve(__dirname, '../test/replay/histories');
const tag = new Date().toISOString().slice(0, 10);

/** Orders that need an operator get one: the network kit's approval and its delivery confirmation. */
async function actAsOperator(h: Harness, orderId: string): Promise<void> {
  const router = h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, 'FO-WH-EAST-DG-BRANCH-7'));
  await waitForStep(router, 'router-delivery.approve');
  await router.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'router-delivery.approve', actor: 'carol', output: { approved: true } }] });
  await waitForStep(router, 'router-delivery.delivered');
  await router.signal(resumeSignal, { name: 'delivered', actor: 'carol' });
}

/** Before the approval: raise the router's quantity (its split still waits), then cancel the order (compensating the reservation). */
async function amendThenCancel(h: Harness, orderId: string): Promise<void> {
  const router = h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, 'FO-WH-EAST-DG-BRANCH-7'));
  await waitForStep(router, 'router-delivery.approve');
  const order = h.env.client.workflow.getHandle(orderWorkflowId(orderId));
  await order.executeUpdate(amendUpdate, { args: [{ actor: 'recorder', actions: [{ type: 'Amend', itemId: 'OI-2', quantity: 2 }] }] });
  await order.executeUpdate(cancelUpdate, { args: [{ reason: 'recorded cancellation', actor: 'recorder' }] });
}

/** Waits until the step waits (InProgress): a `resume` counts only for a pause step waiting for it. */
async function waitForStep(handle: ReturnType<Harness['env']['client']['workflow']['getHandle']>, stepId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const plan = await handle.query(fulfillmentOrderPlanQuery).catch(() => undefined);
    if (plan?.steps.find((s) => s.id === stepId)?.state === 'InProgress') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${stepId} never waited`);
}

async function main(): Promise<void> {
  const h = await getHarness();
  try {
    // The network kit twice: once worked by operators to the end, once amended and then cancelled before it ships.
    for (const [file, how] of [['laptop-bundle.json', 'run'], ['saas-suite.json', 'run'], ['network-kit.json', 'operate'], ['network-kit.json', 'amend-then-cancel']]) {
      const order = exampleOrder(file, 'rec');
      await h.client.startOrder(order);
      if (how === 'operate') await actAsOperator(h, order.id);
      if (how === 'amend-then-cancel') await amendThenCancel(h, order.id);
      const summary = await h.client.waitForCompletion(order.id);
      const ids = [
        ['OrderWorkflow', orderWorkflowId(order.id)],
        ...summary.fulfillmentOrders.map((fo) => ['FulfillmentOrderWorkflow', fulfillmentOrderWorkflowId(order.id, fo.id)]),
      ];
      for (const [type, workflowId] of ids) {
        const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
        const name = `${type}-${tag}-${workflowId.replace(/[^A-Za-z0-9-]+/g, '_')}.json`;
        fs.writeFileSync(path.join(OUT, name), `${historyToJSON(history)}\n`);
        console.log(`recorded ${name}`);
      }
    }
  } finally {
    await mochaHooks.afterAll();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
