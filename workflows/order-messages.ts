import { ActivityFailure, ApplicationFailure, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { itemsOfBundles } from '../domain/bundles';
import { itemsShippingTo } from '../domain/delivery-groups';
import type { Order } from '../domain/order';
import type { AmendRequest, AppliedActions } from '../domain/order-actions';
import { whyNotAuthentic, withoutCredential } from '../domain/operator-signature';
import { InvalidInput } from '../domain/problems';
import { whyActorMayNotAct } from '../domain/queues';
import type { FulfillmentOrder, Plan } from '../domain/plan';
import { now, nowMs } from './clock';
import { fulfillmentOrderWorkflowId } from './ids';
import { actorOf, checkedSignal, checkedValidator } from './message-checks';
import {
  accountShareReadySignal,
  amendPlanSignal,
  amendUpdate,
  approveOrderUpdate,
  cancelFulfillmentSignal,
  cancelSignal,
  cancelUpdate,
  fulfillmentOrderProgressSignal,
  leaveAccountWorkSignal,
  orderPlanQuery,
  orderRecordQuery,
  ponrDecisionSignal,
  ponrRequestSignal,
  summaryQuery,
  type AmendAnswer,
  type ApproveOrderRequest,
  type CancelRequest,
  type PonrRequest,
} from './messages';
import type { CrossPlanRelay } from './cross-plan-relay';
import type { OrderRun } from './order-run';
import { isFinal, ORDER_MACHINE } from './state-machines';

/** What the order's message handlers do through the main line's means: plan, start splits, join account work. */
export interface OrderWork {
  /** Whether the order takes changes in flight (workflows/patches.ts `changes-in-flight`). */
  changesInFlight: boolean;
  /** Whether a cancellation is weighed in `assessingCancellation` (workflows/patches.ts `every-tmf-state`). */
  assessesCancellation: boolean;
  decomposeOrder: (order: Order) => Promise<Plan>;
  startSplit: (fo: FulfillmentOrder, from: Plan) => Promise<void>;
  joinAccountWorks: (from: Plan) => Promise<void>;
  /** The relay of cross-plan completions, made when the first plan that needs one comes (workflows/cross-plan-relay.ts). */
  crossPlanRelay: (from: Plan) => CrossPlanRelay | undefined;
}

/**
 * OrderWorkflow's messages (DESIGN.md "Messages and ids"): the `summary`, `plan` and `orderRecord` queries,
 * its splits' progress, and the changes in flight: `cancel` (update and signal), `amend`, point-of-no-return
 * requests and account shares. The order alone decides, in the order its messages arrive; an update is refused
 * by its validator (nothing is written), a refused signal is kept in the summary's `rejectedMessages`.
 */
export function listenToOrderMessages(run: OrderRun, work: OrderWork): void {
  const { order, summary, ponr, pendingPonr, stoppedSplits, finalPlans } = run;
  const { changesInFlight, assessesCancellation, decomposeOrder, startSplit, joinAccountWorks, crossPlanRelay } = work;

  /** Why the order cannot be cancelled now, as an error the caller can act on; undefined when it can. */
  const whyNotCancellable = (): ApplicationFailure | undefined => {
    if (isFinal(ORDER_MACHINE, summary.state)) {
      const next = summary.state === 'completed' || summary.state === 'partial' ? `: to return or cancel items, submit a change order with "changeOf": "${order.id}"` : '';
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
  /**
   * A cancellation is weighed against the point of no return: the order holds what its splits asked for (their
   * PONR requests) and whether billing passed, so the weighing takes no time, but it is a state of its own in
   * TMF622. The order passes through `assessingCancellation` (in the state log and the events, not the search
   * attribute) and leaves it for `pendingCancellation`, or, refused, back to the state it was in. An update
   * refused by its validator writes nothing, so only a refused cancel signal shows the way back.
   */
  const weighCancellation = (reason: string | undefined) => {
    if (assessesCancellation) run.passThrough('assessingCancellation', reason);
  };
  const refuseCancellation = (back: { state: typeof summary.state; reason?: string }) => {
    if (assessesCancellation) run.passThrough(back.state, back.reason);
  };
  const acceptCancellation = (request: CancelRequest) => {
    weighCancellation(request.reason);
    summary.cancellation = { reason: request.reason, actor: request.actor, requestedAt: now(), compensations: [] };
    summary.actions.push({ type: 'Cancel', at: now(), actor: request.actor, itemIds: order.items.map((item) => item.id), note: request.reason });
    run.setState('pendingCancellation', request.reason);
    // Only this order's share of account-wide work is released; the account's other orders keep theirs.
    for (const share of summary.accountShares ?? []) {
      if (share.state === 'ready') continue;
      share.state = 'released';
      getExternalWorkflowHandle(share.workflowId)
        .signal(leaveAccountWorkSignal, { orderId: order.id, reason: request.reason })
        .catch(() => undefined);
    }
    if (run.childrenStarted) cancelSplits(run, request);
  };
  /**
   * Why a cancel or an amendment is not believed to come from its actor (docs/security.md): once the plan records
   * the operator keys in `signed` mode, an upstream system or operator signs with its own key, as `ordo` does.
   * Before the plan exists (and in orders planned before signing existed) the actor is believed.
   */
  const notAuthentic = (message: 'cancel' | 'amend' | 'approveOrder', request: unknown) => whyNotAuthentic(run.plan?.operators, message, workflowInfo().workflowId, request, nowMs());
  /** A message of the wrong shape (anyone can signal a workflow) is refused into the summary, never thrown. */
  const refuseMalformed = (reason: string, payload: unknown, message: string) => run.refuse(message, actorOf(payload), reason);

  // Since `every-tmf-state`: the approval a pending order waits for (workflows/order.ts `approved`), from a member
  // of one of the queues its catalog names, signed like a cancel in `signed` mode.
  if (assessesCancellation) {
    setHandler(approveOrderUpdate, (request) => {
      summary.approval = { ...summary.approval!, state: request.approved ? 'approved' : 'refused', actor: request.actor, at: now(), ...(request.reason ? { reason: request.reason } : {}) };
      return { accepted: true as const, orderId: order.id, state: summary.state };
    }, {
      validator: checkedValidator<ApproveOrderRequest>('approveOrder', (request) => {
        if (summary.state !== 'pending' || summary.approval?.state !== 'waiting') {
          throw ApplicationFailure.nonRetryable(`order ${order.id} is ${summary.state}, not pending an approval; nothing to approve`, 'OrderNotPending');
        }
        const forged = notAuthentic('approveOrder', request);
        if (forged) throw ApplicationFailure.nonRetryable(forged, 'NotAuthenticated');
        const notMember = whyActorMayNotAct(request.actor, summary.approval.queues, undefined, run.plan?.queues ?? {});
        if (notMember) throw ApplicationFailure.nonRetryable(notMember.replace('act on this step', `approve order ${order.id}`), 'NotAuthorized');
      }),
    });
  }

  if (changesInFlight) {
    setHandler(cancelUpdate, (request) => {
      acceptCancellation(request);
      return { accepted: true as const, orderId: order.id, state: summary.state };
    }, {
      validator: checkedValidator<CancelRequest>('cancel', (request) => {
        if (!request || typeof request.reason !== 'string' || !request.reason.trim()) throw ApplicationFailure.nonRetryable('reason is required: say why the order is cancelled', 'InvalidInput');
        const forged = notAuthentic('cancel', request);
        if (forged) throw ApplicationFailure.nonRetryable(forged, 'NotAuthenticated');
        const problem = whyNotCancellable();
        if (problem) throw problem;
      }),
    });
    setHandler(cancelSignal, checkedSignal('cancel', refuseMalformed, (request) => {
      const forged = notAuthentic('cancel', request);
      const refusal = forged ? undefined : whyNotCancellable();
      // Only a refusal the point of no return decides was weighed; a forged or late one is refused outright.
      if (refusal?.type === 'ChangeOrderRequired' && (summary.state === 'inProgress' || summary.state === 'held')) {
        const back = { state: summary.state, reason: summary.reason };
        weighCancellation(request?.reason);
        refuseCancellation(back);
      }
      const problem = forged ?? refusal?.message;
      if (problem) run.refuse('cancel', request?.actor, problem);
      else acceptCancellation({ reason: request?.reason || 'cancelled by signal', actor: request?.actor });
    }));
    setHandler(ponrRequestSignal, checkedSignal('ponrRequest', refuseMalformed, (request) => decidePonr(request)));
    setHandler(accountShareReadySignal, checkedSignal('accountShareReady', refuseMalformed, (ready) => {
      const share = (summary.accountShares ??= []).find((s) => s.destination === ready.destination);
      if (share) share.state = 'ready';
      else summary.accountShares.push({ destination: ready.destination, workflowId: ready.accountWorkflowId, state: 'ready' });
    }));
    // The credential is checked, then set aside: an amendment's actions are parsed strictly (domain/order-actions.ts).
    setHandler(amendUpdate, (request) => applyAmendment(withoutCredential(request)), {
      validator: checkedValidator<AmendRequest>('amend', (request) => {
        const forged = notAuthentic('amend', request);
        if (forged) throw ApplicationFailure.nonRetryable(forged, 'NotAuthenticated');
        validateAmendment(withoutCredential(request));
      }),
    });
  }

  function decidePonr(request: PonrRequest): void {
    // An amendment being applied decides first; the step waits for its answer until then.
    if (run.amending) {
      pendingPonr.push(request);
      return;
    }
    const split = getExternalWorkflowHandle(fulfillmentOrderWorkflowId(order.id, request.fulfillmentOrderId));
    const granted = !summary.cancellation;
    // A batched request (`batched-ponr`: data no history recorded before it has) is decided as one, answered once.
    const asked = request.steps ?? [{ stepId: request.stepId, orderItemIds: request.orderItemIds }];
    if (granted) {
      for (const step of asked) {
        for (const orderItemId of itemsOfBundles(run.current, step.orderItemIds)) {
          if (!ponr.has(orderItemId)) ponr.set(orderItemId, { orderItemId, stepId: step.stepId, fulfillmentOrderId: request.fulfillmentOrderId, at: now() });
        }
      }
      summary.pointOfNoReturn = [...ponr.values()];
      run.changed();
    }
    const decision = { stepId: request.stepId, granted, reason: granted ? undefined : 'the order is being cancelled' };
    split
      .signal(ponrDecisionSignal, request.steps ? { ...decision, stepIds: asked.map((step) => step.stepId) } : decision)
      .catch((error: Error) => log.warn('PONR decision not delivered', { error: error.message }));
  }

  /** Touched items (and their bundles) past PONR, or any state that takes no amendment, refuse it before anything changes. */
  function validateAmendment(request: AmendRequest): void {
    const refusal = whyNotCancellable();
    if (refusal && refusal.type !== 'ChangeOrderRequired') throw ApplicationFailure.nonRetryable(refusal.message.replace('nothing to cancel', 'nothing to amend'), 'OrderNotAmendable');
    if (summary.billing.milestone === 'passed') throw refusal!;
    if (run.amending) throw ApplicationFailure.nonRetryable('another amendment is being applied; send this one when it is answered', 'OrderNotAmendable');
    if (summary.state === 'pending') throw ApplicationFailure.nonRetryable(`order ${order.id} waits pending for its approval (${summary.approval?.queues.join(' or ')}): amend it once it is approved, or cancel it`, 'OrderNotAmendable');
    if (!run.childrenStarted) throw ApplicationFailure.nonRetryable('the order is still being planned; send the amendment again in a moment', 'OrderNotAmendable');
    let applied: AppliedActions;
    try {
      applied = applyOrderActions(run.current, request);
    } catch (error) {
      if (error instanceof InvalidInput) throw ApplicationFailure.nonRetryable(error.message, 'InvalidInput', error.problems);
      throw error;
    }
    // A new address touches every item that ships to its group (ChangeDeliveryAddress), though no item field changes.
    const touched = [...applied.changedItemIds, ...applied.removedItemIds, ...applied.addedItemIds, ...applied.readdressedItemIds];
    const both = { ...run.current, items: [...run.current.items, ...applied.order.items.filter((i) => !run.current.items.some((c) => c.id === i.id))] };
    // A shipment that left cannot be re-addressed: the change order returns its items and adds them again elsewhere.
    const readdress = applied.changedDeliveryGroupIds.length
      ? ' (an address cannot follow items that are past it: the change order returns them and adds them to a delivery group with the new address)'
      : '';
    // A split that has already finished cannot change in place: its items need a change order, as after PONR.
    const finishedSplits = (run.plan?.fulfillmentOrders ?? []).filter((fo) => finalPlans.get(fo.id)?.state === 'completed');
    const inFinished = finishedSplits.flatMap((fo) => {
      const items = fo.lineItems.flatMap((li) => li.sourceItemIds).filter((id) => touched.includes(id));
      return items.length ? [`${[...new Set(items)].join(', ')} (fulfilled by ${fo.id})`] : [];
    });
    if (inFinished.length) {
      throw ApplicationFailure.nonRetryable(
        `ChangeOrderRequired: ${inFinished.join('; ')} already fulfilled; submit a change order with "changeOf": "${order.id}" instead${readdress}`,
        'ChangeOrderRequired',
        { orderId: order.id },
      );
    }
    const pastPonr = itemsOfBundles(both, touched).filter((id) => ponr.has(id));
    if (pastPonr.length) {
      throw ApplicationFailure.nonRetryable(
        `ChangeOrderRequired: ${pastPonr.map((id) => `${id} (${ponr.get(id)!.stepId})`).join(', ')} ${pastPonr.length === 1 ? 'is' : 'are'} past the point of no return; submit a change order with "changeOf": "${order.id}" instead${readdress}`,
        'ChangeOrderRequired',
        { orderId: order.id, items: pastPonr.map((id) => ponr.get(id)) },
      );
    }
  }

  /**
   * An accepted amendment: the amended order is decomposed again and each split gets its new plan; splits
   * the new plan no longer has are stopped (their completed work compensated), new ones start. The
   * original record is never changed: the amendment is an order action, and `run.current` the order now.
   */
  async function applyAmendment(request: AmendRequest): Promise<AmendAnswer> {
    run.amending = true;
    try {
      const applied = applyOrderActions(run.current, request);
      const next = await decomposeOrder(applied.order);
      if (summary.cancellation) throw ApplicationFailure.nonRetryable('the order was cancelled while the amendment was being applied', 'OrderNotAmendable');
      const before = run.plan!;
      const nextIds = new Set(next.fulfillmentOrders.map((fo) => fo.id));
      const beforeIds = new Set(before.fulfillmentOrders.filter((fo) => !stoppedSplits.has(fo.id)).map((fo) => fo.id));
      const answer: AmendAnswer = {
        accepted: true,
        orderId: order.id,
        addedItemIds: applied.addedItemIds,
        changedItemIds: applied.changedItemIds,
        removedItemIds: applied.removedItemIds,
        ...(applied.changedDeliveryGroupIds.length ? { changedDeliveryGroupIds: applied.changedDeliveryGroupIds } : {}),
        fulfillmentOrders: { started: [], updated: [], stopped: [] },
      };
      run.current = applied.order;
      summary.unfulfilledItems = next.unfulfilledItems;
      for (const fo of before.fulfillmentOrders) {
        if (!beforeIds.has(fo.id) || nextIds.has(fo.id)) continue;
        stoppedSplits.set(fo.id, before);
        answer.fulfillmentOrders.stopped.push(fo.id);
        getExternalWorkflowHandle(fulfillmentOrderWorkflowId(order.id, fo.id))
          .signal(cancelFulfillmentSignal, { reason: 'no longer needed after an amendment', actor: request.actor })
          .catch(() => undefined);
      }
      // Watched steps under the old plan, read before the relay (if any) sees the new one.
      const relay = crossPlanRelay(next);
      const watchedBefore = new Map(before.fulfillmentOrders.map((fo) => [fo.id, [...(relay?.watchedIn(fo.id) ?? [])]]));
      run.plan = next;
      for (const fo of next.fulfillmentOrders) {
        if (beforeIds.has(fo.id)) {
          const old = before.fulfillmentOrders.find((f) => f.id === fo.id);
          const crossPlan = relay?.inputFor(fo);
          // A split whose plan is unchanged may still be watched by a new step of another split: it is told so.
          const newlyWatched = crossPlan && JSON.stringify(crossPlan.watched) !== JSON.stringify(watchedBefore.get(fo.id) ?? []);
          const samePlan = JSON.stringify(old) === JSON.stringify(fo);
          if (samePlan && !newlyWatched) continue;
          if (!samePlan) answer.fulfillmentOrders.updated.push(fo.id);
          await getExternalWorkflowHandle(fulfillmentOrderWorkflowId(order.id, fo.id)).signal(amendPlanSignal, { fulfillmentOrder: fo, orderItems: sourceItemsOf(fo, run.current), ...(crossPlan ? { crossPlan } : {}) });
          const split = summary.fulfillmentOrders.find((f) => f.id === fo.id);
          if (split) split.steps = { ...split.steps, total: fo.steps.length };
        } else {
          answer.fulfillmentOrders.started.push(fo.id);
          stoppedSplits.delete(fo.id);
          summary.fulfillmentOrders = summary.fulfillmentOrders.filter((f) => f.id !== fo.id);
          summary.fulfillmentOrders.push(run.splitSummary(fo, 'inProgress'));
          await startSplit(fo, next);
        }
      }
      for (const split of summary.fulfillmentOrders) if (answer.fulfillmentOrders.stopped.includes(split.id)) run.setSplitState(split, 'cancelled');
      // Account-scope lines the amendment added join their account's work; the order waits for those shares too.
      await joinAccountWorks(next);
      const kept = new Set((next.accountFulfillmentOrders ?? []).map((fo) => fo.lineItems[0].product));
      for (const share of summary.accountShares ?? []) {
        if (kept.has(share.destination) || share.state !== 'waiting') continue;
        share.state = 'released';
        getExternalWorkflowHandle(share.workflowId).signal(leaveAccountWorkSignal, { orderId: order.id, reason: 'removed by an amendment' }).catch(() => undefined);
      }
      for (const action of request.actions) {
        const note = 'amendment before the point of no return';
        if (action.type === 'ChangeDeliveryAddress') {
          const itemIds = itemsShippingTo(run.current, action.deliveryGroupId);
          summary.actions.push({ type: action.type, at: now(), actor: request.actor, itemIds, deliveryGroupId: action.deliveryGroupId, note });
          continue;
        }
        const itemIds = action.type === 'Add' ? [action.item.id] : [action.itemId];
        summary.actions.push({ type: action.type, at: now(), actor: request.actor, itemIds, note });
      }
      return answer;
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : error;
      if (cause instanceof ApplicationFailure) throw ApplicationFailure.nonRetryable(cause.message, cause.type ?? 'AmendmentFailed', ...(cause.details ?? []));
      throw error;
    } finally {
      run.amending = false;
      for (const waiting of pendingPonr.splice(0)) decidePonr(waiting);
    }
  }

  setHandler(summaryQuery, () => summary);
  setHandler(orderRecordQuery, () => ({ order: run.current, state: summary.state, invoices: summary.invoices }));
  setHandler(orderPlanQuery, () => ({
    orderId: order.id,
    state: summary.state,
    plan: run.plan,
    fulfillmentOrders: [...finalPlans.values()],
    ...(summary.pointOfNoReturn ? { pointOfNoReturn: summary.pointOfNoReturn } : {}),
  }));
  setHandler(fulfillmentOrderProgressSignal, checkedSignal('fulfillmentOrderProgress', refuseMalformed, (progress) => run.updateSplit(progress.fulfillmentOrderId, { state: progress.state, steps: progress.counts }, 'progress', progress.sequence)));
}

/** Tells every split of the order to stop: a split that already finished needs no signal, its completed steps are compensated. */
export function cancelSplits(run: OrderRun, request: CancelRequest): void {
  for (const split of run.summary.fulfillmentOrders) {
    getExternalWorkflowHandle(split.workflowId)
      .signal(cancelFulfillmentSignal, { reason: request.reason, actor: request.actor })
      .catch(() => undefined);
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

/** The order items a split's lines come from: what its pause conditions may read. */
export function sourceItemsOf(fo: FulfillmentOrder, order: Order): Order['items'] {
  const ids = new Set(fo.lineItems.flatMap((li) => li.sourceItemIds));
  return order.items.filter((item) => ids.has(item.id));
}
