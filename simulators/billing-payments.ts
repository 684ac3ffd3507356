import { minorUnitDigits } from '../domain/money';
import type { Ledger } from './billing-ledger';
import { formatMills, isWholeMinorUnits, toMills } from './billing-money';
import { BusinessDate, PaymentRequest, RefundRequest, type BillingState, type PaymentRecord, type PaymentStatus, type StoredInvoice } from './billing-records';
import type { CallLog } from './call-log';
import type { FaultBook } from './faults';
import { HttpError, type Router } from './http';
import type { IdempotencyStore } from './idempotency';
import { mountIdempotentRoute } from './idempotent-route';
import { newId } from './ids';
import { z } from 'zod';

/**
 * Payments against invoices: `POST /billing/payments` records one (Authorized, Settled or Failed), `…/:id/settle`
 * settles an authorization, `…/:id/refund` refunds a settled payment in full, or part of it for a credit memo
 * (`{ amount, creditMemoId }`: the invoice stays Paid, the credit memo becomes Refunded once refunds cover it). Settling and refunding post to the
 * account's ledger; an authorization or a failure moves no money, so it posts nothing.
 *
 * What a payment may not do: pay a credit memo, pay more than the invoice still has open (settled and authorized
 * payments count; failed and refunded ones do not), or carry a raw card number anywhere.
 */

export const PAYMENT_OPERATIONS = ['payments', 'settle', 'refund'] as const;

const NoBody = z.strictObject({});
/** A settlement may give its business date (the payment run's, in workflow time), as a payment may, and the capture's id. */
const SettleRequest = z.strictObject({
  date: BusinessDate.optional(),
  /** The processor's record of the money moved (a capture `CAP-…`), which a refund names; kept otherwise. */
  processorId: z.string().min(1).optional(),
});

export interface PaymentsDeps {
  state: BillingState;
  ledger: Ledger;
  idempotency: IdempotencyStore;
  calls: CallLog;
  findInvoice(id: string): StoredInvoice | undefined;
}

/** Payments that count against an invoice's open amount: money received or promised. */
const COUNTED: ReadonlySet<PaymentStatus> = new Set(['Authorized', 'Settled']);

/** Σ amounts of the invoice's payments in `statuses`, in mills. */
export function paidMills(payments: readonly PaymentRecord[], invoiceId: string, statuses: ReadonlySet<PaymentStatus>): bigint {
  return payments.filter((p) => p.invoiceId === invoiceId && statuses.has(p.status)).reduce((sum, p) => sum + toMills(p.amount), 0n);
}

/** What a document's open amount and status are read from: the payments against invoices and the credits applied to them. */
export type Books = Pick<BillingState, 'payments' | 'applications'>;

/** Σ partial refunds made for a credit memo, in mills. */
export function creditRefundedMills(payments: readonly PaymentRecord[], creditMemoId: string): bigint {
  return payments.flatMap((p) => p.refunds ?? []).filter((refund) => refund.creditMemoId === creditMemoId).reduce((sum, refund) => sum + toMills(refund.amount), 0n);
}

/** Σ credit applied to an invoice (`invoiceId`) or from a credit memo (`creditMemoId`), in mills. */
export function appliedMills(books: Books, side: 'invoiceId' | 'creditMemoId', id: string): bigint {
  return books.applications.filter((application) => application[side] === id).reduce((sum, application) => sum + toMills(application.amount), 0n);
}

/**
 * What is still open, in mills: on an invoice, its total less its settled and authorized payments and the credit
 * applied to it; on a credit memo, the credit left: its total less what was applied from it and refunded for it.
 */
export function openMills(stored: StoredInvoice, books: Books): bigint {
  const { invoice } = stored;
  if (invoice.kind === 'creditMemo') return toMills(invoice.total) - appliedMills(books, 'creditMemoId', invoice.id) - creditRefundedMills(books.payments, invoice.id);
  return toMills(invoice.total) - paidMills(books.payments, invoice.id, COUNTED) - appliedMills(books, 'invoiceId', invoice.id);
}

const SETTLED: ReadonlySet<PaymentStatus> = new Set(['Settled']);

