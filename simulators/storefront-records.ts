import { z } from 'zod';
import { CartFields, CartItem, CartPayment, refusingRawCardNumbers } from '../domain/cart';
import { DeliveryGroup, Identifier, IsoDate, MoneyString } from '../domain/order';
import { ChannelTotals } from './channel-tax';

/**
 * What the B2B storefront keeps (`<dataDir>/storefront.json`): carts, storefront orders, payments, the
 * outbox of events for Ordo, and the webhook it notifies. Every record carries the ids a connector looks
 * it up by (cartId, cpqOrder, ordoOrder, reorderOf), so a retried sync finds what already exists.
 */

export const CartStatus = z.enum(['Open', 'CheckedOut']);

export const CartRecord = z.object({
  cart: CartFields,
  status: CartStatus,
  /** The storefront order its checkout created. */
  orderId: z.string().optional(),
  /** Set on a reorder's cart: the storefront order it repeats. */
  reorderOf: z.string().optional(),
  createdAt: z.string(),
});
export type CartRecord = z.infer<typeof CartRecord>;

/** Links to the same sale's records in the other systems; set by the connector as twins are made. */
export const OrderLinks = z.strictObject({
  cpqOrder: Identifier.optional(),
  ordoOrder: Identifier.optional(),
});
export type OrderLinks = z.infer<typeof OrderLinks>;

export const StorefrontOrder = z.object({
  id: z.string(),
  /** `checkout`: a buyer's own; `cpq`: the twin of a CPQ order made by the connector (reorder sync). */
  origin: z.enum(['checkout', 'cpq']),
  status: z.literal('Placed'),
  accountId: z.string(),
  buyer: z.string().optional(),
  currency: z.string(),
  /** The order's date: the cart's effectiveDate, else the day of checkout (CPQ uses it as close date). */
  effectiveDate: z.string(),
  discount: MoneyString.optional(),
  deliveryGroups: z.array(DeliveryGroup).optional(),
  items: z.array(CartItem),
  /** The order's money (channel-tax.ts): the same arithmetic and tax table as its CPQ twin and its Ordo invoice. */
  ...ChannelTotals.shape,
  syncToCPQ: z.boolean(),
  cartId: z.string().optional(),
  paymentId: z.string().optional(),
  reorderOf: z.string().optional(),
  links: OrderLinks,
  createdAt: z.string(),
});
export type StorefrontOrder = z.infer<typeof StorefrontOrder>;

export const PaymentRecord = z.object({
  id: z.string(),
  orderId: z.string(),
  accountId: z.string(),
  method: z.enum(['card', 'account']),
  /** The card token, kept to settle later; never answered (only last4 is). */
  token: z.string().optional(),
  reference: z.string().optional(),
  amount: MoneyString,
  currency: z.string(),
  status: z.enum(['Authorized', 'Settled']),
  /** The gateway's authorization for the order total (payments simulator), captured later by the order's first invoice. */
  authorizationId: z.string().optional(),
  authorizedAt: z.string(),
  settledAt: z.string().optional(),
});
export type PaymentRecord = z.infer<typeof PaymentRecord>;

/** An outbox entry: what a connector polls with `GET /storefront/events?after=<seq>`. */
export const StorefrontEvent = z.object({
  seq: z.number().int().positive(),
  type: z.literal('order-created'),
  orderId: z.string(),
  accountId: z.string(),
  origin: StorefrontOrder.shape.origin,
  syncToCPQ: z.boolean(),
  total: MoneyString,
  at: z.string(),
});
export type StorefrontEvent = z.infer<typeof StorefrontEvent>;

export const WebhookConfig = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "http://127.0.0.1:7400/intake/storefront"' }),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

export const StorefrontState = z.object({
  carts: z.array(CartRecord),
  orders: z.array(StorefrontOrder),
  payments: z.array(PaymentRecord),
  events: z.array(StorefrontEvent),
  webhook: WebhookConfig.nullable(),
});
export type StorefrontState = z.infer<typeof StorefrontState>;

/** `POST /storefront/orders`: the twin of a CPQ order, made by the connector (reorder sync). */
export const TwinOrderRequest = refusingRawCardNumbers(
  CartFields.omit({ id: true, payment: true, syncToCPQ: true, buyer: true, effectiveDate: true }).extend({
    /** The CPQ order this twin mirrors; the storefront keeps one twin per CPQ order. */
    cpqOrder: Identifier,
    buyer: CartFields.shape.buyer.optional(),
    effectiveDate: IsoDate.optional(),
    /** When given, the CPQ order's total: a twin whose storefront total differs is refused. */
    total: MoneyString.optional(),
    ordoOrder: Identifier.optional(),
  }),
);

/** `POST /storefront/orders/:id/reorder`: the payment and buyer of the new cart, when not the original's. */
export const ReorderRequest = refusingRawCardNumbers(
  z.strictObject({
    payment: CartPayment.optional(),
    buyer: CartFields.shape.buyer.optional(),
    syncToCPQ: z.boolean().optional(),
  }),
);
