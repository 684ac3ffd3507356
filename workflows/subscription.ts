import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  setWorkflowOptions,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SubscriptionActivities, SubscriptionBilling } from '../activities/types';
import { civilFromDayNumber, dayNumber, formatIsoDate, parseIsoDate } from '../domain/civil-date';
import { nextBillDate, renewalOrder, SubscriptionChange, type Subscription } from '../domain/subscription';
import { DAY_MS, nowMs, today } from './clock';
import { AccountIdKey, BillingStateKey, NextBillingDateKey, OrderIdKey } from './search-attributes';
import {
  billNowUpdate,
  changeSubscriptionUpdate,
  renewUpdate,
  subscriptionQuery,
  subscriptionWorkflowId,
  type IssuedDocument,
  type SubscriptionInput,
  type SubscriptionState,
  type SubscriptionView,
} from './subscription-messages';
import { autoUpgradeWhenVersioned } from './versioning-behaviour';
import { ownBehaviour } from './versions';
import { move, SUBSCRIPTION_MACHINE } from './state-machines';

/** Bill dates per run before continuing as new: each is an activity and a timer, far below history limits. */
const BILLINGS_PER_RUN = 50;
/** The documents a run carries to the next for the view: the newest ones; billing keeps them all. */
const CARRIED_DOCUMENTS = 100;
/** Change orders applied, carried so a change sent twice (a retried update) is applied once. */
const CARRIED_CHANGES = 100;

