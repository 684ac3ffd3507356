import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OrdoActivities } from '../activities/types';
import type { StepDefinition } from '../domain/catalog';
import { chooseFalloutQueue } from '../domain/fallout';
import { credentialTrail } from '../domain/operator-signature';
import type { FulfillmentLineItem } from '../domain/plan';
import { plannedSchedule, slaDeadlines } from '../domain/schedule';
import { isCrossPlanRef } from '../domain/cross-plan';
import { conditionHolds } from '../domain/step-conditions';
import { isoTime, msOf, now, nowMs } from './clock';
import { compensateStep } from './compensation';
import { listenToOrder } from './fulfillment-order-messages';
import { keepRefusal } from './message-checks';
import { countSteps, initialStatus, SplitRun } from './fulfillment-order-run';
import { crossPlanStepFinishedSignal, fulfillmentOrderPlanQuery, fulfillmentOrderProgressSignal, ponrRequestSignal, upstreamStepFinishedSignal, type AmendPlanRequest } from './messages';
import { listenToOperators, OperatorInbox } from './operator-messages';
import { PonrBatch } from './ponr-batch';
import { PlanScheduler } from './scheduler';
import { QUIET_SPLIT_ATTRIBUTES, splitQueueAttributes } from './search-attributes';
import { SlaWatch, type SlaStage } from './sla';
import { moveStep } from './state-machines';
import { attemptWithPolicy, type StepContext } from './steps';
import { FINISHED_STEP_STATES, UNBLOCKING_STEP_STATES, type CrossPlanInput, type FulfillmentOrderInput, type FulfillmentOrderPlan, type StepStatus, type UpstreamStep } from './types';
import { givenBehaviour } from './versions';

const { sendAlert, assignManualTask } = proxyActivities<OrdoActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5 },
});

/**
 * One split of an order: runs its plan as a DAG. Callouts and auto tasks are activities; milestones
 * complete when their dependencies do; manual tasks wait for an operator and pause steps for a signal or
 * a condition; a step whose retries are spent waits in fallout for an operator; every step with an
 * estimate is watched for jeopardy and lateness.
 *
 * Its state is one SplitRun (workflows/fulfillment-order-run.ts); its messages are handled in
 * workflows/operator-messages.ts (operators) and workflows/fulfillment-order-messages.ts (its order); its
 * state changes are checked against the tables of workflows/state-machines.ts (docs/state-machines.md).
 */
