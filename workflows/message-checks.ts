import { ApplicationFailure, log } from '@temporalio/workflow';
import { z } from 'zod';
import { problemsFromZod } from '../domain/problems';
import { now } from './clock';
import { undecodableReason } from './payload-converter';

/**
 * The checks every signal and update payload passes at its handler's boundary, before any handler reads it
 * (DESIGN.md: an invalid message is logged and shown in the plan, never thrown). Anyone with the Web UI can
 * send any JSON, or text that is not JSON (the payload converter turns that into a value refused here), so a
 * handler sees only payloads of the shape it reads. The schemas are loose on purpose: they check what the
 * handlers read and let other fields through, so no message that recorded histories accepted is refused now
 * (a refused message changes what a workflow does, and replay would break).
 */

const text = z.string();
const optionalText = z.string().optional();

const ManualTaskCompletion = z.looseObject({ stepId: text, actor: optionalText });
const ResolveFallout = z.looseObject({ stepId: text, actor: optionalText, action: text, note: optionalText });
const Resume = z.looseObject({ name: z.string({ error: 'name is required: the signal name the pause step waits for' }), actor: optionalText });
const UpdateAttributes = z.looseObject({
  actor: optionalText,
  lineItemId: optionalText,
  orderItemId: optionalText,
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]), { error: 'attributes must be an object of strings, numbers and booleans' }),
});
const CancelFulfillment = z.looseObject({ reason: optionalText, actor: optionalText });
const PonrDecision = z.looseObject({ stepId: text, granted: z.boolean(), reason: optionalText });
const PlannedStep = z.looseObject({ id: text, dependsOn: z.array(text), lineItemIds: z.array(text) });
const AmendPlan = z.looseObject({
  fulfillmentOrder: z.looseObject({ id: text, lineItems: z.array(z.looseObject({ id: text })), steps: z.array(PlannedStep), definitions: z.record(z.string(), z.unknown()) }),
  orderItems: z.array(z.looseObject({ id: text })).optional(),
});
const FulfillmentOrderProgress = z.looseObject({
  fulfillmentOrderId: text,
  // Any text: the split's states are its own to add to (workflows/types.ts); only the shape matters here.
  state: text,
  counts: z.looseObject({ total: z.number(), completed: z.number(), inProgress: z.number(), fatallyFailed: z.number(), inJeopardy: z.number() }),
});
const Cancel = z.looseObject({ reason: optionalText, actor: optionalText });
/** Only the outline: the order's validator checks every action in full (domain/order-actions.ts). */
const Amend = z.looseObject({ actor: optionalText, actions: z.array(z.unknown()) });
const PonrRequest = z.looseObject({ fulfillmentOrderId: text, stepId: text, orderItemIds: z.array(text) });
const AccountShareReady = z.looseObject({ destination: text, fulfillmentOrderId: text, accountWorkflowId: text });
const JoinAccountWork = z.looseObject({ orderId: text, orderWorkflowId: text, fulfillmentOrder: z.looseObject({ id: text }) });
const LeaveAccountWork = z.looseObject({ orderId: text, reason: optionalText });
const QueueMembers = z.array(text);

/** The schema of each message's payload, by the message's name (signals and updates of one name share one). */
export const MESSAGE_SCHEMAS = {
  manualTaskCompleted: ManualTaskCompletion,
  completeManualTask: ManualTaskCompletion,
  resolveFallout: ResolveFallout,
  resume: Resume,
  updateAttributes: UpdateAttributes,
  cancelFulfillment: CancelFulfillment,
  ponrDecision: PonrDecision,
  amendPlan: AmendPlan,
  fulfillmentOrderProgress: FulfillmentOrderProgress,
  cancel: Cancel,
  amend: Amend,
  ponrRequest: PonrRequest,
  accountShareReady: AccountShareReady,
  joinAccountWork: JoinAccountWork,
  leaveAccountWork: LeaveAccountWork,
  nextAssignee: QueueMembers,
} as const;

export type CheckedMessage = keyof typeof MESSAGE_SCHEMAS;

/** Why a payload is refused (it could not be decoded, or it has not the shape the handler reads), or undefined. */
export function messageProblem(message: CheckedMessage, payload: unknown): string | undefined {
  const undecodable = undecodableReason(payload);
  if (undecodable) return undecodable;
  const result = MESSAGE_SCHEMAS[message].safeParse(payload);
  if (result.success) return undefined;
  const problems = problemsFromZod(result.error, '', MESSAGE_SCHEMAS[message]);
  return `the payload is not a valid ${message} message: ${problems.map((p) => `${p.path || '(payload)'}: ${p.message}`).join('; ')}`;
}

/** Who sent a payload, when it says so in a readable way: for the refusal's record. */
export function actorOf(payload: unknown): string | undefined {
  const actor = typeof payload === 'object' && payload !== null ? (payload as { actor?: unknown }).actor : undefined;
  return typeof actor === 'string' ? actor : undefined;
}

/**
 * A signal handler that runs `handle` only on a payload of the right shape; any other payload is passed to
 * `refuse` with the reason (the caller logs it and keeps it where operators look, with actorOf(payload)).
 */
export function checkedSignal<T>(message: CheckedMessage, refuse: (reason: string, payload: unknown) => void, handle: (payload: T) => void): (payload: T) => void {
  return (payload: T) => {
    const problem = messageProblem(message, payload);
    if (problem) refuse(problem, payload);
    else handle(payload);
  };
}

/** An update validator that refuses a payload of the wrong shape (nothing is written to history), then runs `validate`. */
export function checkedValidator<T>(message: CheckedMessage, validate?: (payload: T) => void): (payload: T) => void {
  return (payload: T) => {
    const problem = messageProblem(message, payload);
    if (problem) throw ApplicationFailure.nonRetryable(problem, 'InvalidInput');
    validate?.(payload);
  };
}

/** A refused signal, logged and kept in `into` (a plan's or a summary's rejectedMessages) for operators to see. */
export function keepRefusal(into: Array<{ at: string; message: string; actor?: string; reason: string }>, message: string, actor: string | undefined, reason: string): void {
  log.warn(`${message} signal refused`, { actor, reason });
  into.push({ at: now(), message, actor, reason });
}
