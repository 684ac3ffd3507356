import { InvalidInput } from './problems';

/**
 * Money is held as integer minor units (cents, yen, fils) in a plain `number` that must stay a safe
 * integer; every function here checks that and throws a RangeError on overflow rather than lose a cent.
 * Decimal strings ("1499.00") exist only at the edges: parseMoney on the way in, formatMoney on the way out.
 */

/**
 * Rounding: every amount is rounded to the currency's minor unit ONCE, where it is derived
 * (a prorated line gross, a tax total), half away from zero, with exact BigInt arithmetic.
 * An amount that is split across lines (an order-level discount, a tax total) is never rounded again:
 * it is allocated with the largest-remainder method, so the parts always sum exactly to the whole.
 */
export const Rounding = {
  mode: 'half-away-from-zero',
  when: 'once, where an amount is derived',
  splits: 'largest remainder; ties to the earlier line',
} as const;

/** ISO 4217 currencies without a minor unit. */
const ZERO_DIGIT_CURRENCIES = new Set([
  'BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF',
]);

/** ISO 4217 currencies with three decimal places (fils, baisa, millimes). */
const THREE_DIGIT_CURRENCIES = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** How many decimal places the currency's minor unit has: 0 (JPY, KRW, …), 3 (BHD, KWD, …) or 2. */
export function minorUnitDigits(currency: string): 0 | 2 | 3 {
  if (ZERO_DIGIT_CURRENCIES.has(currency)) return 0;
  if (THREE_DIGIT_CURRENCIES.has(currency)) return 3;
  return 2;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Converts an exact BigInt amount to a number, refusing anything a double cannot hold exactly. */
export function toSafeMinor(value: bigint): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) {
    throw new RangeError(`amount ${value} minor units is beyond the largest exact amount (${Number.MAX_SAFE_INTEGER})`);
  }
  return result;
}

