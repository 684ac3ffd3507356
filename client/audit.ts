import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type QueryDefinition } from '@temporalio/client';
import { chainTrail, type AuditEntry, type AuditExport, type AuditOutcome, type Digest } from '../domain/audit-chain';
import { fulfillmentOrderPlanQuery, summaryQuery } from '../workflows/messages';
import { orderWorkflowId } from '../workflows/ids';
import { invoicePaymentQuery, invoicePaymentWorkflowId, type InvoicePaymentView } from '../workflows/payment-messages';
import { subscriptionQuery, subscriptionWorkflowId, type SubscriptionView } from '../workflows/subscription-messages';
import type { FulfillmentOrderPlan, OrderState, OrderSummary, StepStatus } from '../workflows/types';
import { listInvoices, listPayments, type BillingInvoice, type BillingPayment } from './billing-books';
import { mapConcurrently } from './concurrency';
import { OrdoError } from './errors';
import { listSyncViews } from './sync-views';
import type { SystemApi } from './system-api';

/**
 * `ordo audit ORDER`: the order's audit trail, read — never kept. Every entry comes from what the workflows wrote
 * (their query answers and results, which are Temporal's append-only histories replayed) and from the systems of
 * record (billing's invoices and payments); Ordo keeps no second, editable copy. The export is hash-chained
 * (domain/audit-chain.ts) so that a copy handed to an auditor shows any later edit.
 */

/** SHA-256, lower-case hex: the digest of the chain. */
export const sha256: Digest = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Ordo's own automation, as the actor of what no person asked for. */
export const ORDO = 'ordo';

export interface AuditSources {
  temporal: Client;
  /** The billing system of record; without it the trail holds the documents as the workflows recorded them. */
  billing?: SystemApi;
}

/** The order's trail (its change orders', splits', syncs', subscription's and billing's entries), oldest first, chained. */
export async function auditTrail(sources: AuditSources, orderId: string, generatedAt = new Date().toISOString()): Promise<AuditExport> {
  const { temporal } = sources;
  const summary = await readWorkflow(temporal, orderWorkflowId(orderId), summaryQuery);
  if (!summary) throw new OrdoError('not-found', `no order ${orderId} is known to Temporal; check the id (\`ordo status ${orderId}\`)`);
  const entries: AuditEntry[] = [];
  const unavailable: string[] = [];

  const changeOrders: OrderSummary[] = [];
  for await (const execution of temporal.workflow.list({ query: `ChangeOf = "${orderId.replace(/"/g, '')}" AND WorkflowType = "OrderWorkflow"` })) {
    const change = await readWorkflow(temporal, execution.workflowId, summaryQuery);
    if (change) changeOrders.push(change);
  }
  const orders = [summary, ...changeOrders];
  for (const order of orders) entries.push(...orderEntries(order));
  // Each split is a query of its own: read side by side, in the orders' order.
  const splitIds = orders.flatMap((order) => order.fulfillmentOrders.map((split) => split.workflowId));
  const plans = await mapConcurrently(splitIds, 8, (workflowId) => readWorkflow(temporal, workflowId, fulfillmentOrderPlanQuery));
  plans.forEach((plan, i) => {
    if (plan) entries.push(...splitEntries(plan, splitIds[i]));
    else unavailable.push(`workflow ${splitIds[i]} (not found: its history is gone, past the namespace's retention)`);
  });

  const syncs = await listSyncViews(temporal, { orderId }).catch((error: Error) => {
    unavailable.push(`channel syncs (${error.message})`);
    return [];
  });
  for (const view of syncs) {
    for (const action of view.operatorActions ?? []) {
      entries.push({ at: action.at, actor: action.actor, action: `sync fallout ${action.action}`, target: `sync step ${action.step}`, outcome: 'accepted', ...(action.note ? { detail: action.note } : {}), source: `workflow ${view.workflowId}`, ...credentialOf(action) });
    }
    for (const record of view.log) {
      entries.push({
        at: record.at,
        actor: ORDO,
        action: `sync ${record.step}`,
        target: record.targetRecord ?? record.sourceRecord,
        outcome: record.outcome === 'Success' ? 'succeeded' : record.outcome === 'Error' ? 'failed' : 'pending',
        detail: [`${record.process} from ${record.sourceRecord}, trigger ${record.trigger}`, record.errorMessage].filter(Boolean).join(': '),
        source: `workflow ${view.workflowId}`,
      });
    }
  }

  const subscriptionId = `SUB-${orderId}`;
  const subscription = summary.subscriptionId ? await readWorkflow(temporal, subscriptionWorkflowId(orderId), subscriptionQuery) : undefined;
  const orderIds = new Set([orderId, ...changeOrders.map((c) => c.orderId)]);
  const billed = await readBilling(sources.billing, summary.accountId, orderIds, subscriptionId).catch((error: Error) => {
    unavailable.push(`billing (${error.message})`);
    return undefined;
  });
  entries.push(...documentEntries(orders, subscription, billed));
  const payments = await mapConcurrently(documentIds(orders, subscription, billed), 8, (documentId) => readWorkflow(temporal, invoicePaymentWorkflowId(documentId), invoicePaymentQuery));
  for (const payment of payments) if (payment) entries.push(...collectionEntries(payment));
  if (!sources.billing) unavailable.push('billing (no systems.billing in the configuration: documents as the workflows recorded them, no payments)');

  const trail = chainTrail(orderId, generatedAt, entries, sha256);
  return unavailable.length ? { ...trail, unavailable } : trail;
}

