import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { amendmentLimitProblems } from '../domain/limits';
import { AmendRequest } from '../domain/order-actions';
import { InvalidInput, parseWith, renderProblems } from '../domain/problems';
import { amendmentGuardProblems } from '../domain/catalog-guards';
import type { Order } from '../domain/order';
import { amendUpdate, approveOrderUpdate, cancelSignal, cancelUpdate, orderRecordQuery, type AmendAnswer, type ApproveOrderAnswer, type ApproveOrderRequest, type CancelAnswer, type CancelRequest } from '../workflows/messages';
import { orderWorkflowId } from '../workflows/ids';
import { OrdoError } from './errors';
import { signRequest, type OperatorSigner } from './operator-credentials';
import { withTransientUpdateRetry } from './update-retry';
import type { OrdoClient } from './ordo-client';

/**
 * Changes to an order in flight, as upstream change-order systems send them. The update answers;
 * the signal form is fire and forget (its refusal is kept in the order's summary).
 */
export async function cancelOrder(client: OrdoClient, orderId: string, request: CancelRequest & { signal?: boolean }, signer?: OperatorSigner): Promise<CancelAnswer | { sent: true; orderId: string }> {
  if (!request.reason?.trim()) throw new OrdoError('invalid', 'a reason is required: say why the order is cancelled (--reason)');
  const handle = client.temporal.workflow.getHandle(orderWorkflowId(orderId));
  const actor = request.actor ?? signer?.operator;
  if (signer && actor !== signer.operator) throw new OrdoError('refused', `you act as ${signer.operator} (your credential), not ${actor}`);
  const payload: CancelRequest = signRequest(signer, 'cancel', handle.workflowId, { reason: request.reason, actor });
  return sendChange(client, orderId, 'cancel', async () => {
    if (request.signal) {
      await handle.signal(cancelSignal, payload);
      return { sent: true, orderId };
    }
    return handle.executeUpdate(cancelUpdate, { args: [payload] });
  });
}

/** Approves (or refuses) an order waiting `pending` for the approval its catalog asks for; only a member of its approval queue may. */
export async function approveOrder(client: OrdoClient, orderId: string, request: Omit<ApproveOrderRequest, 'actor'> & { actor?: string }, signer?: OperatorSigner): Promise<ApproveOrderAnswer> {
  const actor = request.actor ?? signer?.operator;
  if (!actor) throw new OrdoError('invalid', 'say who approves: --actor NAME (a member of the order\'s approval queue)');
  if (signer && actor !== signer.operator) throw new OrdoError('refused', `you act as ${signer.operator} (your credential), not ${actor}`);
  const handle = client.temporal.workflow.getHandle(orderWorkflowId(orderId));
  const payload: ApproveOrderRequest = signRequest(signer, 'approveOrder', handle.workflowId, { actor, approved: request.approved, ...(request.reason ? { reason: request.reason } : {}) });
  return sendChange(client, orderId, 'approve', () => handle.executeUpdate(approveOrderUpdate, { args: [payload] }));
}

/**
 * Order actions (Add, Amend, Cancel of items, ChangeDeliveryAddress of a delivery group) before the point of no
 * return; refused with ChangeOrderRequired after it.
 */
export async function amendOrder(client: OrdoClient, orderId: string, input: unknown, signer?: OperatorSigner): Promise<AmendAnswer> {
  const request = checkAmendment(input);
  if (signer && request.actor !== signer.operator) throw new OrdoError('refused', `the amendment says actor ${request.actor}, but you act as ${signer.operator} (your credential)`);
  const workflowId = orderWorkflowId(orderId);
  await refuseOutsideCatalog(client, workflowId, request);
  return sendChange(client, orderId, 'amend', () => client.temporal.workflow.getHandle(workflowId).executeUpdate(amendUpdate, { args: [signRequest(signer, 'amend', workflowId, request)] }));
}

/** An amendment's shape and size, checked without the order (`ordo amend` checks its file before it connects). */
export function checkAmendment(input: unknown): AmendRequest {
  try {
    const tooLarge = amendmentLimitProblems(input);
    if (tooLarge.length > 0) throw new InvalidInput('amendment', tooLarge);
    return parseWith(AmendRequest, input, 'amendment');
  } catch (error) {
    if (error instanceof InvalidInput) throw new OrdoError('invalid', error.message, error.problems);
    throw error;
  }
}

/**
 * The catalog guards (allowed attribute values, the price book) on what the amendment adds and sets, checked here
 * against the order as it stands, before the workflow sees it. Without a catalog here, or when the order cannot
 * be read, the worker's decomposition of the amended order checks the same and refuses the amendment.
 */
async function refuseOutsideCatalog(client: OrdoClient, workflowId: string, request: AmendRequest): Promise<void> {
  if (!client.catalog) return;
  let order: Order;
  try {
    order = (await client.temporal.workflow.getHandle(workflowId).query(orderRecordQuery)).order;
  } catch {
    return; // sendChange says why the order takes no amendment
  }
  const problems = amendmentGuardProblems(order, request.actions, client.catalog);
  if (problems.length > 0) throw new OrdoError('invalid', renderProblems(`amendment of order ${order.id}`, problems), problems);
}

/** The workflow's refusal reaches the caller as data: ChangeOrderRequired, or refused with the reason. */
async function sendChange<T>(client: OrdoClient, orderId: string, verb: string, send: () => Promise<T>): Promise<T> {
  try {
    return await withTransientUpdateRetry(send);
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
      throw new OrdoError('refused', `order ${orderId} is already ${summary.state}; nothing to ${verb}${summary.state === 'completed' ? `: to return or cancel items, submit a change order with "changeOf": "${orderId}"` : ''}`);
    }
    throw error;
  }
}
