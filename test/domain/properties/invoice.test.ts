import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildInvoice, type Invoice } from '../../../domain/invoice';
import { parseMoney, parseRate } from '../../../domain/money';
import { periodInvoice } from '../../../domain/period-invoice';
import { subscriptionDocument, type Charge } from '../../../domain/subscription-invoice';
import { validateOrder } from '../../../domain/validate-order';
import { billingPeriods } from '../../../domain/billing-periods';
import { invoiceableOrder, minorAmount, taxSettings, TAX_CODES } from './money-arbitraries';
import { check } from './run';

/**
 * Invoice lines always sum to the total (issue 12), for an order's invoice, a period invoice and a subscription's
 * documents: subtotal = Σ gross, discount = Σ discount, tax = Σ tax, total = Σ (amount + tax), each line's amount
 * = gross − discount, nothing negative. And tax rounding: per tax code the lines' tax is the code's total rounded
 * once (half away from zero), and no line's tax drifts a whole minor unit or more from its exact amount × rate.
 */

function minor(document: Invoice, text: string): number {
  return parseMoney(text, document.currency, 'amount');
}

function assertSums(document: Invoice): void {
  const m = (text: string) => minor(document, text);
  const sum = (pick: (line: Invoice['lines'][number]) => number) => document.lines.reduce((total, line) => total + pick(line), 0);
  for (const line of document.lines) {
    for (const field of ['gross', 'discount', 'amount', 'tax'] as const) assert.ok(m(line[field]) >= 0, `${line.orderItemId}.${field} ${line[field]} is negative`);
    assert.equal(m(line.amount), m(line.gross) - m(line.discount), `${line.orderItemId}: amount ≠ gross − discount`);
  }
  assert.equal(m(document.subtotal), sum((line) => m(line.gross)), 'subtotal ≠ Σ gross');
  assert.equal(m(document.discount), sum((line) => m(line.discount)), 'discount ≠ Σ discount');
  assert.equal(m(document.tax), sum((line) => m(line.tax)), 'tax ≠ Σ tax');
  assert.equal(m(document.total), sum((line) => m(line.amount) + m(line.tax)), 'total ≠ Σ (amount + tax)');
}

/** round(x) half away from zero, for x = numerator / denominator ≥ 0. */
function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

function assertTaxRounding(document: Invoice, rates: Record<string, string>): void {
  const byCode = new Map<string, { amount: bigint; tax: bigint }>();
  for (const line of document.lines) {
    const tax = BigInt(minor(document, line.tax));
    if (line.taxCode === null) {
      assert.equal(tax, 0n, `${line.orderItemId} has no tax code but is taxed ${line.tax}`);
      continue;
    }
    const { numerator, denominator } = parseRate(rates[line.taxCode]);
    const amount = BigInt(minor(document, line.amount));
    // |tax − amount × rate| < 1 minor unit, exactly: |tax × d − amount × n| < d.
    const drift = tax * denominator - amount * numerator;
    assert.ok((drift < 0n ? -drift : drift) < denominator, `${line.orderItemId}: tax ${line.tax} on ${line.amount} at ${rates[line.taxCode]} drifts a minor unit or more`);
    const code = byCode.get(line.taxCode) ?? { amount: 0n, tax: 0n };
    byCode.set(line.taxCode, { amount: code.amount + amount, tax: code.tax + tax });
  }
  for (const [code, { amount, tax }] of byCode) {
    const { numerator, denominator } = parseRate(rates[code]);
    assert.equal(tax, roundHalfUp(amount * numerator, denominator), `tax of ${code} is not round(Σ amount × rate) once`);
  }
}

describe('properties: invoice lines sum to the total', () => {
  it("an order's invoice: an order validateOrder accepts always invoices, and its lines sum", () => {
    check(
      fc.property(invoiceableOrder(), taxSettings, (generated, settings) => {
        let order;
        try {
          order = validateOrder(generated);
        } catch {
          return; // too large to bill exactly: refused at submission, as it should be
        }
        const invoice = buildInvoice(order, settings, { id: 'INV-ORD-P-1' });
        assertSums(invoice);
        assertTaxRounding(invoice, settings.taxRates);
        assert.equal(minor(invoice, invoice.discount), order.items.reduce((sum, item) => sum + (item.billing === 'usage' ? 0 : minor(invoice, item.discount ?? '0')), 0) + minor(invoice, order.discount ?? '0'));
      }),
      300,
    );
  });

  it('a period invoice of recurring items of an accepted order', () => {
    check(
      fc.property(invoiceableOrder({ recurringOnly: true }), taxSettings, fc.integer({ min: 1, max: 40 }), (generated, settings, wanted) => {
        let order;
        try {
          order = validateOrder(generated);
        } catch {
          return; // too large to bill exactly: refused at submission
        }
        const charges = order.items.flatMap((item) => {
          const periods = billingPeriods(item);
          return periods.length === 0 ? [] : [{ itemId: item.id, periodIndex: ((wanted - 1) % periods.length) + 1 }];
        });
        fc.pre(charges.length > 0);
        const invoice = periodInvoice(order, charges, settings, { id: 'INV-ORD-P-P1' });
        assertSums(invoice);
        assertTaxRounding(invoice, settings.taxRates);
      }),
      200,
    );
  });

  it("a subscription's document", () => {
    const charge: fc.Arbitrary<Omit<Charge, 'itemId'>> = fc.record({
      product: fc.constantFrom('SAAS-SEAT', 'API-CALLS'),
      quantity: fc.integer({ min: 1, max: 1000 }),
      unitPrice: minorAmount,
      amount: minorAmount,
      taxCode: fc.option(fc.constantFrom(...TAX_CODES), { nil: null }),
      period: fc.constant({ start: '2026-12-01', end: '2026-12-31' }),
    });
    check(
      fc.property(fc.array(charge, { minLength: 1, maxLength: 8 }), taxSettings, fc.constantFrom('USD', 'JPY'), (charges, settings, currency) => {
        const header = { id: 'INV-SUB-1-1', kind: 'invoice' as const, subscriptionId: 'SUB-1', orderId: 'ORD-P', accountId: 'ACME', currency };
        const document = subscriptionDocument(header, charges.map((c, i) => ({ ...c, itemId: `OI-${i + 1}` })), settings);
        if (document === undefined) {
          assert.ok(charges.every((c) => c.amount === 0), 'a document with money was dropped as totalling 0');
          return;
        }
        assertSums(document);
        assertTaxRounding(document, settings.taxRates);
      }),
      300,
    );
  });
});
