import { ApplicationFailure } from '@temporalio/activity';
import { operatorRecordFor } from '../../config/operator-keys';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Invoice } from '../../domain/invoice';
import { formatMoney, parseMoney } from '../../domain/money';
import type { OrderPayment } from '../../domain/order';
import { INVOICE_PAYMENT_WORKFLOW_TYPE, invoicePaymentWorkflowId, type InvoicePaymentInput } from '../../workflows/payment-messages';
import { AccountIdKey, BillingStateKey } from '../../workflows/search-attributes';
import { systemEndpoint, type HttpFailureDetails } from '../http';
import type { PaymentActivities, PaymentAttemptResult } from '../types';
import { BillingApi, GatewayApi, type BillingInvoice, type BillingPayment } from './billing-api';
import type { BillingDependencies } from './dependencies';

/**
 * Collecting invoices (docs/billing.md "Payments"): the first invoice of an order captures the checkout's
 * authorization, every other charges the account's stored token; each attempt is recorded in billing, Settled or
 * Failed. Keys carry the invoice and the attempt, so a retried activity charges once and records once, while a
 * dunning retry (the next attempt) is a new charge. A decline is an answer (outcome Failed), not an activity failure;
 * billing or the gateway being down (5xx, timeouts) is, and is retried.
 */

/** The id of the credit memo that writes off what is open on an invoice. */
export const writeOffMemoId = (invoiceId: string): string => `CM-${invoiceId}-WO`;