// Billing retries until it gets through: every document is sent under its own id as the key, so a retry bills nothing twice.
const { billSubscription, billSubscriptionChange, startRenewalOrder } = proxyActivities<SubscriptionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Bills one subscription over time (workflows/subscription-messages.ts; docs/billing.md "Subscriptions: the
 * workflow"). Its state is one `Subscription`; the arithmetic is domain/subscription.ts's. It sleeps on a durable
 * timer until the next bill date (00:00 UTC, workflow time), bills what is due, and ends once nothing is due
 * any more. Bill Now, change orders and early renewal arrive as updates and wake the timer; every change of
 * the subscription runs one at a time (`serially`), so a bill date is never billed by two of them at once.
 */
export async function SubscriptionWorkflow(input: SubscriptionInput): Promise<SubscriptionView> {
  const behaviour = ownBehaviour(input.behaviourVersion);
  const billingsPerRun = input.billingsPerRun ?? BILLINGS_PER_RUN;
  let subscription: Subscription = input.subscription;
  const documents: IssuedDocument[] = [...(input.issued ?? [])];
  const appliedChanges: string[] = [...(input.appliedChanges ?? [])];
  let billingsThisRun = 0;
  /** Bumped by every change of the subscription, so the timer's wait wakes and re-reads what is due next. */
  let revision = 0;
  let state: SubscriptionState = 'active';
  let published: { next?: string; state?: SubscriptionState } | undefined;
  /** The tail of the work `serially` runs: each change of the subscription waits for the one before. */
  let lock: Promise<unknown> = Promise.resolve();

  const view = (): SubscriptionView => ({
    subscriptionId: subscription.id,
    workflowId: subscriptionWorkflowId(subscription.orderId),
    orderId: subscription.orderId,
    accountId: subscription.accountId,
    currency: subscription.currency,
    state,
    anchorDate: subscription.anchorDate,
    ...(subscription.termEnd ? { termEnd: subscription.termEnd } : {}),
    ...withNext(nextBillDate(subscription)),
    items: subscription.items,
    documents,
    ...(subscription.renewalOrderId ? { renewalOrderId: subscription.renewalOrderId } : {}),
  });

  setHandler(subscriptionQuery, view);

  setHandler(
    billNowUpdate,
    (request) =>
      serially(async () => {
        const issued = await bill(request.asOf ?? today(), request.trigger);
        return { issued, ...withNext(nextBillDate(subscription)) };
      }),
    {
      validator: (request) => {
        if (typeof request?.trigger !== 'string' || request.trigger === '') refuse('trigger', 'must name who bills: "billNow" or "invoiceRun:<run id>"');
        if (request.asOf !== undefined) checkDate('asOf', request.asOf);
        if (state === 'ended') refuse('asOf', `subscription ${subscription.id} has ended: everything it had to bill is billed`);
      },
    },
  );

  setHandler(
    changeSubscriptionUpdate,
    (change) =>
      serially(async () => {
        if (appliedChanges.includes(change.changeId)) return documents.filter((d) => d.trigger === `change:${change.changeId}`);
        return refusedAsUpdate(() => applyChange(change, `change:${change.changeId}`));
      }),
    {
      validator: (change) => {
        const parsed = SubscriptionChange.safeParse(change);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          refuse(issue.path.join('.') || 'change', issue.message);
        }
        if (state === 'ended') refuse('changeId', `subscription ${subscription.id} has ended: a change order cannot change it`);
      },
    },
  );

  setHandler(
    renewUpdate,
    (request) => serially(() => refusedAsUpdate(() => renew(request.effectiveDate))),
    {
      validator: (request) => {
        if (request?.effectiveDate !== undefined) checkDate('effectiveDate', request.effectiveDate);
        if (!input.order) refuse('orderId', `subscription ${subscription.id} was started without its order, so it cannot make a renewal order`);
        const { termEnd } = subscription;
        if (!termEnd) refuse('effectiveDate', `subscription ${subscription.id} is evergreen (no term end): there is no term to renew`);
        if (request?.effectiveDate !== undefined && !subscription.renewalOrderId && request.effectiveDate > addDays(termEnd!, 1)) {
          refuse('effectiveDate', `${request.effectiveDate} is after the term ends (${termEnd}): leave --effective out to renew from ${addDays(termEnd!, 1)}`);
        }
        if (request?.effectiveDate !== undefined && request.effectiveDate < subscription.anchorDate) {
          refuse('effectiveDate', `${request.effectiveDate} is before the subscription starts (${subscription.anchorDate}): give a day of its term`);
        }
      },
    },
  );

  publish();
  for (;;) {
    const renewOn = renewalDate();
    const next = nextBillDate(subscription);
    if (next === undefined && renewOn === undefined) break;
    if (billingsThisRun >= billingsPerRun || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof SubscriptionWorkflow>({
        ...input,
        subscription,
        issued: documents.slice(-CARRIED_DOCUMENTS),
        appliedChanges: appliedChanges.slice(-CARRIED_CHANGES),
        ...behaviour.toInput(),
      });
    }
    const wakeOn = [next, renewOn].filter((d): d is string => d !== undefined).sort()[0];
    const wait = startOfDay(wakeOn) - nowMs();
    if (wait > 0) {
      const seen = revision;
      // A durable timer an update can cut short: then what is due next is read again.
      if (await condition(() => revision !== seen, wait)) continue;
    }
    await serially(async () => {
      const date = today();
      if (renewOn !== undefined && date >= renewOn && !subscription.renewalOrderId) await renew(undefined);
      const due = nextBillDate(subscription);
      if (due !== undefined && due <= date) {
        await bill(date, 'schedule');
        billingsThisRun++;
      }
    });
  }
  await condition(allHandlersFinished);
  state = move(SUBSCRIPTION_MACHINE, `subscription ${subscription.id}`, state, 'ended');
  publish();
  return view();

  // ---- What the loop and the updates do, one at a time ----

  /** Bills everything due through `asOf` and keeps what was issued; nothing twice (the domain and billing's keys). */
  async function bill(asOf: string, trigger: string): Promise<IssuedDocument[]> {
    const run = await billSubscription({ subscription, asOf, trigger });
    return adopt(run, trigger);
  }

  async function applyChange(change: SubscriptionChange, trigger: string): Promise<IssuedDocument[]> {
    const run = await billSubscriptionChange({ subscription, change });
    appliedChanges.push(change.changeId);
    return adopt(run, trigger);
  }

  function adopt(run: SubscriptionBilling, trigger: string): IssuedDocument[] {
    subscription = run.next;
    const issued = run.issued.map((document) => ({ ...document, trigger }));
    documents.push(...issued);
    revision++;
    publish();
    return issued;
  }

  /**
   * The renewal order, once per term: from the day after the term ends, or from `effectiveDate` (an early
   * renewal, which first cancels the rest of this term from that day, credited as a change order would be).
   */
  async function renew(effectiveDate: string | undefined): Promise<{ renewalOrderId: string }> {
    if (subscription.renewalOrderId) return { renewalOrderId: subscription.renewalOrderId };
    const order = input.order!;
    const renewal = renewalOrder(order, subscription, { ...(effectiveDate ? { effectiveDate } : {}), sequence: 1 });
    if (effectiveDate) {
      const ending = subscription.items.filter((item) => item.endDate === undefined || item.endDate >= effectiveDate);
      if (ending.length > 0) {
        await applyChange(
          { changeId: renewal.id, effectiveDate, actions: ending.map((item) => ({ type: 'Cancel' as const, itemId: item.itemId })) },
          `renew:${renewal.id}`,
        );
      }
    }
    const started = await startRenewalOrder({ order: renewal });
    subscription = { ...subscription, renewalOrderId: started.orderId };
    revision++;
    publish();
    return { renewalOrderId: started.orderId };
  }

  /** The day the renewal order is due (term end − lead days), while one is to be made. */
  function renewalDate(): string | undefined {
    if (input.renewalLeadDays === undefined || !input.order || !subscription.termEnd || subscription.renewalOrderId) return undefined;
    return addDays(subscription.termEnd, -input.renewalLeadDays);
  }

  /** Serializes everything that changes the subscription: the timer's billing and the updates. */
  function serially<T>(work: () => Promise<T>): Promise<T> {
    const result = lock.then(work);
    lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** The search attributes the invoice scheduler and `ordo subscriptions` read, upserted when they change. */
  function publish(): void {
    const next = state === 'active' ? nextBillDate(subscription) : undefined;
    if (published && published.next === next && published.state === state) return;
    upsertSearchAttributes([
      ...(published ? [] : [{ key: OrderIdKey, value: subscription.orderId }, { key: AccountIdKey, value: subscription.accountId }]),
      { key: NextBillingDateKey, value: next === undefined ? null : new Date(startOfDay(next)) },
      { key: BillingStateKey, value: state },
    ]);
    published = { next, state };
  }
}

setWorkflowOptions(autoUpgradeWhenVersioned, SubscriptionWorkflow);

function withNext(next: string | undefined): { nextBillDate?: string } {
  return next === undefined ? {} : { nextBillDate: next };
}

function startOfDay(date: string): number {
  return dayNumber(parseIsoDate(date, 'date')) * DAY_MS;
}

function addDays(date: string, days: number): string {
  return formatIsoDate(civilFromDayNumber(dayNumber(parseIsoDate(date, 'date')) + days));
}

function checkDate(field: string, value: unknown): void {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) refuse(field, `${JSON.stringify(value)} is not a date: write it as YYYY-MM-DD`);
  const [year, month, day] = (value as string).split('-').map(Number);
  const back = formatIsoDate(civilFromDayNumber(dayNumber({ year, month, day })));
  if (back !== value) refuse(field, `${value} is not a calendar date: write it as YYYY-MM-DD`);
}

/**
 * What the arithmetic refused while an update ran (its activity failed with InvalidInput): the update is refused with
 * the domain's own words, not "activity task failed". Anything else fails as it came.
 */
async function refusedAsUpdate<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === 'InvalidInput') throw ApplicationFailure.nonRetryable(cause.message, 'InvalidInput', ...(cause.details ?? []));
    throw error;
  }
}

/** An update refused before it is written to history: the field and the fix, never a stack trace. */
function refuse(field: string, message: string): never {
  throw ApplicationFailure.nonRetryable(`${field}: ${message}`, 'InvalidInput', { field });
}
