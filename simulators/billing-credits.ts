import type { CallLog } from './call-log';
import type { FaultBook } from './faults';
import { formatMills, isWholeMinorUnits, toMills } from './billing-money';
import { openMills } from './billing-payments';
import { CreditApplicationRequest, type BillingState, type CreditApplication, type StoredInvoice } from './billing-records';
import { HttpError, type Router } from './http';
import type { IdempotencyStore } from './idempotency';
import { mountIdempotentRoute } from './idempotent-route';
import { newId } from './ids';

/**
 * Credit applied to invoices: `POST /billing/credits/applications` moves part of a credit memo's credit onto an
 * invoice of the same account and currency (billing.creditMemos: credit — the next charge is for what is left).
 * It posts nothing to the ledger: the credit memo lowered the balance when it was received, and applying it only
 * says which invoice it pays, so invoiced − credited − paid stays the balance.
 */

export const CREDIT_OPERATIONS = ['applications'] as const;

export interface CreditsDeps {
  state: BillingState;
  idempotency: IdempotencyStore;
  calls: CallLog;
  findInvoice(id: string): StoredInvoice | undefined;
}

export function mountCredits(router: Router, faults: FaultBook, deps: CreditsDeps): void {
  const { state } = deps;
  const document = (id: string, field: string, kind: 'invoice' | 'creditMemo'): StoredInvoice => {
    const stored = deps.findInvoice(id);
    if (!stored) throw new HttpError(422, 'unknown-invoice', `${field}: there is no document "${id}"`, { field });
    if (stored.invoice.kind !== kind) throw new HttpError(422, `not-a-${kind === 'invoice' ? 'invoice' : 'credit-memo'}`, `${field}: ${id} is a ${stored.invoice.kind}, not a ${kind}`, { field });
    return stored;
  };

  mountIdempotentRoute(router, faults, deps.calls, {
    system: 'billing',
    method: 'POST',
    pattern: '/billing/credits/applications',
    operation: 'applications',
    requestSchema: CreditApplicationRequest,
    idempotency: deps.idempotency,
    work: (request) => {
      const memo = document(request.creditMemoId, 'creditMemoId', 'creditMemo');
      const invoice = document(request.invoiceId, 'invoiceId', 'invoice');
      if (memo.invoice.accountId !== invoice.invoice.accountId || memo.invoice.currency !== invoice.invoice.currency) {
        throw new HttpError(422, 'other-account', `invoiceId: ${invoice.invoice.id} is not of the credit memo's account and currency (${memo.invoice.accountId} ${memo.invoice.currency})`, { field: 'invoiceId' });
      }
      const { currency } = invoice.invoice;
      const amount = toMills(request.amount);
      if (amount <= 0n || !isWholeMinorUnits(amount, currency)) throw new HttpError(400, 'invalid-request', `amount: must be more than 0, in ${currency}'s places`, { field: 'amount' });
      const credit = openMills(memo, state);
      const due = openMills(invoice, state);
      if (amount > credit || amount > due) {
        const limit = amount > credit ? `the ${formatMills(credit, currency)} credit left on ${memo.invoice.id}` : `the ${formatMills(due, currency)} open on ${invoice.invoice.id}`;
        throw new HttpError(422, 'amount-exceeds-open', `amount: ${request.amount} is more than ${limit}`, { field: 'amount', credit: formatMills(credit, currency), due: formatMills(due, currency) });
      }
      const application: CreditApplication = {
        id: newId('APP'),
        creditMemoId: memo.invoice.id,
        invoiceId: invoice.invoice.id,
        ...(invoice.invoice.accountId !== undefined ? { accountId: invoice.invoice.accountId } : {}),
        amount: formatMills(amount, currency),
        at: new Date().toISOString(),
        ...(request.date !== undefined ? { date: request.date } : {}),
      };
      state.applications.push(application);
      return { status: 201, body: application };
    },
  });

  router.on('GET', '/billing/credits/applications', (ctx) => {
    const accountId = ctx.query.get('accountId');
    const invoiceId = ctx.query.get('invoiceId');
    const listed = state.applications.filter((a) => (!accountId || a.accountId === accountId) && (!invoiceId || a.invoiceId === invoiceId));
    return { status: 200, body: { applications: listed } };
  });
}
