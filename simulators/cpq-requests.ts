import { z } from 'zod';
import { minorUnitDigits } from '../domain/money';
import { Billing, IsoDate, MoneyString } from '../domain/order';
import { ShipToSchema } from './cpq-records';

/** The bodies of CPQ's creates (`POST /cpq/<operation>`), each validated before any work. */

const Text = z.string({ error: 'must be a string' }).min(1, 'must not be empty');

/** CPQ, like the storefront, works in two decimal places: currencies with 0 or 3 minor digits are refused. */
const TwoPlaceCurrency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"')
  .refine((code) => minorUnitDigits(code) === 2, 'CPQ is set to two decimal places: use a currency with cents, such as "USD" or "EUR"');

export const CreateAccountSchema = z.strictObject({
  accountNumber: Text,
  name: Text,
});

export const CreateOpportunitySchema = z.strictObject({
  accountId: Text,
  name: Text,
  closeDate: IsoDate,
  b2bSourceOrder: Text.optional(),
});

export const QuoteLineRequestSchema = z.strictObject({
  product: Text,
  quantity: z.number().int().positive(),
  /** Required when the quote is priced `source`; for `cpq`, replaces the list price as the starting price. */
  unitPrice: MoneyString.optional(),
  discount: MoneyString.optional(),
  taxCode: Text.optional(),
  startDate: IsoDate.optional(),
  endDate: IsoDate.optional(),
  billing: Billing.optional(),
  /** The source line (storefront order item id) this line is made from. */
  sourceLineId: Text.optional(),
  /** The sourceLineId of this line's bundle line in the same request. */
  parentSourceLineId: Text.optional(),
});
export type QuoteLineRequest = z.infer<typeof QuoteLineRequestSchema>;

export const CreateQuoteSchema = z.strictObject({
  opportunityId: Text,
  pricing: z.enum(['cpq', 'source'], { error: 'must be "cpq" (CPQ prices it) or "source" (prices kept as given)' }).default('cpq'),
  primary: z.boolean().default(false),
  ordered: z.boolean().default(false),
  b2bSource: Text.optional(),
  currency: TwoPlaceCurrency.default('USD'),
  /** An amount off the whole quote (after line discounts), allocated across the lines as Ordo allocates an order discount. */
  discount: MoneyString.optional(),
  lines: z.array(QuoteLineRequestSchema).min(1, 'a quote needs at least one line'),
});

export const CreateOrderSchema = z.strictObject({
  quoteId: Text,
  b2bSourceOrder: Text.optional(),
  syncToB2B: z.boolean().default(false),
  effectiveDate: IsoDate.optional(),
  /** Where the order ships; without it, an order of things that ship cannot be delivered by Ordo. */
  shipTo: ShipToSchema.optional(),
});

export const ActivateOrderSchema = z.strictObject({
  orderId: Text,
  /** Also contract it: a contract, subscriptions for recurring products, assets for the others. */
  contracted: z.boolean().default(false),
});

/** A rep's (or automation's) change to a quote's flags: what CPQ's "Primary" and "Ordered" checkboxes do. */
export const UpdateQuoteSchema = z.strictObject({
  quoteId: Text,
  primary: z.boolean().optional(),
  ordered: z.boolean().optional(),
});

/** Reorder sync's marks on a CPQ order: the "Sync to B2B" checkbox, and the storefront twin once it exists. */
export const UpdateOrderSchema = z.strictObject({
  orderId: Text,
  syncToB2B: z.boolean().optional(),
  /** The storefront order made from this one (reorder sync); set once. */
  b2bOrder: Text.optional(),
});
