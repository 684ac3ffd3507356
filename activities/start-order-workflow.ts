import type { Client } from '@temporalio/client';
import type { Order } from '../domain/order';
import { orderWorkflowId } from '../workflows/ids';
import { currentVersion, versionMarker } from '../workflows/patches';
import { AccountIdKey, ChangeOfKey, ChannelKey, OrderIdKey, OrderStateKey, TemporalChangeVersionKey } from '../workflows/search-attributes';

/**
 * Starts a checked order's OrderWorkflow (`order-<orderId>`), the one way every submitter does it: `ordo submit`
 * (client/ordo-client.ts startOrder) and the channel syncs (activities/channels). An order id runs once:
 * a second start throws WorkflowExecutionAlreadyStartedError, which each caller reads its own way.
 */
export async function startOrderWorkflow(temporal: Client, taskQueue: string, order: Order): Promise<{ workflowId: string; runId: string }> {
  const workflowId = orderWorkflowId(order.id);
  const handle = await temporal.workflow.start('OrderWorkflow', {
    workflowId,
    taskQueue,
    // The version this build runs, so the order needs no version marker (two events) to know it.
    args: [{ order, submittedAt: new Date().toISOString(), behaviourVersion: currentVersion() }],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: OrderIdKey, value: order.id },
      { key: AccountIdKey, value: order.accountId },
      { key: ChannelKey, value: order.channel },
      { key: OrderStateKey, value: 'acknowledged' },
      // Set at start, as patched() would have written it, so visibility still finds orders by version.
      { key: TemporalChangeVersionKey, value: [versionMarker(currentVersion())] },
      ...(order.changeOf ? [{ key: ChangeOfKey, value: order.changeOf }] : []),
    ],
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}