export function paymentActivities(deps: BillingDependencies): PaymentActivities {
  // Resolved per call: a run without systems.billing or systems.payments fails its step naming the missing key.
  const billing = () => new BillingApi(systemEndpoint(deps.config.systems, 'billing'));
  const gateway = () => new GatewayApi(systemEndpoint(deps.config.systems, 'payments'));
  const dated = (date: string | undefined) => (date !== undefined ? { date } : {});

  async function openInvoice(invoiceId: string): Promise<BillingInvoice & { accountId: string }> {
    const invoice = await billing().invoice(invoiceId);
    if (invoice.kind !== 'invoice') {
      throw ApplicationFailure.nonRetryable(`${invoiceId} is a ${invoice.kind}, which is credited, not collected`, 'NotAnInvoice');
    }
    if (invoice.accountId === undefined) {
      throw ApplicationFailure.nonRetryable(`invoice ${invoiceId} names no accountId: there is no account to charge`, 'NoAccount');
    }
    return invoice as BillingInvoice & { accountId: string };
  }

  /**
   * Capture the order's checkout authorization when it covers `amount`; undefined: charge the token instead. An
   * authorization already captured is asked again under this attempt's key: when this attempt captured it (and died
   * before billing recorded it) the gateway replays that capture; when another did, it refuses (409), and the
   * token is charged.
   */
  async function captureAuthorization(invoice: BillingInvoice, authorizationId: string | undefined, amount: string, key: string) {
    if (authorizationId === undefined) return undefined;
    const authorization = await gateway().authorization(authorizationId);
    if (authorization.status === 'Declined') return undefined;
    if (parseMoney(amount, invoice.currency) > parseMoney(authorization.amount, authorization.currency)) return undefined;
    return gateway().capture(authorizationId, amount, key).catch((error: unknown) => {
      if (authorization.status === 'Captured' && answeredStatus(error) === 409) return undefined;
      throw error;
    });
  }

  /** Captures the authorization recorded against the invoice (an Authorized payment in billing) and settles that payment. */
  async function settleRecordedAuthorization(invoiceId: string, key: string, date: string | undefined): Promise<BillingPayment | undefined> {
    const authorized = (await billing().payments({ invoiceId })).find((payment) => payment.status === 'Authorized' && payment.processorId?.startsWith('AUTH-'));
    if (!authorized) return undefined;
    const capture = await gateway().capture(authorized.processorId!, authorized.amount, key);
    // The payment then names the capture, which is what a refund of it is made against.
    return billing().settlePayment(authorized.id, { ...dated(date), processorId: capture.id }, `settle:${authorized.id}`);
  }

  const activities: PaymentActivities = {
    async savePaymentMethod({ accountId, payment, orderId }) {
      const method = payment.method === 'card'
        ? { method: 'card', token: payment.token, autoPay: true, orderId, ...(payment.authorizationId !== undefined ? { authorizationId: payment.authorizationId } : {}) }
        : { method: 'account', reference: payment.reference, autoPay: false };
      await billing().setPaymentMethod(accountId, method, `payment-method:${orderId}`);
    },

    async readInvoiceBalance({ invoiceId }) {
      const invoice = await billing().invoice(invoiceId);
      return {
        invoiceId,
        ...(invoice.accountId !== undefined ? { accountId: invoice.accountId } : {}),
        currency: invoice.currency,
        total: invoice.total,
        open: invoice.open ?? '0',
        status: invoice.status,
      };
    },

    async collectInvoice({ invoiceId, attempt, date }): Promise<PaymentAttemptResult> {
      // An invoice Authorized by its checkout (recordCheckoutAuthorization) is settled by capturing that authorization.
      const settled = await settleRecordedAuthorization(invoiceId, `charge:${invoiceId}:${attempt}`, date);
      let invoice = await openInvoice(invoiceId);
      if (settled && parseMoney(invoice.open ?? '0', invoice.currency) <= 0) return { outcome: 'Settled', paymentId: settled.id, amount: settled.amount };
      if (deps.config.billing.creditMemos === 'credit' && await applyCredit(invoice, date)) invoice = await openInvoice(invoiceId);
      const open = invoice.open ?? '0';
      if (parseMoney(open, invoice.currency) <= 0) return { outcome: 'NothingDue', amount: formatMoney(0, invoice.currency) };
      const chargeKey = `charge:${invoiceId}:${attempt}`;
      const paymentKey = `payment:${invoiceId}:${attempt}`;

      const method = await billing().paymentToken(invoice.accountId).catch((error: unknown) => {
        if (answeredStatus(error) === 404) return undefined;
        throw error;
      });
      if (method?.method !== 'card' || method.token === undefined) {
        const message = method ? `account ${invoice.accountId} pays on account (${method.reference}): settle it by reference` : `account ${invoice.accountId} has no payment method: set one with ordo payment-method set`;
        return { outcome: 'Failed', amount: open, declineCode: 'no-card', message };
      }
      const record = (status: 'Settled' | 'Failed', processorId?: string) =>
        billing().recordPayment({ invoiceId, amount: open, method: 'card', token: method.token, status, ...dated(date), ...(processorId ? { processorId } : {}) }, paymentKey);

      const authorizationId = method.authorizations.find((known) => known.orderId === invoice.orderId)?.authorizationId;
      const capture = await captureAuthorization(invoice, authorizationId, open, chargeKey);
      if (capture) {
        const payment = await record('Settled', capture.id);
        return { outcome: 'Settled', paymentId: payment.id, amount: open };
      }
      const charge = await gateway().charge({ token: method.token, amount: open, currency: invoice.currency, reference: invoiceId }, chargeKey);
      if (charge.status === 'Declined') {
        const payment = await record('Failed');
        return { outcome: 'Failed', paymentId: payment.id, amount: open, ...(charge.declineCode ? { declineCode: charge.declineCode } : {}), ...(charge.declineMessage ? { message: charge.declineMessage } : {}) };
      }
      const payment = await record('Settled', charge.id);
      return { outcome: 'Settled', paymentId: payment.id, amount: open };
    },

    async settleByReference({ invoiceId, reference, date }) {
      const invoice = await openInvoice(invoiceId);
      const open = invoice.open ?? '0';
      if (parseMoney(open, invoice.currency) <= 0) return;
      await billing().recordPayment({ invoiceId, amount: open, method: 'account', reference, status: 'Settled', ...dated(date) }, `payment:${invoiceId}:reference`);
    },

    async writeOffInvoice({ invoiceId, reason, actor, date }) {
      const invoice = await openInvoice(invoiceId);
      const open = invoice.open ?? '0';
      if (parseMoney(open, invoice.currency) <= 0) return;
      await billing().postDocument({
        id: writeOffMemoId(invoiceId),
        kind: 'creditMemo',
        ...(invoice.orderId !== undefined ? { orderId: invoice.orderId } : {}),
        ...(invoice.subscriptionId !== undefined ? { subscriptionId: invoice.subscriptionId } : {}),
        accountId: invoice.accountId,
        currency: invoice.currency,
        total: open,
        lines: [{ description: `write-off of invoice ${invoiceId}: ${reason}`, amount: open }],
        writeOffOf: invoiceId,
        reason,
        actor,
        ...(date !== undefined ? { invoiceDate: date } : {}),
      }, `write-off:${invoiceId}`);
    },

    async refundCreditMemo({ creditMemoId, date }) {
      const memo = await billing().invoice(creditMemoId);
      const zero = formatMoney(0, memo.currency);
      if (deps.config.billing.creditMemos !== 'refund' || memo.kind !== 'creditMemo' || memo.writeOffOf !== undefined || memo.accountId === undefined) return { refunded: zero };
      const refundable = await refundableCardPayments(memo);
      // The credit left on the memo: its total less what was refunded for it (or applied from it) before.
      let left = parseMoney(memo.open ?? memo.total, memo.currency);
      let refunded = 0;
      for (const { payment, remaining } of refundable.candidates) {
        if (left <= 0) break;
        const amount = Math.min(left, remaining);
        if (amount <= 0) continue;
        const text = formatMoney(amount, memo.currency);
        const source = payment.processorId!.startsWith('CAP') ? { captureId: payment.processorId! } : { chargeId: payment.processorId! };
        await gateway().refund({ ...source, amount: text, reference: creditMemoId }, `refund:${creditMemoId}:${payment.id}`);
        await billing().refundPayment(payment.id, { amount: text, creditMemoId, ...dated(date) }, `refund:${creditMemoId}:${payment.id}`);
        left -= amount;
        refunded += amount;
      }
      return { refunded: formatMoney(refunded, memo.currency) };
    },

    async listRefundableCreditMemos({ targetDate }) {
      if (deps.config.billing.creditMemos !== 'refund') return [];
      const memos = await billing().invoices({ kind: 'creditMemo', status: 'Posted', invoiceDateTo: targetDate });
      const listed: { creditMemoId: string; accountId: string }[] = [];
      for (const memo of memos) {
        if (memo.writeOffOf !== undefined || memo.accountId === undefined) continue;
        const refundable = await refundableCardPayments(memo);
        if (refundable.candidates.length > 0) listed.push({ creditMemoId: memo.id, accountId: memo.accountId });
      }
      return listed;
    },

    async listPayableInvoices({ targetDate }) {
      const api = billing();
      const autoPay = new Set(await api.autoPayAccounts());
      const writtenOff = new Set((await api.invoices({ kind: 'creditMemo' })).flatMap((memo) => (memo.writeOffOf !== undefined ? [memo.writeOffOf] : [])));
      const posted = await api.invoices({ kind: 'invoice', status: 'Posted', invoiceDateTo: targetDate });
      // An Authorized invoice has nothing open (its checkout authorization covers it) but is settled by capturing it.
      const authorized = await api.invoices({ kind: 'invoice', status: 'Authorized', invoiceDateTo: targetDate });
      return [...posted.filter((invoice) => parseMoney(invoice.open ?? '0', invoice.currency) > 0), ...authorized]
        .filter((invoice) => invoice.accountId !== undefined && autoPay.has(invoice.accountId) && !writtenOff.has(invoice.id))
        .map((invoice) => ({ invoiceId: invoice.id, accountId: invoice.accountId! }));
    },

    async startInvoicePayments({ taskQueue, invoices }) {
      if (!deps.temporal) throw ApplicationFailure.nonRetryable('the payment run needs the worker to have a Temporal client to start payments', 'Misconfigured');
      const { client } = deps.temporal;
      const { retryAfter: retryAfterMs, collectionsQueue } = deps.config.billing.dunning;
      const started: { invoiceId: string; started: boolean }[] = [];
      for (const { invoiceId, accountId } of invoices) {
        // Who may resolve it in collections, recorded as a split records it (docs/security.md "Operators are who they say").
        const operators = operatorRecordFor(deps.config);
        const queue = collectionsQueue !== undefined ? deps.config.queues?.[collectionsQueue] : undefined;
        const input: InvoicePaymentInput = {
          invoiceId, accountId, retryAfterMs, collectionsQueue,
          ...(operators ? { operators } : {}),
          ...(queue ? { queues: { [collectionsQueue!]: queue } } : {}),
        };
        try {
          await client.workflow.start(INVOICE_PAYMENT_WORKFLOW_TYPE, {
            workflowId: invoicePaymentWorkflowId(invoiceId),
            taskQueue,
            args: [input],
            // One payment workflow per invoice, ever: a second run for the same date (or a later one) finds it.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: [
              { key: AccountIdKey, value: accountId },
              { key: BillingStateKey, value: 'Posted' },
            ],
          });
          started.push({ invoiceId, started: true });
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) started.push({ invoiceId, started: false });
          else throw error;
        }
      }
      return started;
    },
  };

  /**
   * billing.creditMemos credit: the account's credit memos with credit left (oldest first; write-offs are not credit
   * to spend) pay what they can of the invoice before anything is charged. Keys `credit:<creditMemoId>:<invoiceId>`.
   * Answers whether any credit was applied.
   */
  async function applyCredit(invoice: BillingInvoice & { accountId: string }, date: string | undefined): Promise<boolean> {
    let due = parseMoney(invoice.open ?? '0', invoice.currency);
    if (due <= 0) return false;
    const memos = await billing().invoices({ accountId: invoice.accountId, kind: 'creditMemo', status: 'Posted' });
    let applied = false;
    for (const memo of memos) {
      if (due <= 0) break;
      if (memo.writeOffOf !== undefined || memo.currency !== invoice.currency) continue;
      const amount = Math.min(due, parseMoney(memo.open ?? '0', memo.currency));
      if (amount <= 0) continue;
      await billing().applyCredit({ creditMemoId: memo.id, invoiceId: invoice.id, amount: formatMoney(amount, invoice.currency), ...dated(date) }, `credit:${memo.id}:${invoice.id}`);
      due -= amount;
      applied = true;
    }
    return applied;
  }

  /** Settled card payments of the memo's account (those of its order's invoices first) with money left to refund. */
  async function refundableCardPayments(memo: BillingInvoice) {
    const api = billing();
    const payments = await api.payments({ accountId: memo.accountId! });
    const ofOrder = new Set(memo.orderId !== undefined ? (await api.invoices({ orderId: memo.orderId, kind: 'invoice' })).map((invoice) => invoice.id) : []);
    const candidates = payments
      .filter((payment) => payment.status === 'Settled' && payment.method === 'card' && payment.processorId !== undefined)
      .map((payment) => ({ payment, remaining: parseMoney(payment.amount, memo.currency) - refundedOf(payment, memo.currency) }))
      .filter(({ remaining }) => remaining > 0)
      .sort((a, b) => Number(ofOrder.has(b.payment.invoiceId)) - Number(ofOrder.has(a.payment.invoiceId)));
    return { candidates };
  }

  return activities;
}

