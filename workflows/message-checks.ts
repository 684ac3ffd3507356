import { ApplicationFailure, log } from '@temporalio/workflow';
import { now } from './clock';
import { undecodableReason } from './payload-converter';

/**
 * The checks every signal and update payload passes at its handler's boundary, before any handler reads it
 * (DESIGN.md: an invalid message is logged and shown in the plan, never thrown). Anyone with the Web UI can
 * send any JSON, or text that is not JSON (the payload converter turns that into a value refused here), so a
 * handler sees only payloads of the shape it reads. The shapes are loose on purpose: they check what the
 * handlers read and let other fields through, so no message that recorded histories accepted is refused now
 * (a refused message changes what a workflow does, and replay would break).
 *
 * Written without zod, and without domain/problems.ts (which exists to render zod errors): the worker gives
 * every cached workflow run its own copy of each module the run loads, and zod is ~95 modules. Keeping it out
 * of the splits took a cached workflow's heap from 397 to 174 KiB (docs/benchmarks.md "Memory"); the split,
 * account and queue workflows all load this file, so it stays dependency-free (test/workflows/index.test.ts
 * guards that). The acceptance rules are zod's, unchanged: an object is any non-null, non-array object, and
 * fields beyond those named pass; a number is finite; an optional field may be absent but not null.
 */

/** A payload's shape: a check adding a `path: problem` line to `problems` for each way `value` misses it. */
type Shape = (value: unknown, path: string, problems: Problems) => void;

/** Problems found so far; only the first few are kept, so a huge wrong payload gives a short refusal. */
interface Problems {
  lines: string[];
  more: number;
}
const KEPT_PROBLEMS = 5;

function report(problems: Problems, path: string, problem: string): void {
  if (problems.lines.length < KEPT_PROBLEMS) problems.lines.push(`${path || '(payload)'}: ${problem}`);
  else problems.more++;
}

