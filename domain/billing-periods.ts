import { z } from 'zod';
import { addMonths, civilFromDayNumber, dayNumber, formatIsoDate, parseIsoDate, type CivilDate } from './civil-date';
import { IsoDate, type OrderItem } from './order';
import { InvalidInput } from './problems';
import { MONTHS_PER_PERIOD, reduced } from './proration';

/**
 * The billing periods of a recurring item over time (DESIGN.md Billing, "Over time"): billed in advance on the
 * anniversary. Period n starts on the (n−1)·k-th monthly anniversary of the start date (k = 1, 3, 12 for month,
 * quarter, year), counted from the start date each time and clamped to a shorter month's last day, so a Jan 31
 * start bills Feb 29/28, Mar 31, Apr 30, May 31. A period ends the day before the next anniversary, or on the
 * term's end date for the last, partial period, whose fraction is its days over the days of the full period it
 * belongs to (from its start to the anniversary after it). Dates are end-inclusive, like terms.
 */

export const BillingFraction = z.strictObject({
  numerator: z.number().int().nonnegative(),
  denominator: z.number().int().positive(),
});

export const BillingPeriod = z.strictObject({
  /** 1 for the period starting on the start date, then 2, 3, …: the same period always has the same index. */
  index: z.number().int().positive(),
  start: IsoDate,
  /** The period's last day (inclusive). */
  end: IsoDate,
  /** In advance: the period's first day. */
  billDate: IsoDate,
  /** The share of the period's unit price billed: 1 for a full period, days / days of the full period otherwise. */
  fraction: BillingFraction,
});
export type BillingPeriod = z.infer<typeof BillingPeriod>;

/**
 * What the periods of an item are computed from: its anniversary day, its period, and the day after its term (none:
 * evergreen). `from` clips the periods to the item's own first day when its anniversary is another item's (co-terming,
 * domain/subscription.ts): the period keeps its index and its full length, its start and fraction are clipped.
 */
export interface RecurringTerm {
  start: CivilDate;
  monthsPerPeriod: number;
  /** Day number of the item's first day when it starts after `start` (an add-on co-termed on the anchor). */
  from?: number;
  /** Day number of the day after the end date; undefined for an item without an end date. */
  endExclusive?: number;
}

/** The term of a recurring item, or InvalidInput naming the field (billing, startDate, endDate) and the fix. */
function recurringTerm(item: OrderItem): RecurringTerm {
  const subject = `billing periods of item ${item.id}`;
  const billing = item.billing;
  if (billing === undefined || typeof billing === 'string') {
    throw new InvalidInput(subject, [
      {
        path: 'billing',
        message: `item ${item.id} is billed ${billing ?? 'one-time'}, so it has no billing periods`,
        fix: 'give it billing { "type": "recurring", "period": "month" | "quarter" | "year" }',
      },
    ]);
  }
  if (item.startDate === undefined) {
    throw new InvalidInput(subject, [
      { path: 'startDate', message: `recurring item ${item.id} has no start date to bill from`, fix: 'give it a startDate (YYYY-MM-DD)' },
    ]);
  }
  const start = parseIsoDate(item.startDate, 'startDate');
  const monthsPerPeriod = MONTHS_PER_PERIOD[billing.period];
  if (item.endDate === undefined) return { start, monthsPerPeriod };
  const endExclusive = dayNumber(parseIsoDate(item.endDate, 'endDate')) + 1;
  if (endExclusive <= dayNumber(start)) {
    throw new InvalidInput(subject, [
      { path: 'endDate', message: `${item.endDate} is before the start date ${item.startDate}`, fix: 'give an end date on or after the start date' },
    ]);
  }
  return { start, monthsPerPeriod, endExclusive };
}

/**
 * Period `index` of the term, or undefined when the term ends before it starts; null when the period ends before a
 * clipped term (`from`) begins. The fraction is the clipped days over the full period's days.
 */
export function periodOfTerm(term: RecurringTerm, index: number): BillingPeriod | undefined | null {
  const fullFirst = dayNumber(addMonths(term.start, (index - 1) * term.monthsPerPeriod));
  const next = dayNumber(addMonths(term.start, index * term.monthsPerPeriod));
  const first = term.from === undefined ? fullFirst : Math.max(fullFirst, term.from);
  if (term.endExclusive !== undefined && first >= term.endExclusive) return undefined;
  if (first >= next) return null;
  const endExclusive = term.endExclusive === undefined ? next : Math.min(next, term.endExclusive);
  const start = formatIsoDate(civilFromDayNumber(first));
  return {
    index,
    start,
    end: formatIsoDate(civilFromDayNumber(endExclusive - 1)),
    billDate: start,
    fraction: reduced(endExclusive - first, next - fullFirst),
  };
}

function checkIndex(name: string, value: number, least: number): void {
  if (!Number.isSafeInteger(value) || value < least) throw new RangeError(`${name} must be an integer of at least ${least}, got ${value}`);
}

/** Period `index` (1-based) of a recurring item, or undefined past the end of its term. */
export function billingPeriodAt(item: OrderItem, index: number): BillingPeriod | undefined {
  checkIndex('index', index, 1);
  return periodOfTerm(recurringTerm(item), index) ?? undefined;
}

/** Every billing period of a recurring item with both term dates, in order. */
export function billingPeriods(item: OrderItem): BillingPeriod[] {
  const term = recurringTerm(item);
  if (term.endExclusive === undefined) {
    throw new InvalidInput(`billing periods of item ${item.id}`, [
      {
        path: 'endDate',
        message: `item ${item.id} has no end date, so its periods never end`,
        fix: 'give it an endDate, or ask for the periods due by a date (periodsDueBy)',
      },
    ]);
  }
  const periods: BillingPeriod[] = [];
  for (let index = 1; ; index += 1) {
    const period = periodOfTerm(term, index);
    if (!period) return periods;
    periods.push(period);
  }
}

/**
 * The periods of a recurring item billed on or before `asOf` (YYYY-MM-DD) that are not billed yet: those after
 * period `billedThrough` (0: none billed). A scheduler that runs late gets every missed period, once each; one
 * that runs twice with the index it recorded gets nothing the second time. Works for items without an end date.
 */
export function periodsDueBy(item: OrderItem, asOf: string, billedThrough = 0): BillingPeriod[] {
  checkIndex('billedThrough', billedThrough, 0);
  const term = recurringTerm(item);
  const asOfDay = dayNumber(parseIsoDate(asOf, 'asOf'));
  const due: BillingPeriod[] = [];
  for (let index = billedThrough + 1; ; index += 1) {
    const period = periodOfTerm(term, index);
    if (!period || dayNumber(parseIsoDate(period.billDate, 'billDate')) > asOfDay) return due;
    due.push(period);
  }
}
