import type { Order } from '../domain/order';
import { InvalidInput, type Problem } from '../domain/problems';
import { channelTotals, type ChannelTotals } from './channel-tax';
import type { QuoteLine } from './cpq-records';
import { HttpError } from './http';

/**
 * A CPQ quote's money: the quote as priced, read as the Ordo order it would become, through the channels' one
 * totals function (channel-tax.ts). So a quote priced `source` from a storefront order's items has the storefront
 * order's subtotal, discount, tax and total to the cent: the quote discount is allocated across the lines by
 * largest remainder, term items are prorated and tax is per tax code, exactly as Ordo invoices.
 */

/** What of a quote its totals depend on. */
export interface QuoteToTotal {
  id: string;
  accountId: string;
  currency: string;
  /** The amount off the whole quote. */
  discount?: string;
  lines: readonly QuoteLine[];
}

/** The quote as the Ordo order it would become: each priced line an item, bundle components under their line. */
export function quoteAsOrder(quote: QuoteToTotal): Order {
  return {
    id: quote.id,
    accountId: quote.accountId,
    channel: 'cpq',
    currency: quote.currency,
    ...(quote.discount !== undefined ? { discount: quote.discount } : {}),
    items: quote.lines.map((line) => ({
      id: line.id,
      product: line.product,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      ...(line.discount !== undefined ? { discount: line.discount } : {}),
      ...(line.taxCode !== undefined ? { taxCode: line.taxCode } : {}),
      ...(line.startDate !== undefined ? { startDate: line.startDate } : {}),
      ...(line.endDate !== undefined ? { endDate: line.endDate } : {}),
      ...(line.billing !== undefined ? { billing: line.billing } : {}),
      ...(line.parentLineId !== undefined ? { parentItemId: line.parentLineId } : {}),
    })),
  };
}

/**
 * The quote's `subtotal`, `discountTotal`, `tax` and `total` (with tax). A quote discount above what is left
 * after line discounts → 422 `discount-exceeds-quote` naming `discount`; an unknown tax code → 422
 * `unknown-tax-code` naming `lines[i].taxCode`; a line discount above its prorated line → 422
 * `discount-exceeds-line`; a term the arithmetic cannot bill → 422 `invalid-quote`, naming the line's field.
 */
export function quoteTotals(quote: QuoteToTotal): ChannelTotals {
  try {
    return channelTotals(quoteAsOrder(quote));
  } catch (error) {
    if (error instanceof RangeError) {
      throw new HttpError(422, 'amount-too-large', `lines: ${error.message}; split the sale into smaller quotes`, { field: 'lines' });
    }
    if (!(error instanceof InvalidInput)) throw error;
    throw quoteProblem(error.problems[0] ?? { path: '', message: error.message });
  }
}

/** The order's problem as CPQ's error: the path in the quote request's terms (`items[2]` is `lines[2]`). */
function quoteProblem(problem: Problem): HttpError {
  const field = problem.path.replace(/^items\[/, 'lines[') || '(body)';
  const fix = problem.fix ? ` (fix: ${problem.fix})` : '';
  return new HttpError(422, errorCode(field), `${field}: ${problem.message}${fix}`, { field });
}

function errorCode(field: string): string {
  if (field === 'discount') return 'discount-exceeds-quote';
  if (field.endsWith('.taxCode')) return 'unknown-tax-code';
  if (field.endsWith('.discount')) return 'discount-exceeds-line';
  if (field.endsWith('.quantity')) return 'amount-too-large';
  return 'invalid-quote';
}
