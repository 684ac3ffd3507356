import type { SystemCall } from '../domain/catalog';
import type { ChangeContext } from '../domain/change-order';
import type { Invoice } from '../domain/invoice';
import type { CartItem } from '../domain/cart';
import type { CpqAccountRecord, CpqOrderRecord, CpqPricedLine, CpqQuoteRecord, StorefrontOrderRecord } from '../domain/channel-records';
import type { Billing, DeliveryGroup, Order, OrderPayment } from '../domain/order';
import type { Subscription, SubscriptionChange } from '../domain/subscription';
import type { FulfillmentLineItem, Plan } from '../domain/plan';
import type { AssignmentPolicy } from '../domain/queues';
import type { OrderEvent } from '../domain/tmf622';
import type { ChannelPoll, SyncStartResult, SyncTrigger } from '../workflows/channel-intake-messages';
import type { AccountJoin } from '../workflows/messages';

/**
 * What the activities take and answer: the contract between workflow code and the worker's I/O. A leaf (types
 * only), so workflows import it as types and never load the activities' implementation or what it imports.
 */
export interface OrdoActivities {
  /** Validates and decomposes the order against the worker's catalog and live stock; the plan lands in history. */
  decomposeOrder(order: Order): Promise<Plan>;
  callout(request: CalloutRequest): Promise<unknown>;
  runAutoTask(request: AutoTaskRequest): Promise<unknown>;
  /** Posts a jeopardy or late alert to the configured webhook system. */
  sendAlert(alert: SlaAlert): Promise<void>;
  /** The member a manual task goes to, by the queue's assignment policy; undefined when it goes to nobody in particular. */
  assignManualTask(request: ManualTaskAssignment): Promise<string | undefined>;
  /** A change order's original, its invoice and earlier changes, checked against the change. */
  loadChangeContext(change: Order): Promise<ChangeContext>;
  /** Joins an order to its account's long-running workflow for one destination; answers that workflow's id. */
  joinAccountWork(request: AccountWorkJoin): Promise<string>;
  /** Bills a change order's delta: a credit memo and/or an invoice. */
  issueChangeBilling(request: ChangeBillingRequest): Promise<Invoice[]>;
  /** Builds the invoice from the order items and sends it, never twice. */
  issueInvoice(request: InvoiceRequest): Promise<Invoice>;
  /** The channel intake's look at the storefront outbox after the cursor and at CPQ's orders waiting for a storefront twin. */
  pollChannels(request: { storefrontCursor: number }): Promise<ChannelPoll>;
  /** Starts each sync on the task queue, or finds it running or completed (`started: false`). */
  startChannelSyncs(request: { taskQueue: string; syncs: SyncTrigger[] }): Promise<SyncStartResult[]>;
}

export interface CalloutRequest {
  call: SystemCall;
  /** Stable across retries of the same step run: the receiving system deduplicates on it. */
  idempotencyKey: string;
  body: Record<string, unknown>;
}

export interface AutoTaskRequest {
  handler: string;
  context: AutoTaskContext;
}

/**
 * What an auto-task handler gets: the step's context. It returns the step's output (kept on the step, passed
 * to dependents).
 */
export interface AutoTaskContext {
  orderId: string;
  fulfillmentOrderId: string;
  stepId: string;
  location?: string;
  system?: string;
  lineItems: FulfillmentLineItem[];
  /** Outputs of the steps this one depends on, by step id. */
  input: Record<string, unknown>;
}

export interface SlaAlert {
  orderId: string;
  fulfillmentOrderId: string;
  stepId: string;
  stage: 'inJeopardy' | 'late';
  message: string;
  estimatedDuration?: number;
  startedAt?: string;
  deadline: string;
  queue?: string;
  assignee?: string;
}

export interface ManualTaskAssignment {
  queue: string;
  policy: AssignmentPolicy;
  members: string[];
}

export interface AccountWorkJoin {
  accountId: string;
  destination: string;
  join: AccountJoin;
}

export interface ChangeBillingRequest {
  change: Order;
  context: ChangeContext;
}

export interface InvoiceRequest {
  order: Order;
  kind: 'invoice' | 'creditMemo';
  /** 1 for an order's invoice; change orders bill under their own order id. */
  sequence: number;
  /** Items the order's subscription bills per period: on this invoice at 0.00 (BuildInvoiceOptions.billedElsewhere). */
  billedElsewhere?: string[];
}

import type { OperatorRecord } from '../domain/operator-signature';
export type { CpqAccountRecord, CpqOrderRecord, CpqPricedLine, CpqQuoteRecord, StorefrontOrderRecord };

/**
 * The channel syncs' steps (activities/channels/): each finds the record it would make, by the source ids it
 * carries, before making it, and makes it with the step's stable Idempotency-Key (domain/sync-log.ts
 * syncStepKey); a 409 `already-linked` answer is the record found. 4xx answers fail non-retryably (the sync
 * falls out), 5xx and timeouts retryably (the sync retries).
 */
