import { z } from 'zod';
import { divideRounded, minorUnitDigits, toSafeMinor } from './money';
import { Identifier, IsoDate } from './order';
import { parseWith, type Problem } from './problems';
import { UsagePrice } from './usage-price';

/**
 * Rating and counting usage (DESIGN.md Billing, "Over time": usage bills in arrears per period).
 * A usage price is per unit ("0.10") or graduated tiers, each tier pricing the units inside it. Unit prices may
 * have up to 6 decimal places (a fraction of a cent per API call); the amount is summed exactly over the tiers
 * and rounded to the currency's minor unit once, half away from zero (domain/money).
 */

const PRICE_PLACES = 6;

export { UsagePrice, UsageTier, UsageUnitPrice } from './usage-price';


/** A usage quantity: whole units, so rating stays exact. */
const UsageQuantity = z.number({ error: 'must be a whole number of units' }).int('must be a whole number').nonnegative('must not be negative');

/** What a metering system posts for a usage item; `id` is its own, so a record sent twice is counted once. */
export const UsageRecord = z.strictObject({
  id: Identifier,
  /** The order item billed for usage. */
  itemId: Identifier,
  quantity: UsageQuantity,
  /** The day the usage happened (UTC): it is billed in the period holding that day. */
  date: IsoDate,
});
export type UsageRecord = z.infer<typeof UsageRecord>;

/**
 * A usage record as billing takes it (`POST /billing/usage`, `ordo usage post`): the record plus the account billed
 * and, when the item belongs to a subscription, its `subscriptionId`. The record's `id` is the meter's: counted once.
 */
export const UsagePosting = UsageRecord.extend({
  accountId: Identifier,
  subscriptionId: Identifier.optional(),
});
export type UsagePosting = z.infer<typeof UsagePosting>;

/** What rateUsage checks, so problems read `quantity` and `price[1].upTo`. */
const RatingInput = z.strictObject({ quantity: UsageQuantity, price: UsagePrice });

/** A decimal price as an integer count of 10⁻⁶ major units. */
function micros(price: string): bigint {
  const [whole, fraction = ''] = price.split('.');
  return BigInt(whole + fraction.padEnd(PRICE_PLACES, '0'));
}

/**
 * The amount of `quantity` units at `price`, in minor units of `currency`, exact: Σ over tiers of
 * (units in the tier × unit price), rounded once. Bad input is InvalidInput naming the field (`price[1].upTo`).
 */
export function rateUsage(quantity: number, price: UsagePrice, currency: string): number {
  const parsed = parseWith(RatingInput, { quantity, price }, 'usage rating').price;
  const units = BigInt(quantity);
  const tiers = typeof parsed === 'string' ? [{ upTo: null, unitPrice: parsed }] : parsed;
  let exactMicros = 0n;
  let below = 0n;
  for (const tier of tiers) {
    if (below >= units) break;
    const top = tier.upTo === null ? units : BigInt(Math.min(tier.upTo, quantity));
    exactMicros += (top - below) * micros(tier.unitPrice);
    below = top;
  }
  const minorPerMajor = 10n ** BigInt(minorUnitDigits(currency));
  return toSafeMinor(divideRounded(exactMicros * minorPerMajor, 10n ** BigInt(PRICE_PLACES)));
}

/** A span of days usage is summed over: a billing period's index and its end-inclusive dates. */
export interface UsagePeriod {
  index: number;
  start: string;
  end: string;
}

export interface UsageTotals {
  /** Per item and period with usage, in the order first seen: the quantity, each record id counted once. */
  totals: { itemId: string; periodIndex: number; quantity: number }[];
  /** Ids sent more than once with the same content: counted once, nothing wrong. */
  duplicates: string[];
  /** A repeated id whose content differs from its first record: the first is counted, the later ones are reported. */
  conflicts: Problem[];
  /** Records whose date is in none of the periods: not counted here. */
  outside: string[];
}

function sameRecord(a: UsageRecord, b: UsageRecord): boolean {
  return a.itemId === b.itemId && a.quantity === b.quantity && a.date === b.date;
}

/**
 * Sums usage records per item and period, counting each record id once: a meter that retries a post, or an intake
 * that receives it twice, never bills it twice. Pure: the same records give the same totals in any order of
 * repeats (the first record of an id wins).
 */
export function usageByPeriod(records: readonly UsageRecord[], periods: readonly UsagePeriod[]): UsageTotals {
  const firstById = new Map<string, UsageRecord>();
  const duplicates = new Set<string>();
  const conflicts: Problem[] = [];
  const outside: string[] = [];
  const totals = new Map<string, { itemId: string; periodIndex: number; quantity: number }>();
  records.forEach((record, index) => {
    const first = firstById.get(record.id);
    if (first) {
      if (sameRecord(first, record)) duplicates.add(record.id);
      else {
        conflicts.push({
          path: `records[${index}]`,
          message: `usage record ${record.id} was sent before with different content (${first.itemId}, ${first.quantity} on ${first.date}); the first is counted`,
          fix: 'give a corrected record a new id',
        });
      }
      return;
    }
    firstById.set(record.id, record);
    const period = periods.find((p) => p.start <= record.date && record.date <= p.end);
    if (!period) {
      outside.push(record.id);
      return;
    }
    const key = `${record.itemId}\u0000${period.index}`;
    const total = totals.get(key) ?? { itemId: record.itemId, periodIndex: period.index, quantity: 0 };
    total.quantity += record.quantity;
    if (!Number.isSafeInteger(total.quantity)) throw new RangeError(`usage of ${record.itemId} in period ${period.index} is beyond exact counting`);
    totals.set(key, total);
  });
  return { totals: [...totals.values()], duplicates: [...duplicates], conflicts, outside };
}
