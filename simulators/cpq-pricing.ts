import { divideRounded, formatMoney, toSafeMinor } from '../domain/money';
import type { DiscountSchedule, PriceBookEntry, PriceRule } from './cpq-pricing-config';
import type { Account } from './cpq-records';
import { HttpError } from './http';
import { moneyField } from './money-field';

/**
 * How CPQ prices a quote line. One rounding rule, applied once per line:
 *
 *   unitPrice = round(start × Π(1 − percentOff/100))   half away from zero, to the cent, ONCE
 *   total     = unitPrice × quantity − discount         exact (the line's own total)
 *
 * The quote's money (subtotal, discounts, tax, total) is not summed here: it is the channels' one totals function
 * run on the lines as priced (cpq-totals.ts).
 *
 * `start` is the given unitPrice, else the price book's list price. The percentages are the discount
 * schedule tier the quantity reaches, then every price rule for the product (for the quote's account or for
 * all). A quote priced `source` (the connector's) skips all of it: its unit prices are kept exactly, so the
 * twin's total equals the storefront's to the cent. Arithmetic is in integer cents (domain/money).
 */

export interface PricingConfig {
  priceBook: readonly PriceBookEntry[];
  discountSchedules: readonly DiscountSchedule[];
  priceRules: readonly PriceRule[];
}

export interface LineToPrice {
  product: string;
  quantity: number;
  unitPrice?: string;
  discount?: string;
}

export interface PricedLine {
  listPrice: string;
  unitPrice: string;
  adjustments: { kind: 'discountSchedule' | 'priceRule'; id: string; percentOff: string }[];
  total: string;
}

export function findPriceBookEntry(config: PricingConfig, product: string): PriceBookEntry | undefined {
  return config.priceBook.find((entry) => entry.product === product);
}

/** Prices one line; `field` is where the line is in the request (`lines[2]`), for errors. */
export function priceLine(
  line: LineToPrice,
  options: { pricing: 'cpq' | 'source'; account: Account; currency: string; config: PricingConfig; field: string },
): PricedLine {
  const { config, currency, field } = options;
  const entry = findPriceBookEntry(config, line.product);
  if (!entry) {
    throw new HttpError(422, 'unknown-product', `${field}.product: CPQ has no product "${line.product}" in its price book; add it with PUT /cpq/products or fix the product code`, {
      field: `${field}.product`,
    });
  }
  const money = (text: string, at: string) => moneyField(text, currency, at);

  let unitMinor: number;
  const adjustments: PricedLine['adjustments'] = [];
  if (options.pricing === 'source') {
    if (line.unitPrice === undefined) {
      throw new HttpError(400, 'invalid-request', `${field}.unitPrice: a quote priced "source" keeps the given prices, so every line needs its unitPrice`, {
        field: `${field}.unitPrice`,
      });
    }
    unitMinor = money(line.unitPrice, `${field}.unitPrice`);
  } else {
    const start = line.unitPrice === undefined ? money(entry.listPrice, `${field}.product`) : money(line.unitPrice, `${field}.unitPrice`);
    const tier = volumeTier(config.discountSchedules, line.product, line.quantity);
    if (tier) adjustments.push({ kind: 'discountSchedule', ...tier });
    for (const rule of config.priceRules) {
      if (rule.product === line.product && (rule.accountId === undefined || rule.accountId === options.account.id)) {
        adjustments.push({ kind: 'priceRule', id: rule.id, percentOff: rule.percentOff });
      }
    }
    unitMinor = applyPercentagesOnce(start, adjustments.map((adjustment) => adjustment.percentOff));
  }

  const gross = withinExactRange(() => toSafeMinor(BigInt(unitMinor) * BigInt(line.quantity)), `${field}.quantity`);
  const discount = line.discount === undefined ? 0 : money(line.discount, `${field}.discount`);
  if (discount > gross) {
    throw new HttpError(422, 'discount-exceeds-line', `${field}.discount: ${line.discount} is more than the line's ${formatMoney(gross, currency)}; a line total cannot be negative`, {
      field: `${field}.discount`,
    });
  }
  return {
    listPrice: entry.listPrice,
    unitPrice: formatMoney(unitMinor, currency),
    adjustments,
    total: formatMoney(gross - discount, currency),
  };
}

/** Money beyond what domain/money holds exactly is the request's fault: a 422 naming the field, not a 500. */
function withinExactRange<T>(compute: () => T, field: string): T {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new HttpError(422, 'amount-too-large', `${field}: ${error.message}; split the sale into smaller lines or quotes`, { field });
  }
}

/** The tier of the product's discount schedule that the quantity reaches (the highest one), if any. */
function volumeTier(schedules: readonly DiscountSchedule[], product: string, quantity: number) {
  const schedule = schedules.find((candidate) => candidate.product === product);
  if (!schedule) return undefined;
  const reached = schedule.tiers.filter((tier) => quantity >= tier.minQuantity);
  if (reached.length === 0) return undefined;
  const tier = reached.reduce((best, candidate) => (candidate.minQuantity > best.minQuantity ? candidate : best));
  return { id: schedule.id, percentOff: tier.percentOff };
}

/** start × Π(1 − p/100), computed exactly and rounded once (percentages have at most 2 places). */
function applyPercentagesOnce(startMinor: number, percentages: readonly string[]): number {
  let numerator = BigInt(startMinor);
  let denominator = 1n;
  for (const percent of percentages) {
    const [whole = '0', fraction = ''] = percent.split('.');
    const basisPoints = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
    numerator *= 10000n - basisPoints;
    denominator *= 10000n;
  }
  return toSafeMinor(divideRounded(numerator, denominator));
}
