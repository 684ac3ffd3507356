import type { FaultBook } from './faults';
import { Ledger, invoicePosting, ledgerOfOlderFile } from './billing-ledger';
import { ACCOUNT_OPERATIONS, mountAccounts } from './billing-accounts';
import { formatMills, fromMills, toMills } from './billing-money';
import { invoiceStatus, mountPayments, openMills, PAYMENT_OPERATIONS, type Books } from './billing-payments';
import { CREDIT_OPERATIONS, mountCredits } from './billing-credits';
import { mountUsage, USAGE_OPERATIONS } from './billing-usage';
import { BillingState, InvoiceSchema, type Invoice, type StoredInvoice } from './billing-records';
import { CallLog } from './call-log';
import { HttpError, type Router } from './http';
import { mountSystem } from './simulated-system';
import { openSystemStore, type StoreLocation } from './system-store';

/**
 * The billing system: receives invoices and credit memos, exactly once per Idempotency-Key.
 * `POST /billing/invoices` → 201 `{ invoiceId, duplicate: false }`; the same key again → 200
 * `{ invoiceId, duplicate: true }` and no second invoice. Invoices live in `<dataDir>/billing.json`
 * together with the keys, so deduplication survives a restart.
 *
 * Like a real ledger it also refuses what would corrupt it: an invoice whose total is not the exact
 * sum of its lines (422 `total-mismatch`), and an invoice id already received under another key
 * (409 `invoice-id-conflict`) — a second line of defence against billing one order twice.
 *
 * It is the account's book of record (DESIGN.md "Billing records"): invoices carry a status (`Posted` when
 * received, `Paid` once settled payments cover them), payments are taken against them (billing-payments.ts), and
 * every invoice, credit memo, settled payment and refund posts to the account's append-only ledger (billing-ledger.ts).
 * It also takes usage records from meters, each counted once (billing-usage.ts), for Ordo to rate.
 */

export const BILLING_OPERATIONS = ['invoices', ...PAYMENT_OPERATIONS, ...USAGE_OPERATIONS, ...ACCOUNT_OPERATIONS, ...CREDIT_OPERATIONS] as const;

/** What other simulated systems in the process may read of billing (the storefront's My Invoices): never a copy to keep. */
export interface BillingReader {
  /** Every invoice as `GET /billing/invoices` lists it. */
  invoices(): ReturnType<typeof render>[];
}

export function mountBilling(router: Router, faults: FaultBook, where: StoreLocation): BillingReader {
  const store = openSystemStore(where, 'billing', BillingState, () => ({ invoices: [], payments: [], ledger: [], usage: [], accounts: [], applications: [] }));
  const state = store.state as BillingState & { ledger: NonNullable<BillingState['ledger']> };
  state.ledger ??= ledgerOfOlderFile(state);
  const { invoices, payments } = state;
  const ledger = new Ledger(state);
  const calls = new CallLog();
  const findInvoice = (id: string) => invoices.find((stored) => stored.invoice.id === id);

  function receive(invoice: Invoice, idempotencyKey: string) {
    const linesTotal = invoice.lines.reduce((sum, line) => sum + toMills(line.amount) + toMills(line.tax ?? '0'), 0n);
    if (linesTotal !== toMills(invoice.total)) {
      const places = linesTotal % 10n === 0n ? Math.max(2, invoice.total.split('.')[1]?.length ?? 0) : 3;
      const expected = fromMills(linesTotal, places);
      throw new HttpError(422, 'total-mismatch', `total ${invoice.total} is not the sum of the lines' amount and tax (${expected})`, {
        field: 'total',
        linesTotal: expected,
      });
    }
    const sameId = findInvoice(invoice.id);
    if (sameId) {
      throw new HttpError(409, 'invoice-id-conflict', `invoice ${invoice.id} was already received with another Idempotency-Key (${sameId.idempotencyKey})`, {
        field: 'id',
      });
    }
    const stored: StoredInvoice = { invoice, idempotencyKey, receivedAt: new Date().toISOString() };
    invoices.push(stored);
    const posting = invoicePosting(stored);
    if (posting) ledger.post(posting);
    return { status: 201, body: { invoiceId: invoice.id, duplicate: false } };
  }

  // Payment and usage routes first: `POST /billing/payments` would otherwise be taken for an operation of mountSystem's.
  mountPayments(router, faults, { state, ledger, idempotency: store.idempotency, calls, findInvoice });
  mountUsage(router, faults, { state, idempotency: store.idempotency, calls });
  mountAccounts(router, faults, { state, idempotency: store.idempotency, calls });
  mountCredits(router, faults, { state, idempotency: store.idempotency, calls, findInvoice });

  mountSystem(router, faults, {
    name: 'billing',
    requestSchema: InvoiceSchema,
    operations: { invoices: (invoice, { idempotencyKey }) => receive(invoice, idempotencyKey) },
    idempotency: store.idempotency,
    calls,
    replay: (stored) => ({ status: 200, body: { ...(stored.body as object), duplicate: true } }),
  });

  router.on('GET', '/billing/invoices', (ctx) => {
    const orderId = ctx.query.get('orderId');
    const accountId = ctx.query.get('accountId');
    const kind = ctx.query.get('kind');
    const status = ctx.query.get('status');
    const invoiceDateTo = ctx.query.get('invoiceDateTo');
    if (invoiceDateTo !== null && !/^\d{4}-\d{2}-\d{2}$/.test(invoiceDateTo)) {
      throw new HttpError(400, 'invalid-request', 'invoiceDateTo: must be a date YYYY-MM-DD, such as "2027-01-31"', { field: 'invoiceDateTo' });
    }
    const listed = invoices.filter(
      (stored) =>
        (!orderId || stored.invoice.orderId === orderId) &&
        (!accountId || stored.invoice.accountId === accountId) &&
        (!kind || stored.invoice.kind === kind) &&
        (!status || invoiceStatus(stored, state) === status) &&
        (!invoiceDateTo || invoiceDate(stored) <= invoiceDateTo),
    );
    return { status: 200, body: { invoices: listed.map((stored) => render(stored, state)) } };
  });

  router.on('GET', '/billing/invoices/:invoiceId', (ctx) => {
    const stored = findInvoice(ctx.params.invoiceId!);
    if (!stored) throw new HttpError(404, 'unknown-invoice', `there is no invoice "${ctx.params.invoiceId}"`);
    return { status: 200, body: render(stored, state) };
  });

  router.on('GET', '/billing/ledger', (ctx) => {
    const accountId = ctx.query.get('accountId');
    if (!accountId) throw new HttpError(400, 'invalid-request', 'accountId: the ledger is per account: ask for /billing/ledger?accountId=ACME', { field: 'accountId' });
    return { status: 200, body: ledger.read(accountId, ctx.query.get('currency') ?? undefined) };
  });

  return { invoices: () => invoices.map((stored) => render(stored, state)) };
}

/** A document as listed: as sent, plus what billing recorded on receipt, its status now and what is open (due, or credit left). */
function render(stored: StoredInvoice, books: Books) {
  const { kind, currency } = stored.invoice;
  const open = kind === 'invoice' || kind === 'creditMemo' ? { open: formatMills(openMills(stored, books), currency) } : {};
  return { ...stored.invoice, status: invoiceStatus(stored, books), ...open, idempotencyKey: stored.idempotencyKey, receivedAt: stored.receivedAt };
}

/** The bill date: the invoice's `invoiceDate`, or the day billing received it. */
function invoiceDate(stored: StoredInvoice): string {
  return stored.invoice.invoiceDate ?? stored.receivedAt.slice(0, 10);
}
