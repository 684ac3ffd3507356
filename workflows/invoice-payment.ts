import { allHandlersFinished, condition, log, proxyActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { credentialTrail, whyNotAuthentic } from '../domain/operator-signature';
import { whyActorMayNotAct } from '../domain/queues';
import type { PaymentActivities, PaymentAttemptResult } from '../activities/types';
import { isoTime, now, nowMs, today } from './clock';
import {
  invoicePaymentQuery,
  resolveCollectionsSignal,
  resolveCollectionsUpdate,
  type CollectionsAction,
  type InvoicePaymentInput,
  type InvoicePaymentView,
  type PaymentState,
} from './payment-messages';
import { AccountIdKey, BillingStateKey } from './search-attributes';
import { COLLECTION_MACHINE, move, type CollectionState } from './state-machines';

/**
 * Collects one invoice (workflow id `payment-<invoiceId>`, docs/billing.md "Payments"): attempt 1 at once; a decline
 * (Failed) waits the next `retryAfterMs` on a durable timer and tries again; after the last retry is declined the
 * invoice is in Collections (BillingState search attribute, so `ordo collections` finds it) until an operator retries,
 * records a payment by reference, or writes it off. Ends Paid or WrittenOff. The attempt number is in every key the
 * activity sends, so a worker restarted mid-attempt charges once, and a dunning retry is a charge of its own.
 */

const payments = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '1 minute',
  // Billing or the gateway down (5xx, timeouts) is retried until it answers; a refusal (4xx) fails the workflow.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});


export async function InvoicePaymentWorkflow(input: InvoicePaymentInput): Promise<InvoicePaymentView> {
  const { invoiceId, accountId } = input;
  const view: InvoicePaymentView = { invoiceId, accountId, state: 'Posted', amount: '0', currency: '', attempts: [] };
  let pending: CollectionsAction | undefined;
  let resolutions = 0;

  const enter = (state: CollectionState) => {
    view.state = move(COLLECTION_MACHINE, `payment of ${invoiceId}`, view.state as CollectionState, state);
    upsertSearchAttributes([{ key: BillingStateKey, value: state }, { key: AccountIdKey, value: accountId }]);
  };

  /**
   * Who may act (docs/security.md "Operators are who they say"), for payments started since operator keys are recorded:
   * in `signed` mode the action's own signature, and a member of the collections queue when the directory names it.
   */
  const whyNotAllowed = (action: CollectionsAction): string | undefined => {
    if (!input.operators) return undefined;
    const queue = input.collectionsQueue !== undefined ? input.queues?.[input.collectionsQueue] : undefined;
    return whyNotAuthentic(input.operators, 'resolveCollections', workflowInfo().workflowId, action, nowMs())
      ?? (queue ? whyActorMayNotAct(action.actor, [input.collectionsQueue!], undefined, input.queues!) : undefined);
  };

  setHandler(invoicePaymentQuery, () => view);
  setHandler(resolveCollectionsUpdate, async (action) => {
    pending = action;
    const before = resolutions;
    // Answers once the action is done, with the invoice's state after it (Paid, WrittenOff, or Collections again).
    await condition(() => resolutions > before);
    return view;
  }, { validator: (action) => {
    const problem = collectionsProblem(view.state, action) ?? whyNotAllowed(action);
    if (problem) throw new Error(problem);
  } });
  setHandler(resolveCollectionsSignal, (action) => {
    const problem = collectionsProblem(view.state, action) ?? whyNotAllowed(action);
    if (problem) {
      log.warn('resolveCollections signal refused', { invoiceId, problem });
      const actor = typeof action?.actor === 'string' ? action.actor : undefined;
      (view.rejectedMessages ??= []).push({ at: now(), message: 'resolveCollections', ...(actor ? { actor } : {}), reason: problem });
    }
    else pending = action;
  });

  const balance = await payments.readInvoiceBalance({ invoiceId });
  // An Authorized invoice has nothing open (its authorization covers it): what is collected is its total.
  view.amount = balance.status === 'Authorized' ? balance.total : balance.open;
  view.currency = balance.currency;
  enter(balance.status === 'Authorized' ? 'Authorized' : 'Posted');

  let retriesUsed = 0;
  /** Set while an operator's action (retry, paid, write-off) is carried out: its update is answered once it is decided. */
  let operatorActing = false;
  const resolved = () => {
    if (operatorActing) resolutions += 1;
    operatorActing = false;
  };
  const finish = async (state: 'Paid' | 'WrittenOff') => {
    delete view.nextRetryAt;
    enter(state);
    resolved();
    // The operator's update answers with the final state before the workflow completes.
    await condition(allHandlersFinished);
    return view;
  };

  for (;;) {
    const attempt = view.attempts.length + 1;
    const result = await payments.collectInvoice({ invoiceId, attempt, date: today() });
    if (result.outcome !== 'NothingDue') view.attempts.push(attemptOf(attempt, result));
    if (result.outcome !== 'Failed') return finish('Paid');

    const wait = input.retryAfterMs[retriesUsed];
    if (wait !== undefined && !view.collections) {
      // Dunning: a durable timer, then the next attempt. Once in collections, only an operator retries.
      retriesUsed += 1;
      view.nextRetryAt = isoTime(nowMs() + wait);
      enter('Failed');
      await sleep(wait);
      continue;
    }
    delete view.nextRetryAt;
    view.collections = {
      since: view.collections?.since ?? now(),
      reason: result.message ?? result.declineCode ?? 'declined',
      ...(input.collectionsQueue !== undefined ? { queue: input.collectionsQueue } : {}),
    };
    enter('Collections');
    resolved();

    await condition(() => pending !== undefined);
    const action = pending!;
    pending = undefined;
    // Kept for the audit trail: data only (no command), so histories recorded before it replay the same.
    const note = action.action === 'paid' ? action.reference : action.action === 'writeOff' ? action.reason : undefined;
    (view.operatorActions ??= []).push({ at: now(), actor: action.actor, action: action.action, ...(note !== undefined ? { note } : {}), ...credentialTrail(action, input.operators) });
    if (action.action === 'retry') {
      operatorActing = true;
      continue;
    }
    if (action.action === 'paid') {
      await payments.settleByReference({ invoiceId, reference: action.reference, actor: action.actor, date: today() });
      operatorActing = true;
      return finish('Paid');
    }
    await payments.writeOffInvoice({ invoiceId, reason: action.reason, actor: action.actor, date: today() });
    operatorActing = true;
    return finish('WrittenOff');
  }
}

function attemptOf(attempt: number, result: PaymentAttemptResult) {
  return {
    attempt,
    at: now(),
    outcome: result.outcome === 'Failed' ? ('Failed' as const) : ('Settled' as const),
    ...(result.paymentId !== undefined ? { paymentId: result.paymentId } : {}),
    ...(result.declineCode !== undefined ? { declineCode: result.declineCode } : {}),
    ...(result.message !== undefined ? { message: result.message } : {}),
  };
}

/** Why an operator's action cannot be taken now, or undefined. */
function collectionsProblem(state: PaymentState, action: CollectionsAction | undefined): string | undefined {
  if (state !== 'Collections') return `the invoice is ${state}, not in collections: only an invoice in collections takes retry, paid or write-off`;
  if (!action || typeof action.actor !== 'string' || !action.actor) return 'actor: say who resolves it';
  if (action.action === 'paid' && (typeof action.reference !== 'string' || !action.reference)) return 'reference: give the payment reference (a wire or cheque number) with paid';
  if (action.action === 'writeOff' && (typeof action.reason !== 'string' || !action.reason)) return 'reason: say why it is written off';
  if (!['retry', 'paid', 'writeOff'].includes(action.action)) return `action: "${(action as { action: string }).action}" is not retry, paid or writeOff`;
  return undefined;
}
