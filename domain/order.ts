import { z } from 'zod';
import { civilDateOf } from './civil-date';
import { LIMITS } from './limits';

/** Money on the wire: a decimal string with at most two places. Held internally as integer minor units (domain/money). */
export const MoneyString = z
  .string({ error: 'must be a decimal string such as "1499.00"' })
  .regex(/^\d{1,13}(\.\d{1,2})?$/, 'must be a non-negative decimal string with at most 2 places, such as "1499.00"');

export const IsoDate = z
  .string({ error: 'must be a date such as "2026-11-23"' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in the form YYYY-MM-DD')
  // Plain arithmetic, not Date: the same answer, five times faster on an order of thousands of dated items.
  .refine((s) => civilDateOf(s) !== undefined, { message: 'is not a real calendar date' });

/** Ids become parts of workflow ids and search attributes: short, and of characters every tool shows as they are. */
export const Identifier = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(LIMITS.idChars, { error: (issue) => `is ${String(issue.input).length} characters; an id may have at most ${LIMITS.idChars} (limit idChars): shorten it` })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may contain only letters, digits, ".", "_", ":" and "-", and must start with a letter or digit');

export const Address = z.strictObject({
  line1: z.string().min(1),
  line2: z.string().optional(),
  city: z.string().min(1),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().length(2, 'must be an ISO 3166 two-letter country code'),
});

export const DeliveryGroup = z.strictObject({
  id: Identifier,
  name: z.string().optional(),
  address: Address.optional(),
});

/** `one-time` (default), `usage`, or recurring with a billing period; the unit price of a recurring item is per period. */
export const Billing = z.union([
  z.literal('one-time'),
  z.literal('usage'),
  z.strictObject({ type: z.literal('recurring'), period: z.enum(['month', 'quarter', 'year']) }),
]);

export const AttributeValue = z.union([z.string(), z.number(), z.boolean()]);

/**
 * What a change-order item does to the original order (DESIGN.md "order actions"). Meaningful on a change order
 * (`changeOf` set); an ordinary order's items are all `Add`, the default.
 * - `Add`: a new item, billed on the change order's invoice.
 * - `Amend`: a quantity change of `originalItemId`; the item's `quantity` is the NEW quantity of that item.
 * - `Cancel`, `Return`: `quantity` units of `originalItemId` are cancelled (not yet delivered) or returned; credited.
 * - `NoChange`: context only (for example the bundle root of changed components); neither fulfilled nor billed.
 */
export const OrderItemAction = z.enum(['Add', 'Amend', 'Cancel', 'Return', 'NoChange'], {
  error: 'must be one of Add, Amend, Cancel, Return, NoChange',
});

export const OrderItem = z.strictObject({
  id: Identifier,
  product: Identifier,
  quantity: z.number({ error: 'must be a positive whole number' }).int('must be a whole number').positive('must be at least 1'),
  unitPrice: MoneyString,
  /** Amount off the whole line (not per unit). */
  discount: MoneyString.optional(),
  taxCode: z.string().min(1).optional(),
  deliveryGroupId: Identifier.optional(),
  parentItemId: Identifier.optional(),
  attributes: z.record(z.string(), AttributeValue).optional(),
  startDate: IsoDate.optional(),
  endDate: IsoDate.optional(),
  contractLineId: Identifier.optional(),
  billing: Billing.optional(),
  /** Change orders only: what this item does to the original order (default Add). */
  action: OrderItemAction.optional(),
  /** Change orders only: the id of the item of the original order this item changes. */
  originalItemId: Identifier.optional(),
});

export const ContractLine = z.strictObject({
  id: Identifier,
  product: Identifier,
  quantity: z.number().int().positive(),
  unitPrice: MoneyString,
  startDate: IsoDate.optional(),
  endDate: IsoDate.optional(),
});

export const Contract = z.strictObject({ id: Identifier, lines: z.array(ContractLine).min(1) });

/**
 * The same sale's records in the sales channels, set by the channel syncs (an order made from a storefront order
 * or a CPQ order): identifiers only, so the Order Summary and `ordo twins` can name each twin.
 */
export const OrderLinks = z.strictObject({
  storefrontOrder: Identifier.optional(),
  opportunity: Identifier.optional(),
  quote: Identifier.optional(),
  cpqOrder: Identifier.optional(),
});

export const OrderPayment = z.discriminatedUnion(
  'method',
  [
    z.strictObject({
      method: z.literal('card'),
      token: z.string().min(4, 'must be the card token your payment processor gave, such as "tok_visa_4242"'),
      /** The authorization taken at checkout (the gateway's AUTH-…), settled later against the first invoice. */
      authorizationId: Identifier.optional(),
    }),
    z.strictObject({ method: z.literal('account'), reference: z.string().min(1, 'give the purchase order or account reference') }),
  ],
  { error: 'must be { "method": "card", "token": "tok_..." } or { "method": "account", "reference": "PO-..." }' },
);

export const Order = z.strictObject({
  id: Identifier,
  accountId: Identifier,
  channel: z.enum(['cpq', 'b2b'], { error: 'must be "cpq" or "b2b"' }),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"'),
  effectiveDate: IsoDate.optional(),
  /** Order-level discount, allocated across lines by the largest-remainder method. */
  discount: MoneyString.optional(),
  deliveryGroups: z.array(DeliveryGroup).optional(),
  items: z.array(OrderItem).min(1, 'an order needs at least one item'),
  contract: Contract.optional(),
  /** Set on a change order: the id of the order it changes. */
  changeOf: Identifier.optional(),
  /** The sale's twins in the channels, when a channel sync made this order. */
  links: OrderLinks.optional(),
  /**
   * How the account pays (the cart's payment method, captured at checkout): a processor's card token (never a card
   * number) and the checkout's authorization, or the account's purchase order. Kept on the billing account for the
   * payment scheduler (docs/billing.md "Payments").
   */
  payment: OrderPayment.optional(),
  /** Set on a renewal order (order action `Renew`): the order whose subscription it renews. */
  renewalOf: Identifier.optional(),
});

export type Money = z.infer<typeof MoneyString>;
export type OrderItem = z.infer<typeof OrderItem>;
export type Order = z.infer<typeof Order>;
export type Contract = z.infer<typeof Contract>;
export type OrderLinks = z.infer<typeof OrderLinks>;
export type OrderPayment = z.infer<typeof OrderPayment>;
export type ContractLine = z.infer<typeof ContractLine>;
export type Address = z.infer<typeof Address>;
export type DeliveryGroup = z.infer<typeof DeliveryGroup>;
export type Billing = z.infer<typeof Billing>;
export type AttributeValue = z.infer<typeof AttributeValue>;
export type OrderItemAction = z.infer<typeof OrderItemAction>;