// ---- The order workflow: actions, refused messages, point of no return, compensations, billing, its end ----

const STATE_OUTCOME: Partial<Record<OrderState, AuditOutcome>> = { completed: 'succeeded', failed: 'failed', rejected: 'refused', cancelled: 'cancelled' };

export function orderEntries(summary: OrderSummary): AuditEntry[] {
  const source = `workflow ${orderWorkflowId(summary.orderId)}`;
  const target = `order ${summary.orderId}`;
  const entries: AuditEntry[] = [];
  const submittedAt = summary.submittedAt ?? summary.actions[0]?.at;
  // The actions the order came with (no actor: the channel sent them) are the submission's own, told in its entry.
  const submitted = summary.actions.filter((a) => a.actor === undefined && a.at === submittedAt);
  if (submittedAt) {
    const what = submitted.map((a) => `${a.type} ${a.itemIds.join(', ')}`).join('; ');
    entries.push({
      at: submittedAt,
      actor: summary.channel,
      action: summary.changeOf ? 'submit change order' : 'submit',
      target,
      outcome: 'accepted',
      detail: [summary.changeOf ? `change of ${summary.changeOf}` : `channel ${summary.channel}`, what].filter(Boolean).join(': '),
      source,
    });
  }
  for (const action of summary.actions) {
    if (submitted.includes(action)) continue;
    entries.push({
      at: action.at,
      actor: action.actor ?? summary.channel,
      action: `order action ${action.type}`,
      target: `${target} items ${action.itemIds.join(', ')}`,
      outcome: 'accepted',
      ...(action.note ? { detail: action.note } : {}),
      source,
      ...credentialOf(action),
    });
  }
  for (const refused of summary.rejectedMessages ?? []) {
    entries.push({ at: refused.at, actor: refused.actor ?? 'unknown', action: refused.message, target, outcome: 'refused', detail: refused.reason, source });
  }
  for (const ponr of summary.pointOfNoReturn ?? []) {
    entries.push({ at: ponr.at, actor: ORDO, action: 'point of no return', target: `${target} item ${ponr.orderItemId}`, outcome: 'accepted', detail: `passed by ${ponr.stepId} in ${ponr.fulfillmentOrderId}`, source });
  }
  for (const compensation of [...(summary.cancellation?.compensations ?? []), ...(summary.amendmentCompensations ?? [])]) {
    entries.push({
      at: compensation.at,
      actor: ORDO,
      action: 'compensate',
      target: `step ${compensation.fulfillmentOrderId}/${compensation.stepId}`,
      outcome: compensation.state === 'Completed' ? 'succeeded' : 'failed',
      detail: [`${compensation.call.system} ${compensation.call.operation}`, compensation.error].filter(Boolean).join(': '),
      source,
    });
  }
  if (summary.billing.releasedAt) entries.push({ at: summary.billing.releasedAt, actor: ORDO, action: 'billing milestone', target, outcome: 'succeeded', detail: 'every split done: the order is billed', source });
  const outcome = STATE_OUTCOME[summary.state];
  const endedAt = summary.completedAt ?? (summary.state === 'rejected' ? submittedAt : undefined);
  if (outcome && endedAt) entries.push({ at: endedAt, actor: ORDO, action: `order ${summary.state}`, target, outcome, ...(summary.reason ? { detail: summary.reason } : {}), source });
  return entries;
}

// ---- A split: operators' actions, refused messages, fallout, jeopardy, cancellation ----

