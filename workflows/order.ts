import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OrdoActivities } from '../activities/types';
import type { ChangeContext } from '../domain/change-order';
import { itemsOfBundles } from '../domain/bundles';
import type { Order } from '../domain/order';
import type { AmendRequest, AppliedActions } from '../domain/order-actions';
import { InvalidInput } from '../domain/problems';
import type { FulfillmentOrder, Plan } from '../domain/plan';
import { now } from './clock';
import { FulfillmentOrderWorkflow } from './fulfillment-order';
import { fulfillmentOrderWorkflowId } from './ids';
import { compensateCompletedSteps } from './compensation';
import { actorOf, checkedSignal, checkedValidator } from './message-checks';
import {
  accountShareReadySignal,
  amendPlanSignal,
  amendUpdate,
  leaveAccountWorkSignal,
  cancelFulfillmentSignal,
  cancelSignal,
  cancelUpdate,
  type AmendAnswer,
  type PonrRequest,
  fulfillmentOrderProgressSignal,
  orderPlanQuery,
  orderRecordQuery,
  ponrDecisionSignal,
  ponrRequestSignal,
  summaryQuery,
  type CancelRequest,
} from './messages';
import { AccountIdKey, ChannelKey, OrderIdKey, OrderStateKey, QUIET_SPLIT_ATTRIBUTES } from './search-attributes';
import { hasBehaviour, orderBehaviourVersion } from './versions';
import { FINAL_ORDER_STATES, type FulfillmentOrderPlan, type FulfillmentOrderSummary, type OrderState, type OrderSummary, type OrderWorkflowInput, type PonrRecord } from './types';

/** Patch: cancellation (update and signal), point of no return granted by the order, compensation. */
const CHANGES_IN_FLIGHT = 'changes-in-flight';

const planning = { startToCloseTimeout: '1 minute', retry: { maximumInterval: '30 seconds' } } as const;
// Billing retries until it gets through: the idempotency key makes every retry safe.
const billing = { startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } } as const;
/**
 * Decomposition and billing: remote activities before behaviour version 1 (histories recorded earlier), local
 * activities since. A local activity runs in this worker within the workflow task that asks for it and costs one
 * history marker instead of three activity events and a workflow task of its own. Nothing is lost: decomposition
 * is a function of the order, the worker's catalog and stock, and billing is idempotent by key.
 */
const remotePlanning = proxyActivities<OrdoActivities>(planning);
const { loadChangeContext, joinAccountWork } = remotePlanning;
const remoteBilling = proxyActivities<OrdoActivities>(billing);
const localPlanning = proxyLocalActivities<OrdoActivities>(planning);
const localBilling = proxyLocalActivities<OrdoActivities>(billing);

/**
 * The order: decomposes it, runs one FulfillmentOrderWorkflow per split, and passes the consolidated
 * billing milestone only when every split is done, then invoices once. It owns the Order Summary.
 */
