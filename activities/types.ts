import type { SystemCall } from '../domain/catalog';
import type { ChangeContext } from '../domain/change-order';
import type { Invoice } from '../domain/invoice';
import type { Order } from '../domain/order';
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
