import assert from 'node:assert/strict';
import { buildInvoice, type InvoiceSettings } from '../../domain/invoice';
import type { Order, OrderItem } from '../../domain/order';
import { periodInvoice, PeriodInvoice } from '../../domain/period-invoice';
import { problemPaths } from './fixtures';

const TX: InvoiceSettings = { taxRates: { 'US-TX': '0.0825' }, defaultTaxCode: 'US-TX' };
const NO_TAX: InvoiceSettings = { taxRates: {} };

function orderOf(items: OrderItem[], extra: Partial<Order> = {}): Order {
  return { id: 'ORD-3001', accountId: 'ACME', channel: 'b2b', currency: 'USD', items, ...extra };
}

function monthly(id: string, quantity: number, unitPrice: string, startDate: string, endDate?: string): OrderItem {
  return { id, product: `P-${id}`, quantity, unitPrice, startDate, endDate, billing: { type: 'recurring', period: 'month' } };
}

describe('periodInvoice', () => {
  it('rounds each line once, then rounds tax once per code and allocates it by largest remainder', () => {
    // Both items: 2026-04-01..2026-04-15, 15 days of Apr 1 → May 1 (30 days): fraction 1/2.
    // A: 1 × 10.01 × 1/2 = 500.5 cents → 501 (half away from zero). B: 1 × 10.03 × 1/2 = 501.5 → 502.
    // Subtotal 501 + 502 = 1003 (rounding the unrounded sum, 1002, would lose a cent: lines round one by one).
    // Tax US-TX: 1003 × 0.0825 = 82.7475 → 83. Shares: 83 × 501/1003 = 41.459, 83 × 502/1003 = 41.541:
    // floors 41 + 41 = 82, the cent left goes to the larger remainder, B → A 41, B 42
    // (taxing each line alone would give 41.33 → 41 and 41.415 → 41, 82: a cent short of the code's tax).
    // Total 1003 + 83 = 1086.
    const order = orderOf([
      monthly('A', 1, '10.01', '2026-04-01', '2026-04-15'),
      { id: 'HW', product: 'ROUTER', quantity: 1, unitPrice: '99.00' },
      monthly('B', 1, '10.03', '2026-04-01', '2026-04-15'),
    ]);
    const invoice = periodInvoice(order, [{ itemId: 'B', periodIndex: 1 }, { itemId: 'A', periodIndex: 1 }], TX, { id: 'INV-ORD-3001-P1' });
    assert.deepEqual(invoice, {
      id: 'INV-ORD-3001-P1',
      orderId: 'ORD-3001',
      accountId: 'ACME',
      kind: 'invoice',
      currency: 'USD',
      subtotal: '10.03',
      discount: '0.00',
      tax: '0.83',
      total: '10.86',
      lines: [
        { orderItemId: 'A', product: 'P-A', quantity: 1, unitPrice: '10.01', gross: '5.01', discount: '0.00', amount: '5.01', tax: '0.41', taxCode: 'US-TX' },
        { orderItemId: 'B', product: 'P-B', quantity: 1, unitPrice: '10.03', gross: '5.02', discount: '0.00', amount: '5.02', tax: '0.42', taxCode: 'US-TX' },
      ],
      period: { start: '2026-04-01', end: '2026-04-15' },
    });
    assert.doesNotThrow(() => PeriodInvoice.parse(invoice));
  });

  it('bills a term of 13 months and 5 days as 13 full periods and 5/28 of the 14th, like the up-front invoice', () => {
    // 2 × 49.99 = 99.98 a month. Period 14 (2027-02-15..19) is 5/28: 9998 × 5 / 28 = 1785.36 → 1785 = 17.85.
    const order = orderOf([monthly('S', 2, '49.99', '2026-01-15', '2027-02-19')]);
    const totals = Array.from({ length: 14 }, (_, k) => periodInvoice(order, [{ itemId: 'S', periodIndex: k + 1 }], NO_TAX, { id: `P${k + 1}` }).total);
    assert.deepEqual(totals.slice(0, 13), Array(13).fill('99.98'));
    assert.equal(totals[13], '17.85');
    assert.deepEqual(periodInvoice(order, [{ itemId: 'S', periodIndex: 14 }], NO_TAX, { id: 'P14' }).period, { start: '2027-02-15', end: '2027-02-19' });
    // Σ = 13 × 99.98 + 17.85 = 1299.74 + 17.85 = 1317.59. Up front: 9998 × (13 + 5/28) = 9998 × 369/28 = 131759.36 → 1317.59.
    assert.equal(buildInvoice(order, NO_TAX, { id: 'UP-FRONT' }).total, '1317.59');
  });

  it('prorates a partial year by days over the full year, where the up-front invoice counts months', () => {
    // 1200.00 a year, 2026-03-10..2027-06-09. Period 2 is 92/366 of a year (see the billing-periods test):
    // 120000 × 92 / 366 = 30163.93 → 30164 = 301.64. Monthly + Daily counts it as 3 whole months = 3/12: 300.00.
    const order = orderOf([
      { id: 'Y', product: 'PLATFORM', quantity: 1, unitPrice: '1200.00', startDate: '2026-03-10', endDate: '2027-06-09', billing: { type: 'recurring', period: 'year' } },
    ]);
    assert.equal(periodInvoice(order, [{ itemId: 'Y', periodIndex: 1 }], NO_TAX, { id: 'P1' }).total, '1200.00');
    assert.equal(periodInvoice(order, [{ itemId: 'Y', periodIndex: 2 }], NO_TAX, { id: 'P2' }).total, '301.64');
    // Up front: 15 months = 15/12 years → 1500.00, not 1200.00 + 301.64.
    assert.equal(buildInvoice(order, NO_TAX, { id: 'UP-FRONT' }).total, '1500.00');
  });

  it('rounds to the currency minor unit: whole yen', () => {
    // ¥1000 a month, 2027-02-15..2027-02-19 as the 2nd period of a Jan 15 start: 5/28. 1000 × 5/28 = 178.57 → ¥179.
    const order = orderOf([monthly('J', 1, '1000', '2027-01-15', '2027-02-19')], { currency: 'JPY' });
    const invoice = periodInvoice(order, [{ itemId: 'J', periodIndex: 2 }], NO_TAX, { id: 'P2' });
    assert.equal(invoice.total, '179');
  });

  it('spans the periods of items with different periods billed on one date', () => {
    const order = orderOf([
      monthly('M', 1, '10.00', '2026-01-01'),
      { id: 'Y', product: 'SUPPORT', quantity: 1, unitPrice: '100.00', startDate: '2026-01-01', billing: { type: 'recurring', period: 'year' } },
    ]);
    const invoice = periodInvoice(order, [{ itemId: 'M', periodIndex: 1 }, { itemId: 'Y', periodIndex: 1 }], NO_TAX, { id: 'P1' });
    assert.deepEqual(invoice.period, { start: '2026-01-01', end: '2026-12-31' });
    assert.equal(invoice.total, '110.00'); // 10.00 + 100.00
  });

  it('names every bad charge', () => {
    const order = orderOf([monthly('M', 1, '10.00', '2026-01-01', '2026-03-31'), { id: 'HW', product: 'ROUTER', quantity: 1, unitPrice: '99.00', taxCode: 'XX' }]);
    assert.deepEqual(problemPaths(() => periodInvoice(order, [], NO_TAX, { id: 'X' })), ['charges']);
    assert.deepEqual(
      problemPaths(() =>
        periodInvoice(
          order,
          [
            { itemId: 'NOPE', periodIndex: 1 },
            { itemId: 'M', periodIndex: 4 }, // a 3-month term has periods 1..3
            { itemId: 'HW', periodIndex: 1 },
          ],
          NO_TAX,
          { id: 'X' },
        ),
      ),
      ['charges[0].itemId', 'charges[1].periodIndex', 'items[1].billing'],
    );
    assert.deepEqual(
      problemPaths(() => periodInvoice(order, [{ itemId: 'M', periodIndex: 1 }, { itemId: 'M', periodIndex: 2 }], NO_TAX, { id: 'X' })),
      ['charges[1].itemId'],
    );
  });
});