function assertSafeMinor(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer number of minor units, got ${value}`);
}

/**
 * Parses a decimal string such as "1499.00" into minor units of `currency`.
 * More decimal places than the currency has is refused, even trailing zeros ("1500.00" for JPY):
 * a price written with cents for a currency without them is a sign the upstream system is misconfigured.
 * Throws InvalidInput with one problem at `path`.
 */
export function parseMoney(text: string, currency: string, path = 'amount'): number {
  const fail = (message: string, fix: string): never => {
    throw new InvalidInput(`amount "${text}"`, [{ path, message, fix }]);
  };
  const match = DECIMAL.exec(text);
  if (!match) return fail(`"${text}" is not a decimal amount`, 'write it like "1499.00"');
  const [, sign, whole, fraction = ''] = match;
  const digits = minorUnitDigits(currency);
  if (fraction.length > digits) {
    const allowed = digits === 0 ? 'none' : String(digits);
    const trimmed = fraction.slice(digits);
    const fix = /^0+$/.test(trimmed)
      ? `write it as "${sign}${whole}${digits ? '.' + fraction.slice(0, digits) : ''}"`
      : digits === 0
        ? `${currency} has no minor unit: give a whole amount`
        : `${currency} has ${digits} decimal places: round the amount to ${digits} places`;
    return fail(`"${text}" has ${fraction.length} decimal places but ${currency} allows ${allowed}`, fix);
  }
  const minor = BigInt(whole + fraction.padEnd(digits, '0')) * (sign ? -1n : 1n);
  const result = Number(minor);
  if (!Number.isSafeInteger(result)) return fail(`"${text}" is too large to hold exactly`, 'split the amount across lines');
  return result;
}

/** Formats minor units as a decimal string with exactly the currency's places: "1499.00", JPY "1499", KWD "1.500". */
export function formatMoney(minor: number, currency: string): string {
  assertSafeMinor(minor, 'amount');
  const digits = minorUnitDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const magnitude = String(Math.abs(minor));
  if (digits === 0) return sign + magnitude;
  const padded = magnitude.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** True when two decimal strings denote the same amount ("120" and "120.00"); otherwise compares the text. */
export function sameAmount(a: string, b: string): boolean {
  const ma = DECIMAL.exec(a);
  const mb = DECIMAL.exec(b);
  if (!ma || !mb) return a === b;
  const places = Math.max((ma[3] ?? '').length, (mb[3] ?? '').length);
  const scaled = (m: RegExpExecArray) => BigInt(m[2] + (m[3] ?? '').padEnd(places, '0')) * (m[1] ? -1n : 1n);
  return scaled(ma) === scaled(mb);
}

/** Adds minor-unit amounts exactly, throwing on overflow. */
export function sumMinor(values: readonly number[]): number {
  return toSafeMinor(values.reduce((sum, value) => sum + BigInt(value), 0n));
}

/** numerator / denominator rounded to an integer half away from zero (0.5 → 1, -0.5 → -1). */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) return divideRounded(-numerator, -denominator);
  const quotient = numerator / denominator; // BigInt division truncates toward zero
  const remainder = numerator % denominator; // carries the numerator's sign
  const magnitude = remainder < 0n ? -remainder : remainder;
  if (2n * magnitude >= denominator) return quotient + (numerator < 0n ? -1n : 1n);
  return quotient;
}

/** A decimal rate such as "0.0825" as the exact fraction 825 / 10000. Throws InvalidInput at `path`. */
export function parseRate(rate: string, path = 'rate'): { numerator: bigint; denominator: bigint } {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!match) {
    throw new InvalidInput(`rate "${rate}"`, [
      { path, message: `"${rate}" is not a rate`, fix: 'write a non-negative decimal string such as "0.0825" for 8.25%' },
    ]);
  }
  const fraction = match[2] ?? '';
  return { numerator: BigInt(match[1] + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/** minor × rate, rounded half away from zero once. `rate` is a decimal string such as "0.0825". */
export function multiplyRate(minor: number, rate: string): number {
  assertSafeMinor(minor, 'amount');
  const { numerator, denominator } = parseRate(rate);
  return toSafeMinor(divideRounded(BigInt(minor) * numerator, denominator));
}

/**
 * Splits an integer `total` across `weights` in proportion, so that the parts sum exactly to `total`.
 * Each part first gets the floor of its exact share; the units left over go one each to the parts with the
 * largest fractional remainders, ties to the earlier index. Remainders are compared as exact integers
 * (BigInt), never as floats. When every weight is zero the total is split evenly, earliest parts getting
 * the extra units. A negative total is split by magnitude and negated, so parts are symmetric.
 * Weights must be non-negative safe integers (minor units, quantities).
 */
export function allocateLargestRemainder(total: number, weights: readonly number[]): number[] {
  assertSafeMinor(total, 'total');
  weights.forEach((weight, i) => {
    assertSafeMinor(weight, `weights[${i}]`);
    if (weight < 0) throw new RangeError(`weights[${i}] must not be negative, got ${weight}`);
  });
  if (weights.length === 0) {
    if (total === 0) return [];
    throw new RangeError(`cannot allocate ${total} across no parts`);
  }
  const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  const effective = weightSum === 0n ? weights.map(() => 1n) : weights.map((weight) => BigInt(weight));
  const divisor = weightSum === 0n ? BigInt(weights.length) : weightSum;
  const magnitude = BigInt(Math.abs(total));

  const floors = effective.map((weight) => (magnitude * weight) / divisor);
  const remainders = effective.map((weight) => (magnitude * weight) % divisor);
  giveLeftoverByRemainder(floors, remainders, magnitude - floors.reduce((sum, part) => sum + part, 0n));
  return floors.map((part) => {
    const value = Number(part);
    return total < 0 && value !== 0 ? -value : value;
  });
}

/** The largest-remainder rule: the units left over go one each to the largest remainders, ties to the earlier index. */
function giveLeftoverByRemainder(floors: bigint[], remainders: readonly bigint[], leftover: bigint): void {
  const byRemainder = remainders
    .map((remainder, index) => ({ remainder, index }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder.slice(0, Number(leftover))) floors[index] += 1n;
}

/**
 * Splits an integer `total` into parts near exact quotas `numerators[i] / denominator` (the quotas sum to within
 * half a unit of `total`, as when `total` is their sum rounded once): each part is its quota's floor, and the units
 * left over go one each to the largest fractional remainders, ties to the earlier index. So the parts sum exactly
 * to `total` and no part is a whole unit or more from its quota. Tax uses it (taxByLine): splitting a rounded tax
 * total by the lines' amounts instead can move a line's tax more than a cent from amount × rate.
 * Quotas must be non-negative; a total the quotas cannot round to is a RangeError.
 */
export function allocateByQuota(total: number, numerators: readonly bigint[], denominator: bigint): number[] {
  assertSafeMinor(total, 'total');
  if (denominator <= 0n) throw new RangeError(`denominator must be positive, got ${denominator}`);
  numerators.forEach((numerator, i) => {
    if (numerator < 0n) throw new RangeError(`numerators[${i}] must not be negative, got ${numerator}`);
  });
  const floors = numerators.map((numerator) => numerator / denominator);
  const remainders = numerators.map((numerator) => numerator % denominator);
  const leftover = BigInt(total) - floors.reduce((sum, part) => sum + part, 0n);
  const fractional = remainders.filter((remainder) => remainder > 0n).length;
  if (leftover < 0n || leftover > BigInt(fractional)) {
    throw new RangeError(`${total} is not the rounded sum of the quotas (${numerators.join(', ')}) / ${denominator}`);
  }
  giveLeftoverByRemainder(floors, remainders, leftover);
  return floors.map((part) => toSafeMinor(part));
}

/**
 * The share of `total` that `now` more units of `whole` carry after `before` units already took theirs, rounded
 * once cumulatively: round(total × (before + now) / whole) − round(total × before / whole), exact in BigInt.
 * However a whole is taken apart in steps (returning 1 of 3 units, then 2), the shares sum to exactly `total`,
 * so repeated partial credits never credit more (or less) than was billed. Half away from zero, as everywhere.
 */
export function cumulativeShare(total: number, whole: number, before: number, now: number): number {
  assertSafeMinor(total, 'total');
  for (const [name, value] of [['whole', whole], ['before', before], ['now', now]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  if (whole === 0) throw new RangeError('cannot share an amount across a whole of 0 units');
  if (before + now > whole) throw new RangeError(`${before} + ${now} units is more than the whole of ${whole}`);
  const upTo = (units: number) => divideRounded(BigInt(total) * BigInt(units), BigInt(whole));
  return toSafeMinor(upTo(before + now) - upTo(before));
}