/**
 * An invoice is `Paid` once settled payments and applied credit cover its total, `Authorized` once they do with its
 * authorized payments counted too, else `Posted`. A credit memo is
 * `Refunded` once refunds for it cover it, `Applied` once applications (and refunds) do, else `Posted`.
 */
export function invoiceStatus(stored: StoredInvoice, books: Books): 'Posted' | 'Authorized' | 'Paid' | 'Refunded' | 'Applied' {
  const { invoice } = stored;
  const total = toMills(invoice.total);
  if (invoice.kind === 'creditMemo') {
    if (total <= 0n || openMills(stored, books) > 0n) return 'Posted';
    return creditRefundedMills(books.payments, invoice.id) >= total ? 'Refunded' : 'Applied';
  }
  if (invoice.kind !== 'invoice') return 'Posted';
  const applied = appliedMills(books, 'invoiceId', invoice.id);
  if (paidMills(books.payments, invoice.id, SETTLED) + applied >= total) return 'Paid';
  // Covered, but partly by an authorization not captured yet (authorize at checkout, settle later).
  return paidMills(books.payments, invoice.id, COUNTED) + applied >= total ? 'Authorized' : 'Posted';
}

export function mountPayments(router: Router, faults: FaultBook, deps: PaymentsDeps): void {
  const { state, ledger } = deps;
  const route = <R>(pattern: string, operation: string, schema: z.ZodType<R>, work: (request: R, paymentId: string | undefined) => { status: number; body: unknown }) =>
    mountIdempotentRoute(router, faults, deps.calls, {
      system: 'billing',
      method: 'POST',
      pattern,
      operation,
      requestSchema: schema,
      idempotency: deps.idempotency,
      // Keys of a route on one payment are that payment's (`settle/PAY-1`), as on the storefront.
      keyScope: (ctx) => [operation, ...Object.values(ctx.params)].join('/'),
      work: (request, ctx) => work(request, ctx.params.paymentId),
    });

  const findPayment = (id: string): PaymentRecord => {
    const payment = state.payments.find((candidate) => candidate.id === id);
    if (!payment) throw new HttpError(404, 'unknown-payment', `there is no payment "${id}"`);
    return payment;
  };

  const post = (payment: PaymentRecord, kind: 'payment' | 'refund', amount = payment.amount, date = payment.date) =>
    ledger.post({ accountId: payment.accountId, currency: payment.currency, kind, documentId: payment.id, amount, at: payment.at, ...(date !== undefined ? { date } : {}) });

  route('/billing/payments', 'payments', PaymentRequest, (request) => {
    const stored = deps.findInvoice(request.invoiceId);
    if (!stored) throw new HttpError(422, 'unknown-invoice', `invoiceId: there is no invoice "${request.invoiceId}"`, { field: 'invoiceId' });
    const { invoice } = stored;
    if (invoice.kind !== 'invoice') {
      throw new HttpError(422, 'not-an-invoice', `invoiceId: ${invoice.id} is a ${invoice.kind}, which is credited, not paid; name an invoice`, { field: 'invoiceId' });
    }
    const amount = toMills(request.amount);
    if (amount === 0n) throw new HttpError(400, 'invalid-request', 'amount: must be more than 0', { field: 'amount' });
    if (!isWholeMinorUnits(amount, invoice.currency)) {
      throw new HttpError(400, 'invalid-request', `amount: ${invoice.currency} has ${minorUnitDigits(invoice.currency)} decimal places; round "${request.amount}" to them`, { field: 'amount' });
    }
    const open = openMills(stored, state);
    if (request.status !== 'Failed' && amount > open) {
      const due = formatMills(open, invoice.currency);
      throw new HttpError(422, 'amount-exceeds-due', `amount: ${request.amount} is more than invoice ${invoice.id} has open (${due} of ${invoice.total}, after its settled and authorized payments)`, {
        field: 'amount',
        due,
      });
    }
    const payment: PaymentRecord = {
      id: newId('PAY'),
      invoiceId: invoice.id,
      ...(invoice.accountId !== undefined ? { accountId: invoice.accountId } : {}),
      currency: invoice.currency,
      amount: formatMills(amount, invoice.currency),
      status: request.status,
      method: request.method,
      ...(request.method === 'card' ? { last4: request.token.slice(-4) } : { reference: request.reference }),
      at: new Date().toISOString(),
      ...(request.date !== undefined ? { date: request.date } : {}),
      ...(request.processorId !== undefined ? { processorId: request.processorId } : {}),
    };
    state.payments.push(payment);
    if (payment.status === 'Settled') post(payment, 'payment');
    return { status: 201, body: renderPayment(payment) };
  });

  // Settlement: moves an authorization to Settled, once, and posts it to the ledger.
  route('/billing/payments/:paymentId/settle', 'settle', SettleRequest, (request, paymentId) => {
    const payment = findPayment(paymentId!);
    if (payment.status !== 'Authorized') {
      throw new HttpError(409, `payment-${payment.status.toLowerCase()}`, `payment ${payment.id} is ${payment.status}: only an Authorized payment is settled`, { status: payment.status });
    }
    payment.status = 'Settled';
    payment.at = new Date().toISOString();
    if (request.date !== undefined) payment.date = request.date;
    if (request.processorId !== undefined) payment.processorId = request.processorId;
    post(payment, 'payment');
    return { status: 200, body: renderPayment(payment) };
  });

  // Refund: the whole payment (Refunded; its invoice is open again), or part of it for a credit memo (it stays Settled).
  route('/billing/payments/:paymentId/refund', 'refund', RefundRequest, (request, paymentId) => {
    const payment = findPayment(paymentId!);
    if (payment.status !== 'Settled') {
      throw new HttpError(409, `payment-${payment.status.toLowerCase()}`, `payment ${payment.id} is ${payment.status}: only a Settled payment is refunded`, { status: payment.status });
    }
    const refundedBefore = (payment.refunds ?? []).reduce((sum, refund) => sum + toMills(refund.amount), 0n);
    const refundable = toMills(payment.amount) - refundedBefore;
    const amount = request.amount === undefined ? refundable : toMills(request.amount);
    if (amount <= 0n || !isWholeMinorUnits(amount, payment.currency)) {
      throw new HttpError(400, 'invalid-request', `amount: must be more than 0, in ${payment.currency}'s ${minorUnitDigits(payment.currency)} decimal places`, { field: 'amount' });
    }
    if (amount > refundable) {
      const left = formatMills(refundable, payment.currency);
      throw new HttpError(422, 'amount-exceeds-refundable', `amount: ${request.amount} is more than the ${left} left to refund of payment ${payment.id}`, { field: 'amount', refundable: left });
    }
    const at = new Date().toISOString();
    const refunded = formatMills(amount, payment.currency);
    if (request.amount === undefined && refundedBefore === 0n) {
      payment.status = 'Refunded';
      payment.at = at;
    } else {
      payment.refunds = [...(payment.refunds ?? []), { amount: refunded, at, ...(request.creditMemoId !== undefined ? { creditMemoId: request.creditMemoId } : {}), ...(request.date !== undefined ? { date: request.date } : {}) }];
      if (amount === refundable) payment.status = 'Refunded';
    }
    post(payment, 'refund', refunded, request.date ?? payment.date);
    return { status: 200, body: renderPayment(payment) };
  });

  router.on('GET', '/billing/payments', (ctx) => {
    const accountId = ctx.query.get('accountId');
    const invoiceId = ctx.query.get('invoiceId');
    const status = ctx.query.get('status');
    const listed = state.payments.filter((p) => (!accountId || p.accountId === accountId) && (!invoiceId || p.invoiceId === invoiceId) && (!status || p.status === status));
    return { status: 200, body: { payments: listed.map(renderPayment) } };
  });

  router.on('GET', '/billing/payments/:paymentId', (ctx) => ({ status: 200, body: renderPayment(findPayment(ctx.params.paymentId!)) }));
}

/** A payment as answered: DESIGN.md's `{ id, invoiceId, amount, status, method, at }`, with `last4` or `reference`. */
export function renderPayment(payment: PaymentRecord) {
  const { accountId: _accountId, currency: _currency, ...shown } = payment;
  return { ...shown };
}
