import type { BillingInvoice, BillingLedger, BillingPayment } from '../billing-books';

/** Human renderings of an account's books (invoices, payments, ledger): aligned tables, amounts right-aligned. */

export type Column = { title: string; right?: boolean };

/** Each column as wide as its widest cell, two spaces apart. */
export function table(columns: Column[], rows: string[][]): string[] {
  const widths = columns.map((column, i) => Math.max(column.title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (columns[i]!.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((column) => column.title)), ...rows.map(line)];
}

const scope = (accountId: string | undefined) => (accountId ? ` of account ${accountId}` : '');

export function formatInvoices(invoices: BillingInvoice[], accountId?: string): string {
  if (invoices.length === 0) return `No invoices${scope(accountId)}.`;
  const columns = [{ title: 'INVOICE' }, { title: 'KIND' }, { title: 'ACCOUNT' }, { title: 'ORDER' }, { title: 'PERIOD' }, { title: 'STATUS' }, { title: 'TOTAL', right: true }, { title: 'CUR' }];
  const rows = invoices.map((invoice) => [
    invoice.id,
    invoice.kind,
    invoice.accountId ?? '-',
    invoice.orderId ?? invoice.subscriptionId ?? '-',
    invoice.period ? `${invoice.period.start}..${invoice.period.end}` : '-',
    invoice.status,
    invoice.total,
    invoice.currency ?? '',
  ]);
  return [`Invoices${scope(accountId)}`, ...table(columns, rows)].join('\n');
}

export function formatPayments(payments: BillingPayment[], accountId?: string): string {
  if (payments.length === 0) return `No payments${scope(accountId)}.`;
  const columns = [{ title: 'PAYMENT' }, { title: 'INVOICE' }, { title: 'METHOD' }, { title: 'STATUS' }, { title: 'AMOUNT', right: true }, { title: 'AT' }];
  const rows = payments.map((payment) => [
    payment.id,
    payment.invoiceId,
    payment.method === 'card' ? `card …${payment.last4 ?? '????'}` : `account ${payment.reference ?? ''}`.trim(),
    payment.status,
    payment.amount,
    payment.at,
  ]);
  return [`Payments${scope(accountId)}`, ...table(columns, rows)].join('\n');
}

const KIND_NAMES: Record<string, string> = { invoice: 'invoice', creditMemo: 'credit memo', payment: 'payment', refund: 'refund' };

export function formatLedger(ledger: BillingLedger): string {
  const head = `Ledger of account ${ledger.accountId}`;
  const balance = `Balance ${ledger.balance}  (invoiced − credited − paid, refunds added back)`;
  if (ledger.entries.length === 0) return `${head}: no entries.\n${balance}`;
  const columns = [{ title: 'AT' }, { title: 'KIND' }, { title: 'DOCUMENT' }, { title: 'AMOUNT', right: true }];
  const rows = ledger.entries.map((entry) => [entry.at, KIND_NAMES[entry.kind] ?? entry.kind, entry.documentId, entry.amount]);
  return [head, ...table(columns, rows), balance].join('\n');
}
