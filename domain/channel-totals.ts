import { formatMoney, parseMoney, sameAmount, sumMinor } from './money';
import type { OrderItem } from './order';

/**
 * How a CPQ record's money compares with its storefront twin's: the one place the syncs ask, so the day CPQ
 * prices like the storefront is a one-line change here.
 *
 * Today a CPQ quote's or order's `total` is Σ (unitPrice × quantity − line discount): before the order-level
 * discount (CPQ quotes take none yet) and before tax. Once CPQ prices tax and takes a quote-level `discount`
 * with the storefront's arithmetic (domain/invoice.ts buildInvoice and the same tax table), set
 * CPQ_TOTALS_INCLUDE_TAX to true: the quote then carries the storefront's order discount, and the totals
 * compared are the storefront's `total` itself, to the cent.
 */
export const CPQ_TOTALS_INCLUDE_TAX = false;

/** The money of a storefront order that the comparison needs. */
export interface StorefrontMoney {
  currency: string;
  discount?: string;
  items: Pick<OrderItem, 'unitPrice' | 'quantity' | 'discount'>[];
  total: string;
}

/** The total the CPQ twin (quote, CPQ order) of a storefront order must have. */
export function expectedCpqTotal(storefront: StorefrontMoney): string {
  if (CPQ_TOTALS_INCLUDE_TAX) return storefront.total;
  const lineTotals = storefront.items.map(
    (item, index) =>
      parseMoney(item.unitPrice, storefront.currency, `items[${index}].unitPrice`) * item.quantity -
      (item.discount === undefined ? 0 : parseMoney(item.discount, storefront.currency, `items[${index}].discount`)),
  );
  return formatMoney(sumMinor(lineTotals), storefront.currency);
}

/** The order-level discount a connector's quote carries: the storefront order's, once CPQ takes one. */
export function quoteDiscount(storefront: Pick<StorefrontMoney, 'discount'>): { discount?: string } {
  return CPQ_TOTALS_INCLUDE_TAX && storefront.discount !== undefined ? { discount: storefront.discount } : {};
}

/**
 * The total a CPQ order's storefront twin is sent with, so the storefront refuses a twin that would differ.
 * None while CPQ totals are before tax: the storefront's always include it.
 */
export function storefrontTwinTotal(cpqOrder: { total: string }): { total?: string } {
  return CPQ_TOTALS_INCLUDE_TAX ? { total: cpqOrder.total } : {};
}

/**
 * Why two tax tables would tax the same order differently (a rate missing or different, another default code),
 * naming both values; undefined when they agree. Rates compare as amounts: "0" and "0.00" agree.
 */
export function taxTableDifference(
  storefront: { taxRates: Record<string, string>; defaultTaxCode?: string },
  billing: { taxRates: Record<string, string>; defaultTaxCode?: string },
): string | undefined {
  const codes = [...new Set([...Object.keys(storefront.taxRates), ...Object.keys(billing.taxRates)])].sort();
  for (const code of codes) {
    const theirs = storefront.taxRates[code];
    const ours = billing.taxRates[code];
    if (theirs === undefined || ours === undefined || !sameAmount(theirs, ours)) {
      return `tax code ${code} is ${theirs ?? 'unknown'} on the storefront but ${ours ?? 'unknown'} in Ordo's billing config (temporal-config.yaml billing.taxRates): make the two tables the same`;
    }
  }
  if (storefront.defaultTaxCode !== billing.defaultTaxCode) {
    return `items without a tax code are taxed as ${storefront.defaultTaxCode ?? 'nothing'} on the storefront but ${billing.defaultTaxCode ?? 'nothing'} in Ordo's billing config (billing.defaultTaxCode): make them the same`;
  }
  return undefined;
}
