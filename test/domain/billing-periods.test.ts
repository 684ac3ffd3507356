import assert from 'node:assert/strict';
import { billingPeriodAt, billingPeriods, periodsDueBy } from '../../domain/billing-periods';
import type { OrderItem } from '../../domain/order';
import { termInPeriods } from '../../domain/proration';
import { problemPaths } from './fixtures';

type Period = 'month' | 'quarter' | 'year';

function recurring(period: Period, startDate: string, endDate?: string): OrderItem {
  return { id: 'SUB-1', product: 'SEAT', quantity: 1, unitPrice: '10.00', startDate, endDate, billing: { type: 'recurring', period } };
}

/** Start, end, fraction of each period: what the tests write by hand. */
function spans(periods: { start: string; end: string; fraction: { numerator: number; denominator: number } }[]) {
  return periods.map((p) => [p.start, p.end, `${p.fraction.numerator}/${p.fraction.denominator}`]);
}

describe('billing periods (in advance, on the anniversary)', () => {
  it('bills a Jan 31 start on Feb 29 of a leap year, Apr 30 of a 30-day month, and back on the 31st', () => {
    // Anniversaries from 2028-01-31: Feb 31 → Feb 29 (2028 is a leap year), Mar 31, Apr 31 → Apr 30, May 31, Jun 30.
    // Each period ends the day before the next anniversary; the term ends the day before the 5th, so all are whole.
    const periods = billingPeriods(recurring('month', '2028-01-31', '2028-06-29'));
    assert.deepEqual(spans(periods), [
      ['2028-01-31', '2028-02-28', '1/1'],
      ['2028-02-29', '2028-03-30', '1/1'],
      ['2028-03-31', '2028-04-29', '1/1'],
      ['2028-04-30', '2028-05-30', '1/1'],
      ['2028-05-31', '2028-06-29', '1/1'],
    ]);
    assert.deepEqual(periods.map((p) => p.index), [1, 2, 3, 4, 5]);
    assert.deepEqual(periods.map((p) => p.billDate), periods.map((p) => p.start), 'billed in advance: on the first day');
  });

  it('bills Feb 28 in a common year, and prorates a partial leap February by the days of its full period', () => {
    assert.deepEqual(billingPeriodAt(recurring('month', '2027-01-31'), 2)?.start, '2027-02-28');
    // 2028-02-29..2028-03-15 is 16 days (Feb 29 + Mar 1..15) of the full period Feb 29 → Mar 31, 31 days: 16/31.
    assert.deepEqual(spans(billingPeriods(recurring('month', '2028-01-31', '2028-03-15'))), [
      ['2028-01-31', '2028-02-28', '1/1'],
      ['2028-02-29', '2028-03-15', '16/31'],
    ]);
  });

  it('starts mid-month periods on the start day and bills 13 months and 5 days as 13 periods plus 5/28', () => {
    const periods = billingPeriods(recurring('month', '2026-01-15', '2027-02-19'));
    assert.equal(periods.length, 14);
    assert.deepEqual(spans(periods.slice(0, 2)), [
      ['2026-01-15', '2026-02-14', '1/1'],
      ['2026-02-15', '2026-03-14', '1/1'],
    ]);
    // Period 13 is 2027-01-15..2027-02-14. The last: Feb 15..19 is 5 days of Feb 15 → Mar 15 (2027: 28 days).
    assert.deepEqual(spans(periods.slice(12)), [
      ['2027-01-15', '2027-02-14', '1/1'],
      ['2027-02-15', '2027-02-19', '5/28'],
    ]);
  });

  it('bills a year per period, prorating the partial last year by its days over the full year (366 across a leap day)', () => {
    assert.deepEqual(spans(billingPeriods(recurring('year', '2026-12-01', '2029-11-30'))), [
      ['2026-12-01', '2027-11-30', '1/1'],
      ['2027-12-01', '2028-11-30', '1/1'],
      ['2028-12-01', '2029-11-30', '1/1'],
    ]);
    // 2027-03-10..2027-06-09: Mar 10..31 = 22, Apr 30, May 31, Jun 1..9 = 9 → 92 days.
    // Its full year 2027-03-10 → 2028-03-10 holds Feb 29 2028: 366 days. 92/366 = 46/183.
    assert.deepEqual(spans(billingPeriods(recurring('year', '2026-03-10', '2027-06-09'))), [
      ['2026-03-10', '2027-03-09', '1/1'],
      ['2027-03-10', '2027-06-09', '46/183'],
    ]);
  });

  it('bills quarters every 3 months from the start date, clamping and coming back to the start day', () => {
    // From 2026-11-30: + 3 months = Feb 30 → 2027-02-28, + 6 = 2027-05-30 (not May 28), + 9 = 2027-08-30.
    assert.deepEqual(spans(billingPeriods(recurring('quarter', '2026-11-30', '2027-08-29'))), [
      ['2026-11-30', '2027-02-27', '1/1'],
      ['2027-02-28', '2027-05-29', '1/1'],
      ['2027-05-30', '2027-08-29', '1/1'],
    ]);
    // Ending 2027-06-30: the third quarter runs May 30..Jun 30 = 2 + 30 = 32 days of its full quarter
    // May 30 → Aug 30 = 31 + 30 + 31 = 92 days: 32/92 = 8/23.
    assert.deepEqual(spans(billingPeriods(recurring('quarter', '2026-11-30', '2027-06-30')).slice(2)), [['2027-05-30', '2027-06-30', '8/23']]);
  });

  it('gives a one-day term one day of its month', () => {
    // 2026-02-01..2026-02-01: 1 day of Feb 1 → Mar 1, 28 days.
    assert.deepEqual(spans(billingPeriods(recurring('month', '2026-02-01', '2026-02-01'))), [['2026-02-01', '2026-02-01', '1/28']]);
  });
});

