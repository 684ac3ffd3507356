import type { FulfillmentOrder, Plan, PlanStep, UnfulfilledItem } from '../domain/plan';
import type { Invoice } from '../domain/invoice';
import type { FalloutRule } from '../domain/catalog';
import type { Order, OrderItem, OrderLinks } from '../domain/order';
import type { OperatorCredential, OperatorRecord } from '../domain/operator-signature';
import type { QueueDirectory } from '../domain/queues';

/**
 * The step states of DESIGN.md that Ordo enters (docs/state-machines.md: how each is reached; transitions in
 * workflows/state-machines.ts). `Ready`: every dependency is met, not started yet (a point-of-no-return step
 * waits there for its order). `Scheduled`: every dependency is met and the step waits for its date (a dated step:
 * plan step `notBefore` / `startAfter`). `Failed` will retry; `FatallyFailed` is in fallout and waits for an operator.
 */
export const STEP_STATES = ['Pending', 'Scheduled', 'Ready', 'InProgress', 'Failed', 'FatallyFailed', 'Completed', 'Skipped', 'Cancelled', 'Discarded', 'Amended'] as const;
export type StepState = (typeof STEP_STATES)[number];

/** States after which a step never runs again: dependents may go on after Completed and Skipped only. */
export const FINISHED_STEP_STATES: ReadonlySet<StepState> = new Set(['Completed', 'Skipped', 'Cancelled', 'Discarded']);
export const UNBLOCKING_STEP_STATES: ReadonlySet<StepState> = new Set(['Completed', 'Skipped']);

/**
 * The TMF622 order states Ordo enters (docs/state-machines.md says when). `assessingCancellation` and `partial`
 * and `pending` came with patch `every-tmf-state`.
 */
