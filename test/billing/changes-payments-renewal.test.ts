import { strict as assert } from 'node:assert';
import { loadConfig } from '../../config/load';
import { startSimulation, type BillingRecords, type Simulation } from '../../scripts/simulation';
import { invoicePaymentQuery, invoicePaymentWorkflowId } from '../../workflows/payment-messages';
import { changeSubscriptionUpdate, subscriptionWorkflowId } from '../../workflows/subscription-messages';
import { quietRuntime } from '../quiet-runtime';
import { assertNoDuplicates, periodsBilled, totalsOf } from './books';
import { scanHistoriesForCardNumbers } from './card-scan';
import { orderOf, seats, subscriptionOf, supportPlan } from './scenario';

/**
 * The rest of issue 11's 13-month scenarios, on one time-skipping simulation from now to 2027-12-15: an upgrade and
 * a downgrade mid-period (the subscription's changeSubscription update, as a change order hands them over), a failed payment that recovers on the second dunning retry, one that ends
 * in collections, and a renewal. Dunning: the configuration's default, retries 3 and 7 days after a decline. Credit
 * memos stay on the account as credit (billing.creditMemos: credit), so the books show them as credited, not refunded.
 * Every expected amount is computed here, by hand, in the comments. Tax: EXEMPT items.
 */

const END = '2027-12-15';
const months = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(2, '0'));
const LAST_DAY: Record<string, string> = { '01': '31', '02': '28', '03': '31', '04': '30', '05': '31', '06': '30', '07': '31', '08': '31', '09': '30', '10': '31', '11': '30', '12': '31' };

/**
 * A change of ORD-SIM-CHANGE's seats (OI-1) sent to its subscription as a change order's hand-over sends it (the
 * changeSubscription update; a change order itself needs visibility to find its original, which the time-skipping
 * server lacks): the Amend carries the NEW quantity, from its effective date.
 */
function seatChange(simulation: Simulation, changeId: string, quantity: number, effectiveDate: string) {
  return simulation.temporal.workflow
    .getHandle(subscriptionWorkflowId('ORD-SIM-CHANGE'))
    .executeUpdate(changeSubscriptionUpdate, { args: [{ changeId, effectiveDate, actions: [{ type: 'Amend', itemId: 'OI-1', quantity }] }] });
}

