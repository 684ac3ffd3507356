import type { SystemCall } from '../domain/catalog';
import type { ChangeContext } from '../domain/change-order';
import type { Invoice } from '../domain/invoice';
import type { CartItem } from '../domain/cart';
import type { CpqAccountRecord, CpqOrderRecord, CpqPricedLine, CpqQuoteRecord, StorefrontOrderRecord } from '../domain/channel-records';
import type { Billing, DeliveryGroup, Order } from '../domain/order';
import type { FulfillmentLineItem, Plan } from '../domain/plan';
import type { AssignmentPolicy } from '../domain/queues';
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
}

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
