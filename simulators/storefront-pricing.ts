import type { Order } from '../domain/order';
import { InvalidInput, type Problem } from '../domain/problems';
import { channelTotals, type ChannelTotals } from './channel-tax';
import { HttpError } from './http';

/** The storefront's totals of `order` (channel-tax.ts); money the currency cannot hold, a discount above its line or an unknown tax code → 422 naming the field. */
export function priceOrder(order: Order): ChannelTotals {
  try {
    return channelTotals(order);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    throw invalidCart(error.problems[0] ?? { path: '', message: error.message });
  }
}

/** A 422 `invalid-cart` that names the field of `problem` and its fix. */
export function invalidCart(problem: Problem): HttpError {
  const field = problem.path || '(body)';
  const fix = problem.fix ? ` (fix: ${problem.fix})` : '';
  return new HttpError(422, 'invalid-cart', `${field}: ${problem.message}${fix}`, { field });
}
