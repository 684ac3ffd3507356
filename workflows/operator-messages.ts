import { log, setHandler, workflowInfo } from '@temporalio/workflow';
import type { StepDefinition } from '../domain/catalog';
import type { OrderItem } from '../domain/order';
import type { FulfillmentLineItem, FulfillmentOrder } from '../domain/plan';
import { credentialTrail, whyNotAuthentic, type OperatorRecord } from '../domain/operator-signature';
import { whyActorMayNotAct, whyActorMayNotResume, whyActorMayNotUpdateAttributes, type QueueDirectory } from '../domain/queues';
import { now, nowMs } from './clock';
import {
  completeManualTaskUpdate,
  manualTaskCompletedSignal,
  resolveFalloutSignal,
  resolveFalloutUpdate,
  resumeSignal,
  resumeUpdate,
  updateAttributesSignal,
  updateAttributesUpdate,
  type ManualTaskCompletion,
  type ResolveFalloutRequest,
  type ResumeRequest,
  type UpdateAttributesRequest,
} from './messages';
import { actorOf, checkedSignal, checkedValidator } from './message-checks';
import type { FulfillmentOrderPlan, StepStatus } from './types';

/** What operators have sent a split, kept until the steps that wait for it take it. */
export class OperatorInbox {
  readonly completions = new Map<string, ManualTaskCompletion>();
  readonly resolutions = new Map<string, ResolveFalloutRequest>();
  /** Before operator-trail: every resume name that arrived, waiting or not. */
  readonly resumedNames = new Set<string>();
  /** Pause steps resumed by a signal, with who sent it (operator-trail). */
  readonly resumedSteps = new Map<string, string | undefined>();
  /** The signed resumes among them: what the step's completedBy keeps for the audit trail. */
  readonly resumeCredentials = new Map<string, ReturnType<typeof credentialTrail>>();
  /** Who sent the last attribute update: a condition it made true is credited to them. */
  lastAttributeUpdateBy: string | undefined;
  /** Refused signals that name no step of the split (those that do are kept on the step). */
  readonly rejectedMessages: NonNullable<FulfillmentOrderPlan['rejectedMessages']> = [];
}

/** What the handlers read of the split. */
export interface SplitForOperators {
  fulfillmentOrder: FulfillmentOrder;
  steps: ReadonlyMap<string, StepStatus>;
  directory: QueueDirectory;
  definitionOf: (step: StepStatus) => StepDefinition;
  /** Replaced, never mutated, by attribute updates: the line items came in the workflow input. */
  lineItems: Map<string, FulfillmentLineItem>;
  orderItems: Map<string, OrderItem>;
  peopleAndTime: boolean;
  operatorTrail: boolean;
  /**
   * Who may sign, recorded with the plan (domain/operator-signature.ts). When present, `resume` and
   * `updateAttributes` are authorized too, and in `signed` mode every message must be signed by its actor.
   * Absent in splits of orders decomposed before: they behave exactly as before, so their histories replay.
   */
  operators?: OperatorRecord;
}

/**
 * Operators' updates and signals to a split: manual task completions, fallout resolutions, resumes and
 * attribute updates. Each is checked against the step it names and the actor's queues; an update is refused
 * with the reason, a refused signal is logged and kept where the operator looks (the plan).
 */
