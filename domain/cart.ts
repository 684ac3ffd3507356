import { z } from 'zod';
import { DeliveryGroup, Identifier, IsoDate, MoneyString, Order, OrderItem, type OrderLinks } from './order';
import { findRawCardNumbers } from './card-numbers';
import type { Problem } from './problems';
import { orderProblems } from './validate-order';

/**
 * The cart of DESIGN.md ("The cart"): what a buyer checks out on the B2B storefront and what
 * `ordo checkout CART.json` sends. It has the order's item shape (items, bundles through parentItemId,
 * delivery groups, tax codes, terms, money as decimal strings with at most 2 places) plus the buyer and the
 * payment method, and no `channel`: a cart is always `b2b`.
 *
 * A raw card number anywhere in a cart is refused before anything else is looked at: a storefront that
 * stored one would be in PCI scope, and the error must not wait behind an unrelated typo.
 */

/** Payment is a reference to something held elsewhere: a processor's card token or the buyer's account (a PO). */
export const CartPayment = z.discriminatedUnion(
  'method',
  [
    z.strictObject({
      method: z.literal('card'),
      /** The payment processor's token for the card ("tok_..."), never the card number itself. */
      token: z.string({ error: 'must be the card token your payment processor gave, such as "tok_visa_4242"' }).min(4, 'must be the card token your payment processor gave, such as "tok_visa_4242"'),
    }),
    z.strictObject({
      method: z.literal('account'),
      /** The buyer's purchase order or account reference, billed on terms. */
      reference: z.string({ error: 'must be a purchase order or account reference such as "PO-7788"' }).min(1, 'must not be empty'),
    }),
  ],
  { error: 'must be { "method": "card", "token": "tok_..." } or { "method": "account", "reference": "PO-..." }' },
);
export type CartPayment = z.infer<typeof CartPayment>;

/** A cart item is an order item; change-order fields make no sense on a new purchase. */
export const CartItem = OrderItem.omit({ action: true, originalItemId: true });
export type CartItem = z.infer<typeof CartItem>;

/** The cart's fields, without the raw-card-number check (see Cart). */
export const CartFields = z.strictObject({
  id: Identifier,
  accountId: Identifier,
  /** The buyer placing the order: an email address. */
  buyer: z.email({ error: 'must be the buyer\'s email address, such as "pat@acme.example"' }),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"'),
  effectiveDate: IsoDate.optional(),
  /** Order-level discount, allocated across lines like an order's. */
  discount: MoneyString.optional(),
  deliveryGroups: z.array(DeliveryGroup).optional(),
  items: z.array(CartItem).min(1, 'a cart needs at least one item'),
  payment: CartPayment,
  /** Whether Ordo creates the CPQ twin of the order (new order sync); on unless the buyer's company opts out. */
  syncToCPQ: z.boolean({ error: 'must be true or false' }).default(true),
});

/** What to send instead of a card number, said by the refusal: a storefront's payment token by default. */
const SEND_A_TOKEN = 'never send card numbers: send the payment processor\'s token as payment.token ({ "method": "card", "token": "tok_..." })';

/**
 * Wraps a schema so that any input holding a raw card number is refused first, naming the field and
 * saying what to send instead (`instead`). Carts use it, and so does whatever else the storefront stores
 * (twins, reorders), and the payment gateway's creates other than tokenization.
 */
export function refusingRawCardNumbers<T extends z.ZodType>(schema: T, instead = SEND_A_TOKEN) {
  return z
    .unknown()
    .superRefine((input, ctx) => {
      for (const path of findRawCardNumbers(input)) {
        ctx.addIssue({ code: 'custom', path, message: `looks like a raw card number; ${instead}` });
      }
    })
    .pipe(schema);
}

export const Cart = refusingRawCardNumbers(CartFields);
export type Cart = z.infer<typeof CartFields>;

/** What a cart and a storefront order made from one have in common: everything an Ordo order takes from them. */
export type CartOrderFields = Pick<Cart, 'accountId' | 'currency' | 'effectiveDate' | 'discount' | 'deliveryGroups' | 'items'>;

/**
 * The Ordo order of a storefront order made from `cart` (or of the storefront order itself): the same items,
 * money and delivery groups, `channel: b2b`, and the storefront order's id (so the order and its twins share
 * the sale's identity), with the `links` to its twins when a sync knows them.
 */
export function cartToOrder(cart: CartOrderFields, storefrontOrderId: string, links?: OrderLinks): Order {
  return Order.parse({
    id: storefrontOrderId,
    accountId: cart.accountId,
    channel: 'b2b',
    currency: cart.currency,
    ...(cart.effectiveDate !== undefined ? { effectiveDate: cart.effectiveDate } : {}),
    ...(cart.discount !== undefined ? { discount: cart.discount } : {}),
    ...(cart.deliveryGroups !== undefined ? { deliveryGroups: cart.deliveryGroups } : {}),
    items: cart.items,
    ...(links !== undefined ? { links } : {}),
  });
}

/**
 * What zod cannot see in a schema-valid cart: the order rules (duplicate ids, a deliveryGroupId or
 * parentItemId naming nothing, bundle cycles, terms, a discount above its line), checked on the order the
 * cart becomes. A cart with none always makes an order Ordo accepts and invoices. Paths are the cart's.
 */
export function cartProblems(cart: Cart): Problem[] {
  return orderProblems(cartToOrder(cart, cart.id));
}