export const ORDER_STATES = ['acknowledged', 'pending', 'rejected', 'inProgress', 'held', 'assessingCancellation', 'pendingCancellation', 'cancelled', 'completed', 'partial', 'failed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/**
 * Order states an order never leaves: its workflow has ended (or is ending) with this answer. They are the
 * states the order table (workflows/state-machines.ts) lets nothing leave; test/workflows/state-machines.test.ts
 * holds the two together.
 */
export const FINAL_ORDER_STATES: ReadonlySet<OrderState> = new Set(['completed', 'partial', 'cancelled', 'rejected', 'failed']);

/** A split's state; `pending` only in the order's summary, before the split has started. */
export const FULFILLMENT_ORDER_STATES = ['pending', 'inProgress', 'held', 'completed', 'failed', 'cancelled'] as const;
export type FulfillmentOrderState = (typeof FULFILLMENT_ORDER_STATES)[number];

export interface StepError {
  message: string;
  type?: string;
  /** HTTP status of a callout answer, when there was one. */
  status?: number;
  /** The error code the system answered with, or a timeout/network code. */
  code?: string;
  attempts: number;
}

/**
 * One step instance as it runs: the plan step (its fields as planned, without `bundleId`, which the running
 * step does not carry) plus its live state.
 */
export interface StepStatus extends Pick<PlanStep, 'id' | 'definition' | 'workspace' | 'group' | 'type' | 'scope' | 'lineItemIds' | 'dependsOn' | 'pointOfNoReturn' | 'notBefore' | 'startAfter'> {
  state: StepState;
  /** A dated step: when it starts (the later of `notBefore` and its dependencies' completion plus `startAfter`), set when it enters Scheduled. */
  scheduledFor?: string;
  /** How many times the step has been run: an amendment that changes its line items runs it again. */
  runs?: number;
  /** Attempts of the current run (an operator's retry starts a fresh count). */
  attempts: number;
  readyAt?: string;
  startedAt?: string;
  completedAt?: string;
  output?: unknown;
  error?: StepError;
  falloutQueue?: string;
  /** Manual tasks: the queue holding the task now (a jeopardy rule may reassign it), and any it was escalated to. */
  queue?: string;
  escalatedTo?: string[];
  assignee?: string;
  instructions?: string;
  /** SLA: `none`, then `inJeopardy` at estimatedDuration − jeopardyThreshold, then `late` at the estimate. */
  jeopardy: 'none' | 'inJeopardy' | 'late';
  plannedStart?: string;
  plannedCompletion?: string;
  jeopardyAt?: string;
  lateAt?: string;
  /** Who finished it by hand (manual task, fallout resolution, resume) and how. */
  completedBy?: { actor: string; via: string; note?: string; credential?: OperatorCredential; verified?: boolean };
  /** Every operator action on the step (fallout resolutions, manual completion), oldest first: the audit trail. */
  /** `credential`/`verified`: the message's signature, and whether the split checked it (domain/operator-signature.ts credentialTrail). */
  operatorActions?: Array<{ at: string; actor: string; action: string; note?: string; credential?: OperatorCredential; verified?: boolean }>;
  /** Messages that were refused (signals cannot answer, so the refusal is kept here for the operator to see). */
  rejectedMessages?: Array<{ at: string; message: string; actor?: string; reason: string }>;
  /**
   * Every time the step went into fallout, oldest first: when, to which queue, and why (the audit trail; `error`
   * and `falloutQueue` only say where it stands now, and a retry clears them). Absent in older histories.
   */
  fallouts?: Array<{ at: string; queue: string; message: string; code?: string; attempts: number }>;
}

export interface StepCounts {
  total: number;
  completed: number;
  inProgress: number;
  fatallyFailed: number;
  inJeopardy: number;
}

/** A step of another split that a step of this one waits for, as it finished (workflows/cross-plan-relay.ts). */
export interface UpstreamStep {
  /** How it finished: Completed or Skipped let the waiting step go; anything else (its split is gone) cancels it. */
  state: StepState;
  at: string;
}
/** What a split is told about cross-plan dependencies when it starts or its plan is amended. */
export interface CrossPlanInput {
  /** This split's steps that steps of other splits wait for: it reports each when it finishes. */
  watched: string[];
  /** Upstream steps (`FO-ID/step-id`) this split waits for that had already finished when it started or was amended. */
  finished: Record<string, UpstreamStep>;
}
export interface FulfillmentOrderInput {
  orderId: string;
  accountId: string;
  fulfillmentOrder: FulfillmentOrder;
  /** The order items this split's lines come from (pause conditions may read them). */
  orderItems?: OrderItem[];
  falloutRules?: FalloutRule[];
  queues?: QueueDirectory;
  /** Who may sign operator messages, recorded with the plan; absent before signing existed (then actors are believed). */
  operators?: OperatorRecord;
  /** Set by the order (workflows/versions.ts): the behaviour to run without asking patched(). Absent in older histories. */
  behaviourVersion?: number;
  /** Only when the order's plan has cross-plan dependencies that involve this split (workflows/cross-plan-relay.ts). */
  crossPlan?: CrossPlanInput;
}

/** What the fulfillment order workflow answers to `plan` and returns when done. */
export interface FulfillmentOrderPlan {
  orderId: string;
  fulfillmentOrderId: string;
  location?: string;
  system?: string;
  deliveryGroupId?: string;
  state: FulfillmentOrderState;
  counts: StepCounts;
  steps: StepStatus[];
  /** Why and when the split was cancelled, when it was. */
  cancellation?: { reason: string; actor?: string; at: string };
  /** Refused signals that named no step of this split. */
  rejectedMessages?: Array<{ at: string; message: string; actor?: string; reason: string }>;
}

export interface OrderWorkflowInput {
  order: Order;
  /** When the client accepted it (ISO time), for the summary. */
  submittedAt?: string;
  /**
   * The behaviour version the submitter's build runs (activities/start-order-workflow.ts), so the order runs it
   * without writing a version marker (workflows/versions.ts). Absent in orders submitted before it was passed.
   */
  behaviourVersion?: number;
}

export interface FulfillmentOrderSummary {
  id: string;
  workflowId: string;
  location?: string;
  system?: string;
  deliveryGroupId?: string;
  state: FulfillmentOrderState;
  steps: StepCounts;
}

export interface OrderAction {
  /** DESIGN.md's order actions, plus Return for a change order's returned items and an amendment's ChangeDeliveryAddress. */
  type: 'Add' | 'Amend' | 'Cancel' | 'Renew' | 'NoChange' | 'Return' | 'ChangeDeliveryAddress';
  at: string;
  actor?: string;
  itemIds: string[];
  /** ChangeDeliveryAddress: the delivery group whose address changed (itemIds: the items that ship to it). */
  deliveryGroupId?: string;
  note?: string;
}

/** The Order Summary (DESIGN.md): one view of the order across all its splits. */
export interface OrderSummary {
  orderId: string;
  accountId: string;
  channel: string;
  currency: string;
  state: OrderState;
  /** Why the order is in its state, when that needs saying (rejected, failed, partial). */
  reason?: string;
  /**
   * Every state the order took, oldest first (since patch `every-tmf-state`), with the transient ones a query
   * cannot catch: `assessingCancellation` lasts while a cancellation is weighed against the point of no return.
   */
  stateLog?: Array<{ state: OrderState; at: string; reason?: string }>;
  submittedAt?: string;
  completedAt?: string;
  fulfillmentOrders: FulfillmentOrderSummary[];
  unfulfilledItems: UnfulfilledItem[];
  billing: { milestone: 'waiting' | 'passed'; releasedAt?: string };
  invoices: Invoice[];
  actions: OrderAction[];
  /** Filled in by the client from visibility (see OrdoClient.getSummary). */
  changeOrders: ChangeOrderEntry[];
  /** On a change order: the order it changes. */
  changeOf?: string;
  /**
   * The subscription (`SUB-<orderId>`, workflow `subscription-<orderId>`) that bills the order's recurring and usage
   * items over time; on a change order, the original's subscription that took its recurring and usage items.
   */
  subscriptionId?: string;
  /** The sale's twins in the sales channels, on an order a channel sync made (the order's `links`). */
  links?: OrderLinks;
  /** On an original order, filled in by the client (the workflow may be long finished): its change orders and what was billed net. */
  netBilled?: string;
  /** Order items past the point of no return, and the step that put each there. */
  pointOfNoReturn?: PonrRecord[];
  cancellation?: CancellationRecord;
  /** The approval the catalog asked for before orchestration (`pending` until it is given or refused). */
  approval?: { queues: string[]; itemIds: string[]; state: 'waiting' | 'approved' | 'refused'; actor?: string; at?: string; reason?: string };
  /** This order's shares of account-wide work (account-scope lines), one per destination product. */
  accountShares?: Array<{ destination: string; workflowId: string; state: 'waiting' | 'ready' | 'released' }>;
  /** Compensations of work an amendment made unnecessary (splits it stopped). */
  amendmentCompensations?: CompensationRecord[];
  /** Messages refused without an answer to give (signals), newest last. */
  rejectedMessages?: Array<{ at: string; message: string; actor?: string; reason: string }>;
  jeopardy: number;
  fallout: number;
}

export interface ChangeOrderEntry {
  orderId: string;
  state: OrderState;
  submittedAt?: string;
  actions: Array<{ type: OrderAction['type']; itemIds: string[] }>;
  /** Its credit memos and invoices, money as decimal strings. */
  documents: Array<{ id: string; kind: Invoice['kind']; total: string }>;
}

export interface PonrRecord {
  orderItemId: string;
  stepId: string;
  fulfillmentOrderId: string;
  at: string;
}

export interface CompensationRecord {
  fulfillmentOrderId: string;
  stepId: string;
  call: { system: string; operation: string };
  state: 'Completed' | 'Failed';
  at: string;
  error?: string;
}

export interface CancellationRecord {
  reason: string;
  actor?: string;
  requestedAt: string;
  completedAt?: string;
  /** Compensations of completed steps, in the order they ran (reverse execution order). */
  compensations: CompensationRecord[];
}

export interface OrderPlanView {
  orderId: string;
  state: OrderState;
  plan?: Plan;
  fulfillmentOrders: FulfillmentOrderPlan[];
  /** Order items past the point of no return, and the step that put each there. */
  pointOfNoReturn?: PonrRecord[];
}
