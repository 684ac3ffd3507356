import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Invoice } from '../domain/invoice';
import type { AmendRequest } from '../domain/order-actions';
import type { Order, OrderItem } from '../domain/order';
import type { FalloutRule } from '../domain/catalog';
import type { FulfillmentOrder } from '../domain/plan';
import type { OperatorCredential, OperatorRecord } from '../domain/operator-signature';
import type { QueueDirectory } from '../domain/queues';
import type { FulfillmentOrderPlan, OrderPlanView, OrderSummary, StepCounts, FulfillmentOrderState, CrossPlanInput, UpstreamStep } from './types';

/**
 * Message definitions shared by the workflows and the client: one typed definition per name of DESIGN.md.
 * The names are public; extend, never rename.
 */

/** Order: the Order Summary. */
export const summaryQuery = defineQuery<OrderSummary>('summary');
/** Order and fulfillment order: every step with its state. The order answers with its view; the client adds live steps. */
export const orderPlanQuery = defineQuery<OrderPlanView>('plan');
export const fulfillmentOrderPlanQuery = defineQuery<FulfillmentOrderPlan>('plan');

/** Internal: a fulfillment order tells its order how it is doing, on the rare transitions that change the summary. */
export interface FulfillmentOrderProgress {
  fulfillmentOrderId: string;
  state: FulfillmentOrderState;
  counts: StepCounts;
  /**
   * 1, 2, 3, … per split: each report is the split's whole state, so the order keeps only the newest (since patch
   * `ordered-progress`; signals from different workflow tasks may arrive out of order). Absent from splits of
   * builds before it.
   */
  sequence?: number;
}
export const fulfillmentOrderProgressSignal = defineSignal<[FulfillmentOrderProgress]>('fulfillmentOrderProgress');

/**
 * Operators' messages below may carry `credential` (domain/operator-signature.ts): `ordo` signs each one with the
 * operator's key; in `signed` mode the workflow refuses those without a good one (docs/security.md).
 */

/** Fulfillment order: an operator resolves a step in fallout. */
export interface ResolveFalloutRequest {
  stepId: string;
  actor: string;
  action: 'retry' | 'complete' | 'skip';
  output?: unknown;
  note?: string;
  credential?: OperatorCredential;
}
export const resolveFalloutUpdate = defineUpdate<{ accepted: true; stepId: string; action: string }, [ResolveFalloutRequest]>('resolveFallout');
export const resolveFalloutSignal = defineSignal<[ResolveFalloutRequest]>('resolveFallout');

/** Fulfillment order: an operator finishes a manual task. The update answers, or is rejected with the reason. */
export interface ManualTaskCompletion {
  stepId: string;
  actor: string;
  output?: unknown;
  credential?: OperatorCredential;
}
export const completeManualTaskUpdate = defineUpdate<{ accepted: true; stepId: string }, [ManualTaskCompletion]>('completeManualTask');
/** The same for tools that can only signal (the Web UI can do both): a refused one is kept on the step, never thrown. */
export const manualTaskCompletedSignal = defineSignal<[ManualTaskCompletion]>('manualTaskCompleted');

/** Fulfillment order: resumes the pause steps waiting for this signal name (`resumeOn: { signal: NAME }`). */
export interface ResumeRequest {
  name: string;
  actor?: string;
  credential?: OperatorCredential;
}
export const resumeSignal = defineSignal<[ResumeRequest]>('resume');
/** The same as an update, for callers that need the decision (`ordo resume`): the steps it resumed, or refused with the reason. */
export interface ResumeAnswer {
  accepted: true;
  name: string;
  /** Pause steps of this split that go on. */
  resumedStepIds: string[];
}
export const resumeUpdate = defineUpdate<ResumeAnswer, [ResumeRequest]>('resume');

/**
 * Fulfillment order: new attribute values for a fulfillment line item or an order item, e.g. from a carrier's
 * delivery confirmation. Pause steps whose `resumeOn.condition` now holds resume.
 */
export interface UpdateAttributesRequest {
  actor?: string;
  lineItemId?: string;
  orderItemId?: string;
  attributes: Record<string, string | number | boolean>;
  credential?: OperatorCredential;
}
export const updateAttributesSignal = defineSignal<[UpdateAttributesRequest]>('updateAttributes');
/** The same as an update (`ordo update`): accepted, or refused with the reason (no such item, bad attributes). */
export interface UpdateAttributesAnswer {
  accepted: true;
  lineItemId?: string;
  orderItemId?: string;
}
export const updateAttributesUpdate = defineUpdate<UpdateAttributesAnswer, [UpdateAttributesRequest]>('updateAttributes');

/** Queue rotation: the member a queue's next task goes to, given the queue's members now. */
export const nextAssigneeUpdate = defineUpdate<string | undefined, [string[]]>('nextAssignee');

// ---- Changes in flight (order ↔ its fulfillment orders; internal, not for operators) ----

/** Fulfillment order → order: a point-of-no-return step is about to start; may it? */
export interface PonrRequest {
  fulfillmentOrderId: string;
  stepId: string;
  /** The order items the step's lines come from; the order spreads PONR to their whole bundles. */
  orderItemIds: string[];
  /**
   * Since `batched-ponr`: every step of the split that asked in the same round of one workflow task, the first
   * of them repeated in `stepId`/`orderItemIds`. The order decides them in one go and answers with one decision.
   */
  steps?: PonrRequestStep[];
}
export interface PonrRequestStep {
  stepId: string;
  orderItemIds: string[];
}
export const ponrRequestSignal = defineSignal<[PonrRequest]>('ponrRequest');

