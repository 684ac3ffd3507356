import {
  ActivityFailure,
  ApplicationFailure,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { OrdoActivities } from '../activities';
import type { ChangeContext } from '../client/change-context';
import type { Order } from '../domain/order';
import type { FulfillmentOrder, Plan } from '../domain/plan';
import { now } from './clock';
import { FulfillmentOrderWorkflow } from './fulfillment-order';
import { compensateCompletedSteps } from './compensation';
import {
  cancelFulfillmentSignal,
  cancelSignal,
  cancelUpdate,
  fulfillmentOrderProgressSignal,
  orderPlanQuery,
  orderRecordQuery,
  ponrDecisionSignal,
  ponrRequestSignal,
  summaryQuery,
  type CancelRequest,
} from './messages';
import { AccountIdKey, ChannelKey, OrderIdKey, OrderStateKey } from './search-attributes';
import type { FulfillmentOrderPlan, FulfillmentOrderSummary, OrderState, OrderSummary, OrderWorkflowInput, PonrRecord } from './types';

/** Patch: cancellation (update and signal), point of no return granted by the order, compensation. */
const CHANGES_IN_FLIGHT = 'changes-in-flight';
const FINAL_STATES: ReadonlySet<OrderState> = new Set(['completed', 'cancelled', 'rejected', 'failed', 'partial']);

const { decomposeOrder, loadChangeContext } = proxyActivities<OrdoActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '30 seconds' },
});
// Billing retries until it gets through: the idempotency key makes every retry safe.
const { issueInvoice, issueChangeBilling } = proxyActivities<OrdoActivities>({
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
  const changesInFlight = patched(CHANGES_IN_FLIGHT);
  let plan: Plan | undefined;
  const ponr = new Map<string, PonrRecord>();
  let childrenStarted = false;
  const finalPlans = new Map<string, FulfillmentOrderPlan>();
  const summary: OrderSummary = {
    orderId: order.id,
    accountId: order.accountId,
    channel: order.channel,
    currency: order.currency,
    state: 'acknowledged',
    submittedAt: input.submittedAt,
    ...(order.changeOf ? { changeOf: order.changeOf } : {}),
    fulfillmentOrders: [],
    unfulfilledItems: [],
    billing: { milestone: 'waiting' },
    invoices: [],
    // The order itself is the first order action (a change order's: one per kind of change). Later changes append theirs.
    actions: initialActions(order, input.submittedAt ?? now()),
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

  // ---- Changes in flight: the order alone decides, in the order messages arrive ----

  /** Why the order cannot be cancelled now, as an error the caller can act on; undefined when it can. */
  const whyNotCancellable = (): ApplicationFailure | undefined => {
    if (FINAL_STATES.has(summary.state)) {
      const next = summary.state === 'completed' ? `: to return or cancel items, submit a change order with "changeOf": "${order.id}"` : '';
      return ApplicationFailure.nonRetryable(`order ${order.id} is already ${summary.state}; nothing to cancel${next}`, 'OrderNotCancellable');
    }
    if (summary.cancellation) return ApplicationFailure.nonRetryable(`order ${order.id} is already being cancelled (since ${summary.cancellation.requestedAt})`, 'OrderNotCancellable');
    if (summary.billing.milestone === 'passed' || ponr.size > 0) {
      const items = [...ponr.values()];
      const named = items.map((p) => `${p.orderItemId} (${p.stepId} in ${p.fulfillmentOrderId})`).join(', ');
      return ApplicationFailure.nonRetryable(
        `ChangeOrderRequired: order ${order.id} is past the point of no return${named ? ` for items ${named}` : ''}; submit a change order with "changeOf": "${order.id}" instead`,
        'ChangeOrderRequired',
        { orderId: order.id, items },
      );
    }
    return undefined;
  };
  const acceptCancellation = (request: CancelRequest) => {
    summary.cancellation = { reason: request.reason, actor: request.actor, requestedAt: now(), compensations: [] };
    summary.actions.push({ type: 'Cancel', at: now(), actor: request.actor, itemIds: order.items.map((item) => item.id), note: request.reason });
    setState('pendingCancellation', request.reason);
    if (!childrenStarted) return;
    for (const split of summary.fulfillmentOrders) {
      getExternalWorkflowHandle(split.workflowId)
        .signal(cancelFulfillmentSignal, { reason: request.reason, actor: request.actor })
        .catch(() => undefined); // a split that already finished needs no signal: its completed steps are compensated below
    }
  };
  const refuse = (message: string, actor: string | undefined, reason: string) => {
    log.warn(`${message} refused`, { reason });
    (summary.rejectedMessages ??= []).push({ at: now(), message, actor, reason });
  };

  if (changesInFlight) {
    setHandler(cancelUpdate, (request) => {
      acceptCancellation(request);
      return { accepted: true as const, orderId: order.id, state: summary.state };
    }, {
      validator: (request) => {
        if (!request || typeof request.reason !== 'string' || !request.reason.trim()) throw ApplicationFailure.nonRetryable('reason is required: say why the order is cancelled', 'InvalidInput');
        const problem = whyNotCancellable();
        if (problem) throw problem;
      },
    });
    setHandler(cancelSignal, (request) => {
      const problem = whyNotCancellable();
      if (problem) refuse('cancel', request?.actor, problem.message);
      else acceptCancellation({ reason: request?.reason || 'cancelled by signal', actor: request?.actor });
    });
    setHandler(ponrRequestSignal, (request) => {
      const split = getExternalWorkflowHandle(fulfillmentOrderWorkflowId(order.id, request.fulfillmentOrderId));
      const granted = !summary.cancellation;
      if (granted) {
        for (const orderItemId of itemsOfBundles(order, request.orderItemIds)) {
          if (!ponr.has(orderItemId)) ponr.set(orderItemId, { orderItemId, stepId: request.stepId, fulfillmentOrderId: request.fulfillmentOrderId, at: now() });
        }
        summary.pointOfNoReturn = [...ponr.values()];
      }
      split
        .signal(ponrDecisionSignal, { stepId: request.stepId, granted, reason: granted ? undefined : 'the order is being cancelled' })
        .catch((error: Error) => log.warn('PONR decision not delivered', { error: error.message }));
    });
  }

  setHandler(summaryQuery, () => summary);
  setHandler(orderRecordQuery, () => ({ order, state: summary.state, invoices: summary.invoices }));
  setHandler(orderPlanQuery, () => ({ orderId: order.id, state: summary.state, plan, fulfillmentOrders: [...finalPlans.values()] }));
  setHandler(fulfillmentOrderProgressSignal, (progress) => updateSplit(progress.fulfillmentOrderId, { state: progress.state, steps: progress.counts }));

  let changeContext: ChangeContext | undefined;
  try {
    // A change order is checked against its original (and earlier changes) before anything runs.
    if (order.changeOf && changesInFlight) changeContext = await loadChangeContext(order);
    plan = await decomposeOrder(order);
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === 'InvalidInput') {
      setState('rejected', cause.message);
      return summary;
    }
    throw error;
  }

  if (summary.cancellation) return finishCancellation();
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
  childrenStarted = true;
  // A cancellation accepted while the splits were starting reaches them now.
  if (summary.cancellation) acceptCancellationOfStartedSplits();

  const outcomes = await Promise.allSettled(
    children.map(async (child) => {
      const result = await child.result();
      finalPlans.set(result.fulfillmentOrderId, result);
      updateSplit(result.fulfillmentOrderId, { state: result.state, steps: result.counts });
    }),
  );
  const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (summary.cancellation) return finishCancellation();
  if (failed.length > 0) {
    setState('failed', `${failed.length} fulfillment order(s) failed; nothing was billed: ${(failed[0].reason as Error).message}`);
    return summary;
  }

  // The consolidated billing milestone: every split is done, so the order is billed, once, from its items.
  summary.billing = { milestone: 'passed', releasedAt: now() };
  // A change order bills its delta only: a credit memo for what comes back, an invoice for what is added.
  if (changeContext) summary.invoices.push(...(await issueChangeBilling({ change: order, context: changeContext })));
  else summary.invoices.push(await issueInvoice({ order, kind: 'invoice', sequence: 1 }));
  summary.completedAt = now();
  setState('completed');
  return summary;

  function acceptCancellationOfStartedSplits(): void {
    for (const split of summary.fulfillmentOrders) {
      getExternalWorkflowHandle(split.workflowId)
        .signal(cancelFulfillmentSignal, { reason: summary.cancellation!.reason, actor: summary.cancellation!.actor })
        .catch(() => undefined);
    }
  }

  /** Every split has stopped: undo what completed, newest first, and end cancelled with nothing billed. */
  async function finishCancellation(): Promise<OrderSummary> {
    const compensations = plan ? await compensateCompletedSteps(order.id, plan, finalPlans.values()) : [];
    const cancellation = summary.cancellation!;
    cancellation.compensations = compensations;
    cancellation.completedAt = now();
    summary.completedAt = now();
    const failedCompensations = compensations.filter((c) => c.state === 'Failed');
    setState(
      'cancelled',
      failedCompensations.length
        ? `${cancellation.reason}; ${failedCompensations.length} compensation(s) failed and need an operator: ${failedCompensations.map((c) => c.stepId).join(', ')}`
        : cancellation.reason,
    );
    return summary;
  }
}

function initialActions(order: Order, at: string): OrderSummary['actions'] {
  if (!order.changeOf) return [{ type: 'Add', at, itemIds: order.items.map((item) => item.id) }];
  const byType = new Map<string, string[]>();
  for (const item of order.items) byType.set(item.action ?? 'Add', [...(byType.get(item.action ?? 'Add') ?? []), item.id]);
  return [...byType].map(([type, itemIds]) => ({ type: type as OrderSummary['actions'][number]['type'], at, itemIds, note: `change of ${order.changeOf}` }));
}

/** The items of every bundle the given items belong to: PONR on one component holds for its whole bundle. */
function itemsOfBundles(order: Order, itemIds: string[]): string[] {
  const parentOf = new Map(order.items.map((item) => [item.id, item.parentItemId]));
  const rootOf = (id: string): string => {
    let current = id;
    for (let guard = 0; parentOf.get(current) && guard < order.items.length; guard++) current = parentOf.get(current)!;
    return current;
  };
  const roots = new Set(itemIds.map(rootOf));
  return order.items.filter((item) => roots.has(rootOf(item.id))).map((item) => item.id);
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
