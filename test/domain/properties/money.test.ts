import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allocateByQuota, allocateLargestRemainder, cumulativeShare, multiplyRate, parseRate } from '../../../domain/money';
import { rate } from './money-arbitraries';
import { check } from './run';

/**
 * The largest-remainder rule (domain/money.ts): allocations sum exactly; each part is within one minor unit of its
 * exact share (its floor or its ceiling); the units above the floors go to the largest fractional remainders, ties
 * to the earlier part. And cumulative shares: however a whole is taken apart in steps, the steps sum to the total.
 */

const total = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }));
const weights = fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(0), fc.integer({ min: 0, max: 1_000_000_000_000 })), { minLength: 1, maxLength: 12 });

/** Checks parts against exact quotas numerators[i] / denominator, for a total of `sum` (≥ 0). */
function assertLargestRemainder(parts: number[], numerators: bigint[], denominator: bigint, sum: bigint): void {
  assert.equal(parts.reduce((a, b) => a + BigInt(b), 0n), sum, 'parts do not sum to the total');
  const floors = numerators.map((n) => n / denominator);
  const remainders = numerators.map((n) => n % denominator);
  const raised: number[] = [];
  parts.forEach((part, i) => {
    const extra = BigInt(part) - floors[i];
    assert.ok(extra === 0n || (extra === 1n && remainders[i] > 0n), `part ${i} = ${part} is not the floor or ceiling of ${numerators[i]}/${denominator}`);
    if (extra === 1n) raised.push(i);
  });
  // Every raised part has a remainder at least as large as every part left at its floor (earlier wins a tie).
  for (const up of raised) {
    parts.forEach((_, down) => {
      if (raised.includes(down)) return;
      const beats = remainders[up] > remainders[down] || (remainders[up] === remainders[down] && up < down);
      assert.ok(beats || remainders[down] === 0n, `part ${up} (remainder ${remainders[up]}) got a unit before part ${down} (remainder ${remainders[down]})`);
    });
  }
}

describe('properties: the largest-remainder rule', () => {
  it('allocateLargestRemainder: exact sum, each part the floor or ceiling of its share, units to the largest remainders', () => {
    check(
      fc.property(total, weights, (amount, ws) => {
        const parts = allocateLargestRemainder(amount, ws);
        const weightSum = ws.reduce((a, b) => a + BigInt(b), 0n);
        const effective = weightSum === 0n ? ws.map(() => 1n) : ws.map(BigInt);
        const divisor = weightSum === 0n ? BigInt(ws.length) : weightSum;
        const magnitude = BigInt(Math.abs(amount));
        // A negative total is split by magnitude and negated.
        const magnitudes = parts.map((part) => (amount < 0 ? -part : part));
        assertLargestRemainder(magnitudes, effective.map((w) => magnitude * w), divisor, magnitude);
      }),
      500,
    );
  });

  it('allocateByQuota: a rounded tax total split by each line’s exact tax stays within a minor unit per line', () => {
    check(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: 1, maxLength: 12 }), rate, (amounts, r) => {
        const { numerator, denominator } = parseRate(r);
        const base = amounts.reduce((a, b) => a + b, 0);
        const codeTax = multiplyRate(base, r);
        const numerators = amounts.map((a) => BigInt(a) * numerator);
        assertLargestRemainder(allocateByQuota(codeTax, numerators, denominator), numerators, denominator, BigInt(codeTax));
      }),
      500,
    );
  });

  it('cumulativeShare: however the units are taken back in steps, the shares sum to the whole total', () => {
    check(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }), (amount, steps) => {
        const whole = steps.reduce((a, b) => a + b, 0);
        let before = 0;
        let sum = 0;
        for (const now of steps) {
          const share = cumulativeShare(amount, whole, before, now);
          // Each step is within a minor unit of its exact share amount × now / whole.
          const drift = BigInt(share) * BigInt(whole) - BigInt(amount) * BigInt(now);
          assert.ok((drift < 0n ? -drift : drift) < BigInt(whole), `step of ${now}/${whole} of ${amount} is ${share}`);
          sum += share;
          before += now;
        }
        assert.equal(sum, amount);
      }),
      500,
    );
  });
});
