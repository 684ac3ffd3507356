import { z } from 'zod';
import type { FaultBook } from './faults';
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
 */

/** Up to 3 places: some currencies (KWD, BHD) have three minor digits. */
const MONEY_MESSAGE = 'must be a decimal string with at most 3 places, such as "1499.00"';
const MoneySchema = z.string().regex(/^-?\d+(\.\d{1,3})?$/, MONEY_MESSAGE);

const InvoiceLineSchema = z.looseObject({ amount: MoneySchema, tax: MoneySchema.optional() });

const InvoiceSchema = z.looseObject({
  id: z.string().min(1),
  orderId: z.string().min(1),
  /** The account billed (Ordo sends its order's accountId); invoices are listed by it. */
  accountId: z.string().min(1).optional(),
  kind: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"'),
  total: MoneySchema,
  lines: z.array(InvoiceLineSchema),
});
type Invoice = z.infer<typeof InvoiceSchema>;

const StoredInvoiceSchema = z.object({
  invoice: InvoiceSchema,
  idempotencyKey: z.string(),
  receivedAt: z.string(),
});
type StoredInvoice = z.infer<typeof StoredInvoiceSchema>;

const BillingStateSchema = z.object({ invoices: z.array(StoredInvoiceSchema) });

export const BILLING_OPERATIONS = ['invoices'] as const;

/** What other simulated systems in the process may read of billing (the storefront's My Invoices): never a copy to keep. */
export interface BillingReader {
  /** Every invoice as `GET /billing/invoices` lists it. */
  invoices(): ReturnType<typeof render>[];
}

export function mountBilling(router: Router, faults: FaultBook, where: StoreLocation): BillingReader {
  const store = openSystemStore(where, 'billing', BillingStateSchema, () => ({ invoices: [] }));
  const { invoices } = store.state;

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
    const sameId = invoices.find((stored) => stored.invoice.id === invoice.id);
    if (sameId) {
      throw new HttpError(409, 'invoice-id-conflict', `invoice ${invoice.id} was already received with another Idempotency-Key (${sameId.idempotencyKey})`, {
        field: 'id',
      });
    }
    invoices.push({ invoice, idempotencyKey, receivedAt: new Date().toISOString() });
    return { status: 201, body: { invoiceId: invoice.id, duplicate: false } };
  }

  mountSystem(router, faults, {
    name: 'billing',
    requestSchema: InvoiceSchema,
    operations: { invoices: (invoice, { idempotencyKey }) => receive(invoice, idempotencyKey) },
    idempotency: store.idempotency,
    replay: (stored) => ({ status: 200, body: { ...(stored.body as object), duplicate: true } }),
  });

  router.on('GET', '/billing/invoices', (ctx) => {
    const orderId = ctx.query.get('orderId');
    const accountId = ctx.query.get('accountId');
    const listed = invoices.filter(
      (stored) => (!orderId || stored.invoice.orderId === orderId) && (!accountId || stored.invoice.accountId === accountId),
    );
    return { status: 200, body: { invoices: listed.map(render) } };
  });

  router.on('GET', '/billing/invoices/:invoiceId', (ctx) => {
    const stored = invoices.find((candidate) => candidate.invoice.id === ctx.params.invoiceId);
    if (!stored) throw new HttpError(404, 'unknown-invoice', `there is no invoice "${ctx.params.invoiceId}"`);
    return { status: 200, body: render(stored) };
  });

  return { invoices: () => invoices.map(render) };
}

/** An invoice as listed: the invoice as sent, plus what billing recorded on receipt. */
function render(stored: StoredInvoice) {
  return { ...stored.invoice, idempotencyKey: stored.idempotencyKey, receivedAt: stored.receivedAt };
}

/** Exact decimal arithmetic in thousandths of the currency unit: money never goes through a float. */
function toMills(money: string): bigint {
  const negative = money.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? money.slice(1) : money).split('.');
  const mills = BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, '0'));
  return negative ? -mills : mills;
}

function fromMills(mills: bigint, places: number): string {
  const sign = mills < 0n ? '-' : '';
  const abs = mills < 0n ? -mills : mills;
  const fraction = String(abs % 1000n).padStart(3, '0').slice(0, places);
  return `${sign}${abs / 1000n}.${fraction}`;
}
