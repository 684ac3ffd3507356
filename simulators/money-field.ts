import { parseMoney } from '../domain/money';
import { InvalidInput } from '../domain/problems';
import { HttpError } from './http';

/**
 * A request's money field in minor units of its currency (domain/money): more places than the currency
 * has ("40.005" in USD) is a 400 `invalid-request` naming the field, with the fix.
 */
export function moneyField(text: string, currency: string, field: string): number {
  try {
    return parseMoney(text, currency, field);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    const problem = error.problems[0];
    throw new HttpError(400, 'invalid-request', `${field}: ${problem?.message}${problem?.fix ? ` (${problem.fix})` : ''}`, { field });
  }
}
