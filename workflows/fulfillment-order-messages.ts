import { setHandler } from '@temporalio/workflow';
import { now } from './clock';
import type { SplitRun } from './fulfillment-order-run';
import { amendPlanSignal, cancelFulfillmentSignal, ponrDecisionSignal, type AmendPlanRequest } from './messages';

/** What the order's messages do through the split's own means. */
export interface SplitWork {
  /** Whether the split takes changes in flight (workflows/patches.ts `changes-in-flight`). */
  changesInFlight: boolean;
  /** Stops every running step, timer and wait at once. */
  stopSteps: () => void;
  applyAmendedPlan: (request: AmendPlanRequest) => void;
}

/**
 * A split's messages from its order: `cancelFulfillment` (the order is cancelled, or an amendment no longer
 * needs the split), `amendPlan` (an accepted amendment's new plan for this split) and the order's answers to
 * point-of-no-return requests. A split that is cancelled or done takes neither cancellation nor amendment.
 * Operators' messages are in workflows/operator-messages.ts.
 */
export function listenToOrder(split: SplitRun, work: SplitWork): void {
  if (!work.changesInFlight) return;
  setHandler(cancelFulfillmentSignal, (request) => {
    if (split.cancellation || split.state === 'completed') return;
    split.cancellation = { reason: request?.reason ?? 'cancelled', actor: request?.actor, at: now() };
    split.setState('cancelled');
    work.stopSteps();
  });
  setHandler(ponrDecisionSignal, (decision) => {
    split.ponrDecisions.set(decision.stepId, decision);
  });
  setHandler(amendPlanSignal, (request) => {
    if (split.cancellation || split.state === 'completed') return;
    work.applyAmendedPlan(request);
  });
}
