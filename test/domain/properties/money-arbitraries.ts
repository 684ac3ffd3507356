import fc from 'fast-check';
import { priceItem } from '../../../domain/invoice';
import { formatMoney } from '../../../domain/money';
import { Order, type OrderItem } from '../../../domain/order';

/**
 * Generators for money: tax rates, priced items and whole orders that validate and invoice. Small by default
 * (a handful of lines, prices up to 100,000.00) with an occasional very large amount, since overflow is where
 * rounding code breaks.
 */

export const CURRENCIES = ['USD', 'EUR', 'JPY'] as const;
export const TAX_CODES = ['US-TX', 'US-CA', 'ZERO', 'ODD'] as const;

/** A decimal rate string, "0" to "0.3" with 0 to 6 places: "0.0825", "0.07", "0.123457". */
export const rate: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 300_000 }))
  .map(([places, millionths]) => {
    const value = Math.round(millionths / 10 ** (6 - places));
    const text = String(value).padStart(places + 1, '0');
    return places === 0 ? String(Math.min(value, 1)) : `${text.slice(0, -places)}.${text.slice(-places)}`;
  });

export const taxSettings = fc.record({
  taxRates: fc.record(Object.fromEntries(TAX_CODES.map((code) => [code, rate])) as Record<(typeof TAX_CODES)[number], fc.Arbitrary<string>>),
  defaultTaxCode: fc.option(fc.constantFrom(...TAX_CODES), { nil: undefined }),
}).map(({ taxRates, defaultTaxCode }) => (defaultTaxCode === undefined ? { taxRates } : { taxRates, defaultTaxCode }));

/** Minor units: mostly everyday amounts, sometimes zero, sometimes big. */
export const minorAmount: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 10_000_000 }) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 99_999_999_999 }) },
);

const isoDay = fc.integer({ min: 0, max: 3 * 365 }).map((days) => new Date(Date.UTC(2026, 0, 1) + days * 86_400_000).toISOString().slice(0, 10));

/** A term: start, and an end 1 day to 3 years later (end-inclusive, as orders write it). */
const term = fc.tuple(isoDay, fc.integer({ min: 0, max: 3 * 365 })).map(([startDate, length]) => ({
  startDate,
  endDate: new Date(Date.parse(`${startDate}T00:00:00Z`) + length * 86_400_000).toISOString().slice(0, 10),
}));

type Billing = NonNullable<OrderItem['billing']>;
const recurring: fc.Arbitrary<Billing> = fc.constantFrom('month', 'quarter', 'year').map((period) => ({ type: 'recurring' as const, period }));

export interface ItemShape {
  quantity: number;
  unitPrice: number;
  /** Line discount as a fraction (per mille) of what the line bills. */
  discountPerMille: number;
  taxCode: string | undefined;
  billing: Billing | undefined;
  term: { startDate: string; endDate: string } | undefined;
}

export const itemShape: fc.Arbitrary<ItemShape> = fc.record({
  quantity: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }) }),
  unitPrice: minorAmount,
  discountPerMille: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1000 })),
  taxCode: fc.option(fc.constantFrom(...TAX_CODES), { nil: undefined }),
  billing: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: recurring }, { weight: 1, arbitrary: fc.constant<Billing>('usage') }),
  term: fc.option(term, { nil: undefined }),
});

/** An order of 1–6 items (or `maxItems`) that validates and invoices: every discount fits what its line bills. */
export function invoiceableOrder(options: { maxItems?: number; recurringOnly?: boolean } = {}): fc.Arbitrary<Order> {
  return fc
    .record({
      currency: fc.constantFrom(...CURRENCIES),
      shapes: fc.array(itemShape, { minLength: 1, maxLength: options.maxItems ?? 6 }),
      orderDiscountPerMille: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1000 })),
    })
    .map(({ currency, shapes, orderDiscountPerMille }) => {
      const items: OrderItem[] = shapes.map((shape, i) => {
        const billing = options.recurringOnly ? (shape.billing && typeof shape.billing === 'object' ? shape.billing : { type: 'recurring' as const, period: 'month' as const }) : shape.billing;
        const money = (minor: number) => formatMoney(Math.min(minor, 999_999_999_999), currency);
        const base: OrderItem = {
          id: `OI-${i + 1}`,
          product: `P-${i % 3}`,
          quantity: shape.quantity,
          unitPrice: money(currency === 'JPY' ? Math.floor(shape.unitPrice / 100) : shape.unitPrice),
          ...(shape.taxCode !== undefined ? { taxCode: shape.taxCode } : {}),
          ...(billing !== undefined ? { billing } : {}),
          ...(shape.term !== undefined || options.recurringOnly ? (shape.term ?? { startDate: '2026-01-15', endDate: '2027-01-14' }) : {}),
        };
        const gross = safeGross(base, currency);
        if (gross === undefined) return { ...base, quantity: 1 };
        const discount = Math.floor((gross * shape.discountPerMille) / 1000);
        return discount > 0 ? { ...base, discount: formatMoney(Math.min(discount, 999_999_999_999), currency) } : base;
      });
      const nets = items.map((item, i) => safeNet(item, i, currency) ?? 0);
      const netTotal = nets.reduce((a, b) => a + b, 0);
      const orderDiscount = Math.min(Math.floor((netTotal * orderDiscountPerMille) / 1000), 999_999_999_999);
      return Order.parse({
        id: 'ORD-P',
        accountId: 'ACME',
        channel: 'cpq',
        currency,
        items,
        ...(orderDiscount > 0 ? { discount: formatMoney(orderDiscount, currency) } : {}),
      });
    });
}

function safeGross(item: OrderItem, currency: string): number | undefined {
  try {
    return priceItem({ ...item, discount: undefined }, 0, currency).gross;
  } catch {
    return undefined;
  }
}

function safeNet(item: OrderItem, index: number, currency: string): number | undefined {
  try {
    return priceItem(item, index, currency).net;
  } catch {
    return undefined;
  }
}
