import { condition, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PlanStep } from '../domain/plan';
import { now } from './clock';
import { runDag } from './dag';
import {
  fulfillmentOrderPlanQuery,
  fulfillmentOrderProgressSignal,
  resolveFalloutSignal,
  resolveFalloutUpdate,
  type ResolveFalloutRequest,
} from './messages';
import { attemptWithPolicy, type StepContext } from './steps';
import {
  UNBLOCKING_STEP_STATES,
  type FulfillmentOrderInput,
  type FulfillmentOrderPlan,
  type FulfillmentOrderState,
  type StepCounts,
  type StepStatus,
} from './types';

/**
 * One split of an order: runs its plan as a DAG. Callouts and auto tasks are activities; milestones
 * complete when their dependencies do; a step whose retries are spent waits in fallout for an operator.
 */
export async function FulfillmentOrderWorkflow(input: FulfillmentOrderInput): Promise<FulfillmentOrderPlan> {
  const fo = input.fulfillmentOrder;
  const steps = new Map<string, StepStatus>(fo.steps.map((s) => [s.id, initialStatus(s)]));
  const outputs = new Map<string, unknown>();
  const resolutions = new Map<string, ResolveFalloutRequest>();
  let state: FulfillmentOrderState = 'inProgress';
  const context: StepContext = { orderId: input.orderId, fulfillmentOrder: fo, outputs };

  const snapshot = (): FulfillmentOrderPlan => ({
    orderId: input.orderId,
    fulfillmentOrderId: fo.id,
    location: fo.location,
    system: fo.system,
    deliveryGroupId: fo.deliveryGroupId,
    state,
    counts: countSteps(steps.values()),
    steps: [...steps.values()],
  });

  setHandler(fulfillmentOrderPlanQuery, snapshot);
  setHandler(resolveFalloutUpdate, (request) => {
    resolutions.set(request.stepId, request);
    return { accepted: true as const, stepId: request.stepId, action: request.action };
  }, { validator: (request) => checkResolution(steps, resolutions, request) });
  setHandler(resolveFalloutSignal, (request) => {
    const problem = resolutionProblem(steps, resolutions, request);
    if (problem) log.warn('resolveFallout signal ignored', { stepId: request.stepId, problem });
    else resolutions.set(request.stepId, request);
  });

  const reportProgress = () => {
    const parent = workflowInfo().parent;
    if (!parent) return;
    void getExternalWorkflowHandle(parent.workflowId).signal(fulfillmentOrderProgressSignal, {
      fulfillmentOrderId: fo.id,
      state,
      counts: countSteps(steps.values()),
    });
  };

  const complete = (step: StepStatus, output: unknown) => {
    step.state = 'Completed';
    step.completedAt = now();
    step.output = output;
    outputs.set(step.id, output);
  };

  async function runStep(id: string): Promise<void> {
    const step = steps.get(id)!;
    const definition = fo.definitions[step.definition];
    step.readyAt = now();
    step.startedAt = now();
    step.state = 'InProgress';
    if (step.type === 'milestone') return complete(step, {});
    if (step.type !== 'callout' && step.type !== 'autoTask') {
      // Manual tasks and pause steps are finished by operators' messages (a later part of the plan).
      await condition(() => UNBLOCKING_STEP_STATES.has(step.state));
      return;
    }
    for (;;) {
      const outcome = await attemptWithPolicy(step, definition, context);
      if (outcome.ok) return complete(step, outcome.output);
      step.state = 'FatallyFailed';
      step.falloutQueue = definition.fallout?.queue ?? 'fallout';
      state = 'held';
      reportProgress();
      await condition(() => resolutions.has(id));
      const resolution = resolutions.get(id)!;
      resolutions.delete(id);
      step.falloutQueue = undefined;
      state = [...steps.values()].some((s) => s.state === 'FatallyFailed') ? 'held' : 'inProgress';
      reportProgress();
      if (resolution.action === 'skip') {
        step.state = 'Skipped';
        step.completedAt = now();
        return;
      }
      if (resolution.action === 'complete') return complete(step, resolution.output ?? {});
      step.error = undefined; // retry: from scratch, with a fresh attempt count
    }
  }

  await runDag({
    nodes: fo.steps,
    run: runStep,
    unblocks: (id) => UNBLOCKING_STEP_STATES.has(steps.get(id)!.state),
    blocked: (id) => {
      steps.get(id)!.state = 'Cancelled';
    },
  });
  state = 'completed';
  return snapshot();
}

function initialStatus(step: PlanStep): StepStatus {
  return { ...step, state: 'Pending', attempts: 0, jeopardy: 'none' };
}

export function countSteps(steps: Iterable<StepStatus>): StepCounts {
  const counts: StepCounts = { total: 0, completed: 0, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 };
  for (const step of steps) {
    counts.total++;
    if (step.state === 'Completed' || step.state === 'Skipped') counts.completed++;
    else if (step.state === 'InProgress' || step.state === 'Failed' || step.state === 'Scheduled') counts.inProgress++;
    else if (step.state === 'FatallyFailed') counts.fatallyFailed++;
    if (step.jeopardy !== 'none') counts.inJeopardy++;
  }
  return counts;
}

function resolutionProblem(
  steps: ReadonlyMap<string, StepStatus>,
  pending: ReadonlyMap<string, ResolveFalloutRequest>,
  request: ResolveFalloutRequest,
): string | undefined {
  if (!request || typeof request.stepId !== 'string') return 'stepId is required';
  if (!request.actor) return 'actor is required: say who resolves the step';
  if (!['retry', 'complete', 'skip'].includes(request.action)) return `action must be retry, complete or skip, not ${JSON.stringify(request.action)}`;
  const step = steps.get(request.stepId);
  if (!step) return `no step ${request.stepId} in this fulfillment order`;
  if (step.state !== 'FatallyFailed' || pending.has(request.stepId)) return `step ${request.stepId} is not in fallout (it is ${step.state})`;
  return undefined;
}

function checkResolution(
  steps: ReadonlyMap<string, StepStatus>,
  pending: ReadonlyMap<string, ResolveFalloutRequest>,
  request: ResolveFalloutRequest,
): void {
  const problem = resolutionProblem(steps, pending, request);
  if (problem) throw new Error(problem);
}
