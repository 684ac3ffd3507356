import assert from 'node:assert/strict';
import { InvalidInput } from '../../domain/problems';
import { rateUsage, usageByPeriod, UsageRecord, type UsagePrice } from '../../domain/usage';

const GRADUATED: UsagePrice = [
  { upTo: 1000, unitPrice: '0.10' },
  { upTo: null, unitPrice: '0.05' },
];

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidInput, `expected InvalidInput, got ${String(error)}`);
    return error.problems.map((problem) => [problem.path, problem.message]);
  }
  return assert.fail('expected InvalidInput');
}

describe('rateUsage', () => {
  it('prices per unit', () => {
    // 1234 × 0.10 = 123.40 → 12340 cents
    assert.equal(rateUsage(1234, '0.10', 'USD'), 12340);
    assert.equal(rateUsage(0, '0.10', 'USD'), 0);
  });

  it('prices graduated tiers, each tier the units inside it, across a boundary', () => {
    // 1500 units: 1000 × 0.10 = 100.00, then 500 × 0.05 = 25.00 → 125.00
    assert.equal(rateUsage(1500, GRADUATED, 'USD'), 12500);
    // At the boundary all 1000 units are in the first tier: 100.00; one more is 0.05 more.
    assert.equal(rateUsage(1000, GRADUATED, 'USD'), 10000);
    assert.equal(rateUsage(1001, GRADUATED, 'USD'), 10005);
    // Below the boundary only the first tier: 999 × 0.10 = 99.90
    assert.equal(rateUsage(999, GRADUATED, 'USD'), 9990);
  });

  it('sums sub-cent prices exactly and rounds once, half away from zero', () => {
    // 1 × 0.005 = 0.005 → 0.01
    assert.equal(rateUsage(1, '0.005', 'USD'), 1);
    // Two tiers of 0.004: 0.004 + 0.004 = 0.008 → 0.01 (rounding each tier first would give 0.00 + 0.00)
    assert.equal(rateUsage(2, [{ upTo: 1, unitPrice: '0.004' }, { upTo: null, unitPrice: '0.004' }], 'USD'), 1);
    // 100 × 0.0015 = 0.15, 900 × 0.0012 = 1.08, 333 × 0.001 = 0.333 → 1.563 → 1.56
    const threeTiers: UsagePrice = [
      { upTo: 100, unitPrice: '0.0015' },
      { upTo: 1000, unitPrice: '0.0012' },
      { upTo: null, unitPrice: '0.001' },
    ];
    assert.equal(rateUsage(1333, threeTiers, 'USD'), 156);
    // In fils (3 places): 1500 × 0.0015 = 2.250 KWD → 2250; in yen: 1500 × 0.5 = 750
    assert.equal(rateUsage(1500, '0.0015', 'KWD'), 2250);
    assert.equal(rateUsage(1500, '0.5', 'JPY'), 750);
  });

  it('names the bad field of a price or quantity', () => {
    assert.deepEqual(problemsOf(() => rateUsage(10, [{ upTo: 1000, unitPrice: '0.10' }, { upTo: 500, unitPrice: '0.05' }], 'USD')), [
      ['price[1].upTo', 'the last tier must have upTo null (no end), got 500'],
      ['price[1].upTo', "must be above the previous tier's upTo (1000)"],
    ]);
    assert.deepEqual(problemsOf(() => rateUsage(10, [{ upTo: null, unitPrice: '0.10' }, { upTo: null, unitPrice: '0.05' }], 'USD')).map(([path]) => path), [
      'price[0].upTo',
    ]);
    assert.deepEqual(problemsOf(() => rateUsage(-1, '0.10', 'USD')).map(([path]) => path), ['quantity']);
    assert.deepEqual(problemsOf(() => rateUsage(1, '0.1234567', 'USD')).map(([path]) => path), ['price']);
  });
});

describe('usageByPeriod', () => {
  const periods = [
    { index: 1, start: '2026-01-15', end: '2026-02-14' },
    { index: 2, start: '2026-02-15', end: '2026-03-14' },
  ];
  const record = (id: string, quantity: number, date: string, itemId = 'API'): UsageRecord => UsageRecord.parse({ id, itemId, quantity, date });

  it('sums records per item and period, counting a record sent twice once', () => {
    const usage = usageByPeriod(
      [
        record('U-1', 400, '2026-01-15'),
        record('U-2', 700, '2026-02-14'),
        record('U-2', 700, '2026-02-14'), // the meter retried: counted once
        record('U-3', 50, '2026-02-15'),
        record('U-4', 9, '2026-02-20', 'SMS'),
      ],
      periods,
    );
    // Period 1: 400 + 700 = 1100 (not 1800); period 2: 50; SMS period 2: 9.
    assert.deepEqual(usage.totals, [
      { itemId: 'API', periodIndex: 1, quantity: 1100 },
      { itemId: 'API', periodIndex: 2, quantity: 50 },
      { itemId: 'SMS', periodIndex: 2, quantity: 9 },
    ]);
    assert.deepEqual(usage.duplicates, ['U-2']);
    assert.deepEqual(usage.conflicts, []);
    // Rated: 1100 across the tier boundary = 1000 × 0.10 + 100 × 0.05 = 105.00
    assert.equal(rateUsage(usage.totals[0].quantity, GRADUATED, 'USD'), 10500);
  });

  it('counts the first of a repeated id with other content and reports the repeat; leaves dates outside the periods out', () => {
    const usage = usageByPeriod([record('U-1', 400, '2026-01-20'), record('U-1', 999, '2026-01-20'), record('U-9', 5, '2026-03-15')], periods);
    assert.deepEqual(usage.totals, [{ itemId: 'API', periodIndex: 1, quantity: 400 }]);
    assert.deepEqual(usage.duplicates, []);
    assert.deepEqual(usage.conflicts.map((problem) => problem.path), ['records[1]']);
    assert.deepEqual(usage.outside, ['U-9']);
  });
});
