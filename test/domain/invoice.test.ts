import assert from 'node:assert/strict';
import { billingDocumentId, buildInvoice, Invoice, invoiceIdempotencyKey, type InvoiceSettings } from '../../domain/invoice';
import { divideRounded, minorUnitDigits, parseMoney, sumMinor } from '../../domain/money';
import type { Order, OrderItem } from '../../domain/order';
import { InvalidInput } from '../../domain/problems';
import { validateOrder } from '../../domain/validate-order';
import { mulberry32 } from '../../scripts/seeded-random';

const NO_TAX: InvoiceSettings = { taxRates: {} };

/** The order from DESIGN.md: a laptop bundle priced on its root, components at 0.00. */
const designOrder: Order = {
  id: 'ORD-1001',
  accountId: 'ACME',
  channel: 'cpq',
  currency: 'USD',
  effectiveDate: '2026-11-23',
  deliveryGroups: [{ id: 'DG-HQ', name: 'Headquarters', address: { line1: '1 Main St', city: 'Austin', country: 'US' } }],
  items: [
    { id: 'OI-1', product: 'LAPTOP-BUNDLE', quantity: 2, unitPrice: '1899.00', deliveryGroupId: 'DG-HQ', attributes: { region: 'US' } },
    { id: 'OI-2', product: 'LAPTOP-14', quantity: 2, unitPrice: '0.00', parentItemId: 'OI-1', attributes: { color: 'silver' } },
    { id: 'OI-3', product: 'AV-LICENSE', quantity: 2, unitPrice: '0.00', parentItemId: 'OI-1', startDate: '2026-12-01', endDate: '2027-11-30' },
  ],
};

function orderOf(items: OrderItem[], extra: Partial<Order> = {}): Order {
  return { id: 'ORD-2001', accountId: 'ACME', channel: 'b2b', currency: 'USD', items, ...extra };
}

function item(id: string, quantity: number, unitPrice: string, extra: Partial<OrderItem> = {}): OrderItem {
  return { id, product: `P-${id}`, quantity, unitPrice, ...extra };
}

