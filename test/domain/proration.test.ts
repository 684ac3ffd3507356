import assert from 'node:assert/strict';
import { InvalidInput } from '../../domain/problems';
import { splitTerm, termInPeriods } from '../../domain/proration';

describe('proration (Monthly + Daily)', () => {
  it('counts an end-inclusive year from the 1st as exactly 12 months', () => {
    assert.deepEqual(splitTerm('2026-12-01', '2027-11-30'), { months: 12, days: 0, daysInPartialMonth: 31 });
    assert.deepEqual(termInPeriods('2026-12-01', '2027-11-30', 'month'), { numerator: 12, denominator: 1 });
    assert.deepEqual(termInPeriods('2026-12-01', '2027-11-30', 'quarter'), { numerator: 4, denominator: 1 });
    assert.deepEqual(termInPeriods('2026-12-01', '2027-11-30', 'year'), { numerator: 1, denominator: 1 });
  });

  it('adds the remaining days as a fraction of the month they fall in', () => {
    // Oct 1..Oct 31 is one month; Nov 1..Nov 15 is 15 of November's 30 days.
    assert.deepEqual(splitTerm('2026-10-01', '2026-11-15'), { months: 1, days: 15, daysInPartialMonth: 30 });
    assert.deepEqual(termInPeriods('2026-10-01', '2026-11-15', 'month'), { numerator: 3, denominator: 2 });
    // 1 month + 15/28 of February, in quarters
    assert.deepEqual(termInPeriods('2026-01-01', '2026-02-15', 'quarter'), { numerator: 43, denominator: 84 });
  });

  it('uses the billing month from the last anniversary for a mid-month start', () => {
    // Jan 15 → Feb 15 is one month; Feb 15..Mar 5 is 19 days of the 28-day month Feb 15 → Mar 15.
    assert.deepEqual(splitTerm('2026-01-15', '2026-03-05'), { months: 1, days: 19, daysInPartialMonth: 28 });
    assert.deepEqual(termInPeriods('2026-01-15', '2026-03-05', 'month'), { numerator: 47, denominator: 28 });
  });

  it('clamps month-end starts to the end of shorter months', () => {
    // Jan 31 + 1 month = Feb 28, so Jan 31..Feb 27 is exactly one month.
    assert.deepEqual(termInPeriods('2027-01-31', '2027-02-27', 'month'), { numerator: 1, denominator: 1 });
    // In a leap year Jan 31 + 1 month = Feb 29.
    assert.deepEqual(termInPeriods('2028-01-31', '2028-02-28', 'month'), { numerator: 1, denominator: 1 });
    // Anniversaries come from the start date, not from each other: Jan 31 → Feb 28 → Mar 31.
    assert.deepEqual(termInPeriods('2027-01-31', '2027-03-30', 'month'), { numerator: 2, denominator: 1 });
    // Jan 31 → Feb 28 is one month, then Feb 28..Mar 15 is 16 days of the 31-day month Feb 28 → Mar 31.
    assert.deepEqual(splitTerm('2027-01-31', '2027-03-15'), { months: 1, days: 16, daysInPartialMonth: 31 });
    assert.deepEqual(termInPeriods('2027-01-31', '2027-03-15', 'month'), { numerator: 47, denominator: 31 });
    // Feb 29 + 12 months = Feb 28 of the next year.
    assert.deepEqual(termInPeriods('2024-02-29', '2025-02-27', 'year'), { numerator: 1, denominator: 1 });
  });

  it('prorates terms shorter than a month by days', () => {
    assert.deepEqual(termInPeriods('2026-02-01', '2026-02-01', 'month'), { numerator: 1, denominator: 28 });
    assert.deepEqual(termInPeriods('2026-04-01', '2026-04-15', 'month'), { numerator: 1, denominator: 2 });
    assert.deepEqual(termInPeriods('2026-04-01', '2026-04-15', 'year'), { numerator: 1, denominator: 24 });
  });

  it('handles long terms across years', () => {
    // 2026-03-01..2029-02-28 is 36 months
    assert.deepEqual(termInPeriods('2026-03-01', '2029-02-28', 'year'), { numerator: 3, denominator: 1 });
    // 2026-03-01..2029-03-10 is 36 months and 10 of March's 31 days
    assert.deepEqual(termInPeriods('2026-03-01', '2029-03-10', 'month'), { numerator: 36 * 31 + 10, denominator: 31 });
  });

  it('refuses an end before the start, and dates that do not exist', () => {
    assert.throws(
      () => termInPeriods('2026-12-01', '2026-11-30', 'month'),
      (error: unknown) => error instanceof InvalidInput && error.problems[0].path === 'endDate',
    );
    assert.throws(
      () => termInPeriods('2026-02-30', '2026-03-30', 'month'),
      (error: unknown) => error instanceof InvalidInput && error.problems[0].path === 'startDate',
    );
  });
});
