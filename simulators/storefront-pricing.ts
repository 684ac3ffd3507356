import { buildInvoice, type InvoiceSettings } from '../domain/invoice';
import type { Order } from '../domain/order';
import { InvalidInput, type Problem } from '../domain/problems';
import { HttpError } from './http';
import type { OrderTotals } from './storefront-records';

/**
 * The storefront's totals are Ordo's invoice arithmetic (domain/invoice.ts buildInvoice): line discounts,
 * the order discount split by largest remainder, tax per tax code rounded once then split. One calculation
 * for both channels is what lets the storefront order, its CPQ twin and the Ordo invoice agree to the cent.
 *
 * The tax table is the one of temporal-config.yaml's `billing` section (STANDARD 8.25 %, REDUCED 5 %,
 * EXEMPT 0, untaxed-code items at STANDARD), fixed here because the simulator does not read Ordo's config.
 */
export const STOREFRONT_TAX: InvoiceSettings = {
  taxRates: { STANDARD: '0.0825', REDUCED: '0.05', EXEMPT: '0' },
  defaultTaxCode: 'STANDARD',
};

/** Totals of `order`; money the currency cannot hold, a discount above its line or an unknown tax code → 422 naming the field. */
export function priceOrder(order: Order): OrderTotals {
  try {
    const invoice = buildInvoice(order, STOREFRONT_TAX, { id: `PRICE-${order.id}` });
    return { subtotal: invoice.subtotal, discountTotal: invoice.discount, tax: invoice.tax, total: invoice.total };
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