export async function FulfillmentOrderWorkflow(input: FulfillmentOrderInput): Promise<FulfillmentOrderPlan> {
  const behaviour = givenBehaviour(input.behaviourVersion);
  const peopleAndTime = behaviour.has('people-and-time');
  const changesInFlight = behaviour.has('changes-in-flight');
  const operatorTrail = behaviour.has('operator-trail');
  const split = new SplitRun(input);
  const { fulfillmentOrder: fo, steps, lineItems, orderItems, outputs, ponrDecisions, ownScopes, rerun, redoAfter } = split;
  const directory = input.queues ?? {};
  const definitionOf = (step: StepStatus): StepDefinition => split.definitionOf(step);
  /** What operators have sent, waiting for the steps that need it. */
  const inbox = new OperatorInbox();
  const { completions, resolutions, resumedNames, resumedSteps, rejectedMessages } = inbox;
  /** Every step runs in this scope, so cancelling the split cancels running activities, timers and waits at once. */
  const stepScope = new CancellationScope();
  const context: StepContext = { orderId: input.orderId, fulfillmentOrder: fo, lineItems, outputs, deliveryAddress: fo.deliveryAddress };
  const sla = new SlaWatch(onSlaStage);
  /**
   * Cross-plan dependencies (workflows/cross-plan-relay.ts): steps of other splits this one waits for, as the order
   * relayed them, and this split's steps that others wait for. Each upstream step is a node of the scheduler's
   * graph that finishes when the order says it did. Since `cross-plan-dependencies`, asked only when the order
   * sends such data, which no order did before it.
   */
  const upstream = new Map<string, UpstreamStep>();
  const watched = new Set<string>();
  let crossPlanOn = false;
  const scheduler = new PlanScheduler({
    run: (id) => (isCrossPlanRef(id) ? waitForUpstream(id) : runStep(id).then(() => reportIfWatched(id))),
    unblocks: (id) => UNBLOCKING_STEP_STATES.has(isCrossPlanRef(id) ? upstream.get(id)!.state : steps.get(id)!.state),
    blocked: (id) => {
      markCancelled(steps.get(id)!);
      reportIfWatched(id);
    },
  });
  /** The split's batch of PONR requests (`batched-ponr`), made at the first PONR step. */
  let ponrBatch: PonrBatch | undefined;

  // Since lean-history the split starts with these values (its starter sets them), so none is written until one changes.
  let lastSearchAttributes = behaviour.startedWith('lean-history') ? signature(QUIET_SPLIT_ATTRIBUTES) : '';
  /** Progress reports sent so far: the next one's `sequence` (the split never continues as new, so it never restarts). */
  let progressReports = 0;

  if (peopleAndTime) {
    for (const [id, times] of plannedSchedule(fo.steps, fo.definitions, nowMs())) {
      const step = steps.get(id)!;
      step.plannedStart = isoTime(times.plannedStart);
      step.plannedCompletion = isoTime(times.plannedCompletion);
    }
  }

  setHandler(fulfillmentOrderPlanQuery, snapshot);
  setHandler(upstreamStepFinishedSignal, (finished) => {
    // From the order only; anyone with the Web UI can signal, so a ref no step waits for or a state that is not a
    // finished one is refused into the plan, never taken.
    const waitedFor = finished && typeof finished.ref === 'string' && [...steps.values()].some((s) => s.dependsOn.includes(finished.ref));
    if (!waitedFor || !FINISHED_STEP_STATES.has(finished.state)) {
      keepRefusal(rejectedMessages, 'upstreamStepFinished', undefined, 'not a finished upstream step that a step of this split waits for');
      return;
    }
    if (!upstream.has(finished.ref)) upstream.set(finished.ref, { state: finished.state, at: String(finished.at) });
  });
  takeCrossPlan(input.crossPlan);
  listenToOperators({ fulfillmentOrder: fo, steps, directory, definitionOf, lineItems, orderItems, peopleAndTime, operatorTrail, operators: input.operators }, inbox);
  listenToOrder(split, { changesInFlight, stopSteps: () => stepScope.cancel(), applyAmendedPlan, rejectedMessages });

  // ---- The main line: run the plan until every step has finished ----

  const slaRunning = peopleAndTime ? sla.run() : Promise.resolve();
  scheduler.setNodes(graphOf(fo.steps));
  await scheduler.whenAllFinished();
  // Since lean-history the SLA timer is left as it is: Temporal drops a closed workflow's timers, and cancelling
  // it would cost two history events per split for nothing.
  if (!behaviour.startedWith('lean-history')) {
    sla.stop();
    await slaRunning;
  }
  split.setState(split.cancellation ? 'cancelled' : 'completed');
  refreshSearchAttributes();
  return snapshot();

  function snapshot(): FulfillmentOrderPlan {
    return split.snapshot(rejectedMessages);
  }

  // ---- Cross-plan dependencies ----

  function takeCrossPlan(crossPlan: CrossPlanInput | undefined): void {
    if (!crossPlan || !(crossPlanOn ||= behaviour.has('cross-plan-dependencies'))) return;
    for (const [ref, finished] of Object.entries(crossPlan.finished)) if (!upstream.has(ref)) upstream.set(ref, finished);
    watched.clear();
    for (const id of crossPlan.watched) watched.add(id);
    // A step that finished before another split came to wait for it (an amendment) is reported now.
    for (const id of watched) reportIfWatched(id);
  }

  /** The scheduler's graph: the steps, and one node per upstream step of another split that they wait for. */
  function graphOf(stepList: readonly StepStatus[] | typeof fo.steps): Array<{ id: string; dependsOn: readonly string[] }> {
    if (!crossPlanOn) return [...stepList];
    const refs = new Set(stepList.flatMap((step) => step.dependsOn.filter(isCrossPlanRef)));
    return [...stepList, ...[...refs].map((id) => ({ id, dependsOn: [] }))];
  }

  /** Waits for the order to relay that an upstream step finished; a cancelled split stops waiting (its dependents are cancelled). */
  async function waitForUpstream(ref: string): Promise<void> {
    try {
      await stepScope.run(() => condition(() => upstream.has(ref)));
    } catch (error) {
      if (!isCancellation(error)) throw error;
      if (!upstream.has(ref)) upstream.set(ref, { state: 'Cancelled', at: now() });
    }
  }

  function reportIfWatched(id: string): void {
    const step = steps.get(id);
    const parent = workflowInfo().parent;
    if (!watched.has(id) || !step || !FINISHED_STEP_STATES.has(step.state) || !parent) return;
    getExternalWorkflowHandle(parent.workflowId)
      .signal(crossPlanStepFinishedSignal, { fulfillmentOrderId: fo.id, stepId: id, state: step.state, at: step.completedAt ?? now() })
      .catch((error: Error) => log.warn('cross-plan completion not delivered to the order', { stepId: id, error: error.message }));
  }

  // ---- Running a step: runStep → runStepWork → the step type's runner ----

  async function runStep(id: string): Promise<void> {
    const step = steps.get(id)!;
    for (;;) {
      try {
        await stepScope.run(() => {
          const own = new CancellationScope();
          ownScopes.set(id, own);
          return own.run(() => runStepWork(step));
        });
      } catch (error) {
        if (!isCancellation(error)) throw error;
        // Stopped by an amendment (not by a cancellation of the split): run again with the new line items.
        if (rerun.delete(id) && !split.cancellation && steps.get(id) === step) {
          moveStep(step, 'Amended');
          continue;
        }
        markCancelled(step);
      } finally {
        ownScopes.delete(id);
      }
      return;
    }
  }

  function markCancelled(step: StepStatus): void {
    if (step.state === 'Completed' || step.state === 'Skipped' || step.state === 'Discarded') return;
    moveStep(step, 'Cancelled');
    step.completedAt = now();
    sla.release(step.id);
  }

  async function runStepWork(step: StepStatus): Promise<void> {
    const id = step.id;
    const undo = redoAfter.get(id);
    if (undo) {
      redoAfter.delete(id);
      await undo;
    }
    const definition = definitionOf(step);
    // Data old plans cannot have: the patch is asked only when a step is dated (docs/versioning.md, version 4).
    if ((step.notBefore !== undefined || step.startAfter !== undefined) && behaviour.has('dated-steps')) await waitForDate(step);
    step.readyAt = now();
    moveStep(step, 'Ready');
    if (step.pointOfNoReturn && !(await mayPassPointOfNoReturn(step))) {
      markCancelled(step);
      return;
    }
    step.startedAt = now();
    moveStep(step, 'InProgress');
    step.error = undefined;
    const deadlines = peopleAndTime ? slaDeadlines(definition, nowMs()) : undefined;
    if (deadlines) {
      step.jeopardyAt = deadlines.jeopardyAt === undefined ? undefined : isoTime(deadlines.jeopardyAt);
      step.lateAt = isoTime(deadlines.lateAt);
      sla.watch(id, deadlines);
    }
    try {
      if (step.type === 'milestone') complete(step, {});
      else if (step.type === 'manualTask') await runManualTask(step, definition);
      else if (step.type === 'pause') await runPause(step, definition);
      else await runAutomated(step, definition);
    } finally {
      sla.release(id);
      refreshSearchAttributes();
    }
  }

  /**
   * A dated step waits `Scheduled` on a durable timer until its date. An amendment that moves the date
   * (applyAmendedPlan writes the new `notBefore`) wakes the wait, which then sleeps until the new date; a
   * cancellation of the split or the step cancels the wait like any other. Its SLA starts when it starts.
   */
  async function waitForDate(step: StepStatus): Promise<void> {
    const since = nowMs();
    for (;;) {
      const due = dueOf(step, since);
      if (due <= nowMs()) return;
      step.scheduledFor = isoTime(due);
      moveStep(step, 'Scheduled');
      await condition(() => dueOf(step, since) !== due, due - nowMs());
    }
  }

  /** When a dated step may start: the later of `notBefore` and its dependencies' completion (else `since`) plus `startAfter`. */
  function dueOf(step: StepStatus, since: number): number {
    let due = step.notBefore !== undefined ? msOf(step.notBefore) : -Infinity;
    if (step.startAfter !== undefined) {
      const met = step.dependsOn.map((id) => (isCrossPlanRef(id) ? upstream.get(id)?.at : steps.get(id)?.completedAt)).filter((at): at is string => at !== undefined);
      const from = met.length > 0 ? Math.max(...met.map((at) => msOf(at))) : since;
      due = Math.max(due, from + step.startAfter);
    }
    return due;
  }

  async function runManualTask(step: StepStatus, definition: StepDefinition): Promise<void> {
    step.queue = definition.queue ?? 'manual';
    step.instructions = definition.instructions;
    const entry = directory[step.queue];
    if (peopleAndTime && entry && entry.assignment !== 'none') {
      try {
        step.assignee = await assignManualTask({ queue: step.queue, policy: entry.assignment, members: entry.members });
      } catch (error) {
        log.warn('manual task left unassigned', { stepId: step.id, error: (error as Error).message });
      }
    }
    refreshSearchAttributes();
    await condition(() => completions.has(step.id));
    const completion = completions.get(step.id)!;
    (step.operatorActions ??= []).push({ at: now(), actor: completion.actor, action: 'complete', ...credentialTrail(completion, input.operators) });
    complete(step, completion.output ?? {}, { actor: completion.actor, via: (completion as { via?: string }).via ?? 'completeManualTask' });
  }

  async function runPause(step: StepStatus, definition: StepDefinition): Promise<void> {
    const resumeOn = definition.resumeOn!;
    if ('signal' in resumeOn) {
      await condition(() => (operatorTrail ? resumedSteps.has(step.id) : resumedNames.has(resumeOn.signal)));
      const actor = (operatorTrail && resumedSteps.get(step.id)) || 'signal';
      return complete(step, { resumedBy: resumeOn.signal }, { actor, via: `resume:${resumeOn.signal}`, ...inbox.resumeCredentials.get(step.id) });
    }
    const target = () => ({ lineItems: step.lineItemIds.map((id) => lineItems.get(id)!).filter(Boolean), orderItems });
    await condition(() => conditionHolds(resumeOn.condition, target()));
    complete(step, { condition: resumeOn.condition }, { actor: (operatorTrail && inbox.lastAttributeUpdateBy) || 'condition', via: resumeOn.condition.field });
  }

  async function runAutomated(step: StepStatus, definition: StepDefinition): Promise<void> {
    for (;;) {
      const outcome = await attemptWithPolicy(step, definition, context);
      if (outcome.ok) return complete(step, outcome.output);
      moveStep(step, 'FatallyFailed');
      step.falloutQueue = peopleAndTime ? chooseFalloutQueue(input.falloutRules ?? [], definition, outcome.error.code) : definition.fallout?.queue ?? 'fallout';
      // Kept for the audit trail: data only (no command), so histories recorded before it replay the same.
      (step.fallouts ??= []).push({ at: now(), queue: step.falloutQueue, message: outcome.error.message, ...(outcome.error.code !== undefined ? { code: outcome.error.code } : {}), attempts: outcome.error.attempts });
      if (!split.cancellation) split.setState('held');
      refreshSearchAttributes();
      reportProgress();
      await condition(() => resolutions.has(step.id));
      const resolution = resolutions.get(step.id)!;
      resolutions.delete(step.id);
      step.falloutQueue = undefined;
      const by = { actor: resolution.actor, via: `resolveFallout:${resolution.action}`, note: resolution.note };
      (step.operatorActions ??= []).push({ at: now(), actor: resolution.actor, action: `fallout ${resolution.action}`, note: resolution.note, ...credentialTrail(resolution, input.operators) });
      if (resolution.action === 'skip') {
        moveStep(step, 'Skipped');
        step.completedAt = now();
        step.completedBy = by;
      } else if (resolution.action === 'complete') complete(step, resolution.output ?? {}, by);
      else {
        // Retry: from scratch, with a fresh attempt count.
        moveStep(step, 'InProgress');
        step.error = undefined;
      }
      if (!split.cancellation) split.setState([...steps.values()].some((s) => s.state === 'FatallyFailed') ? 'held' : 'inProgress');
      refreshSearchAttributes();
      reportProgress();
      if (resolution.action !== 'retry') return;
    }
  }

  /**
   * A point-of-no-return step asks its order before it starts, so that the order alone decides, in the
   * order its messages arrive, whether a cancellation or an amendment came first.
   */
  async function mayPassPointOfNoReturn(step: StepStatus): Promise<boolean> {
    const parent = workflowInfo().parent;
    if (!changesInFlight || !parent) return true;
    const orderItemIds = unique(step.lineItemIds.flatMap((id) => lineItems.get(id)?.sourceItemIds ?? []));
    const order = getExternalWorkflowHandle(parent.workflowId);
    // Since batched-ponr (asked only here, when a PONR step is about to start): the steps ready in one round ask in one signal.
    if (behaviour.has('batched-ponr')) {
      ponrBatch ??= new PonrBatch(fo.id, (request) => order.signal(ponrRequestSignal, request));
      await ponrBatch.ask({ stepId: step.id, orderItemIds });
    } else await order.signal(ponrRequestSignal, { fulfillmentOrderId: fo.id, stepId: step.id, orderItemIds });
    await condition(() => ponrDecisions.has(step.id));
    return ponrDecisions.get(step.id)!.granted;
  }

  function complete(step: StepStatus, output: unknown, by?: StepStatus['completedBy']): void {
    moveStep(step, 'Completed');
    step.completedAt = now();
    step.output = output;
    if (by) step.completedBy = by;
    outputs.set(step.id, output);
  }

  // ---- Amendments ----

  /**
   * An accepted amendment: compare the new plan with the running one. Work that is done and unchanged
   * stays done; steps no longer needed are Discarded (stopped, or compensated where they ran); steps
   * whose line items changed are Amended (stopped and run again, or redone after compensation if they
   * had finished); new steps are added and start when their dependencies allow.
   */
  function applyAmendedPlan(request: AmendPlanRequest): void {
    const next = request.fulfillmentOrder;
    const itemsSignature = (ids: readonly string[], items: ReadonlyMap<string, unknown>) => JSON.stringify(ids.map((id) => items.get(id) ?? null));
    const nextLineItems = new Map(next.lineItems.map((li) => [li.id, li]));
    const changed = new Set<string>();
    for (const planned of next.steps) {
      const current = steps.get(planned.id);
      if (current && itemsSignature(current.lineItemIds, lineItems) !== itemsSignature(planned.lineItemIds, nextLineItems)) changed.add(planned.id);
    }
    Object.assign(split.definitions, next.definitions);
    const before = new Map(lineItems);
    const ranOn = (step: StepStatus) => ({ fulfillmentOrder: fo, lineItems: step.lineItemIds.map((id) => before.get(id)).filter((li): li is FulfillmentLineItem => !!li) });
    lineItems.clear();
    for (const [id, li] of nextLineItems) lineItems.set(id, li);
    for (const item of request.orderItems ?? []) orderItems.set(item.id, item);
    takeCrossPlan(request.crossPlan);
    // A new address (ChangeDeliveryAddress) goes with the callouts still to run; it changes no step, so none re-runs.
    context.deliveryAddress = next.deliveryAddress;

    const nextIds = new Set(next.steps.map((p) => p.id));
    for (const step of steps.values()) {
      if (!nextIds.has(step.id)) void discard(step, ranOn(step));
    }
    for (const planned of next.steps) {
      const current = steps.get(planned.id);
      if (!current) {
        steps.set(planned.id, initialStatus(planned));
        continue;
      }
      const ran = ranOn(current);
      current.dependsOn = planned.dependsOn;
      current.lineItemIds = planned.lineItemIds;
      // A moved date (an item's startDate amended): a step waiting Scheduled sees it and waits for the new one.
      current.notBefore = planned.notBefore;
      current.startAfter = planned.startAfter;
      if (changed.has(planned.id)) amend(current, ran);
    }
    scheduler.setNodes(graphOf([...steps.values()].filter((s) => nextIds.has(s.id))));
    refreshSearchAttributes();
  }

  /** A step whose line items changed: stop it and run it again, or undo and redo it if it had finished. */
  function amend(step: StepStatus, ran: Parameters<typeof compensateStep>[1]): void {
    step.runs = (step.runs ?? 1) + (scheduler.isStarted(step.id) || step.state === 'Completed' ? 1 : 0);
    if (scheduler.isStarted(step.id)) {
      rerun.add(step.id);
      ownScopes.get(step.id)?.cancel();
    } else if (step.state === 'Completed') {
      moveStep(step, 'Amended');
      const undo = compensateStep(input.orderId, ran, step, definitionOf(step));
      if (behaviour.has('redo-reopens-at-once')) {
        // Reopened at once, so its dependents wait for the redo instead of taking the unfinished step for a
        // cancelled one; the redo itself waits until the undo of the first run is done.
        redoAfter.set(step.id, undo);
        scheduler.reopen(step.id);
      } else {
        void undo.then(() => scheduler.reopen(step.id));
      }
    }
  }

  /** A step the new plan no longer has: stop it if it runs, undo it if it finished and says how. */
  async function discard(step: StepStatus, ran: Parameters<typeof compensateStep>[1]): Promise<void> {
    const wasCompleted = step.state === 'Completed';
    if (scheduler.isStarted(step.id)) ownScopes.get(step.id)?.cancel();
    moveStep(step, 'Discarded');
    step.completedAt = now();
    sla.release(step.id);
    reportIfWatched(step.id);
    if (wasCompleted) await compensateStep(input.orderId, ran, step, definitionOf(step));
  }

  // ---- Telling the order and the operators' search how this split is doing ----

  function reportProgress(): void {
    const parent = workflowInfo().parent;
    if (!parent) return;
    // Numbered: two reports sent from different workflow tasks may reach the order in either order (patch `ordered-progress`).
    getExternalWorkflowHandle(parent.workflowId)
      .signal(fulfillmentOrderProgressSignal, { fulfillmentOrderId: fo.id, state: split.state, counts: countSteps(steps.values()), sequence: ++progressReports })
      // A parent that has closed needs no progress; an unhandled rejection would fail this workflow's task.
      .catch((error: Error) => log.warn('progress not delivered to the order', { error: error.message }));
  }

  function refreshSearchAttributes(): void {
    if (!peopleAndTime) return;
    const all = [...steps.values()];
    const waitingManual = all.filter((s) => s.type === 'manualTask' && s.state === 'InProgress');
    const falloutQueues = unique(all.filter((s) => s.state === 'FatallyFailed' && s.falloutQueue).map((s) => s.falloutQueue!));
    const manualQueues = unique(waitingManual.flatMap((s) => [s.queue!, ...(s.escalatedTo ?? [])]));
    const assignees = unique(waitingManual.map((s) => s.assignee).filter((a): a is string => !!a));
    const inJeopardy = all.some((s) => s.jeopardy !== 'none' && !FINISHED_STEP_STATES.has(s.state));
    const attributes = splitQueueAttributes(falloutQueues, manualQueues, assignees, inJeopardy);
    const next = signature(attributes);
    if (next === lastSearchAttributes) return;
    lastSearchAttributes = next;
    upsertSearchAttributes([...attributes]);
  }

  function onSlaStage(stepId: string, stage: SlaStage): void {
    const step = steps.get(stepId)!;
    const definition = definitionOf(step);
    step.jeopardy = stage;
    const configured = stage === 'inJeopardy' ? definition.jeopardy?.onJeopardy : definition.jeopardy?.onLate;
    for (const action of configured ?? [{ action: 'alert' as const }]) {
      if (action.action === 'alert') {
        const deadline = stage === 'inJeopardy' ? step.jeopardyAt! : step.lateAt!;
        sendAlert({
          orderId: input.orderId,
          fulfillmentOrderId: fo.id,
          stepId,
          stage,
          message: `${stepId} is ${stage === 'late' ? 'late' : 'in jeopardy'} (${step.state})`,
          estimatedDuration: definition.estimatedDuration as number | undefined,
          startedAt: step.startedAt,
          deadline,
          queue: step.queue ?? step.falloutQueue,
          assignee: step.assignee,
        }).catch((error: Error) => log.warn('SLA alert not delivered', { stepId, error: error.message }));
      } else if (action.action === 'reassign') {
        step.queue = action.queue;
        step.assignee = undefined;
      } else if (!(step.escalatedTo ?? []).includes(action.queue)) {
        step.escalatedTo = [...(step.escalatedTo ?? []), action.queue];
      }
    }
    refreshSearchAttributes();
    reportProgress();
  }
}

/** What a set of queue attributes holds, to tell whether writing them would change anything. */
function signature(attributes: ReturnType<typeof splitQueueAttributes>): string {
  return JSON.stringify(attributes.map((a) => a.value));
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
