import type { Client } from '@temporalio/client';
import { OrdoError } from '../client/errors';
import type { OrdoOperator } from '../client/operator';
import { mayTake } from '../client/worklists';
import { parseDuration } from '../domain/duration';
import type { QueueDirectory } from '../domain/queues';
import { parseSyncWorkflowId } from '../workflows/ids';
import type { FulfillmentOrderPlan } from '../workflows/types';
import type { DeskTask, Incident, IncidentFilter, Pause } from './page/desk-types';
import { INCIDENT_FILTERS } from './page/desk-types';
import { readOrderPlans, readSplitPlans } from './plan-reads';

/**
 * What the desks show, read from Temporal when asked (docs/console.md "Desks"): tasks and fallout through the
 * operator client's visibility-backed lists (client/worklists.ts), completed with what only the order's plan knows
 * (its account, each step's definition and system, what a pause step resumes on). No copy is kept.
 */

const RUNNING_SPLITS = 'ExecutionStatus = "Running" AND WorkflowType = "FulfillmentOrderWorkflow"';

/** Open manual tasks: of `queue` when given (anyone's, to look at), else those `user` may take (all, for a read-only user). */
export async function deskTasks(operator: Pick<OrdoOperator, 'listTasks'>, queues: QueueDirectory, user: { name: string; queues: string[] }, query: { queue?: string; mine?: boolean }): Promise<DeskTask[]> {
  const actor = query.queue === undefined && user.queues.length > 0 ? user.name : undefined;
  const tasks = await operator.listTasks({ ...(query.queue ? { queue: query.queue } : {}), ...(actor ? { actor } : {}) });
  return tasks
    .filter((task) => !query.mine || task.assignee === user.name)
    .map(({ workflowId: _, ...task }) => ({ ...task, mayTake: mayTake(task, user.name, queues) }));
}

/** The incident desk's filter from a query string or a batch request; a bad value is refused naming the field. */
export function incidentFilter(raw: Record<string, unknown>): IncidentFilter {
  const unknown = Object.keys(raw).filter((key) => !(INCIDENT_FILTERS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new OrdoError('invalid', `unknown filter ${unknown.join(', ')}: filters are ${INCIDENT_FILTERS.join(', ')}`);
  const filter: IncidentFilter = {};
  for (const key of INCIDENT_FILTERS) {
    const value = raw[key];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new OrdoError('invalid', `filter ${key} must be text, not ${JSON.stringify(value)}`);
    filter[key] = value.trim();
  }
  if (filter.olderThan !== undefined && parseDuration(filter.olderThan) === undefined) {
    throw new OrdoError('invalid', `filter olderThan must be a duration such as 30s, 15m, 2h or 3d, not ${JSON.stringify(filter.olderThan)}`);
  }
  return filter;
}

/** Fallout across orders (steps in FatallyFailed, channel syncs in fallout) that `filter` matches, oldest first. */
export async function incidents(operator: Pick<OrdoOperator, 'listFallout'>, temporal: Client, filter: IncidentFilter, now = Date.now()): Promise<Incident[]> {
  // Queue and order narrow the visibility query itself; the rest need the plan.
  const fallout = await operator.listFallout({ ...(filter.queue ? { queue: filter.queue } : {}), ...(filter.order ? { orderId: filter.order } : {}) });
  const plans = await readOrderPlans(temporal, fallout.map((step) => step.orderId).filter((id) => !parseSyncWorkflowId(id)));
  const all = fallout.map((step): Incident => {
    const plan = plans.get(step.orderId);
    const split = plan?.fulfillmentOrders.find((fo) => fo.id === step.fulfillmentOrderId);
    // A step's id is its definition key, with `[<bundle or line item>]` after it when there is one per bundle or item
    // (domain/plan-build.ts); a sync's "step" is named by its process.
    const definition = split?.steps.find((s) => s.id === step.stepId)?.definition ?? (step.fulfillmentOrderId === 'sync' ? step.type : step.stepId.replace(/\[.*\]$/, ''));
    const system = split?.definitions[definition]?.call?.system;
    const { workflowId: _, error, ...rest } = step;
    return {
      ...rest,
      definition,
      ...(plan ? { accountId: plan.accountId } : {}),
      ...(system ? { system } : {}),
      ...(error ? { error: { message: error.message, code: error.code, status: error.status, type: error.type, attempts: error.attempts } } : {}),
    };
  });
  const olderThanMs = filter.olderThan ? parseDuration(filter.olderThan)! : undefined;
  return all.filter(
    (incident) =>
      (!filter.system || incident.system === filter.system) &&
      (!filter.code || incident.error?.code === filter.code) &&
      (!filter.step || incident.definition === filter.step || incident.stepId === filter.step) &&
      (!filter.account || incident.accountId === filter.account) &&
      (olderThanMs === undefined || (incident.startedAt !== undefined && now - Date.parse(incident.startedAt) >= olderThanMs)),
  );
}

/**
 * Pause steps waiting (InProgress) in running splits. No search attribute marks a waiting pause step, so this
 * reads every running split's `plan` query (found through visibility), then each order's plan once for what its
 * pause steps resume on: one query per running split and per order with a pause waiting.
 */
export async function waitingPauses(temporal: Client): Promise<Pause[]> {
  const splits = await runningSplitPlans(temporal);
  const waiting = splits.flatMap((plan) => plan.steps.filter((step) => step.type === 'pause' && step.state === 'InProgress').map((step) => ({ plan, step })));
  const plans = await readOrderPlans(temporal, waiting.map(({ plan }) => plan.orderId));
  return waiting
    .map(({ plan, step }): Pause => {
      const resumeOn = plans.get(plan.orderId)?.fulfillmentOrders.find((fo) => fo.id === plan.fulfillmentOrderId)?.definitions[step.definition]?.resumeOn;
      return {
        orderId: plan.orderId,
        fulfillmentOrderId: plan.fulfillmentOrderId,
        stepId: step.id,
        definition: step.definition,
        ...(resumeOn ? { resumeOn } : {}),
        startedAt: step.startedAt,
        jeopardy: step.jeopardy,
        jeopardyAt: step.jeopardyAt,
        lateAt: step.lateAt,
      };
    })
    .sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.orderId.localeCompare(b.orderId) || a.stepId.localeCompare(b.stepId));
}

/** The live plans of the running splits, found through visibility; a split that closed meanwhile is left out. */
async function runningSplitPlans(temporal: Client): Promise<FulfillmentOrderPlan[]> {
  const ids: string[] = [];
  for await (const execution of temporal.workflow.list({ query: RUNNING_SPLITS })) ids.push(execution.workflowId);
  return readSplitPlans(temporal, ids);
}
