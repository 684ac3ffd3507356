import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { OrdoActivities } from '../activities';
import type { Order } from '../domain/order';
import type { FulfillmentOrder, Plan } from '../domain/plan';
import { now } from './clock';
import { FulfillmentOrderWorkflow } from './fulfillment-order';
import { fulfillmentOrderProgressSignal, orderPlanQuery, summaryQuery } from './messages';
import { AccountIdKey, ChannelKey, OrderIdKey, OrderStateKey } from './search-attributes';
import type { FulfillmentOrderPlan, FulfillmentOrderSummary, OrderState, OrderSummary, OrderWorkflowInput } from './types';

const { decomposeOrder } = proxyActivities<OrdoActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '30 seconds' },
});
// Billing retries until it gets through: the idempotency key makes every retry safe.
const { issueInvoice } = proxyActivities<OrdoActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export const fulfillmentOrderWorkflowId = (orderId: string, fulfillmentOrderId: string) => `order-${orderId}/${fulfillmentOrderId}`;

/**
 * The order: decomposes it, runs one FulfillmentOrderWorkflow per split, and passes the consolidated
 * billing milestone only when every split is done, then invoices once. It owns the Order Summary.
 */
export async function OrderWorkflow(input: OrderWorkflowInput): Promise<OrderSummary> {
  const { order } = input;
  let plan: Plan | undefined;
  const finalPlans = new Map<string, FulfillmentOrderPlan>();
  const summary: OrderSummary = {
    orderId: order.id,
    accountId: order.accountId,
    channel: order.channel,
    currency: order.currency,
    state: 'acknowledged',
    submittedAt: input.submittedAt,
    fulfillmentOrders: [],
    unfulfilledItems: [],
    billing: { milestone: 'waiting' },
    invoices: [],
    // The order itself is the first order action: every item added. Later changes append theirs.
    actions: [{ type: 'Add', at: input.submittedAt ?? now(), itemIds: order.items.map((item) => item.id) }],
    changeOrders: [],
    jeopardy: 0,
    fallout: 0,
  };

  const setState = (state: OrderState, reason?: string) => {
    summary.state = state;
    summary.reason = reason;
    upsertSearchAttributes([{ key: OrderStateKey, value: state }]);
  };
  const updateSplit = (id: string, change: Partial<FulfillmentOrderSummary>) => {
    const split = summary.fulfillmentOrders.find((fo) => fo.id === id);
    if (!split) return;
    Object.assign(split, change);
    summary.jeopardy = sum(summary.fulfillmentOrders, (fo) => fo.steps.inJeopardy);
    summary.fallout = sum(summary.fulfillmentOrders, (fo) => fo.steps.fatallyFailed);
    const anyHeld = summary.fulfillmentOrders.some((fo) => fo.state === 'held');
    if (summary.state === 'inProgress' && anyHeld) setState('held', 'a step is in fallout and waits for an operator');
    else if (summary.state === 'held' && !anyHeld) setState('inProgress');
  };

  setHandler(summaryQuery, () => summary);
  setHandler(orderPlanQuery, () => ({ orderId: order.id, state: summary.state, plan, fulfillmentOrders: [...finalPlans.values()] }));
  setHandler(fulfillmentOrderProgressSignal, (progress) => updateSplit(progress.fulfillmentOrderId, { state: progress.state, steps: progress.counts }));

  try {
    plan = await decomposeOrder(order);
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === 'InvalidInput') {
      setState('rejected', cause.message);
      return summary;
    }
    throw error;
  }

  summary.unfulfilledItems = plan.unfulfilledItems;
  summary.fulfillmentOrders = plan.fulfillmentOrders.map((fo) => ({
    id: fo.id,
    workflowId: fulfillmentOrderWorkflowId(order.id, fo.id),
    location: fo.location,
    system: fo.system,
    deliveryGroupId: fo.deliveryGroupId,
    state: 'pending',
    steps: { total: fo.steps.length, completed: 0, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 },
  }));
  setState('inProgress');

  const children = await Promise.all(
    plan.fulfillmentOrders.map((fo) =>
      startChild(FulfillmentOrderWorkflow, {
        workflowId: fulfillmentOrderWorkflowId(order.id, fo.id),
        args: [
          {
            orderId: order.id,
            accountId: order.accountId,
            fulfillmentOrder: fo,
            orderItems: sourceItemsOf(fo, order),
            falloutRules: plan.falloutRules,
            queues: plan.queues,
          },
        ],
        typedSearchAttributes: [
          { key: OrderIdKey, value: order.id },
          { key: AccountIdKey, value: order.accountId },
          { key: ChannelKey, value: order.channel },
        ],
      }),
    ),
  );
  for (const split of summary.fulfillmentOrders) split.state = 'inProgress';

  const outcomes = await Promise.allSettled(
    children.map(async (child) => {
      const result = await child.result();
      finalPlans.set(result.fulfillmentOrderId, result);
      updateSplit(result.fulfillmentOrderId, { state: result.state, steps: result.counts });
    }),
  );
  const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed.length > 0) {
    setState('failed', `${failed.length} fulfillment order(s) failed; nothing was billed: ${(failed[0].reason as Error).message}`);
    return summary;
  }

  // The consolidated billing milestone: every split is done, so the order is billed, once, from its items.
  summary.billing = { milestone: 'passed', releasedAt: now() };
  summary.invoices.push(await issueInvoice({ order, kind: 'invoice', sequence: 1 }));
  summary.completedAt = now();
  setState('completed');
  return summary;
}

/** The order items a split's lines come from: what its pause conditions may read. */
function sourceItemsOf(fo: FulfillmentOrder, order: Order): Order['items'] {
  const ids = new Set(fo.lineItems.flatMap((li) => li.sourceItemIds));
  return order.items.filter((item) => ids.has(item.id));
}

function sum<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}

export const orderWorkflowId = (orderId: string) => `order-${orderId}`;
