import { median } from './stats';

/** How far repeated measurements of one ratio scatter: the median is the headline, min and max its spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many measurements (rounds) it is taken over. */
  n: number;
}

/** The spread of the finite values (a round that could not be measured is NaN and left out). */
export function spreadOf(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

export const spreadText = (s: Spread): string =>
  Number.isFinite(s.median) ? `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)}×, ${s.n} rounds)` : 'n/a';