export function splitEntries(plan: FulfillmentOrderPlan, workflowId: string): AuditEntry[] {
  const source = `workflow ${workflowId}`;
  const entries: AuditEntry[] = [];
  for (const step of plan.steps) {
    const target = `step ${plan.fulfillmentOrderId}/${step.id}`;
    for (const action of step.operatorActions ?? []) {
      entries.push({ at: action.at, actor: action.actor, action: action.action, target, outcome: 'accepted', ...(action.note ? { detail: action.note } : {}), source, ...credentialOf(action) });
    }
    // A pause step resumed by a signal or an attribute update keeps who in completedBy only.
    if (step.type === 'pause' && step.completedBy && step.completedAt) {
      entries.push({ at: step.completedAt, actor: step.completedBy.actor, action: 'resume', target, outcome: 'accepted', detail: step.completedBy.via, source, ...credentialOf(step.completedBy) });
    }
    for (const refused of step.rejectedMessages ?? []) {
      entries.push({ at: refused.at, actor: refused.actor ?? 'unknown', action: refused.message, target, outcome: 'refused', detail: refused.reason, source });
    }
    entries.push(...falloutEntries(step, target, source));
    if (step.jeopardy !== 'none' && step.jeopardyAt) {
      entries.push({ at: step.jeopardyAt, actor: ORDO, action: 'jeopardy', target, outcome: 'pending', detail: `in jeopardy (${step.queue ?? step.falloutQueue ?? 'no queue'})`, source });
    }
    if (step.jeopardy === 'late' && step.lateAt) entries.push({ at: step.lateAt, actor: ORDO, action: 'late', target, outcome: 'pending', detail: 'past its estimated duration', source });
  }
  for (const refused of plan.rejectedMessages ?? []) {
    entries.push({ at: refused.at, actor: refused.actor ?? 'unknown', action: refused.message, target: `fulfillment order ${plan.fulfillmentOrderId}`, outcome: 'refused', detail: refused.reason, source });
  }
  if (plan.cancellation) {
    entries.push({ at: plan.cancellation.at, actor: plan.cancellation.actor ?? ORDO, action: 'cancel fulfillment order', target: `fulfillment order ${plan.fulfillmentOrderId}`, outcome: 'accepted', detail: plan.cancellation.reason, source });
  }
  return entries;
}

/** Fallout as the step recorded it (`fallouts`, since the audit work); an older history shows only a fallout still open. */
function falloutEntries(step: StepStatus, target: string, source: string): AuditEntry[] {
  const entry = (at: string, queue: string, message: string, code: string | undefined, attempts: number): AuditEntry => ({
    at,
    actor: ORDO,
    action: 'fallout',
    target,
    outcome: 'failed',
    detail: `to queue ${queue} after ${attempts} attempt(s): ${message}${code ? ` (${code})` : ''}`,
    source,
  });
  if (step.fallouts) return step.fallouts.map((f) => entry(f.at, f.queue, f.message, f.code, f.attempts));
  if (step.state === 'FatallyFailed' && step.error && step.startedAt) return [entry(step.startedAt, step.falloutQueue ?? 'fallout', step.error.message, step.error.code, step.error.attempts)];
  return [];
}

// ---- Billing documents, payments and collections ----

interface Billed {
  invoices: BillingInvoice[];
  payments: BillingPayment[];
}

async function readBilling(billing: SystemApi | undefined, accountId: string, orderIds: Set<string>, subscriptionId: string): Promise<Billed | undefined> {
  if (!billing) return undefined;
  const [invoices, payments] = await Promise.all([listInvoices(billing, accountId), listPayments(billing, accountId)]);
  const ours = invoices.filter((d) => (d.orderId !== undefined && orderIds.has(d.orderId)) || d.subscriptionId === subscriptionId);
  const ids = new Set(ours.map((d) => d.id));
  return { invoices: ours, payments: payments.filter((p) => ids.has(p.invoiceId)) };
}

