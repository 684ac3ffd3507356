import { strict as assert } from 'node:assert';
import type { BillingRecords } from '../../scripts/simulation';

/**
 * What the billing scenarios assert about an account's books, with arithmetic of the test's own (decimal strings to
 * cents here, never through the code under test): Σ invoiced − Σ credited − Σ paid (refunds added back) equals the
 * ledger's balance and the scenario's hand expectation, to the cent; every period billed exactly once.
 */

/** "1316.13" → 131613 cents; "-70.00" → -7000. Two places at most, as USD amounts are. */
export function cents(amount: string): number {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!match) throw new Error(`not a USD amount: ${amount}`);
  const value = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -value : value;
}

export function money(centsValue: number): string {
  const sign = centsValue < 0 ? '-' : '';
  const abs = Math.abs(centsValue);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export interface Totals {
  invoiced: string;
  credited: string;
  /** Settled payments (a refunded payment was paid, then its refund added back: see refunded). */
  paid: string;
  refunded: string;
  balance: string;
}

/** The books' totals, summed here, and the check that the ledger agrees with them exactly. */
export function totalsOf(records: BillingRecords): Totals {
  const sum = (amounts: string[]) => amounts.reduce((total, amount) => total + cents(amount), 0);
  const invoiced = sum(records.invoices.filter((d) => d.kind === 'invoice').map((d) => d.total));
  const credited = sum(records.invoices.filter((d) => d.kind === 'creditMemo').map((d) => d.total));
  const paid = sum(records.payments.filter((p) => p.status === 'Settled' || p.status === 'Refunded').map((p) => p.amount));
  const refunded = sum(records.payments.filter((p) => p.status === 'Refunded').map((p) => p.amount));
  const balance = invoiced - credited - paid + refunded;
  assert.equal(records.ledger.balance, money(balance), `the ledger's balance is Σ invoiced ${money(invoiced)} − Σ credited ${money(credited)} − Σ paid ${money(paid)} + Σ refunded ${money(refunded)}`);
  return { invoiced: money(invoiced), credited: money(credited), paid: money(paid), refunded: money(refunded), balance: money(balance) };
}

/**
 * The subscription's bill-date invoices (`INV-<subscriptionId>-<billDate>`) by period, oldest first: `start..end total`,
 * one entry per document. A change's prorated documents (`INV-<changeId>-1`) are not periods: tests look them up by id.
 */
export function periodsBilled(records: BillingRecords, subscriptionId: string): string[] {
  return records.invoices
    .filter((d) => d.subscriptionId === subscriptionId && d.kind === 'invoice' && d.period && d.id.startsWith(`INV-${subscriptionId}-`))
    .map((d) => `${d.period!.start}..${d.period!.end} ${d.total}`)
    .sort();
}

/** No document id twice, and every document sent once under its key. */
export function assertNoDuplicates(records: BillingRecords): void {
  const ids = records.invoices.map((d) => d.id);
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'a document id appears twice');
  const periods = records.invoices.filter((d) => d.period && d.kind === 'invoice').map((d) => `${d.subscriptionId}:${d.period!.start}`);
  assert.deepEqual(periods.filter((p, i) => periods.indexOf(p) !== i), [], 'a period was invoiced twice');
}
