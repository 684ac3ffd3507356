import type { BillingInvoice, BillingPayment } from '../billing-books';
import { table } from './format-billing';

/**
 * `ordo simulate` for a person: the simulated months one after another, each with what was invoiced (document,
 * period, total), what was paid or declined, and the account's balance at the month's end.
 */

/** The parts of the simulation's report this needs (scripts/simulate-order.ts SimulationReport). */
export interface SimulationStory {
  orderId: string;
  accountId: string;
  from: string;
  to: string;
  days: { date: string; documents: BillingInvoice[]; payments: BillingPayment[]; balance: string }[];
  invoices: BillingInvoice[];
  payments: BillingPayment[];
  ledger: { balance: string };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthName = (yearMonth: string) => `${MONTHS[Number(yearMonth.slice(5, 7)) - 1]} ${yearMonth.slice(0, 4)}`;

function documentRow(date: string, invoice: BillingInvoice): string[] {
  const what = invoice.kind === 'creditMemo' ? 'credit memo' : 'invoice';
  const period = invoice.period ? `${invoice.period.start}..${invoice.period.end}` : 'one-time';
  const total = invoice.kind === 'creditMemo' ? `-${invoice.total}` : invoice.total;
  return [date, what, invoice.id, period, total];
}

function paymentRow(date: string, payment: BillingPayment): string[] {
  const outcome = { Settled: 'paid', Failed: 'declined', Authorized: 'authorized', Refunded: 'refunded' }[payment.status] ?? payment.status;
  const method = payment.method === 'card' ? `card …${payment.last4 ?? '????'}` : `account ${payment.reference ?? ''}`.trim();
  const amount = payment.status === 'Settled' ? `-${payment.amount}` : payment.status === 'Refunded' ? payment.amount : `(${payment.amount})`;
  return [date, outcome, payment.invoiceId, method, amount];
}

export function formatSimulation(report: SimulationStory): string {
  const lines = [`Order ${report.orderId}, account ${report.accountId}: billing from ${report.from} to ${report.to} (simulated)`];
  const months = new Map<string, SimulationStory['days']>();
  for (const day of report.days) {
    const month = day.date.slice(0, 7);
    months.set(month, [...(months.get(month) ?? []), day]);
  }
  const columns = [{ title: 'DATE' }, { title: 'WHAT' }, { title: 'DOCUMENT' }, { title: 'PERIOD / PAID WITH' }, { title: 'AMOUNT', right: true }];
  for (const [month, days] of months) {
    const rows = days.flatMap((day) => [...day.documents.map((d) => documentRow(day.date, d)), ...day.payments.map((p) => paymentRow(day.date, p))]);
    lines.push('', monthName(month), ...table(columns, rows).map((line) => `  ${line}`), `  balance at month end: ${days.at(-1)!.balance}`);
  }
  if (months.size === 0) lines.push('', 'Nothing was invoiced.');
  const invoiced = report.invoices.filter((i) => i.kind !== 'creditMemo').length;
  const credits = report.invoices.length - invoiced;
  const settled = report.payments.filter((p) => p.status === 'Settled').length;
  const declined = report.payments.filter((p) => p.status === 'Failed').length;
  lines.push(
    '',
    `${invoiced} invoice(s), ${credits} credit memo(s), ${settled} payment(s) settled, ${declined} declined. Balance ${report.ledger.balance} (invoiced − credited − paid).`,
    'Amounts in parentheses moved no money. --json prints { invoices, payments, ledger }.',
  );
  return lines.join('\n');
}
