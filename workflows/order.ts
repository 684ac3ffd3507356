import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  proxyLocalActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { BillingOverTimeActivities, OrdoActivities } from '../activities/types';
import type { ChangeContext } from '../domain/change-order';
import type { Subscription } from '../domain/subscription';
import { actionOf } from '../domain/item-action';
import type { Order } from '../domain/order';
import type { FulfillmentOrder, Plan } from '../domain/plan';
import { now, today } from './clock';
import { compensateCompletedSteps } from './compensation';
import { CrossPlanRelay } from './cross-plan-relay';
import { FulfillmentOrderWorkflow } from './fulfillment-order';
import { fulfillmentOrderWorkflowId } from './ids';
import { cancelSplits, listenToOrderMessages, sourceItemsOf } from './order-messages';
import { OrderRun } from './order-run';
import { AccountIdKey, ChannelKey, OrderIdKey, QUIET_SPLIT_ATTRIBUTES } from './search-attributes';
import type { OrderSummary, OrderWorkflowInput } from './types';
import { survivingEviction } from './local-activities';
import { OrderEvents } from './order-events';
import { ownBehaviour, type Behaviour } from './versions';

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
 * Billing over time (since `subscriptions`): the subscription is made, the payment method kept and the subscription
 * started in local activities, like the order's billing; a change order's items reach its original's subscription
 * through a remote one, as that waits for the subscription's own billing.
 */
const billingOverTime = proxyLocalActivities<BillingOverTimeActivities>(billing);
const { sendSubscriptionChange } = proxyActivities<BillingOverTimeActivities>(billing);

/**
 * The order: decomposes it, runs one FulfillmentOrderWorkflow per split, and passes the consolidated
 * billing milestone only when every split is done, then invoices once. It owns the Order Summary.
 *
 * Its state is one OrderRun (workflows/order-run.ts), its messages are handled in workflows/order-messages.ts,
 * its state changes are checked against the tables of workflows/state-machines.ts (docs/state-machines.md).
 */
export async function OrderWorkflow(input: OrderWorkflowInput): Promise<OrderSummary> {
  const behaviour = ownBehaviour(input.behaviourVersion);
  // Since `order-events`, when its plan says the hub has a subscriber for it: the order's TMF622 events go to the
  // hub's subscribers (workflows/order-events.ts), and it returns once they are delivered.
  const events: { of?: OrderEvents } = {};
  try {
    return await runOrder(input, behaviour, events);
  } finally {
    await events.of?.delivered();
  }
}