/**
 * Authorize at checkout, settle later (docs/billing.md "Payments"): the order's checkout authorization is recorded
 * against its own invoice as an Authorized payment (for at most what the gateway authorized), so billing shows the
 * invoice Authorized until the payment run captures it. Called when the order's invoice is sent; the key makes it once.
 */
export async function recordCheckoutAuthorization(systems: BillingDependencies['config']['systems'], invoice: Invoice, payment: OrderPayment | undefined): Promise<void> {
  if (payment?.method !== 'card' || payment.authorizationId === undefined || invoice.kind !== 'invoice' || !systems.payments) return;
  const authorization = await new GatewayApi(systemEndpoint(systems, 'payments')).authorization(payment.authorizationId);
  if (authorization.status !== 'Authorized' || authorization.currency !== invoice.currency) return;
  const amount = Math.min(parseMoney(invoice.total, invoice.currency), parseMoney(authorization.amount, authorization.currency));
  if (amount <= 0) return;
  await new BillingApi(systemEndpoint(systems, 'billing')).recordPayment({
    invoiceId: invoice.id,
    amount: formatMoney(amount, invoice.currency),
    method: 'card',
    token: payment.token,
    status: 'Authorized',
    processorId: payment.authorizationId,
  }, `authorization:${invoice.id}`);
}

/** The HTTP status a system answered with, when the failure is callSystem's (activities/http.ts HttpFailureDetails). */
function answeredStatus(error: unknown): number | undefined {
  const details = error instanceof ApplicationFailure ? (error.details?.[0] as HttpFailureDetails | undefined) : undefined;
  return details?.status;
}

/** Σ partial refunds already made of a payment, in minor units. */
function refundedOf(payment: BillingPayment, currency: string): number {
  return (payment.refunds ?? []).reduce((sum, refund) => sum + parseMoney(refund.amount, currency), 0);
}
