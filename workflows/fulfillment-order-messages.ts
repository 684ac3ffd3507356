import { setHandler } from '@temporalio/workflow';
import { now } from './clock';
import type { SplitRun } from './fulfillment-order-run';
import { actorOf, checkedSignal, keepRefusal } from './message-checks';
import { amendPlanSignal, cancelFulfillmentSignal, ponrDecisionSignal, type AmendPlanRequest, type CancelFulfillmentRequest, type PonrDecision } from './messages';
import type { FulfillmentOrderPlan } from './types';

/** What the order's messages do through the split's own means. */
export interface SplitWork {
  /** Whether the split takes changes in flight (workflows/patches.ts `changes-in-flight`). */
  changesInFlight: boolean;
  /** Stops every running step, timer and wait at once. */
  stopSteps: () => void;
  applyAmendedPlan: (request: AmendPlanRequest) => void;
  /** Where a refused message is kept for the operator (the plan's `rejectedMessages`). */
  rejectedMessages: NonNullable<FulfillmentOrderPlan['rejectedMessages']>;
}

/**
 * A split's messages from its order: `cancelFulfillment` (the order is cancelled, or an amendment no longer
 * needs the split), `amendPlan` (an accepted amendment's new plan for this split) and the order's answers to
 * point-of-no-return requests. A split that is cancelled or done takes neither cancellation nor amendment.
 * Operators' messages are in workflows/operator-messages.ts.
 */
export function listenToOrder(split: SplitRun, work: SplitWork): void {
  if (!work.changesInFlight) return;
  /** A message of the wrong shape (anyone can signal a workflow) is refused into the plan, never thrown. */
  const refuseMalformed = (reason: string, payload: unknown, message: string) => keepRefusal(work.rejectedMessages, message, actorOf(payload), reason);
  setHandler(cancelFulfillmentSignal, checkedSignal<CancelFulfillmentRequest>('cancelFulfillment', refuseMalformed, (request) => {
    if (split.cancellation || split.state === 'completed') return;
    split.cancellation = { reason: request?.reason ?? 'cancelled', actor: request?.actor, at: now() };
    split.setState('cancelled');
    work.stopSteps();
  }));
  setHandler(ponrDecisionSignal, checkedSignal<PonrDecision>('ponrDecision', refuseMalformed, (decision) => {
    // A batched request (`batched-ponr`) is answered once for all its steps.
    for (const stepId of decision.stepIds ?? [decision.stepId]) split.ponrDecisions.set(stepId, { ...decision, stepId });
  }));
  setHandler(amendPlanSignal, checkedSignal<AmendPlanRequest>('amendPlan', refuseMalformed, (request) => {
    if (split.cancellation || split.state === 'completed') return;
    work.applyAmendedPlan(request);
  }));
}
