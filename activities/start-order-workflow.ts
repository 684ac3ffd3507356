import type { Client } from '@temporalio/client';
import type { Order } from '../domain/order';
import { orderWorkflowId } from '../workflows/ids';
import { AccountIdKey, ChangeOfKey, ChannelKey, OrderIdKey, OrderStateKey } from '../workflows/search-attributes';

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
    args: [{ order, submittedAt: new Date().toISOString() }],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: OrderIdKey, value: order.id },
      { key: AccountIdKey, value: order.accountId },
      { key: ChannelKey, value: order.channel },
      { key: OrderStateKey, value: 'acknowledged' },
      ...(order.changeOf ? [{ key: ChangeOfKey, value: order.changeOf }] : []),
    ],
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}
