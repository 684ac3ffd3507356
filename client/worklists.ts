import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { QueueDirectory } from '../domain/queues';
import { fulfillmentOrderPlanQuery } from '../workflows/messages';
import type { FulfillmentOrderPlan, StepError, StepStatus } from '../workflows/types';
import { mapConcurrently } from './concurrency';
import { OrdoError } from './errors';

/**
 * The operators' work lists: open manual tasks and steps in fallout. The candidates are found through
 * Temporal visibility (the ManualQueues and FalloutQueues search attributes the fulfillment order workflows
 * keep current), never by scanning every workflow; each candidate's `plan` query then gives the steps.
 */

export interface ManualTask {
  orderId: string;
  fulfillmentOrderId: string;
  workflowId: string;
  stepId: string;
  /** The queue holding the task now (a jeopardy rule may have reassigned it), and any it was escalated to. */
  queue: string;
  escalatedTo: string[];
  assignee?: string;
  instructions?: string;
  startedAt?: string;
  jeopardy: StepStatus['jeopardy'];
  jeopardyAt?: string;
  lateAt?: string;
}

export interface FalloutStep {
  orderId: string;
  fulfillmentOrderId: string;
  workflowId: string;
  stepId: string;
  type: string;
  falloutQueue: string;
  /** Why it failed: the last attempt's error (message, type, HTTP status, code, attempts). */
  error?: StepError;
  startedAt?: string;
  jeopardy: StepStatus['jeopardy'];
}

export interface TaskFilter {
  /** Only tasks held in (or escalated to) this queue. */
  queue?: string;
  /** Only tasks this actor may act on: assigned to them, unassigned in a queue they belong to, or escalated to one. */
  actor?: string;
  /** Only this order's tasks. */
  orderId?: string;
}

export interface FalloutFilter {
  queue?: string;
  orderId?: string;
}

const RUNNING_SPLITS = 'ExecutionStatus = "Running" AND WorkflowType = "FulfillmentOrderWorkflow"';
/** How many `plan` queries run at once. */
const QUERY_CONCURRENCY = 8;

export async function listTasks(temporal: Client, queues: QueueDirectory, filter: TaskFilter = {}): Promise<ManualTask[]> {
  const where = [RUNNING_SPLITS, filter.queue === undefined ? 'ManualQueues IS NOT NULL' : `ManualQueues = ${visibilityLiteral(filter.queue, 'queue')}`];
  if (filter.orderId !== undefined) where.push(`OrderId = ${visibilityLiteral(filter.orderId, 'order id')}`);
  if (filter.actor !== undefined) where.push(actorClause(filter.actor, queues));
  const tasks = (await plansOf(temporal, where.join(' AND '))).flatMap(({ workflowId, plan }) =>
    plan.steps.filter((step) => step.type === 'manualTask' && step.state === 'InProgress').map((step) => toTask(workflowId, plan, step)),
  );
  return tasks
    .filter(
      (task) =>
        (filter.queue === undefined || task.queue === filter.queue || task.escalatedTo.includes(filter.queue)) &&
        (filter.actor === undefined || mayTake(task, filter.actor, queues)),
    )
    .sort(oldestFirst);
}

export async function listFallout(temporal: Client, filter: FalloutFilter = {}): Promise<FalloutStep[]> {
  const where = [RUNNING_SPLITS, filter.queue === undefined ? 'FalloutQueues IS NOT NULL' : `FalloutQueues = ${visibilityLiteral(filter.queue, 'queue')}`];
  if (filter.orderId !== undefined) where.push(`OrderId = ${visibilityLiteral(filter.orderId, 'order id')}`);
  const steps = (await plansOf(temporal, where.join(' AND '))).flatMap(({ workflowId, plan }) =>
    plan.steps
      .filter((step) => step.state === 'FatallyFailed')
      .map((step) => ({
        orderId: plan.orderId,
        fulfillmentOrderId: plan.fulfillmentOrderId,
        workflowId,
        stepId: step.id,
        type: step.type,
        falloutQueue: step.falloutQueue ?? 'fallout',
        error: step.error,
        startedAt: step.startedAt,
        jeopardy: step.jeopardy,
      })),
  );
  return steps.filter((step) => filter.queue === undefined || step.falloutQueue === filter.queue).sort(oldestFirst);
}

/** Assigned to the actor; or unassigned in a queue the actor belongs to; or escalated to a queue the actor belongs to. */
export function mayTake(task: Pick<ManualTask, 'queue' | 'escalatedTo' | 'assignee'>, actor: string, queues: QueueDirectory): boolean {
  const memberOf = (queue: string) => queues[queue]?.members.includes(actor) ?? false;
  if (task.assignee === actor) return true;
  if (task.assignee === undefined && memberOf(task.queue)) return true;
  return task.escalatedTo.some(memberOf);
}

/** Visibility's part of `mayTake`: held by the actor, or in (or escalated to) a queue of theirs; the rest is checked on the plan. */
function actorClause(actor: string, queues: QueueDirectory): string {
  const own = Object.keys(queues).filter((queue) => queues[queue].members.includes(actor));
  const assigned = `ManualAssignees = ${visibilityLiteral(actor, 'actor')}`;
  return own.length ? `(${assigned} OR ManualQueues IN (${own.map((q) => visibilityLiteral(q, 'queue')).join(', ')}))` : assigned;
}

function toTask(workflowId: string, plan: FulfillmentOrderPlan, step: StepStatus): ManualTask {
  return {
    orderId: plan.orderId,
    fulfillmentOrderId: plan.fulfillmentOrderId,
    workflowId,
    stepId: step.id,
    queue: step.queue ?? 'manual',
    escalatedTo: step.escalatedTo ?? [],
    assignee: step.assignee,
    instructions: step.instructions,
    startedAt: step.startedAt,
    jeopardy: step.jeopardy,
    jeopardyAt: step.jeopardyAt,
    lateAt: step.lateAt,
  };
}

/** Oldest work first, then by order and step, so the list reads the same every time. */
export function oldestFirst(a: { startedAt?: string; orderId: string; stepId: string }, b: { startedAt?: string; orderId: string; stepId: string }): number {
  return (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.orderId.localeCompare(b.orderId) || a.stepId.localeCompare(b.stepId);
}

/** The plans of the workflows a visibility query finds; a split that closed meanwhile is left out. */
async function plansOf(temporal: Client, query: string): Promise<Array<{ workflowId: string; plan: FulfillmentOrderPlan }>> {
  const ids: string[] = [];
  for await (const execution of temporal.workflow.list({ query })) ids.push(execution.workflowId);
  const found = await mapConcurrently(ids, QUERY_CONCURRENCY, async (workflowId) => {
    try {
      return { workflowId, plan: await temporal.workflow.getHandle(workflowId).query(fulfillmentOrderPlanQuery) };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  });
  return found.filter((entry): entry is { workflowId: string; plan: FulfillmentOrderPlan } => entry !== undefined);
}

/** A visibility string literal. Names with quotes or backslashes are refused rather than escaped. */
export function visibilityLiteral(value: string, what: string): string {
  if (!value || /["\\\n]/.test(value)) throw new OrdoError('invalid', `${what} ${JSON.stringify(value)} cannot be searched for: use a name without quotes or backslashes`);
  return `"${value}"`;
}
