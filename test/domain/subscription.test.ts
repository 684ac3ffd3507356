import assert from 'node:assert/strict';
import type { InvoiceSettings } from '../../domain/invoice';
import type { Order, OrderItem } from '../../domain/order';
import { PeriodInvoice } from '../../domain/period-invoice';
import {
  billDue,
  changeSubscription,
  nextBillDate,
  Subscription as SubscriptionSchema,
  renewalOrder,
  subscriptionOf,
  usageWindowsDue,
  type Subscription,
  type SubscriptionSettings,
} from '../../domain/subscription';
import type { UsageRecord } from '../../domain/usage';
import { problemPaths } from './fixtures';

const NO_TAX: InvoiceSettings = { taxRates: {} };
const TIERS = [
  { upTo: 1000, unitPrice: '0.10' },
  { upTo: null, unitPrice: '0.05' },
];
const PER_PERIOD: SubscriptionSettings = { ...NO_TAX, usagePrices: { METER: TIERS }, recurring: 'perPeriod' };
const UP_FRONT: SubscriptionSettings = { ...PER_PERIOD, recurring: 'upFront' };

function orderOf(items: OrderItem[], extra: Partial<Order> = {}): Order {
  return { id: 'ORD-9', accountId: 'ACME', channel: 'b2b', currency: 'USD', items, ...extra };
}

function recurring(id: string, quantity: number, unitPrice: string, startDate: string, endDate?: string, period: 'month' | 'quarter' | 'year' = 'month'): OrderItem {
  return { id, product: `P-${id}`, quantity, unitPrice, startDate, ...(endDate ? { endDate } : {}), billing: { type: 'recurring', period } };
}

function usageItem(id: string, startDate: string, endDate: string): OrderItem {
  return { id, product: 'METER', quantity: 1, unitPrice: '0.10', startDate, endDate, billing: 'usage' };
}

function subscription(order: Order, settings: SubscriptionSettings = PER_PERIOD): Subscription {
  const made = subscriptionOf(order, settings);
  assert.ok(made);
  // The workflow keeps it as its state: it must pass its own schema.
  SubscriptionSchema.parse(made);
  return made;
}

/** [bill date or id, total] of each invoice, to read the schedule at a glance. */
function schedule(invoices: { id: string; total: string }[]): [string, string][] {
  return invoices.map((invoice) => [invoice.id, invoice.total]);
}

function cents(total: string): number {
  return Math.round(Number(total) * 100);
}

