import { WorkflowNotFoundError, type Client, type QueryDefinition } from '@temporalio/client';
import { mapConcurrently } from '../client/concurrency';
import type { Plan } from '../domain/plan';
import { orderWorkflowId } from '../workflows/ids';
import { fulfillmentOrderPlanQuery, orderPlanQuery } from '../workflows/messages';
import type { FulfillmentOrderPlan } from '../workflows/types';

/**
 * How the console's views read plans from Temporal (the order page, the desks): an order's decomposition (its
 * `plan` query) and a split's live plan (the split's `plan` query), each at most once per order or split per
 * request. A workflow Temporal does not know (not started yet, or past the namespace's retention) reads as
 * undefined and is left out: a view shows what there is, it does not fail for what is gone.
 */

/** How many workflow queries run at once. */
export const QUERY_CONCURRENCY = 8;

/** A workflow's query answer, or undefined when Temporal knows no such workflow. */
async function queryIfKnown<T>(temporal: Client, workflowId: string, query: QueryDefinition<T>): Promise<T | undefined> {
  try {
    return await temporal.workflow.getHandle(workflowId).query(query);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** An order's decomposition (which split has which lines and steps); undefined when the order is unknown or not decomposed yet. */
export async function readOrderPlan(temporal: Client, orderId: string): Promise<Plan | undefined> {
  return (await queryIfKnown(temporal, orderWorkflowId(orderId), orderPlanQuery))?.plan;
}

/** A split's live plan (every step with its state), by the split's workflow id. */
export function readSplitPlan(temporal: Client, workflowId: string): Promise<FulfillmentOrderPlan | undefined> {
  return queryIfKnown(temporal, workflowId, fulfillmentOrderPlanQuery);
}

/**
 * Each order's decomposition, one query per order however often it is named; unknown or undecomposed orders are left
 * out, and so is one that cannot answer now (see `unlessUnanswered`).
 */
export async function readOrderPlans(temporal: Client, orderIds: readonly string[]): Promise<Map<string, Plan>> {
  const unique = [...new Set(orderIds)];
  const plans = await mapConcurrently(unique, QUERY_CONCURRENCY, (orderId) => unlessUnanswered(orderWorkflowId(orderId), readOrderPlan(temporal, orderId)));
  return new Map(unique.flatMap((orderId, i) => (plans[i] ? [[orderId, plans[i]] as const] : [])));
}

/** The live plans of the given splits, in their order, one query per split; a split Temporal does not know, or that cannot answer now, is left out. */
export async function readSplitPlans(temporal: Client, workflowIds: readonly string[]): Promise<FulfillmentOrderPlan[]> {
  const plans = await mapConcurrently([...new Set(workflowIds)], QUERY_CONCURRENCY, (workflowId) => unlessUnanswered(workflowId, readSplitPlan(temporal, workflowId)));
  return plans.filter((plan): plan is FulfillmentOrderPlan => plan !== undefined);
}

/**
 * A list (a desk, a dashboard) reads many workflows: one that cannot answer now (no worker polls its task queue, the
 * query timed out) is left out and logged, rather than failing the whole list for every operator. A single order's
 * page still says why it cannot be read.
 */
async function unlessUnanswered<T>(workflowId: string, read: Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    console.warn(`console: ${workflowId} left out of a list: ${(error as Error).message}`);
    return undefined;
  }
}
