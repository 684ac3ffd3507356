import { getExternalWorkflowHandle, log, setHandler } from '@temporalio/workflow';
import { crossPlanRef, crossPlanWatchers, parseCrossPlanRef } from '../domain/cross-plan';
import type { FulfillmentOrder, Plan } from '../domain/plan';
import { fulfillmentOrderWorkflowId } from './ids';
import { crossPlanStepFinishedSignal, upstreamStepFinishedSignal } from './messages';
import { FINISHED_STEP_STATES, type CrossPlanInput, type FulfillmentOrderPlan, type UpstreamStep } from './types';

/**
 * The order's half of cross-plan dependencies (DESIGN.md "Decomposition" step 5): the order is the one decider.
 * A split reports each step that another split waits for when it finishes (crossPlanStepFinished); the order
 * keeps it and relays it to the splits whose plan waits for it (upstreamStepFinished). Nothing polls.
 *
 * A split learns what it missed when it starts or its plan is amended (`inputFor`), and one started while a
 * relay was under way is caught up once it runs (`started`). When a split ends (finished, stopped by an
 * amendment, failed or terminated), the watched steps it never reported are relayed as Cancelled: the steps
 * waiting for them are cancelled rather than left waiting for a split that is gone.
 */
export class CrossPlanRelay {
  /** Every reported upstream step, by `FO-ID/step-id`. */
  private readonly finished = new Map<string, UpstreamStep>();
  /** What each running split has been told, so nothing is sent twice. */
  private readonly told = new Map<string, Set<string>>();
  /** Per plan (an amendment brings a new one): which steps of each split others wait for. */
  private readonly watchers = new WeakMap<Plan, Map<string, Set<string>>>();

  constructor(
    private readonly orderId: string,
    private readonly currentPlan: () => Plan | undefined,
    /** The splits that have started and not ended, kept by the order. */
    private readonly running: ReadonlySet<string>,
    private readonly now: () => string,
    /** Keeps a refused signal where operators look (the summary's rejectedMessages). */
    refuse: (reason: string) => void,
  ) {
    setHandler(crossPlanStepFinishedSignal, (report) => {
      // Internal, but anyone with the Web UI can signal: only a finished step another split waits for is taken.
      const known = report && typeof report.stepId === 'string' && this.watchedIn(String(report.fulfillmentOrderId)).has(report.stepId);
      if (!known || !FINISHED_STEP_STATES.has(report.state)) return refuse('not a finished step of a split that another split waits for');
      this.record(crossPlanRef(report.fulfillmentOrderId, report.stepId), { state: report.state, at: String(report.at) });
    });
  }

  /** Whether a plan has any cross-plan dependency: only then does the order relay (and ask its patch). */
  static needed(plan: Plan): boolean {
    return crossPlanWatchers(plan.fulfillmentOrders).size > 0;
  }

  /** What a split of the current plan is told when it starts or gets an amended plan. */
  inputFor(fo: FulfillmentOrder): CrossPlanInput {
    const watched = [...this.watchedIn(fo.id)];
    const finished: CrossPlanInput['finished'] = {};
    const told = new Set<string>();
    for (const ref of waitedFor(fo)) {
      const upstream = this.finished.get(ref);
      if (!upstream) continue;
      finished[ref] = upstream;
      told.add(ref);
    }
    this.told.set(fo.id, told);
    return { watched, finished };
  }

  /** A split has started (it is in `running` now): it gets what finished while it was starting. */
  started(fulfillmentOrderId: string): void {
    const fo = this.currentPlan()?.fulfillmentOrders.find((f) => f.id === fulfillmentOrderId);
    if (fo) for (const ref of waitedFor(fo)) this.tell(fo.id, ref);
  }

  /** A split has ended: what others still wait for of it will never come, so they stop waiting. */
  ended(fulfillmentOrderId: string, result?: FulfillmentOrderPlan): void {
    for (const stepId of this.watchedIn(fulfillmentOrderId)) {
      const ref = crossPlanRef(fulfillmentOrderId, stepId);
      if (this.finished.has(ref)) continue;
      const step = result?.steps.find((s) => s.id === stepId);
      const state = step && FINISHED_STEP_STATES.has(step.state) ? step.state : 'Cancelled';
      this.record(ref, { state, at: step?.completedAt ?? this.now() });
    }
  }

  /** The steps of a split of the current plan that other splits wait for. */
  watchedIn(fulfillmentOrderId: string): Set<string> {
    const plan = this.currentPlan();
    if (!plan) return new Set();
    let watchers = this.watchers.get(plan);
    if (!watchers) this.watchers.set(plan, (watchers = crossPlanWatchers(plan.fulfillmentOrders)));
    return watchers.get(fulfillmentOrderId) ?? new Set();
  }

  private record(ref: string, upstream: UpstreamStep): void {
    this.finished.set(ref, upstream);
    for (const fo of this.currentPlan()?.fulfillmentOrders ?? []) {
      if (this.running.has(fo.id) && waitedFor(fo).has(ref)) this.tell(fo.id, ref);
    }
  }

  private tell(fulfillmentOrderId: string, ref: string): void {
    const upstream = this.finished.get(ref);
    const told = this.told.get(fulfillmentOrderId) ?? new Set<string>();
    this.told.set(fulfillmentOrderId, told);
    if (!upstream || told.has(ref) || !this.running.has(fulfillmentOrderId)) return;
    told.add(ref);
    getExternalWorkflowHandle(fulfillmentOrderWorkflowId(this.orderId, fulfillmentOrderId))
      .signal(upstreamStepFinishedSignal, { ref, ...upstream })
      // A split that has just ended needs nothing more; an unhandled rejection would fail the order's task.
      .catch((error: Error) => log.warn('cross-plan completion not delivered', { fulfillmentOrderId, ref, error: error.message }));
  }
}

const waits = new WeakMap<FulfillmentOrder, Set<string>>();

/** The upstream steps (`FO-ID/step-id`) a split's plan waits for. */
function waitedFor(fo: FulfillmentOrder): Set<string> {
  let refs = waits.get(fo);
  if (refs) return refs;
  refs = new Set<string>();
  for (const step of fo.steps) for (const entry of step.dependsOn) if (parseCrossPlanRef(entry)) refs.add(entry);
  waits.set(fo, refs);
  return refs;
}
