import { addMonths, dayNumber, parseIsoDate } from './civil-date';
import { InvalidInput } from './problems';

/**
 * Proration by CPQ's "Monthly + Daily" precision, as DESIGN.md states it: count the whole months of the
 * term, then add the remaining days as a fraction of the month they fall in.
 *
 * Choices where the method leaves room:
 * - Terms are end-inclusive: 2026-12-01..2027-11-30 is exactly 12 months.
 * - Month anniversaries are counted from the start date each time and clamp to the month's last day
 *   (CPQ-style): a term starting Jan 31 has anniversaries Feb 28 (Feb 29 in a leap year), Mar 31, Apr 30, …
 *   A start on Feb 28 keeps the 28th (Mar 28, Apr 28): only days past a month's end clamp.
 * - "The month they fall in" is the billing month that holds the remaining days: from the last whole-month
 *   anniversary to the next one. For a term starting on the 1st that is exactly the calendar month; for a
 *   mid-month start it spans two calendar months, and it keeps the fraction below 1 for month-end starts
 *   (Jan 31 → Feb 28 + 31 days up to Mar 31), where a calendar month could not.
 * - The result is an exact fraction, so the invoice multiplies and rounds once.
 *
 * Dates are parsed arithmetically (no Date object, no clock): this runs inside workflow code.
 */

export type Period = 'month' | 'quarter' | 'year';

/** An exact non-negative rational number, in lowest terms. */
export interface Fraction {
  numerator: number;
  denominator: number;
}

export const MONTHS_PER_PERIOD: Readonly<Record<Period, number>> = { month: 1, quarter: 3, year: 12 };

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}

/** numerator / denominator in lowest terms. */
export function reduced(numerator: number, denominator: number): Fraction {
  const divisor = greatestCommonDivisor(numerator, denominator) || 1;
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

/** A term split into whole months and the remaining days, with the length of the month those days fall in. */
export interface TermBreakdown {
  months: number;
  days: number;
  daysInPartialMonth: number;
}

/** Splits the end-inclusive term startDate..endDate into whole months plus remaining days. */
export function splitTerm(startDate: string, endDate: string): TermBreakdown {
  const start = parseIsoDate(startDate, 'startDate');
  const end = parseIsoDate(endDate, 'endDate');
  const endExclusive = dayNumber(end) + 1;
  if (endExclusive <= dayNumber(start)) {
    throw new InvalidInput('term', [
      { path: 'endDate', message: `${endDate} is before the start date ${startDate}`, fix: 'give an end date on or after the start date' },
    ]);
  }
  // Start from the calendar-month difference and step to the exact count of anniversaries within the term.
  let months = Math.max(0, (end.year - start.year) * 12 + (end.month - start.month));
  while (months > 0 && dayNumber(addMonths(start, months)) > endExclusive) months -= 1;
  while (dayNumber(addMonths(start, months + 1)) <= endExclusive) months += 1;

  const lastAnniversary = dayNumber(addMonths(start, months));
  const nextAnniversary = dayNumber(addMonths(start, months + 1));
  return { months, days: endExclusive - lastAnniversary, daysInPartialMonth: nextAnniversary - lastAnniversary };
}

/** How many billing periods the end-inclusive term covers, as an exact fraction (Monthly + Daily). */
export function termInPeriods(startDate: string, endDate: string, period: Period): Fraction {
  const { months, days, daysInPartialMonth } = splitTerm(startDate, endDate);
  return reduced(months * daysInPartialMonth + days, daysInPartialMonth * MONTHS_PER_PERIOD[period]);
}
