import { upsertSearchAttributes } from '@temporalio/workflow';
import type { Order } from '../domain/order';
import type { FulfillmentOrder, Plan } from '../domain/plan';
import { now } from './clock';
import type { CrossPlanRelay } from './cross-plan-relay';
import { fulfillmentOrderWorkflowId } from './ids';
import { keepRefusal } from './message-checks';
import type { PonrRequest } from './messages';
import { OrderStateKey } from './search-attributes';
import { canMove, isFinal, move, ORDER_MACHINE, SPLIT_MACHINE } from './state-machines';
import type { FulfillmentOrderPlan, FulfillmentOrderSummary, OrderState, OrderSummary, OrderWorkflowInput, PonrRecord } from './types';

/**
 * One order's state, in one object: what OrderWorkflow's main line (workflows/order.ts) and its message
 * handlers (workflows/order-messages.ts) share. Its methods are the only writers of the summary's states,
 * each through its table (workflows/state-machines.ts).
 */
export class OrderRun {
  readonly order: Order;
  /** The order as amended so far; `order` stays the record as submitted. Billing uses this one. */
  current: Order;
  plan: Plan | undefined;
  readonly summary: OrderSummary;
  /** Order items past the point of no return, and the step that put each there. */
  readonly ponr = new Map<string, PonrRecord>();
  childrenStarted = false;
  runningSplits = 0;
  readonly failures: Error[] = [];
  /** An amendment is being applied: PONR requests wait for it in `pendingPonr`. */
  amending = false;
  readonly pendingPonr: PonrRequest[] = [];
  /** Splits an amendment stopped, with the plan they ran under (to compensate their completed steps). */
  readonly stoppedSplits = new Map<string, Plan>();
  /** What each finished split returned. */
  readonly finalPlans = new Map<string, FulfillmentOrderPlan>();
  /** Since `cross-plan-dependencies`, once a plan has such a dependency: relays completions between splits. */
  crossPlan: CrossPlanRelay | undefined;
  /** Told after each change that may be an event for the order's subscribers (workflows/order-events.ts). */
  changed: () => void = () => undefined;
  /** Since `ordered-progress`: a split's progress report older than one already applied is stale and ignored. */
  orderedProgress = false;
  /** The newest progress `sequence` applied from each split. */
  private readonly lastProgress = new Map<string, number>();

  constructor(input: OrderWorkflowInput) {
    const { order } = input;
    this.order = order;
    this.current = order;
    this.summary = {
      orderId: order.id,
      accountId: order.accountId,
      channel: order.channel,
      currency: order.currency,
      state: 'acknowledged',
      submittedAt: input.submittedAt,
      ...(order.changeOf ? { changeOf: order.changeOf } : {}),
      ...(order.links ? { links: { ...order.links } } : {}),
      fulfillmentOrders: [],
      unfulfilledItems: [],
      billing: { milestone: 'waiting' },
      invoices: [],
      // The order itself is the first order action (a change order's: one per kind of change). Later changes append theirs.
      actions: initialActions(order, input.submittedAt ?? now()),
      changeOrders: [],
      jeopardy: 0,
      fallout: 0,
    };
  }

  /** Since patch `every-tmf-state`: every state the order takes goes into the summary's `stateLog` too. */
  keepStateLog(): void {
    this.summary.stateLog ??= [{ state: this.summary.state, at: this.summary.submittedAt ?? now() }];
  }

  setState(state: OrderState, reason?: string): void {
    this.enter(state, reason);
    upsertSearchAttributes([{ key: OrderStateKey, value: state }]);
    this.changed();
  }

  /**
   * A state the order leaves within the same workflow task (`assessingCancellation`): moved through the table,
   * logged and told to the order's subscribers, but not written to the OrderState search attribute, which
   * would only ever show the state after it (and would add a command to the history for nothing).
   */
  passThrough(state: OrderState, reason?: string): void {
    this.enter(state, reason);
    this.changed();
  }

  private enter(state: OrderState, reason?: string): void {
    this.summary.state = move(ORDER_MACHINE, `order ${this.order.id}`, this.summary.state, state);
    this.summary.reason = reason;
    this.summary.stateLog?.push({ state, at: now(), ...(reason ? { reason } : {}) });
  }