describe('billing over time: changes, dunning, collections, renewal (time-skipping)', function () {
  this.timeout(10 * 60_000);
  let simulation: Simulation;
  const books = new Map<string, BillingRecords>();
  const records = (accountId: string) => books.get(accountId)!;

  before(async function () {
    this.timeout(10 * 60_000);
    quietRuntime();
    simulation = await startSimulation({ config: loadConfig(), billing: { renewal: { leadDays: 30 }, creditMemos: 'credit' }, dunningRetryDays: [3, 7] });
    const orders = [
      // Paid by purchase order (no auto-pay): the books are invoices and credit memos only.
      orderOf('SIM-CHANGE', [seats('OI-1', 10, '20.00', '2027-01-01', '2027-12-31')], { method: 'account', reference: 'PO-SIM-CHANGE' }),
      orderOf('SIM-RECOVER', [supportPlan('OI-1', '600.00', '2027-01-01', '2027-12-31')], { method: 'card', token: 'tok_visa_recover_2' }),
      orderOf('SIM-COLLECT', [supportPlan('OI-1', '480.00', '2027-01-01', '2027-12-31')], { method: 'card', token: 'tok_visa_decline' }),
      orderOf('SIM-RENEW', [seats('OI-1', 5, '10.00', '2027-01-01', '2027-06-30')], { method: 'card', token: 'tok_visa_4242' }),
    ];
    for (const order of orders) await simulation.submit(order);
    await simulation.advanceTo('2027-03-11');
    await seatChange(simulation, 'ORD-SIM-CHANGE-C1', 15, '2027-03-11');
    await simulation.advanceTo('2027-06-16');
    await seatChange(simulation, 'ORD-SIM-CHANGE-C2', 8, '2027-06-16');
    await simulation.advanceTo(END);
    for (const order of orders) books.set(order.accountId, await simulation.records(order.accountId));
  });

  after(async () => {
    await simulation?.stop();
  });

  it('an upgrade and a downgrade mid-period: prorated for the rest of the period, then the new quantity', () => {
    const books = records('SIM-CHANGE');
    // 10 seats × 20.00 = 200.00 a month, Jan–Mar.
    // Upgrade on 2027-03-11 to 15 seats, for 2027-03-11..2027-03-31 (21 of March's 31 days): the rest of the period's
    // worth at the new quantity less its worth at the old, each rounded once (docs/billing.md, so steps never credit
    // more than was billed): 300.00 × 21 / 31 = 203.225… → 203.23, 200.00 × 21 / 31 = 135.483… → 135.48;
    // 203.23 − 135.48 = 67.75, invoice INV-ORD-SIM-CHANGE-C1-1. Then 15 × 20.00 = 300.00, Apr–Jun.
    // Downgrade on 2027-06-16 to 8 seats: −7 × 20.00 = 140.00 a month, for 2027-06-16..2027-06-30 (15 of June's 30
    // days): 300.00 × 15 / 30 − 160.00 × 15 / 30 = 150.00 − 80.00 = 70.00, credit memo CM-ORD-SIM-CHANGE-C2-1. Then 8 × 20.00 = 160.00, Jul–Dec.
    const expected = [...months(1, 3).map((m) => ['200.00', m]), ...months(4, 6).map((m) => ['300.00', m]), ...months(7, 12).map((m) => ['160.00', m])];
    assert.deepEqual(periodsBilled(books, subscriptionOf('SIM-CHANGE')), expected.map(([total, m]) => `2027-${m}-01..2027-${m}-${LAST_DAY[m!]} ${total}`));
    const upgrade = books.invoices.find((d) => d.id === 'INV-ORD-SIM-CHANGE-C1-1');
    const downgrade = books.invoices.find((d) => d.id === 'CM-ORD-SIM-CHANGE-C2-1');
    assert.equal(upgrade?.total, '67.75');
    assert.equal(downgrade?.kind, 'creditMemo');
    assert.equal(downgrade?.total, '70.00');
    assertNoDuplicates(books);
    // Invoiced: 3 × 200.00 + 67.75 + 3 × 300.00 + 6 × 160.00 = 600.00 + 67.75 + 900.00 + 960.00 = 2527.75.
    // Credited 70.00. Nothing paid (purchase order): balance 2527.75 − 70.00 = 2457.75.
    assert.deepEqual(totalsOf(books), { invoiced: '2527.75', credited: '70.00', paid: '0.00', refunded: '0.00', balance: '2457.75' });
  });

  it('a card declined twice is paid on the second dunning retry', async () => {
    const books = records('SIM-RECOVER');
    // tok_visa_recover_2 declines its first 2 attempts: the payment run's (2027-01-01), the retry 3 days later
    // (2027-01-04); the retry 7 days after that (2027-01-11) is approved. 600.00 invoiced, 600.00 paid.
    assert.deepEqual(periodsBilled(books, subscriptionOf('SIM-RECOVER')), ['2027-01-01..2027-12-31 600.00']);
    assert.deepEqual(books.payments.map((p) => `${p.status} ${p.amount}`), ['Failed 600.00', 'Failed 600.00', 'Settled 600.00']);
    assert.deepEqual(totalsOf(books), { invoiced: '600.00', credited: '0.00', paid: '600.00', refunded: '0.00', balance: '0.00' });
    const invoice = books.invoices.find((d) => d.subscriptionId === subscriptionOf('SIM-RECOVER'))!;
    assert.equal(invoice.status, 'Paid');
    const view = await simulation.temporal.workflow.getHandle(invoicePaymentWorkflowId(invoice.id)).query(invoicePaymentQuery);
    assert.equal(view.state, 'Paid');
    assert.deepEqual(view.attempts.map((a) => a.outcome), ['Failed', 'Failed', 'Settled']);
  });

  it('a card that is always declined ends in collections after the last retry', async () => {
    const books = records('SIM-COLLECT');
    // tok_visa_decline: the first attempt and both retries decline; nothing is paid, 480.00 stays open.
    assert.deepEqual(books.payments.map((p) => `${p.status} ${p.amount}`), ['Failed 480.00', 'Failed 480.00', 'Failed 480.00']);
    assert.deepEqual(totalsOf(books), { invoiced: '480.00', credited: '0.00', paid: '0.00', refunded: '0.00', balance: '480.00' });
    const invoice = books.invoices.find((d) => d.subscriptionId === subscriptionOf('SIM-COLLECT'))!;
    assert.equal(invoice.status, 'Posted');
    const view = await simulation.temporal.workflow.getHandle(invoicePaymentWorkflowId(invoice.id)).query(invoicePaymentQuery);
    assert.equal(view.state, 'Collections');
    assert.ok(view.collections, 'the invoice says why and since when it is in collections');
  });

  it('a renewal: 30 days before the term ends, a renewal order for the next term, billed like any other', () => {
    const books = records('SIM-RENEW');
    // The original term 2027-01-01..2027-06-30: 6 × (5 × 10.00) = 300.00. Renewal order ORD-SIM-RENEW-R1 (made on
    // 2027-05-31), the next 6 months at the same price: 2027-07-01.., billed through 2027-12-01 by END: 6 × 50.00 = 300.00.
    assert.deepEqual(periodsBilled(books, subscriptionOf('SIM-RENEW')), months(1, 6).map((m) => `2027-${m}-01..2027-${m}-${LAST_DAY[m]} 50.00`));
    assert.deepEqual(periodsBilled(books, 'SUB-ORD-SIM-RENEW-R1'), months(7, 12).map((m) => `2027-${m}-01..2027-${m}-${LAST_DAY[m]} 50.00`));
    assertNoDuplicates(books);
    assert.deepEqual(totalsOf(books), { invoiced: '600.00', credited: '0.00', paid: '600.00', refunded: '0.00', balance: '0.00' });
  });

  it('no card number anywhere in Temporal: every history, every payload', async () => {
    const scan = await scanHistoriesForCardNumbers(simulation.temporal);
    assert.ok(scan.histories >= 8, `read ${scan.histories} histories`);
    assert.deepEqual(scan.findings, []);
  });
});
