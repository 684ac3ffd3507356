import assert from 'node:assert/strict';
import {
  allocateLargestRemainder,
  cumulativeShare,
  divideRounded,
  formatMoney,
  minorUnitDigits,
  multiplyRate,
  parseMoney,
  sameAmount,
  sumMinor,
} from '../../domain/money';
import { InvalidInput } from '../../domain/problems';

function problemOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidInput, `expected InvalidInput, got ${String(error)}`);
    assert.equal(error.problems.length, 1);
    return error.problems[0];
  }
  assert.fail('expected InvalidInput');
}

describe('money', () => {
  describe('minorUnitDigits', () => {
    it('knows zero-, two- and three-digit currencies', () => {
      assert.equal(minorUnitDigits('JPY'), 0);
      assert.equal(minorUnitDigits('KRW'), 0);
      assert.equal(minorUnitDigits('USD'), 2);
      assert.equal(minorUnitDigits('EUR'), 2);
      for (const code of ['BHD', 'KWD', 'JOD', 'OMR', 'TND']) assert.equal(minorUnitDigits(code), 3);
    });
  });

  describe('parseMoney', () => {
    it('reads decimal strings as minor units', () => {
      assert.equal(parseMoney('1499.00', 'USD'), 149900);
      assert.equal(parseMoney('1.5', 'USD'), 150);
      assert.equal(parseMoney('0.05', 'USD'), 5);
      assert.equal(parseMoney('7', 'USD'), 700);
      assert.equal(parseMoney('1499', 'JPY'), 1499);
      assert.equal(parseMoney('1.5', 'KWD'), 1500);
      assert.equal(parseMoney('-2.25', 'USD'), -225);
    });

    it('refuses more decimal places than the currency has, saying why and how to fix it', () => {
      const jpy = problemOf(() => parseMoney('1.50', 'JPY', 'items[0].unitPrice'));
      assert.equal(jpy.path, 'items[0].unitPrice');
      assert.equal(jpy.message, '"1.50" has 2 decimal places but JPY allows none');
      assert.equal(jpy.fix, 'JPY has no minor unit: give a whole amount');

      const zeros = problemOf(() => parseMoney('1500.00', 'JPY'));
      assert.equal(zeros.fix, 'write it as "1500"');

      const usd = problemOf(() => parseMoney('1.505', 'USD'));
      assert.equal(usd.message, '"1.505" has 3 decimal places but USD allows 2');
    });

    it('refuses text that is not a decimal amount', () => {
      for (const text of ['', 'abc', '1,50', '1.', '.5', '+1', '1e3', ' 1']) {
        assert.match(problemOf(() => parseMoney(text, 'USD')).message, /is not a decimal amount/);
      }
    });

    it('refuses amounts too large to hold exactly', () => {
      assert.match(problemOf(() => parseMoney('90071992547409.92', 'USD')).message, /too large/);
      assert.equal(parseMoney('90071992547409.91', 'USD'), Number.MAX_SAFE_INTEGER);
    });
  });

  describe('formatMoney', () => {
    it('writes exactly the currency places', () => {
      assert.equal(formatMoney(149900, 'USD'), '1499.00');
      assert.equal(formatMoney(5, 'USD'), '0.05');
      assert.equal(formatMoney(0, 'USD'), '0.00');
      assert.equal(formatMoney(1499, 'JPY'), '1499');
      assert.equal(formatMoney(1500, 'KWD'), '1.500');
      assert.equal(formatMoney(-225, 'USD'), '-2.25');
      assert.equal(formatMoney(-5, 'USD'), '-0.05');
    });

    it('round-trips with parseMoney', () => {
      for (const [minor, currency] of [[0, 'USD'], [1, 'USD'], [123456789, 'EUR'], [42, 'JPY'], [7, 'BHD'], [-99, 'USD']] as const) {
        assert.equal(parseMoney(formatMoney(minor, currency), currency), minor);
      }
    });

    it('throws on amounts that are not safe integers', () => {
      assert.throws(() => formatMoney(1.5, 'USD'), RangeError);
      assert.throws(() => formatMoney(Number.MAX_SAFE_INTEGER + 1, 'USD'), RangeError);
    });
  });

  it('sameAmount compares by value', () => {
    assert.ok(sameAmount('120', '120.00'));
    assert.ok(sameAmount('0.5', '0.50'));
    assert.ok(!sameAmount('120.00', '130.00'));
    assert.ok(!sameAmount('120.01', '120.1'));
  });

  it('sumMinor adds exactly and throws on overflow', () => {
    assert.equal(sumMinor([1, 2, 3]), 6);
    assert.equal(sumMinor([]), 0);
    assert.throws(() => sumMinor([Number.MAX_SAFE_INTEGER, 1]), RangeError);
  });

  describe('divideRounded and multiplyRate', () => {
    it('rounds half away from zero', () => {
      assert.equal(divideRounded(5n, 2n), 3n);
      assert.equal(divideRounded(-5n, 2n), -3n);
      assert.equal(divideRounded(7n, 3n), 2n);
      assert.equal(divideRounded(-7n, 3n), -2n);
      assert.equal(divideRounded(5n, -2n), -3n);
      assert.throws(() => divideRounded(1n, 0n), RangeError);
    });

    it('multiplies by a decimal rate and rounds once', () => {
      assert.equal(multiplyRate(1000, '0.0825'), 83); // 82.5 → 83
      assert.equal(multiplyRate(-1000, '0.0825'), -83);
      assert.equal(multiplyRate(379800, '0.0825'), 31334); // 31333.5 → 31334
      assert.equal(multiplyRate(1505, '0.0825'), 124); // 124.1625
      assert.equal(multiplyRate(12345, '1'), 12345);
      assert.equal(multiplyRate(12345, '0'), 0);
      // 0.1 + 0.2 style float error must not leak in: 0.29 × 100 is 28.999999999999996 as a float.
      assert.equal(multiplyRate(100, '0.29'), 29);
    });

    it('refuses a malformed rate and overflow', () => {
      assert.throws(() => multiplyRate(100, '8.25%'), InvalidInput);
      assert.throws(() => multiplyRate(100, '-0.1'), InvalidInput);
      assert.throws(() => multiplyRate(Number.MAX_SAFE_INTEGER, '2'), RangeError);
    });
  });

  describe('allocateLargestRemainder', () => {
    it('splits in proportion and sums exactly', () => {
      assert.deepEqual(allocateLargestRemainder(100, [1, 1, 2]), [25, 25, 50]);
      assert.deepEqual(allocateLargestRemainder(100, [1000, 2000, 3000]), [17, 33, 50]);
    });

    it('gives leftover units to the largest remainders, ties to the earlier index', () => {
      assert.deepEqual(allocateLargestRemainder(100, [1, 1, 1]), [34, 33, 33]);
      assert.deepEqual(allocateLargestRemainder(2, [1, 1, 1]), [1, 1, 0]);
      // exact shares 3.3, 3.6, 3.1 → floors 3, 3, 3 and the leftover unit goes to the .6
      assert.deepEqual(allocateLargestRemainder(10, [33, 36, 31]), [3, 4, 3]);
    });

    it('gives nothing extra to zero weights', () => {
      assert.deepEqual(allocateLargestRemainder(10, [0, 3, 0, 3]), [0, 5, 0, 5]);
      assert.deepEqual(allocateLargestRemainder(7, [0, 1, 1, 0]), [0, 4, 3, 0]);
    });

    it('splits evenly when every weight is zero, earliest parts getting the extra units', () => {
      assert.deepEqual(allocateLargestRemainder(10, [0, 0, 0]), [4, 3, 3]);
      assert.deepEqual(allocateLargestRemainder(0, [0, 0]), [0, 0]);
    });

    it('mirrors negative totals', () => {
      assert.deepEqual(allocateLargestRemainder(-100, [1, 1, 1]), [-34, -33, -33]);
      assert.deepEqual(allocateLargestRemainder(-1, [1, 1]), [-1, 0]);
      assert.ok(!allocateLargestRemainder(-1, [1, 1]).some((part) => Object.is(part, -0)), 'no negative zero');
    });

    it('stays exact where floats would not', () => {
      const total = Number.MAX_SAFE_INTEGER;
      const weights = [Number.MAX_SAFE_INTEGER - 2, 1, 1];
      const parts = allocateLargestRemainder(total, weights);
      assert.equal(sumMinor(parts), total);
      assert.deepEqual(parts, [Number.MAX_SAFE_INTEGER - 2, 1, 1]);
    });

    it('handles empty and invalid input', () => {
      assert.deepEqual(allocateLargestRemainder(0, []), []);
      assert.throws(() => allocateLargestRemainder(1, []), RangeError);
      assert.throws(() => allocateLargestRemainder(1, [-1, 2]), RangeError);
      assert.throws(() => allocateLargestRemainder(1.5, [1]), RangeError);
    });
  });

  describe('cumulativeShare', () => {
    it('rounds once cumulatively, so the steps sum exactly to the whole', () => {
      // 200.00 over 3 units: per-unit rounding would give 66.67 × 3 = 200.01.
      assert.deepEqual([cumulativeShare(20000, 3, 0, 1), cumulativeShare(20000, 3, 1, 1), cumulativeShare(20000, 3, 2, 1)], [6667, 6666, 6667]);
      assert.deepEqual([cumulativeShare(20000, 3, 0, 1), cumulativeShare(20000, 3, 1, 2)], [6667, 13333]);
      assert.equal(cumulativeShare(20000, 3, 0, 3), 20000);
      assert.equal(cumulativeShare(20000, 3, 1, 0), 0);
      for (let whole = 1; whole <= 7; whole++) {
        for (const total of [0, 1, 5, 99, 1000, 33333]) {
          let sum = 0;
          for (let before = 0; before < whole; before++) sum += cumulativeShare(total, whole, before, 1);
          assert.equal(sum, total, `${total} over ${whole}`);
        }
      }
    });

    it('refuses more units than the whole, and nonsense', () => {
      assert.throws(() => cumulativeShare(100, 3, 2, 2), RangeError);
      assert.throws(() => cumulativeShare(100, 0, 0, 0), RangeError);
      assert.throws(() => cumulativeShare(100, 3, -1, 1), RangeError);
      assert.throws(() => cumulativeShare(1.5, 3, 0, 1), RangeError);
    });
  });
});