  /** The summary's copy of a split's state, moved through the split's own table. */
  setSplitState(split: FulfillmentOrderSummary, state: FulfillmentOrderSummary['state']): void {
    split.state = move(SPLIT_MACHINE, `fulfillment order ${split.id} (in the summary)`, split.state, state);
  }

  /**
   * What a split reports: its progress, or its result. Progress signals and the result reach the order
   * independently, so progress that comes after the split finished is stale and changes nothing; so is, since
   * `ordered-progress`, a report numbered lower than one already applied. A split an amendment stopped stays
   * cancelled: its work is undone whatever it reports.
   */
  updateSplit(id: string, change: Pick<FulfillmentOrderSummary, 'state' | 'steps'>, report: 'progress' | 'result', sequence?: number): void {
    const { summary } = this;
    const split = summary.fulfillmentOrders.find((fo) => fo.id === id);
    if (!split || (report === 'progress' && isFinal(SPLIT_MACHINE, split.state))) return;
    // Each report is the split's whole state: one that arrives after a newer one would set the summary back.
    if (report === 'progress' && this.orderedProgress && sequence !== undefined) {
      if (sequence <= (this.lastProgress.get(id) ?? 0)) return;
      this.lastProgress.set(id, sequence);
    }
    // Progress is a signal anyone may send: a state the split could not move to is refused, not taken for a bug.
    const stopped = this.stoppedSplits.has(id);
    if (report === 'progress' && !stopped && !canMove(SPLIT_MACHINE, split.state, change.state)) {
      this.refuse('fulfillmentOrderProgress', undefined, `fulfillment order ${id} cannot go from ${split.state} to ${JSON.stringify(change.state)}`);
      return;
    }
    split.steps = change.steps;
    if (!stopped) this.setSplitState(split, change.state);
    summary.jeopardy = sum(summary.fulfillmentOrders, (fo) => fo.steps.inJeopardy);
    summary.fallout = sum(summary.fulfillmentOrders, (fo) => fo.steps.fatallyFailed);
    const anyHeld = summary.fulfillmentOrders.some((fo) => fo.state === 'held');
    if (summary.state === 'inProgress' && anyHeld) this.setState('held', 'a step is in fallout and waits for an operator');
    else if (summary.state === 'held' && !anyHeld) this.setState('inProgress');
    this.changed();
  }

  /** A split (re)starts: an amendment may start a split again under the id of one it stopped, numbering from 1. */
  splitStarting(id: string): void {
    this.lastProgress.delete(id);
  }

  /** A split as the summary shows it, before it reports. */
  splitSummary(fo: FulfillmentOrder, state: FulfillmentOrderSummary['state']): FulfillmentOrderSummary {
    return {
      id: fo.id,
      workflowId: fulfillmentOrderWorkflowId(this.order.id, fo.id),
      location: fo.location,
      system: fo.system,
      deliveryGroupId: fo.deliveryGroupId,
      state,
      steps: { total: fo.steps.length, completed: 0, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 },
    };
  }

  /** A signal that cannot answer: refused, logged, and kept in the summary for whoever sent it. */
  refuse(message: string, actor: string | undefined, reason: string): void {
    keepRefusal((this.summary.rejectedMessages ??= []), message, actor, reason);
  }
}

function initialActions(order: Order, at: string): OrderSummary['actions'] {
  // A renewal order (a subscription's next term) is one Renew of everything it carries.
  if (order.renewalOf) return [{ type: 'Renew', at, itemIds: order.items.map((item) => item.id), note: `renewal of ${order.renewalOf}` }];
  if (!order.changeOf) return [{ type: 'Add', at, itemIds: order.items.map((item) => item.id) }];
  const byType = new Map<string, string[]>();
  for (const item of order.items) byType.set(item.action ?? 'Add', [...(byType.get(item.action ?? 'Add') ?? []), item.id]);
  return [...byType].map(([type, itemIds]) => ({ type: type as OrderSummary['actions'][number]['type'], at, itemIds, note: `change of ${order.changeOf}` }));
}

function sum<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