/** Each document once: as billing keeps it when billing answers, else as the workflow that issued it recorded it. */
function documentEntries(orders: OrderSummary[], subscription: SubscriptionView | undefined, billed: Billed | undefined): AuditEntry[] {
  const entries: AuditEntry[] = [];
  const inBilling = new Map((billed?.invoices ?? []).map((d) => [d.id, d]));
  const triggers = new Map((subscription?.documents ?? []).map((d) => [d.id, d.trigger]));
  for (const document of billed?.invoices ?? []) {
    const at = typeof document.receivedAt === 'string' ? document.receivedAt : undefined;
    const trigger = triggers.get(document.id);
    entries.push({
      at: at ?? '',
      actor: ORDO,
      action: `issue ${document.kind}`,
      target: `${document.kind} ${document.id}`,
      outcome: 'succeeded',
      detail: [`${document.total} ${document.currency ?? ''}`.trim(), `status ${document.status}`, document.orderId ? `order ${document.orderId}` : `subscription ${document.subscriptionId}`, trigger ? `trigger ${trigger}` : undefined].filter(Boolean).join(', '),
      source: 'billing',
    });
  }
  for (const payment of billed?.payments ?? []) {
    entries.push({
      at: payment.at,
      actor: ORDO,
      action: 'payment',
      target: `payment ${payment.id} of ${payment.invoiceId}`,
      outcome: payment.status === 'Failed' ? 'failed' : 'succeeded',
      detail: `${payment.amount} by ${payment.method}${payment.last4 ? ` …${payment.last4}` : ''}, ${payment.status}${payment.reference ? `, reference ${payment.reference}` : ''}`,
      source: 'billing',
    });
  }
  for (const order of orders) {
    for (const document of order.invoices) {
      if (inBilling.has(document.id)) continue;
      entries.push({
        at: order.completedAt ?? order.billing.releasedAt ?? '',
        actor: ORDO,
        action: `issue ${document.kind}`,
        target: `${document.kind} ${document.id}`,
        outcome: 'succeeded',
        detail: `${document.total} ${document.currency} (billing not read: as the order recorded it)`,
        source: `workflow ${orderWorkflowId(order.orderId)}`,
      });
    }
  }
  for (const document of subscription?.documents ?? []) {
    if (inBilling.has(document.id)) continue;
    entries.push({
      at: document.date,
      actor: ORDO,
      action: `issue ${document.kind}`,
      target: `${document.kind} ${document.id}`,
      outcome: 'succeeded',
      detail: `${document.total}, trigger ${document.trigger} (billing not read: as the subscription recorded it)`,
      source: `workflow ${subscription!.workflowId}`,
    });
  }
  return entries;
}

function documentIds(orders: OrderSummary[], subscription: SubscriptionView | undefined, billed: Billed | undefined): string[] {
  return [...new Set([...orders.flatMap((o) => o.invoices.map((d) => d.id)), ...(subscription?.documents ?? []).map((d) => d.id), ...(billed?.invoices ?? []).map((d) => d.id)])];
}

/** An invoice's collection (InvoicePaymentWorkflow): dunning attempts, collections, operators' actions and refusals. */
export function collectionEntries(view: InvoicePaymentView): AuditEntry[] {
  const source = `workflow ${invoicePaymentWorkflowId(view.invoiceId)}`;
  const target = `invoice ${view.invoiceId}`;
  const entries: AuditEntry[] = view.attempts.map((attempt) => ({
    at: attempt.at,
    actor: ORDO,
    action: `collect (attempt ${attempt.attempt})`,
    target,
    outcome: attempt.outcome === 'Settled' ? ('succeeded' as const) : ('failed' as const),
    ...(attempt.outcome === 'Failed' ? { detail: attempt.message ?? attempt.declineCode ?? 'declined' } : attempt.paymentId ? { detail: `payment ${attempt.paymentId}` } : {}),
    source,
  }));
  if (view.collections) entries.push({ at: view.collections.since, actor: ORDO, action: 'collections', target, outcome: 'pending', detail: `${view.collections.reason}${view.collections.queue ? ` (queue ${view.collections.queue})` : ''}`, source });
  for (const action of view.operatorActions ?? []) {
    entries.push({ at: action.at, actor: action.actor, action: `collections ${action.action}`, target, outcome: 'accepted', ...(action.note ? { detail: action.note } : {}), source, ...credentialOf(action) });
  }
  for (const refused of view.rejectedMessages ?? []) {
    entries.push({ at: refused.at, actor: refused.actor ?? 'unknown', action: refused.message, target, outcome: 'refused', detail: refused.reason, source });
  }
  return entries;
}

// ---- Reading ----

/**
 * The signed-operator proof a recorded action kept (identity work: `credential: { operator, issuedAt, signature }`),
 * when it kept one. The workflow checked it when it accepted the message, so a recorded credential is `verified`.
 */
function credentialOf(recorded: object): Pick<AuditEntry, 'credential' | 'verified'> {
  const { credential, verified } = recorded as { credential?: unknown; verified?: unknown };
  if (!credential || typeof credential !== 'object') return {};
  const { operator, issuedAt, signature } = credential as Record<string, unknown>;
  if (typeof operator !== 'string' || typeof issuedAt !== 'string' || typeof signature !== 'string') return {};
  return { credential: { operator, issuedAt, signature }, verified: typeof verified === 'boolean' ? verified : true };
}

/**
 * What a workflow shows: its result once it completed (read from its history, no worker needed), its query's
 * answer otherwise; undefined when Temporal knows no such workflow.
 */
async function readWorkflow<T>(temporal: Client, workflowId: string, query: QueryDefinition<T>): Promise<T | undefined> {
  const handle = temporal.workflow.getHandle(workflowId);
  try {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return (await handle.result()) as T;
    return await handle.query(query);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}
