import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { cancelSignal, cancelUpdate, type CancelAnswer, type CancelRequest } from '../workflows/messages';
import { orderWorkflowId } from '../workflows/order';
import { OrdoError } from './errors';
import type { OrdoClient } from './ordo-client';

/**
 * Changes to an order in flight, as upstream change-order systems send them. The update answers;
 * the signal form is fire and forget (its refusal is kept in the order's summary).
 */
export async function cancelOrder(client: OrdoClient, orderId: string, request: CancelRequest & { signal?: boolean }): Promise<CancelAnswer | { sent: true; orderId: string }> {
  if (!request.reason?.trim()) throw new OrdoError('invalid', 'a reason is required: say why the order is cancelled (--reason)');
  const handle = client.temporal.workflow.getHandle(orderWorkflowId(orderId));
  const payload: CancelRequest = { reason: request.reason, actor: request.actor };
  try {
    if (request.signal) {
      await handle.signal(cancelSignal, payload);
      return { sent: true, orderId };
    }
    return await handle.executeUpdate(cancelUpdate, { args: [payload] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      const message = cause?.message ?? error.message;
      if (cause instanceof ApplicationFailure && cause.type === 'ChangeOrderRequired') throw new OrdoError('change-order-required', message);
      throw new OrdoError('refused', message);
    }
    if (error instanceof WorkflowNotFoundError) {
      // A finished order takes no more messages: say what state it ended in, or that it does not exist.
      const summary = await client.getSummary(orderId);
      throw new OrdoError('refused', `order ${orderId} is already ${summary.state}; nothing to cancel${summary.state === 'completed' ? `: to return or cancel items, submit a change order with "changeOf": "${orderId}"` : ''}`);
    }
    throw error;
  }
}