describe('subscription arithmetic', () => {
  describe('subscriptionOf', () => {
    it('takes the recurring and usage items, anchored on the earliest recurring start; none → undefined', () => {
      const order = orderOf([
        { id: 'HW', product: 'ROUTER', quantity: 1, unitPrice: '99.00' },
        recurring('A', 1, '10.00', '2027-01-05', '2027-12-31'),
        usageItem('U', '2027-01-01', '2027-12-31'),
      ]);
      const sub = subscription(order);
      assert.equal(sub.id, 'SUB-ORD-9');
      assert.equal(sub.anchorDate, '2027-01-05');
      assert.equal(sub.termEnd, '2027-12-31');
      assert.deepEqual(sub.items.map((item) => item.itemId), ['A', 'U']);
      assert.deepEqual(sub.items[1].usagePrice, TIERS);
      assert.equal(subscriptionOf(orderOf([{ id: 'HW', product: 'ROUTER', quantity: 1, unitPrice: '99.00' }]), PER_PERIOD), undefined);
    });

    it('names the fields of its errors', () => {
      const noStart = orderOf([{ id: 'A', product: 'P', quantity: 1, unitPrice: '1.00', billing: { type: 'recurring', period: 'month' } }]);
      assert.deepEqual(problemPaths(() => subscriptionOf(noStart, PER_PERIOD)), ['items[0].startDate']);
      const usageNoDate = orderOf([{ id: 'U', product: 'METER', quantity: 1, unitPrice: '0.10', billing: 'usage' }]);
      assert.deepEqual(problemPaths(() => subscriptionOf(usageNoDate, PER_PERIOD)), ['effectiveDate']);
      const badTax = orderOf([{ ...recurring('A', 1, '1.00', '2027-01-01'), taxCode: 'NOPE' }]);
      assert.deepEqual(problemPaths(() => subscriptionOf(badTax, PER_PERIOD)), ['items[0].taxCode']);
    });
  });

  describe('billDue, recurring', () => {
    it('bills a 12-month monthly term in 12 invoices that sum to the term, and nothing twice', () => {
      // 2 × 49.99 = 99.98 a month; tax US-TX 99.98 × 0.0825 = 8.24835 → 8.25; each invoice 108.23.
      // Twelve of them: 12 × 108.23 = 1298.76.
      const settings: SubscriptionSettings = { ...PER_PERIOD, taxRates: { 'US-TX': '0.0825' }, defaultTaxCode: 'US-TX' };
      const sub = subscription(orderOf([recurring('A', 2, '49.99', '2027-01-15', '2028-01-14')]), settings);
      assert.equal(nextBillDate(sub), '2027-01-15');

      const first = billDue(sub, '2027-02-14', [], settings);
      assert.deepEqual(schedule(first.invoices), [['INV-SUB-ORD-9-2027-01-15', '108.23']]);
      assert.equal(nextBillDate(first.next), '2027-02-15');
      const invoice = first.invoices[0];
      PeriodInvoice.parse(invoice);
      assert.equal(invoice.kind, 'invoice');
      assert.equal(invoice.orderId, 'ORD-9');
      assert.equal(invoice.accountId, 'ACME');
      assert.equal((invoice as unknown as { subscriptionId: string }).subscriptionId, 'SUB-ORD-9');
      assert.deepEqual(invoice.period, { start: '2027-01-15', end: '2027-02-14' });
      assert.deepEqual(invoice.lines.map((line) => [line.orderItemId, line.quantity, line.amount, line.tax, (line as unknown as { period: unknown }).period]), [
        ['A', 2, '99.98', '8.25', { start: '2027-01-15', end: '2027-02-14' }],
      ]);

      const rest = billDue(first.next, '2028-06-30', [], settings);
      const months = ['02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];
      assert.deepEqual(schedule(rest.invoices), months.map((month) => [`INV-SUB-ORD-9-2027-${month}-15`, '108.23']));
      const all = [...first.invoices, ...rest.invoices];
      assert.equal(all.reduce((sum, inv) => sum + cents(inv.total), 0), 129876);
      assert.equal(nextBillDate(rest.next), undefined);
      // Idempotence: billing `next` again issues nothing.
      assert.deepEqual(billDue(rest.next, '2028-06-30', [], settings).invoices, []);
      assert.deepEqual(billDue(first.next, '2027-02-14', [], settings).invoices, []);
    });

    it('bills a Jan 31 start through a leap February', () => {
      // Anniversaries of 2028-01-31: Feb 29 (clamped, leap year), Mar 31, Apr 30, May 31.
      // Periods: Jan 31..Feb 28, Feb 29..Mar 30, Mar 31..Apr 29 at 30.00 each; Apr 30 alone is 1 day of
      // Apr 30 → May 31 (31 days): 30.00 × 1/31 = 0.9677 → 0.97.
      const sub = subscription(orderOf([recurring('A', 1, '30.00', '2028-01-31', '2028-04-30')]));
      const run = billDue(sub, '2028-12-31', [], NO_TAX);
      assert.deepEqual(schedule(run.invoices), [
        ['INV-SUB-ORD-9-2028-01-31', '30.00'],
        ['INV-SUB-ORD-9-2028-02-29', '30.00'],
        ['INV-SUB-ORD-9-2028-03-31', '30.00'],
        ['INV-SUB-ORD-9-2028-04-30', '0.97'],
      ]);
      assert.deepEqual(run.invoices[1].period, { start: '2028-02-29', end: '2028-03-30' });
    });

    it('bills an annual item by the year, its partial year by days', () => {
      // 2026-03-10..2027-06-09 at 1200.00 a year: 1200.00 on 2026-03-10; then 2027-03-10..06-09 = 22 + 30 + 31 + 9
      // = 92 days of 2027-03-10 → 2028-03-10 (366 days, Feb 29 2028): 1200 × 92/366 = 301.639 → 301.64.
      const sub = subscription(orderOf([recurring('Y', 1, '1200.00', '2026-03-10', '2027-06-09', 'year')]));
      const run = billDue(sub, '2027-12-31', [], NO_TAX);
      assert.deepEqual(schedule(run.invoices), [
        ['INV-SUB-ORD-9-2026-03-10', '1200.00'],
        ['INV-SUB-ORD-9-2027-03-10', '301.64'],
      ]);
    });

    it('bills a term of 13 months and 5 days with a partial last period', () => {
      // 2027-01-01..2028-02-05 at 100.00: 13 full months (Jan 2027..Jan 2028) = 1300.00, then Feb 1..5 2028 is
      // 5 of Feb 2028's 29 days: 100 × 5/29 = 17.241 → 17.24. Total 1317.24.
      const sub = subscription(orderOf([recurring('A', 1, '100.00', '2027-01-01', '2028-02-05')]));
      const run = billDue(sub, '2028-03-01', [], NO_TAX);
      assert.equal(run.invoices.length, 14);
      assert.deepEqual(schedule(run.invoices.slice(-2)), [
        ['INV-SUB-ORD-9-2028-01-01', '100.00'],
        ['INV-SUB-ORD-9-2028-02-01', '17.24'],
      ]);
      assert.equal(run.invoices.reduce((sum, inv) => sum + cents(inv.total), 0), 131724);
    });
  });

  describe('changeSubscription', () => {
    const base = () => subscription(orderOf([recurring('A', 10, '19.99', '2027-04-01', '2028-03-31')]));
    /** The subscription after its April invoice (April: 30 days). */
    const billedApril = () => billDue(base(), '2027-04-30', [], NO_TAX).next;

    it('co-terms an add-on from mid-period: charges its clipped part now, then bills with the subscription', () => {
      // B from 2027-04-10: Apr 10..30 = 21 of April's 30 days: 1 × 30.00 × 21/30 = 21.00 now.
      // Then May 1: A 10 × 19.99 = 199.90, B 30.00: 229.90.
      const change = changeSubscription(billedApril(), {
        changeId: 'CHG-1',
        effectiveDate: '2027-04-10',
        actions: [{ type: 'Add', item: { itemId: 'B', product: 'P-B', quantity: 1, unitPrice: '30.00', billing: { type: 'recurring', period: 'month' }, startDate: '2027-04-10', taxCode: null } }],
      }, NO_TAX);
      assert.equal(change.creditMemo, undefined);
      assert.equal(change.invoice?.id, 'INV-CHG-1-1');
      assert.equal(change.invoice?.total, '21.00');
      SubscriptionSchema.parse(change.next);
      const added = change.next.items.find((item) => item.itemId === 'B');
      assert.equal(added?.endDate, '2028-03-31');
      const may = billDue(change.next, '2027-05-01', [], NO_TAX);
      assert.deepEqual(schedule(may.invoices), [['INV-SUB-ORD-9-2027-05-01', '229.90']]);
    });

    it('an add-on in a period not billed yet bills with its period', () => {
      // Nothing billed: B from 2027-04-10 bills on its first (clipped) day, 2027-04-10: 21/30 × 30.00 = 21.00.
      const change = changeSubscription(base(), {
        changeId: 'CHG-2',
        effectiveDate: '2027-04-10',
        actions: [{ type: 'Add', item: { itemId: 'B', product: 'P-B', quantity: 1, unitPrice: '30.00', billing: { type: 'recurring', period: 'month' }, startDate: '2027-04-10', taxCode: null } }],
      }, NO_TAX);
      assert.equal(change.invoice, undefined);
      const run = billDue(change.next, '2027-04-30', [], NO_TAX);
      assert.deepEqual(schedule(run.invoices), [
        ['INV-SUB-ORD-9-2027-04-01', '199.90'],
        ['INV-SUB-ORD-9-2027-04-10', '21.00'],
      ]);
    });

    it('a quarterly add-on co-terms on the quarters of the anchor', () => {
      // Monthly 30.00 from 2027-01-01, billed through February. A quarterly 90.00 add-on from 2027-02-15 falls in
      // the anchor's first quarter, Jan 1..Mar 31 (31 + 28 + 31 = 90 days); Feb 15..Mar 31 is 14 + 31 = 45 days:
      // 90.00 × 45/90 = 45.00 now. On Apr 1 the quarters align: 30.00 + 90.00 = 120.00; May 1: 30.00.
      const monthly = subscription(orderOf([recurring('M', 1, '30.00', '2027-01-01', '2027-12-31')]));
      const billed = billDue(monthly, '2027-02-15', [], NO_TAX).next;
      const change = changeSubscription(billed, {
        changeId: 'Q',
        effectiveDate: '2027-02-15',
        actions: [{ type: 'Add', item: { itemId: 'Q1', product: 'P-Q', quantity: 1, unitPrice: '90.00', billing: { type: 'recurring', period: 'quarter' }, startDate: '2027-02-15', taxCode: null } }],
      }, NO_TAX);
      assert.equal(change.invoice?.total, '45.00');
      assert.deepEqual((change.invoice?.lines[0] as unknown as { period: unknown }).period, { start: '2027-02-15', end: '2027-03-31' });
      assert.deepEqual(schedule(billDue(change.next, '2027-05-01', [], NO_TAX).invoices), [
        ['INV-SUB-ORD-9-2027-03-01', '30.00'],
        ['INV-SUB-ORD-9-2027-04-01', '120.00'],
        ['INV-SUB-ORD-9-2027-05-01', '30.00'],
      ]);
    });

    it('an upgrade charges the rest of the billed period, a downgrade credits it', () => {
      // Up 10 → 11 on 2027-04-08: Apr 8..30 = 23 of 30 days: 11 × 19.99 × 23/30 = 168.5823 → 168.58, less
      // 10 × 19.99 × 23/30 = 153.2567 → 153.26: 15.32 charged (each quantity's worth rounded once, so steps telescope).
      // May bills 11 × 19.99 = 219.89.
      const up = changeSubscription(billedApril(), { changeId: 'UP', effectiveDate: '2027-04-08', actions: [{ type: 'Amend', itemId: 'A', quantity: 11 }] }, NO_TAX);
      assert.equal(up.invoice?.id, 'INV-UP-1');
      assert.equal(up.invoice?.total, '15.32');
      assert.equal(up.creditMemo, undefined);
      assert.deepEqual(schedule(billDue(up.next, '2027-05-01', [], NO_TAX).invoices), [['INV-SUB-ORD-9-2027-05-01', '219.89']]);

      // Down 10 → 4: 153.26 − (4 × 19.99 × 23/30 = 61.3027 → 61.30) = 91.96 credited. May bills 4 × 19.99 = 79.96.
      const down = changeSubscription(billedApril(), { changeId: 'DOWN', effectiveDate: '2027-04-08', actions: [{ type: 'Amend', itemId: 'A', quantity: 4 }] }, NO_TAX);
      assert.equal(down.invoice, undefined);
      assert.equal(down.creditMemo?.id, 'CM-DOWN-1');
      assert.equal(down.creditMemo?.kind, 'creditMemo');
      assert.equal(down.creditMemo?.total, '91.96');
      assert.equal(down.creditMemo?.lines[0].quantity, 6);
      assert.deepEqual(schedule(billDue(down.next, '2027-05-01', [], NO_TAX).invoices), [['INV-SUB-ORD-9-2027-05-01', '79.96']]);
    });

    it('a cancel credits the rest of the billed period and ends the item the day before', () => {
      // Cancel on 2027-04-08: 10 × 19.99 × 23/30 = 153.2567 → 153.26 credited; the item ends 2027-04-07.
      const cancel = changeSubscription(billedApril(), { changeId: 'CAN', effectiveDate: '2027-04-08', actions: [{ type: 'Cancel', itemId: 'A' }] }, NO_TAX);
      assert.equal(cancel.creditMemo?.id, 'CM-CAN-1');
      assert.equal(cancel.creditMemo?.total, '153.26');
      assert.equal(cancel.next.items[0].endDate, '2027-04-07');
      assert.equal(nextBillDate(cancel.next), undefined);
      assert.deepEqual(billDue(cancel.next, '2028-12-31', [], NO_TAX).invoices, []);
    });

    it('refuses unknown items, a date outside the term and an Amend that changes nothing, naming the fields', () => {
      const sub = billedApril();
      assert.deepEqual(problemPaths(() => changeSubscription(sub, { changeId: 'X', effectiveDate: '2027-04-08', actions: [{ type: 'Cancel', itemId: 'NOPE' }] }, NO_TAX)), ['actions[0].itemId']);
      assert.deepEqual(problemPaths(() => changeSubscription(sub, { changeId: 'X', effectiveDate: '2029-01-01', actions: [{ type: 'Cancel', itemId: 'A' }] }, NO_TAX)), ['effectiveDate']);
      assert.deepEqual(
        problemPaths(() => changeSubscription(sub, { changeId: 'X', effectiveDate: '2027-04-08', actions: [{ type: 'Amend', itemId: 'A', quantity: 1 }, { type: 'Amend', itemId: 'A', quantity: 1 }] }, NO_TAX)),
        ['actions[1].quantity'],
      );
    });
  });

  describe('usage', () => {
    const order = () => orderOf([recurring('A', 1, '10.00', '2027-01-01', '2027-03-31'), usageItem('U', '2027-01-01', '2027-03-31')]);
    const record = (id: string, quantity: number, date: string): UsageRecord => ({ id, itemId: 'U', quantity, date });
    const january = [record('r1', 400, '2027-01-05'), record('r2', 300, '2027-01-20'), record('r2', 300, '2027-01-20')];
    const spike = record('r3', 2500, '2027-02-10');
    const late = record('r4', 200, '2027-01-30');

    it('rates each period with its own tiers in arrears, counts a duplicate id once, and bills a late record as a difference', () => {
      const sub = subscription(order());
      assert.deepEqual(usageWindowsDue(sub, '2027-02-01'), [{ itemId: 'U', periodIndex: 1, from: '2027-01-01', to: '2027-01-31' }]);
      // Jan: r1 400 + r2 300 (sent twice, counted once) = 700 units × 0.10 = 70.00, billed when January closes,
      // 2027-02-01, with A's February 10.00 in advance: 80.00.
      const feb = billDue(sub, '2027-02-01', january, NO_TAX);
      assert.deepEqual(schedule(feb.invoices), [
        ['INV-SUB-ORD-9-2027-01-01', '10.00'],
        ['INV-SUB-ORD-9-2027-02-01', '80.00'],
      ]);
      assert.equal(feb.next.items[1].lastClosedQuantity, 700);
      assert.equal(nextBillDate(feb.next), '2027-03-01');
      // The last closed window (January, for late records) and February.
      assert.deepEqual(usageWindowsDue(feb.next, '2027-03-01').map((w) => w.periodIndex), [1, 2]);

      // March 1: A 10.00; January's late r4 (200 units): rate(900) − rate(700) = 90.00 − 70.00 = 20.00;
      // February's spike 2500 units: 1000 × 0.10 + 1500 × 0.05 = 100.00 + 75.00 = 175.00. Total 205.00.
      const mar = billDue(feb.next, '2027-03-01', [...january, late, spike], NO_TAX);
      assert.deepEqual(schedule(mar.invoices), [['INV-SUB-ORD-9-2027-03-01', '205.00']]);
      assert.deepEqual(mar.invoices[0].lines.map((line) => [line.orderItemId, line.quantity, line.amount]), [
        ['U', 200, '20.00'],
        ['A', 1, '10.00'],
        ['U', 2500, '175.00'],
      ]);
      assert.equal(mar.next.items[1].lastClosedQuantity, 2500);
      assert.deepEqual(billDue(mar.next, '2027-03-01', [...january, late, spike], NO_TAX).invoices, []);

      // April 1: March closes with no usage: a 0.00 invoice is not issued, but the period is billed.
      const apr = billDue(mar.next, '2027-04-01', [spike], NO_TAX);
      assert.deepEqual(apr.invoices, []);
      assert.equal(apr.next.items[1].billedThrough, 3);
      assert.equal(nextBillDate(apr.next), undefined);
    });

    it('upFront: the order invoice billed the recurring term, so only usage is billed over time', () => {
      const sub = subscription(order(), UP_FRONT);
      assert.equal(sub.recurringBilledUpFront, true);
      assert.equal(sub.items[0].billedThrough, 3);
      assert.equal(nextBillDate(sub), '2027-02-01');
      // Jan usage 700 × 0.10 = 70.00, alone.
      const run = billDue(sub, '2027-02-01', january, NO_TAX);
      assert.deepEqual(schedule(run.invoices), [['INV-SUB-ORD-9-2027-02-01', '70.00']]);
    });
  });

  describe('renewalOrder', () => {
    it('renews whole months as whole months, at the contract line price, without one-time items', () => {
      const order = orderOf(
        [
          { id: 'HW', product: 'ROUTER', quantity: 1, unitPrice: '99.00' },
          { ...recurring('A', 3, '30.00', '2027-01-01', '2027-12-31'), contractLineId: 'CL-1', attributes: { tier: 'gold' } },
        ],
        { contract: { id: 'C-1', lines: [{ id: 'CL-1', product: 'P-A', quantity: 3, unitPrice: '25.00' }] } },
      );
      const renewal = renewalOrder(order, subscription(order), { sequence: 1 });
      assert.equal(renewal.id, 'ORD-9-R1');
      assert.equal(renewal.renewalOf, 'ORD-9');
      assert.equal(renewal.effectiveDate, '2028-01-01');
      assert.equal(renewal.contract, undefined);
      assert.deepEqual(renewal.items, [
        { id: 'A', product: 'P-A', quantity: 3, unitPrice: '25.00', billing: { type: 'recurring', period: 'month' }, startDate: '2028-01-01', endDate: '2028-12-31', attributes: { tier: 'gold' } },
      ]);
    });

    it('renews a term that is not whole months for the same number of days; an evergreen one is refused', () => {
      // 2027-01-01..2027-02-05 is 31 + 5 = 36 days; the renewal from 2027-02-06 runs 36 days: Feb 6..28 (23) + Mar 1..13 (13).
      const order = orderOf([recurring('A', 1, '10.00', '2027-01-01', '2027-02-05')]);
      const renewal = renewalOrder(order, subscription(order), { sequence: 2 });
      assert.equal(renewal.id, 'ORD-9-R2');
      assert.deepEqual([renewal.items[0].startDate, renewal.items[0].endDate], ['2027-02-06', '2027-03-13']);
      // Early renewal from a given date keeps the length too: 2027-02-01 + 35 days = 2027-03-08.
      const early = renewalOrder(order, subscription(order), { sequence: 3, effectiveDate: '2027-02-01' });
      assert.deepEqual([early.effectiveDate, early.items[0].endDate], ['2027-02-01', '2027-03-08']);
      const evergreen = orderOf([recurring('A', 1, '10.00', '2027-01-01')]);
      assert.deepEqual(problemPaths(() => renewalOrder(evergreen, subscription(evergreen), { sequence: 1 })), ['termEnd']);
    });
  });
});