export interface ChannelActivities {
  readStorefrontOrder(storefrontOrderId: string): Promise<StorefrontOrderRecord>;
  /** Refuses when the storefront's or CPQ's tax table (`GET …/tax`) differs from the worker's billing config, naming both. */
  checkTaxTables(): Promise<void>;
  findOrCreateCpqAccount(request: CpqAccountRequest): Promise<CpqAccountRecord>;
  findOrCreateOpportunity(request: OpportunityRequest): Promise<{ id: string }>;
  findOrCreateQuote(request: QuoteRequest): Promise<CpqQuoteRecord>;
  findOrCreateCpqOrder(request: CpqOrderRequest): Promise<CpqOrderRecord>;
  /** Activates (and contracts) a CPQ order; one already Activated is found. */
  activateCpqOrder(request: ActivationRequest): Promise<CpqOrderRecord>;
  linkStorefrontOrder(request: StorefrontLinksRequest): Promise<StorefrontOrderRecord>;
  /** Refuses when the Ordo invoice of `order` (the worker's billing config) would not total `total`, naming both. */
  checkInvoiceTotal(request: InvoiceTotalCheck): Promise<{ total: string }>;
  /** Starts the order's OrderWorkflow as `ordo submit` does; an order already submitted is found. Does not wait for it. */
  submitOrdoOrder(order: Order): Promise<SubmittedOrdoOrder>;
  /** A CPQ order and its account (reorder sync's source). */
  readCpqOrder(cpqOrderId: string): Promise<{ order: CpqOrderRecord; account: CpqAccountRecord }>;
  findOrCreateStorefrontTwin(request: StorefrontTwinRequest): Promise<StorefrontOrderRecord>;
  /** Marks a CPQ order with its storefront twin (`b2bOrder`); one already marked with it is found. */
  markCpqOrder(request: { cpqOrderId: string; b2bOrder: string }): Promise<CpqOrderRecord>;
  /**
   * Who may resolve a sync's fallout, read when the sync falls out: the operators' keys (signed mode) and the
   * members of the sync fallout queue in the worker's configuration.
   */
  syncFalloutAuthority(queue: string): Promise<SyncFalloutAuthority>;
}

export interface SyncFalloutAuthority {
  operators?: OperatorRecord;
  /** The queue's members; absent when the configuration has no such queue (anyone signed may resolve). */
  members?: string[];
}

export interface CpqAccountRequest {
  /** The storefront order the account is looked up for (its step key). */
  storefrontOrderId: string;
  accountNumber: string;
  name: string;
}

export interface OpportunityRequest {
  storefrontOrderId: string;
  accountId: string;
  name: string;
  closeDate: string;
}

/** `POST /cpq/quotes` lines, as the connector sends them: prices exactly the storefront's. */
export type QuoteLineRequest = Omit<CpqPricedLine, 'id' | 'total' | 'sourceLineId'> & {
  sourceLineId: string;
  parentSourceLineId?: string;
};

export interface QuoteRequest {
  storefrontOrderId: string;
  opportunityId: string;
  currency: string;
  /** The storefront order's order-level discount. */
  discount?: string;
  lines: QuoteLineRequest[];
}

export interface CpqOrderRequest {
  storefrontOrderId: string;
  quoteId: string;
  effectiveDate: string;
}

export interface ActivationRequest {
  storefrontOrderId: string;
  cpqOrderId: string;
  contracted: boolean;
}

export interface StorefrontLinksRequest {
  storefrontOrderId: string;
  links: { cpqOrder?: string; ordoOrder?: string };
}

export interface InvoiceTotalCheck {
  order: Order;
  /** The total the invoice must have, and whose it is: `storefront order SO-12`. */
  total: string;
  totalOf: string;
}

export interface SubmittedOrdoOrder {
  orderId: string;
  workflowId: string;
  /** True when the order had been submitted before (this submission found it). */
  existing: boolean;
}

/** `POST /storefront/orders`: the storefront twin of a CPQ order (reorder sync). */
export interface StorefrontTwinRequest {
  cpqOrderId: string;
  accountId: string;
  currency: string;
  effectiveDate?: string;
  /** The CPQ order's ship-to as the one delivery group (every item ships there), when it has one. */
  deliveryGroups?: DeliveryGroup[];
  items: CartItem[];
  /** The CPQ order's order-level discount. */
  discount?: string;
  /** The CPQ order's total: the storefront refuses a twin whose own total differs. */
  total: string;
  ordoOrder: string;
}

/**
 * Billing over time (issue 11; docs/billing.md "Subscriptions", "Payments", "Schedulers"). The subscription's
 * state lives in its workflow; these compute with the worker's billing config and catalog, and send documents to
 * billing with keys derived from the document ids, so a retried activity or a replayed workflow bills nothing twice.
 */
