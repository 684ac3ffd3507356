import type { BillingInvoice, BillingLedger, BillingPayment } from './billing-books';

/**
 * The ERP export of an account's ledger (docs/billing.md "ERP export"): one record per ledger entry, oldest first,
 * with the details of the document it posts (the invoice or credit memo; for a payment or refund, the payment and
 * the invoice it pays). The balance is the sum of the amounts, as `ordo ledger` shows it. Money is decimal strings
 * exactly as billing keeps it, times ISO 8601. CSV and JSON carry the same records: JSON an array of objects, CSV one header row and one row
 * per record, an absent value empty (null in JSON).
 */

export const EXPORT_COLUMNS = [
  'accountId',
  'currency',
  'at',
  'kind',
  'documentId',
  'amount',
  'invoiceId',
  'orderId',
  'subscriptionId',
  'periodStart',
  'periodEnd',
  'paymentMethod',
  'paymentReference',
] as const;

export type ExportRecord = Record<(typeof EXPORT_COLUMNS)[number], string | null>;
export type ExportFormat = 'csv' | 'json';

export function ledgerExportRecords(ledger: BillingLedger, invoices: readonly BillingInvoice[], payments: readonly BillingPayment[]): ExportRecord[] {
  const invoiceById = new Map(invoices.map((invoice) => [invoice.id, invoice]));
  const paymentById = new Map(payments.map((payment) => [payment.id, payment]));
  return ledger.entries.map((entry) => {
    const payment = entry.kind === 'payment' || entry.kind === 'refund' ? paymentById.get(entry.documentId) : undefined;
    const invoice = invoiceById.get(payment ? payment.invoiceId : entry.documentId);
    return {
      accountId: ledger.accountId,
      currency: invoice?.currency ?? null,
      at: entry.at,
      kind: entry.kind,
      documentId: entry.documentId,
      amount: entry.amount,
      invoiceId: payment?.invoiceId ?? invoice?.id ?? null,
      orderId: invoice?.orderId ?? null,
      subscriptionId: invoice?.subscriptionId ?? null,
      periodStart: invoice?.period?.start ?? null,
      periodEnd: invoice?.period?.end ?? null,
      paymentMethod: payment?.method ?? null,
      paymentReference: payment ? (payment.method === 'card' ? (payment.last4 ?? null) : (payment.reference ?? null)) : null,
    };
  });
}

/** RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled; lines end in CRLF. */
function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function renderLedgerExport(records: readonly ExportRecord[], format: ExportFormat): string {
  if (format === 'json') return `${JSON.stringify(records, null, 2)}\n`;
  const rows = [EXPORT_COLUMNS.join(','), ...records.map((record) => EXPORT_COLUMNS.map((column) => csvField(record[column])).join(','))];
  return rows.map((row) => `${row}\r\n`).join('');
}
