import { temporal } from '@temporalio/proto';
import { exampleOrder } from './examples';
import { getHarness } from './harness';
import { mochaHooks } from '../hooks';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';

/**
 * `npm run profile-history -- [example.json]`: runs one example order (default the laptop bundle) on a fresh
 * stack and prints each of its workflows' history, event by event: where the events per order come from.
 */
async function main(): Promise<void> {
  const h = await getHarness();
  try {
    const order = exampleOrder(process.argv[2] ?? 'laptop-bundle.json', 'profile');
    await h.client.startOrder(order);
    const summary = await h.client.waitForCompletion(order.id);
    const ids = [orderWorkflowId(order.id), ...summary.fulfillmentOrders.map((fo) => fulfillmentOrderWorkflowId(order.id, fo.id))];
    let total = 0;
    for (const id of ids) {
      const events = (await h.env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
      total += events.length;
      console.log(`\n${id}: ${events.length} events`);
      for (const event of events) console.log(`  ${temporal.api.enums.v1.EventType[event.eventType ?? 0].replace('EVENT_TYPE_', '')}${detail(event)}`);
    }
    console.log(`\n${summary.state}: ${total} events in ${ids.length} workflows`);
  } finally {
    await mochaHooks.afterAll();
  }
}

function detail(event: temporal.api.history.v1.IHistoryEvent): string {
  const name = event.activityTaskScheduledEventAttributes?.activityType?.name ?? event.markerRecordedEventAttributes?.markerName
    ?? event.workflowExecutionSignaledEventAttributes?.signalName ?? event.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName;
  return name ? ` (${name})` : '';
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
