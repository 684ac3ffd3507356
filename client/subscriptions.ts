import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { AccountIdKey, BillingStateKey, NextBillingDateKey, OrderIdKey } from '../workflows/search-attributes';
import {
  renewUpdate,
  SUBSCRIPTION_WORKFLOW_TYPE,
  subscriptionQuery,
  subscriptionWorkflowId,
  type SubscriptionView,
} from '../workflows/subscription-messages';
import { OrdoError } from './errors';
import type { OrdoClient } from './ordo-client';
import { withTransientUpdateRetry } from './update-retry';

/**
 * Subscriptions as people and scripts read them (`ordo subscriptions`, `ordo subscription`, `ordo renew`): found
 * through visibility (WorkflowType SubscriptionWorkflow, its search attributes), read from the workflow itself.
 */

export interface SubscriptionRow {
  subscriptionId: string;
  workflowId: string;
  orderId: string;
  accountId?: string;
  /** The workflow's own state (active, ended), else how its execution closed (failed, terminated …). */
  state: string;
  nextBillDate?: string;
}

/** Every subscription (of one account), newest first; one row per subscription whatever its runs. */
export async function listSubscriptions(client: OrdoClient, options: { accountId?: string } = {}): Promise<SubscriptionRow[]> {
  const where = [`WorkflowType = "${SUBSCRIPTION_WORKFLOW_TYPE}"`, `ExecutionStatus != "ContinuedAsNew"`];
  if (options.accountId) where.push(`AccountId = "${options.accountId.replace(/"/g, '')}"`);
  const rows = new Map<string, SubscriptionRow>();
  for await (const execution of client.temporal.workflow.list({ query: where.join(' AND ') })) {
    if (rows.has(execution.workflowId)) continue;
    const attributes = execution.typedSearchAttributes;
    const orderId = attributes.get(OrderIdKey) ?? execution.workflowId.replace(/^subscription-/, '');
    const next = attributes.get(NextBillingDateKey);
    const status = execution.status.name;
    rows.set(execution.workflowId, {
      subscriptionId: `SUB-${orderId}`,
      workflowId: execution.workflowId,
      orderId,
      ...(attributes.get(AccountIdKey) ? { accountId: attributes.get(AccountIdKey) } : {}),
      state: status === 'RUNNING' || status === 'COMPLETED' ? (attributes.get(BillingStateKey) ?? status.toLowerCase()) : status.toLowerCase(),
      ...(next && status === 'RUNNING' ? { nextBillDate: next.toISOString().slice(0, 10) } : {}),
    });
  }
  return [...rows.values()];
}

/** `ORDER` or `SUB-ORDER`: the order whose subscription is meant. */
export function subscriptionOrderId(reference: string): string {
  const id = reference.trim();
  if (!id) throw new OrdoError('invalid', 'name the subscription by its order id (ORD-1001) or its id (SUB-ORD-1001)');
  return id.startsWith('SUB-') ? id.slice('SUB-'.length) : id;
}

/** The subscription's view: the live one while it bills, what it returned once ended (no worker needed then). */
export async function getSubscription(client: OrdoClient, reference: string): Promise<SubscriptionView> {
  const orderId = subscriptionOrderId(reference);
  const handle = client.temporal.workflow.getHandle(subscriptionWorkflowId(orderId));
  try {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return (await handle.result()) as SubscriptionView;
    return await handle.query(subscriptionQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw notFound(orderId);
    throw error;
  }
}

/** Early renewal (or the renewal now): the renewal order's id; refused with the workflow's reason. */
export async function renewSubscription(client: OrdoClient, reference: string, request: { effectiveDate?: string; actor: string }): Promise<{ subscriptionId: string; renewalOrderId: string }> {
  const orderId = subscriptionOrderId(reference);
  const handle = client.temporal.workflow.getHandle(subscriptionWorkflowId(orderId));
  try {
    const answer = await withTransientUpdateRetry(() => handle.executeUpdate(renewUpdate, { args: [{ ...(request.effectiveDate ? { effectiveDate: request.effectiveDate } : {}), actor: request.actor }] }));
    return { subscriptionId: `SUB-${orderId}`, renewalOrderId: answer.renewalOrderId };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      throw new OrdoError(cause instanceof ApplicationFailure && cause.type === 'InvalidInput' ? 'invalid' : 'refused', cause?.message ?? error.message);
    }
    if (error instanceof WorkflowNotFoundError) throw new OrdoError('refused', `order ${orderId} has no running subscription: it has ended, or the order never had one (\`ordo subscription ${orderId}\`)`);
    throw error;
  }
}

function notFound(orderId: string): OrdoError {
  return new OrdoError(
    'not-found',
    `order ${orderId} has no subscription: an order gets one when it completes with recurring or usage items (\`ordo status ${orderId}\`; \`ordo subscriptions\` lists them)`,
  );
}