/** Order → fulfillment order: the answer. Refused only when the order is being cancelled. */
export interface PonrDecision {
  stepId: string;
  granted: boolean;
  reason?: string;
  /** The answer to a batched request (`steps`): it holds for every step named here (`stepId` is the first). */
  stepIds?: string[];
}
export const ponrDecisionSignal = defineSignal<[PonrDecision]>('ponrDecision');

/** Order → fulfillment order: stop: pending steps are cancelled, running work is cancelled, tasks leave their queues. */
export interface CancelFulfillmentRequest {
  reason: string;
  actor?: string;
}
export const cancelFulfillmentSignal = defineSignal<[CancelFulfillmentRequest]>('cancelFulfillment');

/** Order: cancel it. The update answers accepted, or refuses with ChangeOrderRequired naming the items past PONR. */
export interface CancelRequest {
  reason: string;
  actor?: string;
  credential?: OperatorCredential;
}
export interface CancelAnswer {
  accepted: true;
  orderId: string;
  state: string;
}
export const cancelUpdate = defineUpdate<CancelAnswer, [CancelRequest]>('cancel');
/** The same, fire and forget, for change-order systems that only signal; a refusal is kept in the summary. */
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');

/**
 * Order: approve (or refuse) an order waiting `pending` for the approval its catalog asks for (products with
 * `approval: { queue }`). Only a member of one of those queues may; refused, the order ends `rejected`.
 */
export interface ApproveOrderRequest {
  actor: string;
  approved: boolean;
  reason?: string;
  /** In `signed` mode (docs/security.md), the actor's signature, as on cancel and amend. */
  credential?: OperatorCredential;
}
export interface ApproveOrderAnswer {
  accepted: true;
  orderId: string;
  state: string;
}
export const approveOrderUpdate = defineUpdate<ApproveOrderAnswer, [ApproveOrderRequest]>('approveOrder');

/** Order: the order record as submitted, its state and its billing documents (change orders price against these). */
export interface OrderRecord {
  order: Order;
  state: string;
  invoices: Invoice[];
}
export const orderRecordQuery = defineQuery<OrderRecord>('order');

/** Order → fulfillment order: the split's plan after an accepted amendment; the split applies the difference. */
export interface AmendPlanRequest {
  fulfillmentOrder: FulfillmentOrder;
  orderItems?: OrderItem[];
  /** Since `cross-plan-dependencies`: what the split reports and what it waits for has already finished, under the new plan. */
  crossPlan?: CrossPlanInput;
}
export const amendPlanSignal = defineSignal<[AmendPlanRequest]>('amendPlan');

/**
 * Cross-plan dependencies (DESIGN.md "Decomposition" step 5; workflows/cross-plan-relay.ts): a step of one split
 * waits for steps of another, named `FO-ID/step-id`. The order is the one decider: each split reports the steps
 * others wait for when they finish, and the order relays that to the splits that wait.
 */
/** Fulfillment order → order: a step another split waits for has finished. */
export interface CrossPlanStepFinished extends UpstreamStep {
  fulfillmentOrderId: string;
  stepId: string;
}
export const crossPlanStepFinishedSignal = defineSignal<[CrossPlanStepFinished]>('crossPlanStepFinished');
/** Order → fulfillment order: a step it waits for (`ref`, `FO-ID/step-id`) has finished. */
export interface UpstreamStepFinished extends UpstreamStep {
  ref: string;
}
export const upstreamStepFinishedSignal = defineSignal<[UpstreamStepFinished]>('upstreamStepFinished');

/** Order: order actions on items not past PONR (DESIGN.md `amend`). */
export interface AmendAnswer {
  accepted: true;
  orderId: string;
  /** The order items added, changed and removed, and the splits started, updated and stopped. */
  addedItemIds: string[];
  changedItemIds: string[];
  removedItemIds: string[];
  /** Delivery groups whose address changed (ChangeDeliveryAddress); absent when none did. */
  changedDeliveryGroupIds?: string[];
  fulfillmentOrders: { started: string[]; updated: string[]; stopped: string[] };
}
export const amendUpdate = defineUpdate<AmendAnswer, [AmendRequest]>('amend');

// ---- Account-wide fulfillment: one workflow per (account, destination) that every order of the account joins ----

export interface AccountJoin {
  orderId: string;
  orderWorkflowId: string;
  /** The account split from the joining order's plan; the first join's plan is the one that runs. */
  fulfillmentOrder: FulfillmentOrder;
  falloutRules?: FalloutRule[];
  queues?: QueueDirectory;
  operators?: OperatorRecord;
}
export const joinAccountWorkSignal = defineSignal<[AccountJoin]>('joinAccountWork');
export const leaveAccountWorkSignal = defineSignal<[{ orderId: string; reason: string }]>('leaveAccountWork');

/** Account workflow → order: its share of the account-wide work is done. */
export interface AccountShareReady {
  destination: string;
  fulfillmentOrderId: string;
  accountWorkflowId: string;
}
export const accountShareReadySignal = defineSignal<[AccountShareReady]>('accountShareReady');

export interface AccountWorkView {
  accountId: string;
  destination: string;
  /** `pending` until the first order joins, then `running`, then `completed` for good. */
  state: 'pending' | 'running' | 'completed';
  runWorkflowId?: string;
  completedAt?: string;
  shares: Array<{ orderId: string; state: 'waiting' | 'ready' | 'released'; joinedAt: string; releasedReason?: string }>;
}
export const accountWorkQuery = defineQuery<AccountWorkView>('account');