export interface SubscriptionActivities {
  /** The subscription of a completed order (catalog usage prices, billing.recurring), or undefined when it has none. */
  prepareSubscription(request: { order: Order }): Promise<Subscription | undefined>;
  /**
   * Bills everything due on or before `asOf`: fetches the usage of the windows that close by then from billing,
   * builds one invoice per bill date (domain/subscription billDue), sends each, and answers the run.
   */
  billSubscription(request: { subscription: Subscription; asOf: string; trigger: string }): Promise<SubscriptionBilling>;
  /** A change order's prorated documents for the rest of the period (domain/subscription changeSubscription), sent. */
  billSubscriptionChange(request: { subscription: Subscription; change: SubscriptionChange; }): Promise<SubscriptionChangeBilling>;
  /** Starts the renewal order as `ordo submit` does (found when started before); answers its order id. */
  startRenewalOrder(request: { order: Order }): Promise<SubmittedOrdoOrder>;
  /**
   * Starts (or finds) the subscription workflow of a completed order, with the worker's renewal lead days; `order`
   * (as completed) is what its renewal order is made from.
   */
  startSubscription(request: { orderId: string; subscription: Subscription; order?: Order }): Promise<{ workflowId: string; existing: boolean }>;
  /**
   * A change order's recurring and usage items, sent to its original's subscription as a SubscriptionChange (its
   * `changeSubscription` update) when billing.recurring is perPeriod and the original has one; answers the items the
   * subscription took (the change's own credit memo and invoice leave them out) and what it issued for them.
   * `today` (workflow time) is the effective date of a change that names none.
   */
  sendSubscriptionChange(request: { change: Order; today: string }): Promise<SubscriptionChangeSent>;
}

export interface SubscriptionChangeSent {
  /** The subscription that took the items; absent when none did. */
  subscriptionId?: string;
  itemIds: string[];
  documents: { id: string; kind: 'invoice' | 'creditMemo'; date: string; total: string; trigger: string }[];
}

export interface SubscriptionBilling {
  next: Subscription;
  /** The documents sent, with their totals (decimal strings) and bill dates. */
  issued: { id: string; kind: 'invoice' | 'creditMemo'; date: string; total: string }[];
}
export type SubscriptionChangeBilling = SubscriptionBilling;

/** Payments: the gateway (`systems.payments`) and billing's payments and accounts (`systems.billing`). */
export interface PaymentActivities {
  /** Keeps the order's payment method on its billing account (token only; auto-pay for a card). */
  savePaymentMethod(request: { accountId: string; payment: OrderPayment; orderId: string }): Promise<void>;
  /** The invoice as billing has it now, with what is still open. */
  readInvoiceBalance(request: { invoiceId: string }): Promise<InvoiceBalance>;
  /**
   * One payment attempt for what is open on the invoice: captures the checkout authorization when the invoice's order
   * has one, else charges the account's stored token; records the payment in billing (Settled or Failed). Keys:
   * `charge:<invoiceId>:<attempt>`, so a retried activity charges once.
   */
  collectInvoice(request: { invoiceId: string; attempt: number; /** The business date (workflow time) billing records the payment under. */ date?: string }): Promise<PaymentAttemptResult>;
  /** An operator's resolution of an invoice in collections: a payment by reference, or a write-off (a credit memo). */
  settleByReference(request: { invoiceId: string; reference: string; actor: string; date?: string }): Promise<void>;
  writeOffInvoice(request: { invoiceId: string; reason: string; actor: string; date?: string }): Promise<void>;
  /** Refunds a credit memo to the card that paid its order's invoice (billing.creditMemos: refund). */
  refundCreditMemo(request: { creditMemoId: string; date?: string }): Promise<{ refunded: string }>;
  /** Payment run: Posted credit memos issued on or before the target date with card money to refund (none when billing.creditMemos is credit). */
  listRefundableCreditMemos(request: { targetDate: string }): Promise<{ creditMemoId: string; accountId: string }[]>;
  /** Payment run: the Posted invoices of auto-pay accounts billed on or before the target date. */
  listPayableInvoices(request: { targetDate: string }): Promise<{ invoiceId: string; accountId: string }[]>;
  /** Payment run: starts each invoice's payment workflow, or finds it started. */
  startInvoicePayments(request: { taskQueue: string; invoices: { invoiceId: string; accountId: string }[] }): Promise<{ invoiceId: string; started: boolean }[]>;
}

/** The invoice scheduler's run (the payment scheduler's activities are PaymentActivities'). */
export interface SchedulerActivities {
  /** Sends billNow(targetDate) to every active subscription due by then (visibility: NextBillingDate); answers what each issued. */
  billDueSubscriptions(request: { targetDate: string; runId: string }): Promise<{ picked: string[]; issued: string[]; skipped: { id: string; reason: string }[] }>;
}

export type BillingOverTimeActivities = SubscriptionActivities & PaymentActivities & SchedulerActivities;

export interface InvoiceBalance {
  invoiceId: string;
  accountId?: string;
  currency: string;
  total: string;
  /** Total less settled and authorized payments. */
  open: string;
  status: string;
}

export interface PaymentAttemptResult {
  outcome: 'Settled' | 'Failed' | 'NothingDue';
  paymentId?: string;
  amount: string;
  declineCode?: string;
  message?: string;
}

/** The TMF622 hub's delivery (activities/order-events.ts, docs/api.md "Events"): one event to its subscribers, at least once. */
export interface OrderEventActivities {
  notifyOrderEvent(event: OrderEvent): Promise<{ delivered: number }>;
}