/** What a value is, in the words the messages use: "not a number". */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : String(value);
  if (typeof value === 'boolean') return `${value}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** `expected` says what to put there: "text", "an object of strings, numbers and booleans". */
function wrongKind(problems: Problems, path: string, value: unknown, expected: string): void {
  report(problems, path, value === undefined ? `is required (${expected})` : `must be ${expected} (not ${kindOf(value)})`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isFlag = (value: unknown): value is boolean => typeof value === 'boolean';
const fieldPath = (path: string, name: string) => (path ? `${path}.${name}` : name);

function scalar(expected: string, accepts: (value: unknown) => boolean): Shape {
  return (value, path, problems) => (accepts(value) ? undefined : wrongKind(problems, path, value, expected));
}

const text = scalar('text', isText);
const number = scalar('a number', isNumber);
const flag = scalar('true or false', isFlag);
const anything: Shape = () => undefined;

function optional(shape: Shape): Shape {
  return (value, path, problems) => (value === undefined ? undefined : shape(value, path, problems));
}

/** An object with at least these fields (any others pass untouched). */
function looseObject(fields: Record<string, Shape>): Shape {
  return (value, path, problems) => {
    if (!isObject(value)) return wrongKind(problems, path, value, 'an object');
    for (const [name, shape] of Object.entries(fields)) shape(value[name], fieldPath(path, name), problems);
  };
}

function listOf(expected: string, item: Shape): Shape {
  return (value, path, problems) => {
    if (!Array.isArray(value)) return wrongKind(problems, path, value, expected);
    value.forEach((element, index) => item(element, `${path}[${index}]`, problems));
  };
}

/** An object whose every field has the `field` shape (a JSON `__proto__` field is skipped, as zod skips it). */
function recordOf(expected: string, field: Shape): Shape {
  return (value, path, problems) => {
    if (!isObject(value)) return wrongKind(problems, path, value, expected);
    for (const name of Object.keys(value)) if (name !== '__proto__') field(value[name], fieldPath(path, name), problems);
  };
}

const optionalText = optional(text);
const attributeValue = scalar('a string, number or boolean', (value) => isText(value) || isNumber(value) || isFlag(value));
const texts = listOf('a list of texts', text);
const objectsWithId = listOf('a list of objects', looseObject({ id: text }));

const ManualTaskCompletion = looseObject({ stepId: text, actor: optionalText });
const ResolveFallout = looseObject({ stepId: text, actor: optionalText, action: text, note: optionalText });
// Says what the name is: an operator typing a resume by hand has nothing else to go on.
const Resume = looseObject({ name: scalar('text: the signal name the pause step waits for', isText), actor: optionalText });
const UpdateAttributes = looseObject({
  actor: optionalText,
  lineItemId: optionalText,
  orderItemId: optionalText,
  attributes: recordOf('an object of strings, numbers and booleans', attributeValue),
});
const CancelFulfillment = looseObject({ reason: optionalText, actor: optionalText });
const PonrDecision = looseObject({ stepId: text, granted: flag, reason: optionalText, stepIds: optional(texts) });
const PlannedStep = looseObject({ id: text, dependsOn: texts, lineItemIds: texts });
const AmendPlan = looseObject({
  fulfillmentOrder: looseObject({ id: text, lineItems: objectsWithId, steps: listOf('a list of objects', PlannedStep), definitions: recordOf('an object', anything) }),
  orderItems: optional(objectsWithId),
});
const FulfillmentOrderProgress = looseObject({
  fulfillmentOrderId: text,
  // Any text: the split's states are its own to add to (workflows/types.ts); only the shape matters here.
  state: text,
  counts: looseObject({ total: number, completed: number, inProgress: number, fatallyFailed: number, inJeopardy: number }),
  sequence: optional(number),
});
const Cancel = looseObject({ reason: optionalText, actor: optionalText });
/** Only the outline: the order's validator checks every action in full (domain/order-actions.ts). */
const Amend = looseObject({ actor: optionalText, actions: listOf('a list', anything) });
const PonrRequest = looseObject({
  fulfillmentOrderId: text,
  stepId: text,
  orderItemIds: texts,
  steps: optional(listOf('a list of objects', looseObject({ stepId: text, orderItemIds: texts }))),
});
const AccountShareReady = looseObject({ destination: text, fulfillmentOrderId: text, accountWorkflowId: text });
const JoinAccountWork = looseObject({ orderId: text, orderWorkflowId: text, fulfillmentOrder: looseObject({ id: text }) });
const LeaveAccountWork = looseObject({ orderId: text, reason: optionalText });
const QueueMembers = texts;
const ApproveOrder = looseObject({ actor: text, approved: flag, reason: optionalText });

/** The shape of each message's payload, by the message's name (signals and updates of one name share one). */
const MESSAGE_SHAPES = {
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
  approveOrder: ApproveOrder,
} as const satisfies Record<string, Shape>;

export type CheckedMessage = keyof typeof MESSAGE_SHAPES;

/** Why a payload is refused (it could not be decoded, or it has not the shape the handler reads), or undefined. */
export function messageProblem(message: CheckedMessage, payload: unknown): string | undefined {
  const undecodable = undecodableReason(payload);
  if (undecodable) return undecodable;
  const problems: Problems = { lines: [], more: 0 };
  MESSAGE_SHAPES[message](payload, '', problems);
  if (problems.lines.length === 0) return undefined;
  const more = problems.more > 0 ? `; and ${problems.more} more` : '';
  return `the payload is not a valid ${message} message: ${problems.lines.join('; ')}${more}`;
}

/** Who sent a payload, when it says so in a readable way: for the refusal's record. */
export function actorOf(payload: unknown): string | undefined {
  const actor = typeof payload === 'object' && payload !== null ? (payload as { actor?: unknown }).actor : undefined;
  return typeof actor === 'string' ? actor : undefined;
}

/**
 * A signal handler that runs `handle` only on a payload of the right shape; any other payload is passed to
 * `refuse` with the reason and the message's name (the caller logs it and keeps it where operators look, with
 * actorOf(payload)), so one `refuse` serves every signal a workflow checks.
 */
export function checkedSignal<T>(message: CheckedMessage, refuse: (reason: string, payload: unknown, message: CheckedMessage) => void, handle: (payload: T) => void): (payload: T) => void {
  return (payload: T) => {
    const problem = messageProblem(message, payload);
    if (problem) refuse(problem, payload, message);
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
