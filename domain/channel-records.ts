import { z } from 'zod';
import { CartItem } from './cart';
import { Billing, DeliveryGroup } from './order';

/**
 * What Ordo reads of the channel systems' records (the storefront's and CPQ's REST APIs, simulators/README.md):
 * one view shared by the sync activities and the client (`ordo twins`, `ordo checkout`). Loose objects: each
 * names the fields Ordo uses and keeps the rest, so `--json` shows a record whole. The systems' own schemas are
 * theirs (simulators/ stand in for them).
 */

export const StorefrontOrderRecord = z.looseObject({
  id: z.string(),
  origin: z.enum(['checkout', 'cpq']),
  accountId: z.string(),
  buyer: z.string().optional(),
  currency: z.string(),
  effectiveDate: z.string(),
  discount: z.string().optional(),
  deliveryGroups: z.array(DeliveryGroup).optional(),
  items: z.array(CartItem),
  subtotal: z.string(),
  discountTotal: z.string(),
  tax: z.string(),
  total: z.string(),
  syncToCPQ: z.boolean(),
  cartId: z.string().optional(),
  paymentId: z.string().optional(),
  reorderOf: z.string().optional(),
  links: z.looseObject({ cpqOrder: z.string().optional(), ordoOrder: z.string().optional() }),
});
export type StorefrontOrderRecord = z.infer<typeof StorefrontOrderRecord>;

export const CpqAccountRecord = z.looseObject({ id: z.string(), accountNumber: z.string(), name: z.string() });
export type CpqAccountRecord = z.infer<typeof CpqAccountRecord>;

export const CpqOpportunityRecord = z.looseObject({ id: z.string() });

/** The fields a CPQ quote line and the order product made from it share. */
export const CpqPricedLine = z.looseObject({
  id: z.string(),
  product: z.string(),
  quantity: z.number(),
  unitPrice: z.string(),
  discount: z.string().optional(),
  taxCode: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  billing: Billing.optional(),
  sourceLineId: z.string().optional(),
  total: z.string(),
});
export type CpqPricedLine = z.infer<typeof CpqPricedLine>;

/** A quote's or an order's money: `total` with tax, by the same arithmetic as the storefront and Ordo's invoice. */
const CpqMoney = {
  /** The quote-level discount (the storefront order's, on the connector's quotes); an order copies its quote's. */
  discount: z.string().optional(),
  subtotal: z.string(),
  discountTotal: z.string(),
  tax: z.string(),
  total: z.string(),
};

export const CpqQuoteRecord = z.looseObject({
  id: z.string(),
  opportunityId: z.string(),
  accountId: z.string(),
  pricing: z.enum(['cpq', 'source']),
  primary: z.boolean(),
  ordered: z.boolean(),
  b2bSource: z.string().optional(),
  currency: z.string(),
  lines: z.array(CpqPricedLine.extend({ listPrice: z.string(), parentLineId: z.string().optional() })),
  ...CpqMoney,
});
export type CpqQuoteRecord = z.infer<typeof CpqQuoteRecord>;

export const CpqOrderRecord = z.looseObject({
  id: z.string(),
  quoteId: z.string(),
  opportunityId: z.string(),
  accountId: z.string(),
  b2bSourceOrder: z.string().optional(),
  syncToB2B: z.boolean(),
  b2bOrder: z.string().optional(),
  status: z.enum(['Draft', 'Activated']),
  contracted: z.boolean(),
  currency: z.string(),
  effectiveDate: z.string().optional(),
  /** Where the order ships, when the rep gave it. */
  shipTo: DeliveryGroup.omit({ id: true }).optional(),
  products: z.array(CpqPricedLine.extend({ quoteLineId: z.string(), parentProductId: z.string().optional() })),
  ...CpqMoney,
});
export type CpqOrderRecord = z.infer<typeof CpqOrderRecord>;
