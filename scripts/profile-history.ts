import { exampleOrder } from '../test/e2e/examples';
import { getHarness } from '../test/e2e/harness';
import { mochaHooks } from '../test/hooks';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../workflows/order';

/** Ad-hoc: runs one example order and prints each workflow's history events by type. */
async function main(): Promise<void> {
  const h = await getHarness();
  try {
    const order = exampleOrder(process.argv[2] ?? 'laptop-bundle.json', 'prof');
    await h.client.startOrder(order);
    const summary = await h.client.waitForCompletion(order.id);
    const ids = [orderWorkflowId(order.id), ...summary.fulfillmentOrders.map((fo) => fulfillmentOrderWorkflowId(order.id, fo.id))];
    let total = 0;
    for (const id of ids) {
      const history = await h.env.client.workflow.getHandle(id).fetchHistory();
      const events = history.events ?? [];
      total += events.length;
      console.log(`== ${id}: ${events.length}`);
      console.log(events.map((e) => String(e.eventType)).join(' '));
    }
    console.log('total', total);
  } finally {
    await mochaHooks.afterAll();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
