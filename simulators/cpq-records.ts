import { z } from 'zod';
import { Address, Billing, IsoDate, MoneyString } from '../domain/order';
import { ChannelTotals } from './channel-tax';
import { DiscountScheduleSchema, PriceBookEntrySchema, PriceRuleSchema } from './cpq-pricing-config';

/**
 * What the CPQ simulator stores: the sales records (accounts → opportunities → quotes → orders) and what
 * activating a contracted order creates (contracts, subscriptions, assets). Each record carries the links a
 * connector finds it by (`accountNumber`, `b2bSourceOrder`, `b2bSource`, `sourceLineId`), so a sync that runs
 * twice can look up what the first run created instead of creating it again.
 */

export const AccountSchema = z.object({
  id: z.string(),
  /** The account's number in the other systems (Ordo's and the storefront's `accountId`, e.g. "ACME"). */
  accountNumber: z.string(),
  name: z.string(),
  createdAt: z.string(),
});
export type Account = z.infer<typeof AccountSchema>;

export const OpportunitySchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  closeDate: IsoDate,
  /** The storefront order this opportunity was made for (new order sync), if any. */
  b2bSourceOrder: z.string().optional(),
  createdAt: z.string(),
});
export type Opportunity = z.infer<typeof OpportunitySchema>;

/** Why a quote line's unit price differs from its list price: each discount CPQ applied, in order. */
export const PriceAdjustmentSchema = z.object({
  kind: z.enum(['discountSchedule', 'priceRule']),
  id: z.string(),
  percentOff: z.string(),
});

/** The fields a quote line and the order product made from it share. */
const PricedLineFields = {
  product: z.string(),
  quantity: z.number().int().positive(),
  /** The net price of one unit, after CPQ's adjustments (or exactly as given, for `pricing: "source"`). */
  unitPrice: MoneyString,
  /** An amount off the whole line. */
  discount: MoneyString.optional(),
  taxCode: z.string().optional(),
  startDate: IsoDate.optional(),
  endDate: IsoDate.optional(),
  billing: Billing.optional(),
  /** The source system's line (the storefront order item id) this line was made from. */
  sourceLineId: z.string().optional(),
  /** The line's own total: unitPrice × quantity − discount, before proration, the quote discount and tax. Not what is paid: see SaleMoney. */
  total: MoneyString,
};

/**
 * A quote's money, and an order's (copied from its quote: an order never reprices). The quote as priced, read as
 * the Ordo order it would become, through the channels' one totals function (cpq-totals.ts): `total` is THE
 * total, after line and quote discounts, with term items prorated and tax by tax code, equal to the cent to the
 * storefront order and the Ordo invoice of the same items.
 */
const SaleMoney = {
  /** An amount off the whole quote, allocated across the lines by largest remainder as Ordo allocates an order discount. */
  discount: MoneyString.optional(),
  ...ChannelTotals.shape,
};

export const QuoteLineSchema = z.object({
  id: z.string(),
  ...PricedLineFields,
  listPrice: MoneyString,
  adjustments: z.array(PriceAdjustmentSchema),
  /** The bundle line this line belongs to. */
  parentLineId: z.string().optional(),
});
export type QuoteLine = z.infer<typeof QuoteLineSchema>;

export const QuoteSchema = z.object({
  id: z.string(),
  opportunityId: z.string(),
  accountId: z.string(),
  /** `cpq`: CPQ priced it (a rep's quote); `source`: prices kept exactly as given (the connector's). */
  pricing: z.enum(['cpq', 'source']),
  primary: z.boolean(),
  ordered: z.boolean(),
  /** The storefront order the connector made this quote from. */
  b2bSource: z.string().optional(),
  currency: z.string(),
  lines: z.array(QuoteLineSchema),
  ...SaleMoney,
  createdAt: z.string(),
});
export type Quote = z.infer<typeof QuoteSchema>;

export const OrderProductSchema = z.object({
  id: z.string(),
  quoteLineId: z.string(),
  ...PricedLineFields,
  parentProductId: z.string().optional(),
});
export type OrderProduct = z.infer<typeof OrderProductSchema>;

export const OrderStatusSchema = z.enum(['Draft', 'Activated']);

/** Where a rep's order ships (CPQ's ship-to address): the storefront twin and the Ordo order deliver there. */
export const ShipToSchema = z.strictObject({
  name: z.string().min(1).optional(),
  address: Address,
});

export const OrderSchema = z.object({
  id: z.string(),
  quoteId: z.string(),
  opportunityId: z.string(),
  accountId: z.string(),
  /** The storefront order this is the twin of (new order sync). */
  b2bSourceOrder: z.string().optional(),
  /** Reorder sync should give this order a storefront twin once it is activated. */
  syncToB2B: z.boolean(),
  /** The storefront twin reorder sync made of this order; absent until then. */
  b2bOrder: z.string().optional(),
  status: OrderStatusSchema,
  contracted: z.boolean(),
  currency: z.string(),
  effectiveDate: IsoDate.optional(),
  shipTo: ShipToSchema.optional(),
  products: z.array(OrderProductSchema),
  ...SaleMoney,
  createdAt: z.string(),
  activatedAt: z.string().optional(),
  contractId: z.string().optional(),
});
export type Order = z.infer<typeof OrderSchema>;

export const ContractSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  orderId: z.string(),
  startDate: IsoDate.optional(),
  endDate: IsoDate.optional(),
  createdAt: z.string(),
});
export type Contract = z.infer<typeof ContractSchema>;

export const SubscriptionSchema = z.object({
  id: z.string(),
  contractId: z.string(),
  accountId: z.string(),
  orderId: z.string(),
  orderProductId: z.string(),
  product: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: MoneyString,
  billing: Billing,
  startDate: IsoDate.optional(),
  endDate: IsoDate.optional(),
  createdAt: z.string(),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;

export const AssetSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  contractId: z.string(),
  orderId: z.string(),
  orderProductId: z.string(),
  product: z.string(),
  quantity: z.number().int().positive(),
  createdAt: z.string(),
});
export type Asset = z.infer<typeof AssetSchema>;

export const CpqStateSchema = z.object({
  accounts: z.array(AccountSchema),
  opportunities: z.array(OpportunitySchema),
  quotes: z.array(QuoteSchema),
  orders: z.array(OrderSchema),
  contracts: z.array(ContractSchema),
  subscriptions: z.array(SubscriptionSchema),
  assets: z.array(AssetSchema),
  priceBook: z.array(PriceBookEntrySchema),
  discountSchedules: z.array(DiscountScheduleSchema),
  priceRules: z.array(PriceRuleSchema),
});
export type CpqState = z.infer<typeof CpqStateSchema>;
