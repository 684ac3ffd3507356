import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowExecutionDescription } from '@temporalio/client';
import { parseIsoDate } from '../domain/civil-date';
import { billNowUpdate, subscriptionWorkflowId, type IssuedDocument, type SubscriptionView } from '../workflows/subscription-messages';
import { OrdoError } from './errors';
import type { OrdoClient } from './ordo-client';
import { withTransientUpdateRetry } from './update-retry';

/** How long `ordo bill-now` waits for the subscription to answer (it fetches usage and sends invoices). */
const ANSWER_WITHIN_MS = 60_000;

/** What `ordo bill-now ORDER --json` prints. */
export interface BillNowOutcome {
  orderId: string;
  /**
   * `billed`: the subscription issued documents; `nothingDue`: everything due by the date was billed already
   * (by its own timer, an invoice run or an earlier Bill Now); `ended`: the subscription's term is over and billed;
   * `invoicedAlready`: the order has no subscription and its one invoice was issued at its billing milestone.
   */
  outcome: 'billed' | 'nothingDue' | 'ended' | 'invoicedAlready';
  workflowId?: string;
  asOf?: string;
  issued: IssuedDocument[];
  nextBillDate?: string;
  /** The order's own invoices, for an order without a subscription. */
  invoices?: { id: string; kind: string; total: string }[];
}

/**
 * Bill Now: the order's subscription (`subscription-<ORDER>`) bills at once everything due on or before `asOf`
 * (default: its today). It keeps what it billed, so the next scheduled invoice run issues nothing for those
 * periods. An order without a subscription is billed once, at its billing milestone: answered with its invoice
 * when it has one, refused (with why) before then.
 */
export async function billNow(client: OrdoClient, orderId: string, asOf?: string): Promise<BillNowOutcome> {
  if (asOf !== undefined) checkDate(asOf);
  const workflowId = subscriptionWorkflowId(orderId);
  const handle = client.temporal.workflow.getHandle(workflowId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return withoutSubscription(client, orderId);
    throw error;
  }
  if (description.status.name !== 'RUNNING') {
    // An ended subscription answers its view as its result, so it is read without a worker.
    const view = description.status.name === 'COMPLETED' ? ((await handle.result()) as SubscriptionView) : undefined;
    if (!view) throw new OrdoError('refused', `the subscription of order ${orderId} (${workflowId}) is ${description.status.name.toLowerCase()}, not running: it bills nothing more. See why in the Web UI`);
    return { orderId, outcome: 'ended', workflowId, asOf, issued: [], nextBillDate: view.nextBillDate };
  }
  const answer = await withinDeadline(
    withTransientUpdateRetry(() => handle.executeUpdate(billNowUpdate, { args: [{ asOf, trigger: 'billNow' }] })),
    `the subscription of order ${orderId} (${workflowId}) did not answer within ${ANSWER_WITHIN_MS / 1000} seconds: is a worker running? (\`ordo stack status\`)`,
  ).catch((error: unknown) => {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new OrdoError('refused', `the subscription of order ${orderId} refused Bill Now: ${error.cause?.message ?? error.message}`);
    }
    throw error;
  });
  return { orderId, outcome: answer.issued.length ? 'billed' : 'nothingDue', workflowId, asOf, issued: answer.issued, nextBillDate: answer.nextBillDate };
}

/** An order with no subscription: invoiced at its billing milestone, or not yet. Unknown orders are not-found. */
async function withoutSubscription(client: OrdoClient, orderId: string): Promise<BillNowOutcome> {
  const summary = await client.getSummary(orderId);
  const invoices = summary.invoices.map((invoice) => ({ id: invoice.id, kind: invoice.kind, total: invoice.total }));
  if (invoices.length) return { orderId, outcome: 'invoicedAlready', issued: [], invoices };
  if (summary.billing.milestone === 'waiting') {
    throw new OrdoError(
      'refused',
      `order ${orderId} is ${summary.state} and has not reached its billing milestone: it is invoiced when its fulfillment does, ` +
        'and its subscription (recurring items) starts then. Bill Now bills what is due, and nothing is yet. `ordo status ' + orderId + '` shows where it is',
    );
  }
  throw new OrdoError('refused', `order ${orderId} is ${summary.state} and has no subscription and no invoice: there is nothing to bill${summary.reason ? ` (${summary.reason})` : ''}`);
}

function checkDate(asOf: string): void {
  try {
    parseIsoDate(asOf, '--as-of');
  } catch {
    throw new OrdoError('invalid', `--as-of takes a calendar date, YYYY-MM-DD (such as 2027-01-31), not "${asOf}"`);
  }
}

async function withinDeadline<T>(work: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OrdoError('timeout', message)), ANSWER_WITHIN_MS);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
