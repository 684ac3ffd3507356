import { periodOfTerm, type BillingPeriod, type RecurringTerm } from './billing-periods';
import { addMonths, civilFromDayNumber, dayNumber, formatIsoDate, parseIsoDate } from './civil-date';
import { MONTHS_PER_PERIOD } from './proration';

/**
 * The periods of a subscription's items, anchored on the subscription (co-terming, docs/billing.md "Subscriptions"):
 * period n of an item is the anchor's n-th period of the item's length (usage: monthly), clipped to the item's own
 * [startDate, endDate]. Reuses billing-periods.ts, so an item starting on the anchor has exactly its billingPeriods.
 */

/** The fields of a subscription item the periods depend on. */
export interface PeriodicItem {
  billing: 'one-time' | 'usage' | { type: 'recurring'; period: 'month' | 'quarter' | 'year' };
  startDate: string;
  endDate?: string;
}

export function isUsage(item: PeriodicItem): boolean {
  return item.billing === 'usage';
}

export function monthsPerPeriodOf(item: PeriodicItem): number {
  return typeof item.billing === 'object' ? MONTHS_PER_PERIOD[item.billing.period] : 1;
}

export function dayOf(date: string, path = 'date'): number {
  return dayNumber(parseIsoDate(date, path));
}

export function dateOf(day: number): string {
  return formatIsoDate(civilFromDayNumber(day));
}

function termOf(anchorDate: string, item: PeriodicItem): RecurringTerm {
  const start = parseIsoDate(anchorDate, 'anchorDate');
  const from = dayOf(item.startDate, 'startDate');
  return {
    start,
    monthsPerPeriod: monthsPerPeriodOf(item),
    from: from > dayNumber(start) ? from : undefined,
    endExclusive: item.endDate === undefined ? undefined : dayOf(item.endDate, 'endDate') + 1,
  };
}

/** The index of the anchor's period (of `monthsPerPeriod` months) holding `date`; 1 for dates before the anchor. */
export function anchorIndexOf(anchorDate: string, monthsPerPeriod: number, date: string): number {
  const anchor = parseIsoDate(anchorDate, 'anchorDate');
  const day = dayOf(date);
  const target = parseIsoDate(date, 'date');
  const months = (target.year - anchor.year) * 12 + (target.month - anchor.month);
  let index = Math.max(1, Math.floor(months / monthsPerPeriod) + 1);
  while (index > 1 && dayNumber(addMonths(anchor, (index - 1) * monthsPerPeriod)) > day) index -= 1;
  while (dayNumber(addMonths(anchor, index * monthsPerPeriod)) <= day) index += 1;
  return index;
}

/** The first period index of the item: the anchor's period holding its start date. */
export function firstIndexOf(anchorDate: string, item: PeriodicItem): number {
  return anchorIndexOf(anchorDate, monthsPerPeriodOf(item), item.startDate);
}

/** Period `index` of the item, clipped to its dates; undefined before its first or after its last period. */
export function itemPeriod(anchorDate: string, item: PeriodicItem, index: number): BillingPeriod | undefined {
  if (index < 1) return undefined;
  return periodOfTerm(termOf(anchorDate, item), index) ?? undefined;
}

/** When a period is billed: a recurring period on its first day (in advance), a usage period the day after its last (in arrears). */
export function billDateOf(item: PeriodicItem, period: BillingPeriod): string {
  return isUsage(item) ? dateOf(dayOf(period.end) + 1) : period.billDate;
}

/** The item's next period not billed yet (after `billedThrough`), or undefined when its term is over. */
export function nextPeriodOf(anchorDate: string, item: PeriodicItem & { billedThrough: number }): BillingPeriod | undefined {
  return itemPeriod(anchorDate, item, Math.max(item.billedThrough + 1, firstIndexOf(anchorDate, item)));
}
