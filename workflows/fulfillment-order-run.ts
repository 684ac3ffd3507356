import type { CancellationScope } from '@temporalio/workflow';
import type { StepDefinition } from '../domain/catalog';
import type { FulfillmentLineItem, FulfillmentOrder, PlanStep } from '../domain/plan';
import type { OrderItem } from '../domain/order';
import type { PonrDecision } from './messages';
import { move, SPLIT_MACHINE } from './state-machines';
import { FINISHED_STEP_STATES, type FulfillmentOrderInput, type FulfillmentOrderPlan, type FulfillmentOrderState, type StepCounts, type StepStatus } from './types';

/**
 * One split's state, in one object: what FulfillmentOrderWorkflow's main line and step runners
 * (workflows/fulfillment-order.ts) and its message handlers (workflows/fulfillment-order-messages.ts,
 * workflows/operator-messages.ts) share. The split's own state changes only through `setState`, each step's
 * through `moveStep` (workflows/state-machines.ts).
 */
export class SplitRun {
  readonly input: FulfillmentOrderInput;
  readonly fulfillmentOrder: FulfillmentOrder;
  state: FulfillmentOrderState = 'inProgress';
  /** Why and when the split was cancelled, once it is. */
  cancellation: { reason: string; actor?: string; at: string } | undefined;
  readonly steps: Map<string, StepStatus>;
  /** The step definitions in use: an amendment may bring new ones. */
  readonly definitions: Record<string, StepDefinition>;
  /** The split's line items as they are now: attribute updates and amendments replace entries. */
  readonly lineItems: Map<string, FulfillmentLineItem>;
  /** The order items the split's lines come from (pause conditions may read them). */
  readonly orderItems: Map<string, OrderItem>;
  /** Outputs of the finished steps, by step id. */
  readonly outputs = new Map<string, unknown>();
  /** The order's answers to point-of-no-return requests, by step id. */
  readonly ponrDecisions = new Map<string, PonrDecision>();
  /** Each step runs in a scope of its own, so an amendment can stop one step alone. */
  readonly ownScopes = new Map<string, CancellationScope>();
  /** Steps an amendment stopped or finished early that must run again with their new line items. */
  readonly rerun = new Set<string>();
  /** Finished steps an amendment redoes: the compensation of their first run, which the redo waits for. */
  readonly redoAfter = new Map<string, Promise<unknown>>();

  constructor(input: FulfillmentOrderInput) {
    const fo = input.fulfillmentOrder;
    this.input = input;
    this.fulfillmentOrder = fo;
    this.definitions = { ...fo.definitions };
    this.steps = new Map(fo.steps.map((s) => [s.id, initialStatus(s)]));
    this.lineItems = new Map(fo.lineItems.map((li) => [li.id, li]));
    this.orderItems = new Map((input.orderItems ?? []).map((item) => [item.id, item]));
  }

  setState(to: FulfillmentOrderState): void {
    this.state = move(SPLIT_MACHINE, `fulfillment order ${this.fulfillmentOrder.id}`, this.state, to);
  }

  definitionOf(step: StepStatus): StepDefinition {
    return this.definitions[step.definition];
  }

  /** What the split answers to `plan` and returns when done. */
  snapshot(rejectedMessages: NonNullable<FulfillmentOrderPlan['rejectedMessages']>): FulfillmentOrderPlan {
    const fo = this.fulfillmentOrder;
    return {
      orderId: this.input.orderId,
      fulfillmentOrderId: fo.id,
      location: fo.location,
      system: fo.system,
      deliveryGroupId: fo.deliveryGroupId,
      state: this.state,
      counts: countSteps(this.steps.values()),
      steps: [...this.steps.values()],
      ...(rejectedMessages.length ? { rejectedMessages } : {}),
      ...(this.cancellation ? { cancellation: this.cancellation } : {}),
    };
  }
}

export function initialStatus(step: PlanStep): StepStatus {
  return { ...step, state: 'Pending', attempts: 0, jeopardy: 'none' };
}

export function countSteps(steps: Iterable<StepStatus>): StepCounts {
  const counts: StepCounts = { total: 0, completed: 0, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 };
  for (const step of steps) {
    counts.total++;
    if (step.state === 'Completed' || step.state === 'Skipped') counts.completed++;
    else if (step.state === 'InProgress' || step.state === 'Failed') counts.inProgress++;
    else if (step.state === 'FatallyFailed') counts.fatallyFailed++;
    if (step.jeopardy !== 'none' && !FINISHED_STEP_STATES.has(step.state)) counts.inJeopardy++;
  }
  return counts;
}