export function listenToOperators(split: SplitForOperators, inbox: OperatorInbox): void {
  const { steps, directory, definitionOf, lineItems, orderItems, peopleAndTime, operatorTrail, operators } = split;
  /** Why a message is not believed to come from its actor (signed mode only), or undefined. */
  const notAuthentic = (message: string, request: unknown) => whyNotAuthentic(operators, message, workflowInfo().workflowId, request, nowMs());
  const fo = split.fulfillmentOrder;
  const { completions, resolutions, resumedNames, resumedSteps, rejectedMessages } = inbox;

  const manualTaskProblem = (request: ManualTaskCompletion, message: string): string | undefined => {
    const forged = notAuthentic(message, request);
    if (forged) return forged;
    const step = request && typeof request.stepId === 'string' ? steps.get(request.stepId) : undefined;
    if (!step) return `no step ${JSON.stringify(request?.stepId)} in fulfillment order ${fo.id}`;
    if (step.type !== 'manualTask') return `step ${step.id} is a ${step.type}, not a manual task`;
    if (step.state !== 'InProgress' || completions.has(step.id)) return `step ${step.id} is not waiting for an operator (it is ${step.state === 'InProgress' ? 'being completed' : step.state})`;
    return whyActorMayNotAct(request.actor, [step.queue!, ...(step.escalatedTo ?? [])], definitionOf(step).runAs, directory);
  };
  const falloutProblem = (request: ResolveFalloutRequest): string | undefined => {
    const forged = notAuthentic('resolveFallout', request);
    if (forged) return forged;
    const step = request && typeof request.stepId === 'string' ? steps.get(request.stepId) : undefined;
    if (!step) return `no step ${JSON.stringify(request?.stepId)} in fulfillment order ${fo.id}`;
    if (!['retry', 'complete', 'skip'].includes(request.action)) return `action must be retry, complete or skip, not ${JSON.stringify(request.action)}`;
    if (step.state !== 'FatallyFailed' || resolutions.has(step.id)) return `step ${step.id} is not in fallout (it is ${step.state})`;
    if (!peopleAndTime) return request.actor ? undefined : 'actor is required: say who resolves the step';
    return whyActorMayNotAct(request.actor, [step.falloutQueue!], definitionOf(step).runAs, directory);
  };
  /** Signals cannot answer: a refused one is logged and kept where the operator looks (the plan). */
  const refuseSignal = (message: string, stepId: unknown, actor: unknown, reason: string) => {
    log.warn(`${message} signal refused`, { stepId, actor, reason });
    const entry = { at: now(), message, actor: typeof actor === 'string' ? actor : undefined, reason };
    const step = typeof stepId === 'string' ? steps.get(stepId) : undefined;
    if (step) (step.rejectedMessages ??= []).push(entry);
    else rejectedMessages.push(entry);
  };

  /** A payload of the wrong shape or one that could not be decoded: refused like any other signal. */
  const refuseMalformed = (reason: string, payload: unknown, message: string) =>
    refuseSignal(message, (payload as { stepId?: unknown } | undefined)?.stepId, actorOf(payload), reason);

  setHandler(completeManualTaskUpdate, (request) => {
    completions.set(request.stepId, { ...request, ...(operatorTrail ? { via: 'completeManualTask' } : {}) });
    return { accepted: true as const, stepId: request.stepId };
  }, { validator: checkedValidator<ManualTaskCompletion>('completeManualTask', (request) => throwIf(manualTaskProblem(request, 'completeManualTask'))) });
  setHandler(manualTaskCompletedSignal, checkedSignal('manualTaskCompleted', refuseMalformed, (request) => {
    const problem = manualTaskProblem(request, 'manualTaskCompleted');
    if (problem) refuseSignal('manualTaskCompleted', request?.stepId, request?.actor, problem);
    else completions.set(request.stepId, { ...request, ...(operatorTrail ? { via: 'manualTaskCompleted' } : {}) });
  }));
  setHandler(resolveFalloutUpdate, (request) => {
    resolutions.set(request.stepId, request);
    return { accepted: true as const, stepId: request.stepId, action: request.action };
  }, { validator: checkedValidator<ResolveFalloutRequest>('resolveFallout', (request) => throwIf(falloutProblem(request))) });
  setHandler(resolveFalloutSignal, checkedSignal('resolveFallout', refuseMalformed, (request) => {
    const problem = falloutProblem(request);
    if (problem) refuseSignal('resolveFallout', request?.stepId, request?.actor, problem);
    else resolutions.set(request.stepId, request);
  }));

  /** The pause steps a resume of this name resumes now, or why it resumes none. Before operator-trail a name is kept for later. */
  const resumeDecision = (request: ResumeRequest): { problem: string } | { resumed: StepStatus[] } => {
    if (typeof request?.name !== 'string' || !request.name) return { problem: 'name is required: the signal name the pause step waits for' };
    const forged = notAuthentic('resume', request);
    if (forged) return { problem: forged };
    if (!operatorTrail) return { resumed: [] };
    const waiting = [...steps.values()].filter((s) => s.type === 'pause' && s.state === 'InProgress' && !resumedSteps.has(s.id));
    const named = waiting.filter((s) => { const on = definitionOf(s).resumeOn; return !!on && 'signal' in on && on.signal === request.name; });
    // Authorized since operator keys are recorded with the plan: the step's runAs identity or its queue's members.
    const refusals = operators ? named.flatMap((s) => { const why = whyActorMayNotResume(request.actor, s.id, definitionOf(s), directory); return why ? [why] : []; }) : [];
    const resumed = operators ? named.filter((s) => !whyActorMayNotResume(request.actor, s.id, definitionOf(s), directory)) : named;
    if (resumed.length > 0) return { resumed };
    if (refusals.length > 0) return { problem: refusals.join('; ') };
    const names = unique(waiting.flatMap((s) => { const on = definitionOf(s).resumeOn; return on && 'signal' in on ? [on.signal] : []; }));
    return { problem: `no pause step is waiting for "${request.name}" now${names.length ? ` (waiting: ${names.join(', ')})` : ''}` };
  };
  const applyResume = (request: ResumeRequest, resumed: StepStatus[]) => {
    if (!operatorTrail) resumedNames.add(request.name);
    const trail = credentialTrail(request, operators);
    for (const s of resumed) {
      resumedSteps.set(s.id, request.actor);
      if (trail.credential) inbox.resumeCredentials.set(s.id, trail);
    }
  };
  setHandler(resumeSignal, checkedSignal('resume', refuseMalformed, (request) => {
    const decision = resumeDecision(request);
    if ('problem' in decision) refuseSignal('resume', undefined, request?.actor, decision.problem);
    else applyResume(request, decision.resumed);
  }));
  // The update answers with the decision: `ordo resume` says which steps go on, or exits 1 with the reason.
  setHandler(resumeUpdate, (request) => {
    const decision = resumeDecision(request);
    const resumed = 'resumed' in decision ? decision.resumed : [];
    applyResume(request, resumed);
    return { accepted: true as const, name: request.name, resumedStepIds: resumed.map((s) => s.id) };
  }, {
    validator: checkedValidator<ResumeRequest>('resume', (request) => {
      const decision = resumeDecision(request);
      throwIf('problem' in decision ? decision.problem : undefined);
    }),
  });

  /** Who works this split: the queues its steps name and their runAs identities may change its attributes. */
  const attributeAuthorityProblem = (actor: unknown): string | undefined => {
    const all = [...steps.values()];
    const queues = all.flatMap((s) => [s.queue, s.falloutQueue, ...(s.escalatedTo ?? []), definitionOf(s).queue]).filter((q): q is string => !!q);
    const runAs = all.map((s) => definitionOf(s).runAs).filter((r): r is string => !!r);
    return whyActorMayNotUpdateAttributes(actor, queues, runAs, directory);
  };

  /** The line item or order item an attribute update names, or why there is none (or why this actor may not). */
  const attributeTarget = (request: UpdateAttributesRequest): { problem: string } | { target: Map<string, unknown>; id: string; record: { attributes?: Record<string, unknown> } } => {
    const forged = notAuthentic('updateAttributes', request);
    if (forged) return { problem: forged };
    const unauthorized = operators ? attributeAuthorityProblem(request?.actor) : undefined;
    if (unauthorized) return { problem: unauthorized };
    const target = request?.lineItemId !== undefined ? lineItems : orderItems;
    const id = request?.lineItemId ?? request?.orderItemId;
    const record = id === undefined ? undefined : (target as Map<string, { attributes?: Record<string, unknown> }>).get(id);
    if (!record || typeof request.attributes !== 'object' || request.attributes === null) {
      return { problem: `no line item or order item ${JSON.stringify(id)} in fulfillment order ${fo.id}, or no attributes given` };
    }
    return { target: target as Map<string, unknown>, id: id!, record };
  };
  const applyAttributes = (request: UpdateAttributesRequest, { target, id, record }: { target: Map<string, unknown>; id: string; record: { attributes?: Record<string, unknown> } }) => {
    inbox.lastAttributeUpdateBy = request.actor;
    // Replace, never mutate: the line items came in the workflow input.
    target.set(id, { ...record, attributes: { ...record.attributes, ...request.attributes } });
  };
  setHandler(updateAttributesSignal, checkedSignal('updateAttributes', refuseMalformed, (request) => {
    const found = attributeTarget(request);
    if ('problem' in found) refuseSignal('updateAttributes', undefined, request?.actor, found.problem);
    else applyAttributes(request, found);
  }));
  setHandler(updateAttributesUpdate, (request) => {
    const found = attributeTarget(request);
    if ('target' in found) applyAttributes(request, found);
    return { accepted: true as const, ...(request.lineItemId !== undefined ? { lineItemId: request.lineItemId } : { orderItemId: request.orderItemId }) };
  }, {
    validator: checkedValidator<UpdateAttributesRequest>('updateAttributes', (request) => {
      const found = attributeTarget(request);
      throwIf('problem' in found ? found.problem : undefined);
    }),
  });
}

/** An update validator refuses by throwing: the caller gets the reason, and nothing is written to history. */
function throwIf(problem: string | undefined): void {
  if (problem) throw new Error(problem);
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