function line(orderItemId: string, quantity: number, unitPrice: string, gross: string, discount: string, amount: string, tax: string, taxCode: string | null) {
  return { orderItemId, product: `P-${orderItemId}`, quantity, unitPrice, gross, discount, amount, tax, taxCode };
}

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidInput, `expected InvalidInput, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected InvalidInput');
}

describe('buildInvoice', () => {
  it('bills the DESIGN.md laptop bundle from its order items, keeping the 0.00 components', () => {
    const invoice = buildInvoice(designOrder, NO_TAX, { id: 'INV-1' });
    assert.deepEqual(invoice, {
      id: 'INV-1',
      orderId: 'ORD-1001',
      accountId: 'ACME',
      kind: 'invoice',
      currency: 'USD',
      subtotal: '3798.00',
      discount: '0.00',
      tax: '0.00',
      total: '3798.00',
      lines: [
        { orderItemId: 'OI-1', product: 'LAPTOP-BUNDLE', quantity: 2, unitPrice: '1899.00', gross: '3798.00', discount: '0.00', amount: '3798.00', tax: '0.00', taxCode: null },
        { orderItemId: 'OI-2', product: 'LAPTOP-14', quantity: 2, unitPrice: '0.00', gross: '0.00', discount: '0.00', amount: '0.00', tax: '0.00', taxCode: null },
        { orderItemId: 'OI-3', product: 'AV-LICENSE', quantity: 2, unitPrice: '0.00', gross: '0.00', discount: '0.00', amount: '0.00', tax: '0.00', taxCode: null },
      ],
    });
    assert.doesNotThrow(() => Invoice.parse(invoice));
  });

  it('taxes the laptop bundle with a default tax code, rounding the code total once', () => {
    const invoice = buildInvoice(designOrder, { taxRates: { 'US-TX': '0.0825' }, defaultTaxCode: 'US-TX' }, { id: 'INV-1' });
    // 3798.00 × 0.0825 = 313.335 → 313.34, all on the only line with an amount
    assert.equal(invoice.tax, '313.34');
    assert.equal(invoice.total, '4111.34');
    assert.deepEqual(invoice.lines.map((l) => [l.tax, l.taxCode]), [['313.34', 'US-TX'], ['0.00', 'US-TX'], ['0.00', 'US-TX']]);
  });

  it('subtracts line discounts from their lines', () => {
    const order = orderOf([item('A', 3, '19.99', { discount: '5.00' }), item('B', 1, '100.00', { discount: '100' })]);
    assert.deepEqual(buildInvoice(order, NO_TAX, { id: 'INV-2' }), {
      id: 'INV-2',
      orderId: 'ORD-2001',
      accountId: 'ACME',
      kind: 'invoice',
      currency: 'USD',
      subtotal: '159.97',
      discount: '105.00',
      tax: '0.00',
      total: '54.97',
      lines: [line('A', 3, '19.99', '59.97', '5.00', '54.97', '0.00', null), line('B', 1, '100.00', '100.00', '100.00', '0.00', '0.00', null)],
    });
  });

  it('refuses a line discount larger than the line', () => {
    const order = orderOf([item('A', 3, '19.99', { discount: '60.00' })]);
    const [problem] = problemsOf(() => buildInvoice(order, NO_TAX, { id: 'INV-2' }));
    assert.equal(problem.path, 'items[0].discount');
    assert.equal(problem.message, "60.00 is more than the line's billed amount 59.97");
  });

  it('splits an order discount by net amount with the largest remainder, ties to the earlier line', () => {
    const order = orderOf([item('A', 1, '100.00'), item('B', 1, '100.00'), item('C', 1, '100.00')], { discount: '1.00' });
    assert.deepEqual(buildInvoice(order, NO_TAX, { id: 'INV-3' }), {
      id: 'INV-3',
      orderId: 'ORD-2001',
      accountId: 'ACME',
      kind: 'invoice',
      currency: 'USD',
      subtotal: '300.00',
      discount: '1.00',
      tax: '0.00',
      total: '299.00',
      lines: [
        line('A', 1, '100.00', '100.00', '0.34', '99.66', '0.00', null),
        line('B', 1, '100.00', '100.00', '0.33', '99.67', '0.00', null),
        line('C', 1, '100.00', '100.00', '0.33', '99.67', '0.00', null),
      ],
    });
  });

  it('weights the order discount by each line net of its own discount', () => {
    // nets 10.00, 20.00, 30.00 (B is 25.00 − 5.00); 1.00 splits as 0.1667, 0.3333, 0.50 → 0.17, 0.33, 0.50
    const order = orderOf([item('A', 1, '10.00'), item('B', 1, '25.00', { discount: '5.00' }), item('C', 2, '15.00')], { discount: '1.00' });
    const invoice = buildInvoice(order, NO_TAX, { id: 'INV-4' });
    assert.deepEqual(invoice.lines.map((l) => [l.discount, l.amount]), [['0.17', '9.83'], ['5.33', '19.67'], ['0.50', '29.50']]);
    assert.deepEqual([invoice.subtotal, invoice.discount, invoice.total], ['65.00', '6.00', '59.00']);
  });

  it('refuses an order discount larger than the subtotal after line discounts', () => {
    const order = orderOf([item('A', 1, '10.00', { discount: '2.00' })], { discount: '8.01' });
    const [problem] = problemsOf(() => buildInvoice(order, NO_TAX, { id: 'INV-5' }));
    assert.equal(problem.path, 'discount');
    assert.match(problem.message, /8\.01 is more than the order's amount after line discounts, 8\.00/);
  });

  it('taxes per tax code: rounds each code total once and splits it by amount', () => {
    const order = orderOf([item('A', 1, '10.00', { taxCode: 'STD' }), item('B', 1, '5.05', { taxCode: 'STD' }), item('C', 1, '3.33', { taxCode: 'FOOD' })]);
    const settings = { taxRates: { STD: '0.0825', FOOD: '0.02' } };
    // STD: 15.05 × 0.0825 = 1.241625 → 1.24 (per-line rounding would give 0.83 + 0.42 = 1.25), split 0.82 / 0.42
    // FOOD: 3.33 × 0.02 = 0.0666 → 0.07
    assert.deepEqual(buildInvoice(order, settings, { id: 'INV-6' }), {
      id: 'INV-6',
      orderId: 'ORD-2001',
      accountId: 'ACME',
      kind: 'invoice',
      currency: 'USD',
      subtotal: '18.38',
      discount: '0.00',
      tax: '1.31',
      total: '19.69',
      lines: [
        line('A', 1, '10.00', '10.00', '0.00', '10.00', '0.82', 'STD'),
        line('B', 1, '5.05', '5.05', '0.00', '5.05', '0.42', 'STD'),
        line('C', 1, '3.33', '3.33', '0.00', '3.33', '0.07', 'FOOD'),
      ],
    });
  });

  it('refuses unknown tax codes, naming the item and listing the known codes', () => {
    const order = orderOf([item('A', 1, '10.00', { taxCode: 'STD' }), item('B', 1, '5.00', { taxCode: 'VAT' })]);
    const problems = problemsOf(() => buildInvoice(order, { taxRates: { STD: '0.0825', FOOD: '0.02' } }, { id: 'INV-7' }));
    assert.deepEqual(problems, [
      { path: 'items[1].taxCode', message: 'unknown tax code "VAT"', fix: 'use one of the configured tax codes: STD, FOOD' },
    ]);
  });

  it('refuses bad tax settings', () => {
    const problems = problemsOf(() => buildInvoice(designOrder, { taxRates: { STD: '8%' }, defaultTaxCode: 'NONE' }, { id: 'INV-8' }));
    assert.deepEqual(problems.map((p) => p.path), ['taxRates.STD', 'defaultTaxCode']);
  });

  describe('recurring items', () => {
    const monthly = { type: 'recurring', period: 'month' } as const;

    it('bills 12 months for a year-long monthly term', () => {
      const order = orderOf([item('SUB', 1, '49.99', { billing: monthly, startDate: '2026-12-01', endDate: '2027-11-30' })]);
      const invoice = buildInvoice(order, NO_TAX, { id: 'INV-9' });
      assert.deepEqual(invoice.lines, [line('SUB', 1, '49.99', '599.88', '0.00', '599.88', '0.00', null)]);
      assert.equal(invoice.total, '599.88');
    });

    it('bills 1 month + 15 days of a 30-day month as 1.5 periods, rounding once', () => {
      // 99.99 × 1.5 = 149.985 → 149.99
      const order = orderOf([item('SUB', 1, '99.99', { billing: monthly, startDate: '2026-10-01', endDate: '2026-11-15' })]);
      assert.equal(buildInvoice(order, NO_TAX, { id: 'INV-10' }).lines[0].amount, '149.99');
      // × 3 units: 299.97 × 1.5 = 449.955 → 449.96 (not 3 × 149.99 = 449.97)
      const three = orderOf([item('SUB', 3, '99.99', { billing: monthly, startDate: '2026-10-01', endDate: '2026-11-15' })]);
      assert.equal(buildInvoice(three, NO_TAX, { id: 'INV-10' }).lines[0].amount, '449.96');
    });

    it('prorates a month-end start from the clamped anniversary', () => {
      // Jan 31 → Feb 28 is one month; Feb 28..Mar 15 is 16/31: 100.00 × 47/31 = 151.6129… → 151.61
      const order = orderOf([item('SUB', 1, '100.00', { billing: monthly, startDate: '2027-01-31', endDate: '2027-03-15' })]);
      assert.equal(buildInvoice(order, NO_TAX, { id: 'INV-11' }).lines[0].gross, '151.61');
    });

    it('bills yearly and quarterly periods, and one period without term dates', () => {
      const order = orderOf([
        item('Y', 1, '1200.00', { billing: { type: 'recurring', period: 'year' }, startDate: '2026-12-01', endDate: '2027-11-30' }),
        item('Q', 2, '300.00', { billing: { type: 'recurring', period: 'quarter' }, startDate: '2026-01-01', endDate: '2026-02-15' }),
        item('E', 1, '9.99', { billing: monthly }),
      ]);
      // Q: 600.00 × 43/84 = 307.142857… → 307.14
      assert.deepEqual(buildInvoice(order, NO_TAX, { id: 'INV-12' }).lines.map((l) => l.gross), ['1200.00', '307.14', '9.99']);
    });

    it('bills nothing now for usage, keeping the line', () => {
      const order = orderOf([item('U', 1000, '0.05', { billing: 'usage', discount: '1.00', taxCode: 'STD' }), item('F', 1, '50.00', { taxCode: 'STD' })]);
      const invoice = buildInvoice(order, { taxRates: { STD: '0.10' } }, { id: 'INV-13' });
      assert.deepEqual(invoice.lines[0], line('U', 1000, '0.05', '0.00', '0.00', '0.00', '0.00', 'STD'));
      assert.equal(invoice.total, '55.00');
    });
  });

  it('bills JPY in whole yen', () => {
    // nets 4500 and 999; discount 100 → 82 / 18; tax 10% of 5399 = 539.9 → 540 → 442 / 98
    const order = orderOf([item('A', 3, '1500', { taxCode: 'JP' }), item('B', 1, '999', { taxCode: 'JP' })], { currency: 'JPY', discount: '100' });
    assert.deepEqual(buildInvoice(order, { taxRates: { JP: '0.10' } }, { id: 'INV-14' }), {
      id: 'INV-14',
      orderId: 'ORD-2001',
      accountId: 'ACME',
      kind: 'invoice',
      currency: 'JPY',
      subtotal: '5499',
      discount: '100',
      tax: '540',
      total: '5939',
      lines: [line('A', 3, '1500', '4500', '82', '4418', '442', 'JP'), line('B', 1, '999', '999', '18', '981', '98', 'JP')],
    });
  });

  it('refuses yen with decimals', () => {
    const order = orderOf([item('A', 1, '1.50')], { currency: 'JPY' });
    const [problem] = problemsOf(() => buildInvoice(order, NO_TAX, { id: 'INV-15' }));
    assert.equal(problem.path, 'items[0].unitPrice');
    assert.equal(problem.message, '"1.50" has 2 decimal places but JPY allows none');
  });

  it('builds a credit memo with positive amounts', () => {
    const order = orderOf([item('R', 1, '1899.00', { taxCode: 'STD' })], { id: 'ORD-1001-C1', changeOf: 'ORD-1001' });
    const memo = buildInvoice(order, { taxRates: { STD: '0.0825' } }, { id: 'CM-1', kind: 'creditMemo' });
    assert.deepEqual(memo, {
      id: 'CM-1',
      orderId: 'ORD-1001-C1',
      accountId: 'ACME',
      kind: 'creditMemo',
      currency: 'USD',
      subtotal: '1899.00',
      discount: '0.00',
      tax: '156.67',
      total: '2055.67',
      lines: [line('R', 1, '1899.00', '1899.00', '0.00', '1899.00', '156.67', 'STD')],
    });
  });

  it('does not mutate the order', () => {
    const copy = structuredClone(designOrder);
    buildInvoice(designOrder, NO_TAX, { id: 'INV-1' });
    assert.deepEqual(designOrder, copy);
  });
});

describe('invoiceIdempotencyKey', () => {
  it('is deterministic per order, kind and sequence', () => {
    assert.equal(invoiceIdempotencyKey('ORD-1001', 'invoice'), 'invoice:ORD-1001:1');
    assert.notEqual(invoiceIdempotencyKey('ORD-1002', 'invoice'), invoiceIdempotencyKey('ORD-1001', 'invoice'), 'another order, another key');
    assert.notEqual(invoiceIdempotencyKey('ORD-1001', 'creditMemo'), invoiceIdempotencyKey('ORD-1001', 'invoice'), 'another kind, another key');
    assert.equal(invoiceIdempotencyKey('ORD-1001', 'creditMemo', 2), 'creditMemo:ORD-1001:2');
    assert.throws(() => invoiceIdempotencyKey('ORD-1001', 'invoice', 0), RangeError);
  });
});

describe('billingDocumentId', () => {
  it('names the documents exactly as billing has always received them (the issueInvoice activity uses it)', () => {
    assert.equal(billingDocumentId('ORD-1001', 'invoice', 1), 'INV-ORD-1001-1');
    assert.equal(billingDocumentId('ORD-1001-C1', 'creditMemo'), 'CM-ORD-1001-C1-1');
    assert.equal(billingDocumentId('ORD-1001', 'invoice', 3), 'INV-ORD-1001-3');
    assert.throws(() => billingDocumentId('ORD-1001', 'invoice', 1.5), RangeError);
  });
});


describe('invoice sums (200 generated orders)', () => {
  const RATES: Record<string, string> = { A: '0.0825', B: '0.2', C: '0.07125', Z: '0' };
  const CURRENCIES = ['USD', 'EUR', 'JPY', 'KWD'];

  function generateOrder(random: () => number, n: number): { order: Order; settings: InvoiceSettings } {
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    const pick = <T>(values: readonly T[]) => values[int(0, values.length - 1)];
    const currency = pick(CURRENCIES);
    // Order money has at most 2 places on the wire, and none for JPY.
    const places = Math.min(2, minorUnitDigits(currency));
    const scale = 10 ** (minorUnitDigits(currency) - places);
    const decimal = (units: number) => (places === 0 ? String(units) : (units / 10 ** places).toFixed(places));
    const items: OrderItem[] = Array.from({ length: int(1, 8) }, (_, i) => {
      const quantity = int(1, 20);
      const units = random() < 0.15 ? 0 : int(1, 500_000);
      const kind = pick(['one-time', 'one-time', 'recurring', 'recurring-undated', 'usage'] as const);
      const result: OrderItem = { id: `OI-${i + 1}`, product: `P${int(1, 5)}`, quantity, unitPrice: decimal(units) };
      let discountCap = quantity * units;
      if (kind === 'recurring' || kind === 'recurring-undated') {
        result.billing = { type: 'recurring', period: pick(['month', 'quarter', 'year'] as const) };
      }
      if (kind === 'recurring') {
        const start = new Date(Date.UTC(2026, int(0, 11), int(1, 31)));
        const end = new Date(start.getTime() + int(27, 800) * 86_400_000);
        result.startDate = start.toISOString().slice(0, 10);
        result.endDate = end.toISOString().slice(0, 10);
        discountCap = Math.floor(discountCap / 20); // the shortest term is ≥ 28/372 of a year
      }
      if (kind === 'usage') result.billing = 'usage';
      if (random() < 0.4) result.discount = decimal(int(0, discountCap));
      const taxCode = pick(['A', 'B', 'C', 'Z', undefined] as const);
      if (taxCode) result.taxCode = taxCode;
      return result;
    });
    const settings: InvoiceSettings = { taxRates: RATES, ...(random() < 0.5 ? { defaultTaxCode: 'B' } : {}) };
    const order = orderOf(items, { id: `ORD-G${n}`, currency });
    // Pick an order discount that fits: up to the amount left after line discounts (sometimes all of it).
    const undiscounted = buildInvoice(order, settings, { id: 'probe' });
    const room = parseMoney(undiscounted.subtotal, currency) - parseMoney(undiscounted.discount, currency);
    const roomUnits = Math.floor(room / scale);
    const roll = random();
    if (roll < 0.1) order.discount = decimal(roomUnits);
    else if (roll < 0.6) order.discount = decimal(int(0, roomUnits));
    return { order, settings };
  }

  it('lines always sum exactly to the totals', () => {
    const random = mulberry32(20261123);
    let checkedLines = 0;
    const seen = { orderDiscount: 0, wholeAmountDiscounted: 0, proratedTerm: 0, usage: 0, taxed: 0, zeroDigitCurrency: 0 };
    for (let n = 0; n < 200; n++) {
      const { order: generated, settings } = generateOrder(random, n);
      const order = validateOrder(generated); // a validated order always invoices
      const invoice = buildInvoice(order, settings, { id: `INV-G${n}`, kind: n % 5 === 0 ? 'creditMemo' : 'invoice' });
      Invoice.parse(invoice);
      const money = (text: string) => parseMoney(text, invoice.currency);
      const lines = invoice.lines.map((l) => ({ ...l, gross: money(l.gross), discount: money(l.discount), amount: money(l.amount), tax: money(l.tax) }));
      const context = `order ${n}: ${JSON.stringify(order)}`;

      assert.equal(sumMinor(lines.flatMap((l) => [l.amount, l.tax])), money(invoice.total), context);
      assert.equal(sumMinor(lines.map((l) => l.gross)), money(invoice.subtotal), context);
      assert.equal(sumMinor(lines.map((l) => l.discount)), money(invoice.discount), context);
      assert.equal(sumMinor(lines.map((l) => l.tax)), money(invoice.tax), context);
      assert.equal(money(invoice.subtotal) - money(invoice.discount) + money(invoice.tax), money(invoice.total), context);
      for (const l of lines) {
        assert.equal(l.gross - l.discount, l.amount, context);
        assert.ok(l.amount >= 0 && l.tax >= 0 && l.discount >= 0, context);
      }

      // The order discount is exactly what the lines received beyond their own discounts.
      const ownDiscounts = sumMinor(order.items.map((i) => (i.discount && i.billing !== 'usage' ? money(i.discount) : 0)));
      assert.equal(money(invoice.discount) - ownDiscounts, order.discount ? money(order.discount) : 0, context);

      // Tax per code: rounded once on the code's total, and each line within one minor unit of its exact share.
      const codes = new Set(lines.map((l) => l.taxCode).filter((code): code is string => code !== null));
      for (const code of codes) {
        const ofCode = lines.filter((l) => l.taxCode === code);
        const base = BigInt(sumMinor(ofCode.map((l) => l.amount)));
        const [whole, fraction = ''] = RATES[code].split('.');
        const expected = divideRounded(base * BigInt(whole + fraction), 10n ** BigInt(fraction.length));
        assert.equal(BigInt(sumMinor(ofCode.map((l) => l.tax))), expected, context);
        for (const l of ofCode) {
          if (base === 0n) continue;
          const gap = BigInt(l.tax) * base - expected * BigInt(l.amount); // (tax − exact share) × base
          assert.ok(gap < base && gap > -base, context);
        }
      }
      assert.deepEqual(buildInvoice(order, settings, { id: `INV-G${n}`, kind: invoice.kind }), invoice, 'deterministic');
      checkedLines += lines.length;
      if (order.discount && money(order.discount) > 0) seen.orderDiscount++;
      if (lines.every((l) => l.amount === 0) && money(invoice.subtotal) > 0) seen.wholeAmountDiscounted++;
      if (order.items.some((i) => i.startDate && typeof i.billing === 'object')) seen.proratedTerm++;
      if (order.items.some((i) => i.billing === 'usage')) seen.usage++;
      if (money(invoice.tax) > 0) seen.taxed++;
      if (invoice.currency === 'JPY') seen.zeroDigitCurrency++;
    }
    // The generator must keep reaching the cases that matter, or the invariant proves little.
    assert.ok(checkedLines > 600, `lines: ${checkedLines}`);
    for (const [what, count] of Object.entries(seen)) assert.ok(count >= 10, `only ${count} generated orders with ${what}`);
  });
});