async function runOrder(input: OrderWorkflowInput, behaviour: Behaviour, events: { of?: OrderEvents }): Promise<OrderSummary> {
  const changesInFlight = behaviour.has('changes-in-flight');
  const leanHistory = behaviour.has('lean-history');
  const { decomposeOrder } = leanHistory ? survivingEviction(localPlanning, behaviour) : remotePlanning;
  const { issueInvoice, issueChangeBilling } = leanHistory ? survivingEviction(localBilling, behaviour) : remoteBilling;
  const subscriptions = behaviour.has('subscriptions');
  // Since `every-tmf-state`: assessingCancellation, partial, and the summary's state log (docs/state-machines.md).
  const everyTmfState = behaviour.has('every-tmf-state');
  const run = new OrderRun(input);
  const { order, summary } = run;
  if (everyTmfState) run.keepStateLog();
  run.orderedProgress = behaviour.has('ordered-progress');
  /** Splits started and not ended: where cross-plan completions are relayed. */
  const liveSplits = new Set<string>();
  listenToOrderMessages(run, { changesInFlight, assessesCancellation: everyTmfState, decomposeOrder, startSplit, joinAccountWorks, crossPlanRelay });

  // ---- The main line: plan, run the splits, wait for them, bill once ----

  let changeContext: ChangeContext | undefined;
  let plan: Plan;
  try {
    // A change order is checked against its original (and earlier changes) before anything runs.
    if (order.changeOf && changesInFlight) changeContext = await loadChangeContext(order);
    plan = run.plan = await decomposeOrder(order);
    // Plans record whether the hub had a subscriber for the order; older plans never say so.
    if (plan.notifyOrderEvents && behaviour.has('order-events')) {
      const notifier = (events.of = new OrderEvents(summary));
      run.changed = () => notifier.changed();
      run.changed();
    }
  } catch (error) {
    // A remote activity's refusal arrives wrapped in an ActivityFailure; a local activity's (lean history) as itself.
    const cause = error instanceof ActivityFailure ? error.cause : error instanceof ApplicationFailure && behaviour.has('local-planning-rejects') ? error : undefined;
    if (cause instanceof ApplicationFailure && cause.type === 'InvalidInput') {
      run.setState('rejected', cause.message);
      return summary;
    }
    throw error;
  }

  // Since `every-tmf-state`: a product that asks for an approval keeps the order pending until it is given.
  if (plan.approval && everyTmfState && !summary.cancellation && !(await approved(plan.approval))) return summary;
  if (summary.cancellation) return finishCancellation();
  summary.unfulfilledItems = plan.unfulfilledItems;
  summary.fulfillmentOrders = plan.fulfillmentOrders.map((fo) => run.splitSummary(fo, 'pending'));
  run.setState('inProgress');

  crossPlanRelay(plan);
  await Promise.all(plan.fulfillmentOrders.map((fo) => startSplit(fo, plan)));
  // A split may already have reported (held, even finished) while the others were starting: only those not heard from move.
  for (const split of summary.fulfillmentOrders) if (split.state === 'pending') run.setSplitState(split, 'inProgress');
  run.childrenStarted = true;
  // A cancellation accepted while the splits were starting reaches them now.
  if (summary.cancellation) cancelSplits(run, summary.cancellation);

  if (changesInFlight) await joinAccountWorks(plan);

  // Splits may come and go while the order runs (amendments): wait until none runs and no amendment is half applied,
  // and until the order's share of account-wide work is done (a cancelled order does not wait for it).
  await condition(() => run.runningSplits === 0 && !run.amending && (!!summary.cancellation || (summary.accountShares ?? []).every((s) => s.state === 'ready')));
  if (summary.cancellation) return finishCancellation();
  if (run.failures.length > 0) {
    run.setState('failed', `${run.failures.length} fulfillment order(s) failed; nothing was billed: ${run.failures[0].message}`);
    return summary;
  }

  // The consolidated billing milestone: every split is done, so the order is billed, once, from its items.
  summary.billing = { milestone: 'passed', releasedAt: now() };
  // Since `every-tmf-state`, an original order's items no rule fulfilled were not delivered: the order is partial
  // and bills the rest (an empty rest bills nothing). A change order's unfulfilled items are changes billed as such.
  const undelivered = everyTmfState && !changeContext ? undeliveredItemIds() : [];
  const delivered = { ...run.current, items: run.current.items.filter((item) => !undelivered.includes(item.id)) };
  // What was delivered is what is billed and what a change order changes (the `orderRecord` query answers it).
  if (undelivered.length) run.current = delivered;
  // A change order bills its delta only: a credit memo for what comes back, an invoice for what is added.
  let billingNote: string | undefined;
  if (changeContext) await billChange(changeContext);
  else if (delivered.items.length === 0) billingNote = 'nothing was delivered, so nothing is billed';
  else if (subscriptions) billingNote = await handOver(delivered);
  else summary.invoices.push(await issueInvoice({ order: delivered, kind: 'invoice', sequence: 1 }));
  summary.completedAt = now();
  if (undelivered.length) {
    const notDelivered = `${undelivered.join(', ')} not delivered (no decomposition rule applies; see unfulfilledItems), not billed`;
    run.setState('partial', billingNote ? `${notDelivered}; ${billingNote}` : notDelivered);
  } else run.setState('completed', billingNote);
  return summary;

  /** Ordered items (action Add) the plan could not fulfil: what makes an order partial. */
  function undeliveredItemIds(): string[] {
    const added = new Set(run.current.items.filter((item) => actionOf(item) === 'Add').map((item) => item.id));
    return summary.unfulfilledItems.map((u) => u.itemId).filter((id) => added.has(id));
  }

  /**
   * Waits `pending` for a member of an approval queue (the approveOrder update, workflows/order-messages.ts) or a
   * cancellation. Answers false when the approval was refused: the order is then rejected.
   */
  async function approved(approval: NonNullable<Plan['approval']>): Promise<boolean> {
    summary.approval = { ...approval, state: 'waiting' };
    run.setState('pending', `waiting for an approval by a member of ${approval.queues.join(' or ')} (items ${approval.itemIds.join(', ')})`);
    await condition(() => summary.approval!.state !== 'waiting' || !!summary.cancellation);
    if (summary.cancellation || summary.approval!.state === 'approved') return true;
    run.setState('rejected', `approval refused by ${summary.approval!.actor}${summary.approval!.reason ? `: ${summary.approval!.reason}` : ''}`);
    return false;
  }

  // ---- Billing after the milestone ----

  /**
   * The order's invoice and its hand-over to billing over time (docs/billing.md "Subscriptions: the workflow"): the
   * subscription is made first, so the invoice knows which recurring items it bills per period (those are on the
   * invoice at 0.00); then the payment method goes to the billing account and the subscription starts on its own.
   * Answers why the order has no subscription when the domain refused to make one of its items.
   */
  async function handOver(billed: Order): Promise<string | undefined> {
    const { prepareSubscription, savePaymentMethod, startSubscription } = survivingEviction(billingOverTime, behaviour);
    let subscription: Subscription | undefined;
    let problem: string | undefined;
    try {
      subscription = await prepareSubscription({ order: billed });
    } catch (error) {
      // An order it cannot make a subscription of is still billed: its invoice as before, and the reason said.
      const cause = error instanceof ActivityFailure ? error.cause : undefined;
      if (!(cause instanceof ApplicationFailure && cause.type === 'InvalidInput')) throw error;
      problem = `billed without a subscription (its recurring and usage items are not billed over time): ${cause.message}`;
    }
    if (order.payment) await savePaymentMethod({ accountId: order.accountId, payment: order.payment, orderId: order.id });
    const billedElsewhere = subscription && !subscription.recurringBilledUpFront
      ? subscription.items.filter((item) => typeof item.billing === 'object').map((item) => item.itemId)
      : [];
    summary.invoices.push(await issueInvoice({ order: billed, kind: 'invoice', sequence: 1, ...(billedElsewhere.length ? { billedElsewhere } : {}) }));
    if (!subscription) return problem;
    await startSubscription({ orderId: order.id, subscription, order: billed });
    summary.subscriptionId = subscription.id;
    return undefined;
  }

  /**
   * A change order's delta. Since subscriptions, its recurring and usage items go to the original's subscription
   * when that bills per period (a prorated SubscriptionChange), and its own documents bill the rest.
   */
  async function billChange(context: ChangeContext): Promise<void> {
    if (!subscriptions) {
      summary.invoices.push(...(await issueChangeBilling({ change: order, context })));
      return;
    }
    const sent = await sendSubscriptionChange({ change: order, today: today() });
    if (!sent.subscriptionId) {
      summary.invoices.push(...(await issueChangeBilling({ change: order, context })));
      return;
    }
    summary.subscriptionId = sent.subscriptionId;
    const change = { ...order, items: order.items.filter((item) => !sent.itemIds.includes(item.id)) };
    // Context items (NoChange) bill nothing: without another item the change has nothing of its own to bill.
    if (change.items.some((item) => actionOf(item) !== 'NoChange')) summary.invoices.push(...(await issueChangeBilling({ change, context })));
  }

  // ---- What the main line (and an amendment) does with splits and account work ----

  /** Account-scope lines: the order joins its account's workflow for each destination and waits for its share. */
  async function joinAccountWorks(from: Plan): Promise<void> {
    for (const fo of from.accountFulfillmentOrders ?? []) {
      const destination = fo.lineItems[0].product;
      const workflowId = await joinAccountWork({
        accountId: order.accountId,
        destination,
        join: { orderId: order.id, orderWorkflowId: workflowInfo().workflowId, fulfillmentOrder: fo, falloutRules: from.falloutRules, queues: from.queues, operators: from.operators },
      });
      if (!(summary.accountShares ?? []).some((s) => s.destination === destination)) {
        (summary.accountShares ??= []).push({ destination, workflowId, state: 'waiting' });
      }
    }
  }

  /**
   * Since `cross-plan-dependencies`, asked only of a plan that has such a dependency (no plan decomposed before
   * it has): the relay of completions between the splits, made once, when the first such plan comes.
   */
  function crossPlanRelay(from: Plan): CrossPlanRelay | undefined {
    if (!run.crossPlan && CrossPlanRelay.needed(from) && behaviour.has('cross-plan-dependencies')) {
      run.crossPlan = new CrossPlanRelay(order.id, () => run.plan, liveSplits, now, (reason) => run.refuse('crossPlanStepFinished', undefined, reason));
    }
    return run.crossPlan;
  }

  /** Starts one split as a child workflow and follows it to its end. */
  async function startSplit(fo: FulfillmentOrder, from: Plan): Promise<void> {
    run.splitStarting(fo.id);
    const child = await startChild(FulfillmentOrderWorkflow, {
      workflowId: fulfillmentOrderWorkflowId(order.id, fo.id),
      args: [
        {
          orderId: order.id,
          accountId: order.accountId,
          fulfillmentOrder: fo,
          orderItems: sourceItemsOf(fo, run.current),
          falloutRules: from.falloutRules,
          queues: from.queues,
          operators: from.operators,
          ...behaviour.toInput(),
          ...(run.crossPlan ? { crossPlan: run.crossPlan.inputFor(fo) } : {}),
        },
      ],
      typedSearchAttributes: [
        { key: OrderIdKey, value: order.id },
        { key: AccountIdKey, value: order.accountId },
        { key: ChannelKey, value: order.channel },
        ...(leanHistory ? QUIET_SPLIT_ATTRIBUTES : []),
      ],
    });
    run.runningSplits++;
    liveSplits.add(fo.id);
    run.crossPlan?.started(fo.id);
    child.result().then(
      async (result) => {
        liveSplits.delete(fo.id);
        run.crossPlan?.ended(fo.id, result);
        run.finalPlans.set(result.fulfillmentOrderId, result);
        run.updateSplit(result.fulfillmentOrderId, { state: result.state, steps: result.counts }, 'result');
        // A split an amendment stopped undoes its own completed work; the order goes on without it.
        const stoppedBy = run.stoppedSplits.get(result.fulfillmentOrderId);
        if (stoppedBy && !summary.cancellation) {
          const records = await compensateCompletedSteps(order.id, stoppedBy, [result]);
          (summary.amendmentCompensations ??= []).push(...records);
        }
        run.runningSplits--;
      },
      (error: Error) => {
        liveSplits.delete(fo.id);
        run.crossPlan?.ended(fo.id);
        run.failures.push(error);
        const split = summary.fulfillmentOrders.find((s) => s.id === fo.id);
        if (split && !run.stoppedSplits.has(fo.id)) run.setSplitState(split, 'failed');
        run.runningSplits--;
      },
    );
  }

  /** Every split has stopped: undo what completed, newest first, and end cancelled with nothing billed. */
  async function finishCancellation(): Promise<OrderSummary> {
    const compensations = run.plan ? await compensateCompletedSteps(order.id, run.plan, run.finalPlans.values()) : [];
    const cancellation = summary.cancellation!;
    cancellation.compensations = compensations;
    cancellation.completedAt = now();
    summary.completedAt = now();
    const failedCompensations = compensations.filter((c) => c.state === 'Failed');
    run.setState(
      'cancelled',
      failedCompensations.length
        ? `${cancellation.reason}; ${failedCompensations.length} compensation(s) failed and need an operator: ${failedCompensations.map((c) => c.stepId).join(', ')}`
        : cancellation.reason,
    );
    return summary;
  }
}