describe('periodsDueBy (the scheduler)', () => {
  const monthly = recurring('month', '2026-01-15', '2026-12-14');

  it('bills every period a late scheduler missed, once each', () => {
    // Period 1 (Jan 15) is billed; the scheduler next runs on Apr 20, after the bill dates Feb 15, Mar 15 and Apr 15.
    const due = periodsDueBy(monthly, '2026-04-20', 1);
    assert.deepEqual(due.map((p) => [p.index, p.billDate]), [
      [2, '2026-02-15'],
      [3, '2026-03-15'],
      [4, '2026-04-15'],
    ]);
    // Run again the same day with what it recorded: nothing twice. The day before the next bill date: still nothing.
    assert.deepEqual(periodsDueBy(monthly, '2026-04-20', 4), []);
    assert.deepEqual(periodsDueBy(monthly, '2026-05-14', 4), []);
    assert.deepEqual(periodsDueBy(monthly, '2026-05-15', 4).map((p) => p.index), [5]);
  });

  it('counts the bill date itself as due, and nothing before the start', () => {
    assert.deepEqual(periodsDueBy(monthly, '2026-01-14'), []);
    assert.deepEqual(periodsDueBy(monthly, '2026-01-15').map((p) => p.index), [1]);
  });

  it('ends with the term, and runs on for an item without an end date', () => {
    // The term 2026-01-15..2026-12-14 is 11 whole months: periods 1..11, none after.
    assert.deepEqual(periodsDueBy(monthly, '2030-01-01', 9).map((p) => p.index), [10, 11]);
    assert.deepEqual(periodsDueBy(recurring('month', '2026-01-15'), '2027-01-15', 12).map((p) => [p.index, p.start, p.end]), [
      [13, '2027-01-15', '2027-02-14'],
    ]);
  });

  it('splits the periods between runs exactly: what two runs bill is what one run would', () => {
    const all = billingPeriods(monthly);
    const first = periodsDueBy(monthly, '2026-06-01');
    const second = periodsDueBy(monthly, '2026-12-31', first[first.length - 1].index);
    assert.deepEqual([...first, ...second], all);
  });
});

describe('billing period problems', () => {
  it('names the field and the fix', () => {
    const oneTime: OrderItem = { id: 'HW-1', product: 'LAPTOP', quantity: 1, unitPrice: '10.00' };
    assert.deepEqual(problemPaths(() => billingPeriods(oneTime)), ['billing']);
    assert.deepEqual(problemPaths(() => billingPeriods({ ...recurring('month', '2026-01-01'), startDate: undefined })), ['startDate']);
    assert.deepEqual(problemPaths(() => billingPeriods(recurring('month', '2026-01-01'))), ['endDate']);
    assert.deepEqual(problemPaths(() => billingPeriods(recurring('month', '2026-02-01', '2026-01-31'))), ['endDate']);
    assert.deepEqual(problemPaths(() => periodsDueBy(recurring('month', '2026-02-01'), '2026-02-30')), ['asOf']);
  });
});

describe('billing periods and the up-front Monthly + Daily proration', () => {
  /** Σ fractions as an exact a/b, compared by cross-multiplying. */
  function sameTotal(periods: { fraction: { numerator: number; denominator: number } }[], expected: { numerator: number; denominator: number }) {
    let numerator = 0n;
    let denominator = 1n;
    for (const { fraction } of periods) {
      numerator = numerator * BigInt(fraction.denominator) + BigInt(fraction.numerator) * denominator;
      denominator *= BigInt(fraction.denominator);
    }
    return numerator * BigInt(expected.denominator) === BigInt(expected.numerator) * denominator;
  }

  it('agree for monthly items: the periods of a term add up to the months the up-front invoice bills', () => {
    const starts = ['2026-01-01', '2026-01-15', '2026-01-31', '2027-01-31', '2026-02-28', '2028-02-29', '2026-11-30'];
    const ends = ['2026-03-15', '2027-02-19', '2027-02-28', '2028-02-28', '2028-03-30', '2029-01-30'];
    for (const startDate of starts) {
      for (const endDate of ends) {
        if (endDate < startDate) continue;
        const periods = billingPeriods(recurring('month', startDate, endDate));
        assert.ok(sameTotal(periods, termInPeriods(startDate, endDate, 'month')), `${startDate}..${endDate}`);
      }
    }
  });

  it('differ for a partial year: days over the full year, not months over 12', () => {
    // 2027-03-10..2027-06-09 as the 2nd year: 92/366 (see above); Monthly + Daily: 2026-03-10..2027-06-09 = 15 months = 15/12.
    const periods = billingPeriods(recurring('year', '2026-03-10', '2027-06-09'));
    assert.ok(!sameTotal(periods, termInPeriods('2026-03-10', '2027-06-09', 'year')));
    assert.ok(sameTotal(periods, { numerator: 366 + 92, denominator: 366 }));
  });
});