export async function OrderWorkflow(input: OrderWorkflowInput): Promise<OrderSummary> {
  const { order } = input;
  const version = orderBehaviourVersion();
  const changesInFlight = hasBehaviour(version, CHANGES_IN_FLIGHT);
  const { decomposeOrder } = version >= 1 ? localPlanning : remotePlanning;
  const { issueInvoice, issueChangeBilling } = version >= 1 ? localBilling : remoteBilling;
  let plan: Plan | undefined;
  const ponr = new Map<string, PonrRecord>();
  let childrenStarted = false;
  /** The order as amended so far; `order` stays the record as submitted. Billing uses this one. */
  let current = order;
  let runningSplits = 0;
  const failures: Error[] = [];
  let amending = false;
  const pendingPonr: PonrRequest[] = [];
  /** Splits an amendment stopped, with the plan they ran under (to compensate their completed steps). */
  const stoppedSplits = new Map<string, Plan>();
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

  const splitSummary = (fo: FulfillmentOrder, state: FulfillmentOrderSummary['state']) => splitSummaryOf(order.id, fo, state);
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
    if (FINAL_ORDER_STATES.has(summary.state)) {
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
    // Only this order's share of account-wide work is released; the account's other orders keep theirs.
    for (const share of summary.accountShares ?? []) {
      if (share.state === 'ready') continue;
      share.state = 'released';
      getExternalWorkflowHandle(share.workflowId)
        .signal(leaveAccountWorkSignal, { orderId: order.id, reason: request.reason })
        .catch(() => undefined);
    }
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
  /** A message of the wrong shape (anyone can signal a workflow) is refused into the summary, never thrown. */
  const refuseMalformed = (message: string) => (reason: string, payload: unknown) => refuse(message, actorOf(payload), reason);

  if (changesInFlight) {
    setHandler(cancelUpdate, (request) => {
      acceptCancellation(request);
      return { accepted: true as const, orderId: order.id, state: summary.state };
    }, {
      validator: checkedValidator<CancelRequest>('cancel', (request) => {
        if (!request || typeof request.reason !== 'string' || !request.reason.trim()) throw ApplicationFailure.nonRetryable('reason is required: say why the order is cancelled', 'InvalidInput');
        const problem = whyNotCancellable();
        if (problem) throw problem;
      }),
    });
    setHandler(cancelSignal, checkedSignal('cancel', refuseMalformed('cancel'), (request) => {
      const problem = whyNotCancellable();
      if (problem) refuse('cancel', request?.actor, problem.message);
      else acceptCancellation({ reason: request?.reason || 'cancelled by signal', actor: request?.actor });
    }));
    setHandler(ponrRequestSignal, checkedSignal('ponrRequest', refuseMalformed('ponrRequest'), (request) => decidePonr(request)));
    setHandler(accountShareReadySignal, checkedSignal('accountShareReady', refuseMalformed('accountShareReady'), (ready) => {
      const share = (summary.accountShares ??= []).find((s) => s.destination === ready.destination);
      if (share) share.state = 'ready';
      else summary.accountShares.push({ destination: ready.destination, workflowId: ready.accountWorkflowId, state: 'ready' });
    }));
    setHandler(amendUpdate, (request) => applyAmendment(request), { validator: checkedValidator<AmendRequest>('amend', (request) => validateAmendment(request)) });
  }

  function decidePonr(request: PonrRequest): void {
    // An amendment being applied decides first; the step waits for its answer until then.
    if (amending) {
      pendingPonr.push(request);
      return;
    }
    const split = getExternalWorkflowHandle(fulfillmentOrderWorkflowId(order.id, request.fulfillmentOrderId));
    const granted = !summary.cancellation;
    if (granted) {
      for (const orderItemId of itemsOfBundles(current, request.orderItemIds)) {
        if (!ponr.has(orderItemId)) ponr.set(orderItemId, { orderItemId, stepId: request.stepId, fulfillmentOrderId: request.fulfillmentOrderId, at: now() });
      }
      summary.pointOfNoReturn = [...ponr.values()];
    }
    split
      .signal(ponrDecisionSignal, { stepId: request.stepId, granted, reason: granted ? undefined : 'the order is being cancelled' })
      .catch((error: Error) => log.warn('PONR decision not delivered', { error: error.message }));
  }

  /** Touched items (and their bundles) past PONR, or any state that takes no amendment, refuse it before anything changes. */
  function validateAmendment(request: AmendRequest): void {
    const refusal = whyNotCancellable();
    if (refusal && refusal.type !== 'ChangeOrderRequired') throw ApplicationFailure.nonRetryable(refusal.message.replace('nothing to cancel', 'nothing to amend'), 'OrderNotAmendable');
    if (summary.billing.milestone === 'passed') throw refusal!;
    if (amending) throw ApplicationFailure.nonRetryable('another amendment is being applied; send this one when it is answered', 'OrderNotAmendable');
    if (!childrenStarted) throw ApplicationFailure.nonRetryable('the order is still being planned; send the amendment again in a moment', 'OrderNotAmendable');
    let applied: AppliedActions;
    try {
      applied = applyOrderActions(current, request);
    } catch (error) {
      if (error instanceof InvalidInput) throw ApplicationFailure.nonRetryable(error.message, 'InvalidInput', error.problems);
      throw error;
    }
    const touched = [...applied.changedItemIds, ...applied.removedItemIds, ...applied.addedItemIds];
    const both = { ...current, items: [...current.items, ...applied.order.items.filter((i) => !current.items.some((c) => c.id === i.id))] };
    // A split that has already finished cannot change in place: its items need a change order, as after PONR.
    const finishedSplits = (plan?.fulfillmentOrders ?? []).filter((fo) => finalPlans.get(fo.id)?.state === 'completed');
    const inFinished = finishedSplits.flatMap((fo) => {
      const items = fo.lineItems.flatMap((li) => li.sourceItemIds).filter((id) => touched.includes(id));
      return items.length ? [`${[...new Set(items)].join(', ')} (fulfilled by ${fo.id})`] : [];
    });
    if (inFinished.length) {
      throw ApplicationFailure.nonRetryable(
        `ChangeOrderRequired: ${inFinished.join('; ')} already fulfilled; submit a change order with "changeOf": "${order.id}" instead`,
        'ChangeOrderRequired',
        { orderId: order.id },
      );
    }
    const pastPonr = itemsOfBundles(both, touched).filter((id) => ponr.has(id));
    if (pastPonr.length) {
      throw ApplicationFailure.nonRetryable(
        `ChangeOrderRequired: ${pastPonr.map((id) => `${id} (${ponr.get(id)!.stepId})`).join(', ')} ${pastPonr.length === 1 ? 'is' : 'are'} past the point of no return; submit a change order with "changeOf": "${order.id}" instead`,
        'ChangeOrderRequired',
        { orderId: order.id, items: pastPonr.map((id) => ponr.get(id)) },
      );
    }
  }

  /**
   * An accepted amendment: the amended order is decomposed again and each split gets its new plan; splits
   * the new plan no longer has are stopped (their completed work compensated), new ones start. The
   * original record is never changed: the amendment is an order action, and `current` the order now.
   */
  async function applyAmendment(request: AmendRequest): Promise<AmendAnswer> {
    amending = true;
    try {
      const applied = applyOrderActions(current, request);
      const next = await decomposeOrder(applied.order);
      if (summary.cancellation) throw ApplicationFailure.nonRetryable('the order was cancelled while the amendment was being applied', 'OrderNotAmendable');
      const before = plan!;
      const nextIds = new Set(next.fulfillmentOrders.map((fo) => fo.id));
      const beforeIds = new Set(before.fulfillmentOrders.filter((fo) => !stoppedSplits.has(fo.id)).map((fo) => fo.id));
      const answer: AmendAnswer = {
        accepted: true,
        orderId: order.id,
        addedItemIds: applied.addedItemIds,
        changedItemIds: applied.changedItemIds,
        removedItemIds: applied.removedItemIds,
        fulfillmentOrders: { started: [], updated: [], stopped: [] },
      };
      current = applied.order;
      plan = next;
      summary.unfulfilledItems = next.unfulfilledItems;
      for (const fo of before.fulfillmentOrders) {
        if (!beforeIds.has(fo.id) || nextIds.has(fo.id)) continue;
        stoppedSplits.set(fo.id, before);
        answer.fulfillmentOrders.stopped.push(fo.id);
        getExternalWorkflowHandle(fulfillmentOrderWorkflowId(order.id, fo.id))
          .signal(cancelFulfillmentSignal, { reason: 'no longer needed after an amendment', actor: request.actor })
          .catch(() => undefined);
      }
      for (const fo of next.fulfillmentOrders) {
        if (beforeIds.has(fo.id)) {
          const old = before.fulfillmentOrders.find((f) => f.id === fo.id);
          if (JSON.stringify(old) === JSON.stringify(fo)) continue;
          answer.fulfillmentOrders.updated.push(fo.id);
          await getExternalWorkflowHandle(fulfillmentOrderWorkflowId(order.id, fo.id)).signal(amendPlanSignal, { fulfillmentOrder: fo, orderItems: sourceItemsOf(fo, current) });
          const split = summary.fulfillmentOrders.find((f) => f.id === fo.id);
          if (split) split.steps = { ...split.steps, total: fo.steps.length };
        } else {
          answer.fulfillmentOrders.started.push(fo.id);
          stoppedSplits.delete(fo.id);
          summary.fulfillmentOrders = summary.fulfillmentOrders.filter((f) => f.id !== fo.id);
          summary.fulfillmentOrders.push(splitSummary(fo, 'inProgress'));
          await startSplit(fo, next);
        }
      }
      for (const split of summary.fulfillmentOrders) if (answer.fulfillmentOrders.stopped.includes(split.id)) split.state = 'cancelled';
      // Account-scope lines the amendment added join their account's work; the order waits for those shares too.
      await joinAccountWorks(next);
      const kept = new Set((next.accountFulfillmentOrders ?? []).map((fo) => fo.lineItems[0].product));
      for (const share of summary.accountShares ?? []) {
        if (kept.has(share.destination) || share.state !== 'waiting') continue;
        share.state = 'released';
        getExternalWorkflowHandle(share.workflowId).signal(leaveAccountWorkSignal, { orderId: order.id, reason: 'removed by an amendment' }).catch(() => undefined);
      }
      for (const action of request.actions) {
        const itemIds = action.type === 'Add' ? [action.item.id] : [action.itemId];
        summary.actions.push({ type: action.type, at: now(), actor: request.actor, itemIds, note: 'amendment before the point of no return' });
      }
      return answer;
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : error;
      if (cause instanceof ApplicationFailure) throw ApplicationFailure.nonRetryable(cause.message, cause.type ?? 'AmendmentFailed', ...(cause.details ?? []));
      throw error;
    } finally {
      amending = false;
      for (const waiting of pendingPonr.splice(0)) decidePonr(waiting);
    }
  }

  setHandler(summaryQuery, () => summary);
  setHandler(orderRecordQuery, () => ({ order: current, state: summary.state, invoices: summary.invoices }));
  setHandler(orderPlanQuery, () => ({
    orderId: order.id,
    state: summary.state,
    plan,
    fulfillmentOrders: [...finalPlans.values()],
    ...(summary.pointOfNoReturn ? { pointOfNoReturn: summary.pointOfNoReturn } : {}),
  }));
  setHandler(fulfillmentOrderProgressSignal, checkedSignal('fulfillmentOrderProgress', refuseMalformed('fulfillmentOrderProgress'), (progress) => updateSplit(progress.fulfillmentOrderId, { state: progress.state, steps: progress.counts })));

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
  summary.fulfillmentOrders = plan.fulfillmentOrders.map((fo) => splitSummary(fo, 'pending'));
  setState('inProgress');

  await Promise.all(plan.fulfillmentOrders.map((fo) => startSplit(fo, plan!)));
  for (const split of summary.fulfillmentOrders) split.state = 'inProgress';
  childrenStarted = true;
  // A cancellation accepted while the splits were starting reaches them now.
  if (summary.cancellation) acceptCancellationOfStartedSplits();

  if (changesInFlight) await joinAccountWorks(plan);

  // Splits may come and go while the order runs (amendments): wait until none runs and no amendment is half applied,
  // and until the order's share of account-wide work is done (a cancelled order does not wait for it).
  await condition(() => runningSplits === 0 && !amending && (!!summary.cancellation || (summary.accountShares ?? []).every((s) => s.state === 'ready')));
  if (summary.cancellation) return finishCancellation();
  if (failures.length > 0) {
    setState('failed', `${failures.length} fulfillment order(s) failed; nothing was billed: ${failures[0].message}`);
    return summary;
  }

  // The consolidated billing milestone: every split is done, so the order is billed, once, from its items.
  summary.billing = { milestone: 'passed', releasedAt: now() };
  // A change order bills its delta only: a credit memo for what comes back, an invoice for what is added.
  if (changeContext) summary.invoices.push(...(await issueChangeBilling({ change: order, context: changeContext })));
  else summary.invoices.push(await issueInvoice({ order: current, kind: 'invoice', sequence: 1 }));
  summary.completedAt = now();
  setState('completed');
  return summary;

  /** Account-scope lines: the order joins its account's workflow for each destination and waits for its share. */
  async function joinAccountWorks(from: Plan): Promise<void> {
    for (const fo of from.accountFulfillmentOrders ?? []) {
      const destination = fo.lineItems[0].product;
      const workflowId = await joinAccountWork({
        accountId: order.accountId,
        destination,
        join: { orderId: order.id, orderWorkflowId: workflowInfo().workflowId, fulfillmentOrder: fo, falloutRules: from.falloutRules, queues: from.queues },
      });
      if (!(summary.accountShares ?? []).some((s) => s.destination === destination)) {
        (summary.accountShares ??= []).push({ destination, workflowId, state: 'waiting' });
      }
    }
  }

  /** Starts one split as a child workflow and follows it to its end. */
  async function startSplit(fo: FulfillmentOrder, from: Plan): Promise<void> {
    const child = await startChild(FulfillmentOrderWorkflow, {
      workflowId: fulfillmentOrderWorkflowId(order.id, fo.id),
      args: [
        {
          orderId: order.id,
          accountId: order.accountId,
          fulfillmentOrder: fo,
          orderItems: sourceItemsOf(fo, current),
          falloutRules: from.falloutRules,
          queues: from.queues,
          ...(version >= 1 ? { behaviourVersion: version } : {}),
        },
      ],
      typedSearchAttributes: [
        { key: OrderIdKey, value: order.id },
        { key: AccountIdKey, value: order.accountId },
        { key: ChannelKey, value: order.channel },
        ...(version >= 1 ? QUIET_SPLIT_ATTRIBUTES : []),
      ],
    });
    runningSplits++;
    child.result().then(
      async (result) => {
        finalPlans.set(result.fulfillmentOrderId, result);
        updateSplit(result.fulfillmentOrderId, { state: result.state, steps: result.counts });
        // A split an amendment stopped undoes its own completed work; the order goes on without it.
        const stoppedBy = stoppedSplits.get(result.fulfillmentOrderId);
        if (stoppedBy && !summary.cancellation) {
          const records = await compensateCompletedSteps(order.id, stoppedBy, [result]);
          (summary.amendmentCompensations ??= []).push(...records);
        }
        runningSplits--;
      },
      (error: Error) => {
        failures.push(error);
        runningSplits--;
      },
    );
  }

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

type OrderActions = typeof import('../domain/order-actions');
/**
 * Loaded at this run's first amendment, not with the workflow: order validation and zod are most of a cached
 * order's memory otherwise (each cached run keeps its own copy of every module it loads), and most orders are
 * never amended. Loading a module issues no command, so this is replay-safe.
 */
function applyOrderActions(...args: Parameters<OrderActions['applyOrderActions']>): AppliedActions {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../domain/order-actions') as OrderActions).applyOrderActions(...args);
}

function splitSummaryOf(orderId: string, fo: FulfillmentOrder, state: FulfillmentOrderSummary['state']): FulfillmentOrderSummary {
  return {
    id: fo.id,
    workflowId: fulfillmentOrderWorkflowId(orderId, fo.id),
    location: fo.location,
    system: fo.system,
    deliveryGroupId: fo.deliveryGroupId,
    state,
    steps: { total: fo.steps.length, completed: 0, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 },
  };
}

function initialActions(order: Order, at: string): OrderSummary['actions'] {
  if (!order.changeOf) return [{ type: 'Add', at, itemIds: order.items.map((item) => item.id) }];
  const byType = new Map<string, string[]>();
  for (const item of order.items) byType.set(item.action ?? 'Add', [...(byType.get(item.action ?? 'Add') ?? []), item.id]);
  return [...byType].map(([type, itemIds]) => ({ type: type as OrderSummary['actions'][number]['type'], at, itemIds, note: `change of ${order.changeOf}` }));
}

/** The order items a split's lines come from: what its pause conditions may read. */
function sourceItemsOf(fo: FulfillmentOrder, order: Order): Order['items'] {
  const ids = new Set(fo.lineItems.flatMap((li) => li.sourceItemIds));
  return order.items.filter((item) => ids.has(item.id));
}

function sum<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
