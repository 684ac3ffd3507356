/**
 * The order page's API as JSON (docs/console.md "Order page"): what console/order-view.ts builds on the server and
 * console/page/order-page.tsx draws. One file imported by both, so the two cannot disagree on a field.
 */
import type { UpstreamView } from '../../client/cross-plan-view';
import type { OrderState, StepCounts, StepStatus } from '../../workflows/types';

/** A step of another split of the order, as client/cross-plan-view.ts finds it: where it is and how far. */
export type { UpstreamView };

/** GET /api/orders: one row per order found in Temporal visibility, newest first. */
export interface OrderListRow {
  orderId: string;
  workflowId: string;
  /** The OrderState search attribute ('' before the order has set it). */
  state: string;
  channel: string;
  accountId: string;
  startedAt?: string;
  closedAt?: string;
}

export interface OrderListAnswer {
  orders: OrderListRow[];
  /** The visibility query that found them (so a reader can run it in the Web UI or `temporal workflow list`). */
  query: string;
  /** How many at most (newest first). */
  limit: number;
}

/** A step as the page shows it: the split's own StepStatus, unchanged (workflows/types.ts). */
export type StepView = StepStatus;

/** One split (fulfillment order, or a part P1… of a large one) with its plan as it runs. */
export interface SplitView {
  id: string;
  workflowId: string;
  webUiUrl: string;
  state: string;
  location?: string;
  system?: string;
  counts: StepCounts;
  /** Empty while the split has not started (state `pending`) or when its history is gone. */
  steps: StepView[];
  /**
   * The steps of other splits that this one's steps wait for (cross-plan dependencies, `FO-ID/step-id` in a step's
   * `dependsOn`; `ref` is that entry), each with the split that holds it and its state when known. Absent when none.
   */
  upstream?: UpstreamView[];
  /** The other side: this split's steps that steps of other splits wait for, each with those splits' ids. Absent when none. */
  awaitedBy?: Record<string, string[]>;
}


/** An order item and its point of no return: passed (by which step, when) or the steps that will pass it. */
export interface PonrItem {
  itemId: string;
  passed: boolean;
  /** Passed: the step that put it there. */
  stepId?: string;
  fulfillmentOrderId?: string;
  at?: string;
  /** Not passed yet: the point-of-no-return steps ahead, `<split>/<step>` and their state. */
  ahead: Array<{ fulfillmentOrderId: string; stepId: string; state: string }>;
}

/** One entry of the order's actions timeline: client/audit.ts's entries (who did what, when, outcome), oldest first. */
export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  detail?: string;
  source: string;
  /** The action came with a signed operator credential the workflow checked. */
  verified?: boolean;
}

/** An invoice or credit memo of the order or one of its change orders. */
export interface DocumentRow {
  id: string;
  kind: string;
  orderId: string;
  currency?: string;
  subtotal?: string;
  tax?: string;
  total: string;
  lines?: number;
}

/**
 * The approval the order's catalog asks for before orchestration (the summary's, with who may give it): while
 * `waiting`, a member of one of `queues` approves or refuses it (POST /api/orders/:id/approval).
 */
export interface ApprovalView {
  queues: string[];
  /** The members of each queue (temporal-config.yaml `queues`): who may approve. */
  members: Record<string, string[]>;
  /** The order items whose products ask for it. */
  itemIds: string[];
  state: 'waiting' | 'approved' | 'refused';
  actor?: string;
  at?: string;
  reason?: string;
}

/** POST /api/orders/:id/approval's answer: taken (the live view shows what the order does next). */
export interface ApprovalAnswer {
  orderId: string;
  approved: boolean;
  actor: string;
  reason?: string;
}

/** GET /api/orders/:id and each event of GET /api/orders/:id/live. */
export interface OrderView {
  orderId: string;
  accountId: string;
  channel: string;
  currency: string;
  state: OrderState;
  /** The order will not change any more (completed, cancelled, rejected, failed): the live view stops there. */
  final: boolean;
  reason?: string;
  submittedAt?: string;
  completedAt?: string;
  changeOf?: string;
  /** Products of the order asked for an approval (catalog `approval`): who may give it, and whether it was. */
  approval?: ApprovalView;
  webUiUrl: string;
  splits: SplitView[];
  unfulfilledItems: Array<{ itemId: string; product: string; reason: string }>;
  ponr: PonrItem[];
  actions: TimelineEntry[];
  documents: DocumentRow[];
  changeOrders: Array<{ orderId: string; state: string }>;
}
