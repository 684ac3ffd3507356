import { z } from 'zod';
import { buildInvoice, type InvoiceSettings } from '../domain/invoice';
import { MoneyString, type Order } from '../domain/order';

/**
 * The one tax calculation of both sales channels (storefront and CPQ): Ordo's invoice arithmetic
 * (domain/invoice.ts buildInvoice) with one tax table. Line discounts, the order discount split by largest
 * remainder, proration of term items, tax per tax code rounded once then split: because a storefront order, its
 * CPQ quote and order, and the Ordo invoice all run this same arithmetic on the same items, their totals agree
 * to the cent.
 *
 * The table is temporal-config.yaml's `billing` section (STANDARD 8.25 %, REDUCED 5 %, EXEMPT 0, items without
 * a code at STANDARD), fixed here because the simulators do not read Ordo's config;
 * test/simulators/channel-tax.test.ts fails the day the two differ.
 */
export const CHANNEL_TAX: InvoiceSettings = {
  taxRates: { STANDARD: '0.0825', REDUCED: '0.05', EXEMPT: '0' },
  defaultTaxCode: 'STANDARD',
};

/** A sale's money in either channel. `total` is what the buyer pays: after every discount, with tax. */
export const ChannelTotals = z.object({ subtotal: MoneyString, discountTotal: MoneyString, tax: MoneyString, total: MoneyString });
export type ChannelTotals = z.infer<typeof ChannelTotals>;

/**
 * The totals of `order` as Ordo would invoice it. Throws domain InvalidInput, paths the order's (`items[1].taxCode`,
 * `discount`), for money the currency cannot hold, a discount above its line or above the order, an unknown tax
 * code or a bad term: each channel turns it into its own error naming its own field.
 */
export function channelTotals(order: Order): ChannelTotals {
  const invoice = buildInvoice(order, CHANNEL_TAX, { id: `PRICE-${order.id}` });
  return { subtotal: invoice.subtotal, discountTotal: invoice.discount, tax: invoice.tax, total: invoice.total };
}
