import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OperatorCredential, OperatorRecord } from '../domain/operator-signature';
import type { QueueDirectory } from '../domain/queues';

/**
 * Collecting one invoice (InvoicePaymentWorkflow, id `payment-<invoiceId>`) and the scheduled runs that start them.
 * A leaf, shared by the workflows, the scheduler set-up, the client and the CLI.
 *
 * Payment state per invoice (DESIGN.md "Billing records"): `Posted → Authorized → Paid`, or `Failed` (a decline,
 * retried on the dunning schedule), then `Collections` (an operator's), and `Refunded`.
 */

export const INVOICE_PAYMENT_WORKFLOW_TYPE = 'InvoicePaymentWorkflow';
export const invoicePaymentWorkflowId = (invoiceId: string): string => `payment-${invoiceId}`;

export const PAYMENT_STATES = ['Posted', 'Authorized', 'Paid', 'Failed', 'Collections', 'Refunded', 'WrittenOff'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export interface InvoicePaymentInput {
  invoiceId: string;
  accountId: string;
  /** The dunning schedule (billing.dunning.retryAfter), in milliseconds: one retry after each. */
  retryAfterMs: number[];
  /** The queue an operator works the invoice in once it is in collections (billing.dunning.collectionsQueue). */
  collectionsQueue?: string;
  /** Who may act in collections: the collections queue's entry of the directory, and the keys, recorded when started. */
  queues?: QueueDirectory;
  operators?: OperatorRecord;
  behaviourVersion?: number;
}

export interface PaymentAttempt {
  attempt: number;
  at: string;
  outcome: 'Settled' | 'Failed';
  paymentId?: string;
  declineCode?: string;
  message?: string;
}

export interface InvoicePaymentView {
  invoiceId: string;
  accountId: string;
  state: PaymentState;
  amount: string;
  currency: string;
  attempts: PaymentAttempt[];
  /** When the next dunning retry is due (Failed). */
  nextRetryAt?: string;
  /** Why the invoice is in collections, and since when. */
  collections?: { since: string; reason: string; queue?: string };
  /** Operators' actions on the invoice in collections (retry, paid, writeOff), oldest first: the audit trail. Absent in older histories. */
  operatorActions?: Array<{ at: string; actor: string; action: CollectionsAction['action']; note?: string; credential?: OperatorCredential; verified?: boolean }>;
  /** resolveCollections signals that were refused (a signal cannot answer), with why. Absent in older histories. */
  rejectedMessages?: Array<{ at: string; message: string; actor?: string; reason: string }>;
}
export const invoicePaymentQuery = defineQuery<InvoicePaymentView>('invoicePayment');

/** What an operator does with an invoice in collections (`ordo collections retry|paid|write-off INVOICE`). */
export type CollectionsAction = (
  | { action: 'retry'; actor: string }
  | { action: 'paid'; actor: string; reference: string }
  | { action: 'writeOff'; actor: string; reason: string }
) & { credential?: OperatorCredential };
export const resolveCollectionsUpdate = defineUpdate<InvoicePaymentView, [CollectionsAction]>('resolveCollections');
export const resolveCollectionsSignal = defineSignal<[CollectionsAction]>('resolveCollections');

/** The scheduled runs: the Schedule's action (and `ordo simulate`'s daily tick) starts one with a target date. */
export const INVOICE_RUN_WORKFLOW_TYPE = 'InvoiceRunWorkflow';
export const PAYMENT_RUN_WORKFLOW_TYPE = 'PaymentRunWorkflow';
export const INVOICE_SCHEDULE_ID = 'ordo-invoice-scheduler';
export const PAYMENT_SCHEDULE_ID = 'ordo-payment-scheduler';

export interface SchedulerRunInput {
  /** YYYY-MM-DD; absent: today (workflow time) plus the scheduler's `targetDays`. */
  targetDate?: string;
  /** How many days past today the target date is when none is given (billing.schedulers.*.targetDays). */
  targetDays?: number;
}
export interface SchedulerRunResult {
  targetDate: string;
  /** Invoice run: subscriptions billed and the documents issued. Payment run: invoices whose payment workflow started. */
  picked: string[];
  issued: string[];
  /** Items passed over, with why (a subscription that did not answer, an account without a payment method). */
  skipped: { id: string; reason: string }[];
}
