import { isGrpcServiceError, ServiceError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { mapConcurrently } from '../client/concurrency';
import { OrdoError } from '../client/errors';
import { fulfillmentOrderPlanQuery } from '../workflows/messages';
import { ORDER_STATES, type FulfillmentOrderPlan, type OrderSummary } from '../workflows/types';
import type { CountRow } from './page/dashboard-types';

/**
 * What the dashboards read from Temporal (docs/console.md "Dashboards"), and nothing else: the console keeps no
 * store of its own that could drift from the workflows. Counts come from visibility (exact, cheap); series from
 * visibility listings (close times); cycle times, SLA and fallout from closed workflows' results (the close event
 * only: no replay, no worker needed) and running splits' `plan` queries. Every read is capped and concurrency-limited.
 */

/** At most this many workflows are read (results or queries) per kind per refresh: the newest first. */
export const MAX_WORKFLOWS_READ = 300;
/** At most this many closed orders are listed for the throughput series (a listing is a page of metadata, not a read). */
export const MAX_ORDERS_LISTED = 5000;
/** Reads in flight at once. */
export const READ_CONCURRENCY = 8;

const CHANNELS = ['cpq', 'b2b'] as const;
const ORDERS = 'WorkflowType = "OrderWorkflow"';
const SPLITS = 'WorkflowType = "FulfillmentOrderWorkflow"';

export interface ClosedOrder {
  closeTimeMs: number;
  startTimeMs: number;
  /** Its result, for the newest MAX_WORKFLOWS_READ; undefined for those not read (or unreadable). */
  summary?: OrderSummary;
}

export interface DashboardReading {
  ordersByState: CountRow[];
  ordersByChannel: CountRow[];
  completedOrders: ClosedOrder[];
  completedOrdersListed: number;
  completedOrdersRead: number;
  completedOrdersTruncated: boolean;
  closedSplits: FulfillmentOrderPlan[];
  closedSplitsTruncated: boolean;
  runningSplits: FulfillmentOrderPlan[];
  runningSplitsTruncated: boolean;
  unreadable: number;
}

export async function readDashboard(temporal: Client, sinceMs: number): Promise<DashboardReading> {
  const since = visibilityTime(sinceMs);
  let unreadable = 0;
  const tolerate = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch {
      // Gone (retention), or a query with no worker to answer it: left out of the figures, and counted.
      unreadable++;
      return undefined;
    }
  };
  return unavailableAsOrdoError(async () => {
    // Orders that are open now, or closed in the window.
    const active = `${ORDERS} AND (ExecutionStatus = "Running" OR CloseTime >= ${since})`;
    const [ordersByState, ordersByChannel, completed, closedSplits, runningSplits] = await Promise.all([
      countEach(temporal, active, 'OrderState', ORDER_STATES),
      countEach(temporal, active, 'Channel', CHANNELS),
      list(temporal, `${ORDERS} AND ExecutionStatus = "Completed" AND OrderState = "completed" AND CloseTime >= ${since}`, MAX_ORDERS_LISTED),
      list(temporal, `${SPLITS} AND ExecutionStatus = "Completed" AND CloseTime >= ${since}`, MAX_WORKFLOWS_READ),
      list(temporal, `${SPLITS} AND ExecutionStatus = "Running"`, MAX_WORKFLOWS_READ),
    ]);
    // Listings come newest first: the reads cover the newest workflows.
    const toRead = completed.executions.slice(0, MAX_WORKFLOWS_READ);
    const [summaries, closedPlans, runningPlans] = await Promise.all([
      mapConcurrently(toRead, READ_CONCURRENCY, (e) => tolerate(() => resultOf<OrderSummary>(temporal, e))),
      mapConcurrently(closedSplits.executions, READ_CONCURRENCY, (e) => tolerate(() => resultOf<FulfillmentOrderPlan>(temporal, e))),
      mapConcurrently(runningSplits.executions, READ_CONCURRENCY, (e) => tolerate(() => temporal.workflow.getHandle(e.workflowId, e.runId).query(fulfillmentOrderPlanQuery))),
    ]);
    return {
      ordersByState,
      ordersByChannel,
      completedOrders: completed.executions.map((e, i) => ({ closeTimeMs: e.closeTime?.getTime() ?? 0, startTimeMs: e.startTime.getTime(), summary: summaries[i] })),
      completedOrdersListed: completed.executions.length,
      completedOrdersRead: summaries.filter(Boolean).length,
      completedOrdersTruncated: completed.truncated || completed.executions.length > toRead.length,
      closedSplits: closedPlans.filter((plan): plan is FulfillmentOrderPlan => !!plan?.steps),
      closedSplitsTruncated: closedSplits.truncated,
      runningSplits: runningPlans.filter((plan): plan is FulfillmentOrderPlan => !!plan?.steps),
      runningSplitsTruncated: runningSplits.truncated,
      unreadable,
    };
  });
}

/** A closed workflow's result: the client reads its close event only (no replay, no worker). */
function resultOf<T>(temporal: Client, execution: WorkflowExecutionInfo): Promise<T> {
  return temporal.workflow.getHandle(execution.workflowId, execution.runId, { followRuns: false }).result() as Promise<T>;
}

/** The count of `where` per value of a keyword attribute, values with none left out. */
async function countEach(temporal: Client, where: string, attribute: string, values: readonly string[]): Promise<CountRow[]> {
  const counts = await Promise.all(values.map(async (value) => ({ key: value, count: (await temporal.workflow.count(`${where} AND ${attribute} = "${value}"`)).count })));
  return counts.filter((row) => row.count > 0).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** Up to `max` executions `query` finds, newest first (visibility's order), and whether there were more. */
async function list(temporal: Client, query: string, max: number): Promise<{ executions: WorkflowExecutionInfo[]; truncated: boolean }> {
  const executions: WorkflowExecutionInfo[] = [];
  for await (const execution of temporal.workflow.list({ query, pageSize: Math.min(max + 1, 1000) })) {
    if (executions.length === max) return { executions, truncated: true };
    executions.push(execution);
  }
  return { executions, truncated: false };
}

/** A visibility datetime literal (RFC 3339, UTC). */
function visibilityTime(ms: number): string {
  return `"${new Date(ms).toISOString()}"`;
}

/** A Temporal that cannot be reached answers 503 with what to do, not a stack trace. */
async function unavailableAsOrdoError<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof ServiceError || isGrpcServiceError(error))) throw error;
    throw new OrdoError('unavailable', `the dashboards cannot read Temporal's visibility: ${(error as Error).message}. Is the stack up (\`ordo stack up --detach\`)?`);
  }
}
