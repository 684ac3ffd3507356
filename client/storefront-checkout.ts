import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CartFields, CartPayment, refusingRawCardNumbers, type Cart } from '../domain/cart';
import { InvalidInput, problemsFromZod } from '../domain/problems';
import { StorefrontOrderRecord } from '../domain/channel-records';
import { CheckoutAnswer, PaymentRecord, readRecord, StorefrontCartRecord } from './channel-records';
import { OrdoError } from './errors';
import { segment, SystemCallError, type SystemApi } from './system-api';

/**
 * Checkout and reorder on the B2B storefront, as `ordo checkout` and `ordo reorder` do them.
 *
 * A cart's Idempotency-Keys are derived from its id (`ordo-cart-<id>`, `ordo-checkout-<id>`), so running
 * `ordo checkout` again after a lost answer or a crash finds the order the first run placed instead of placing
 * a second one. A reorder is a new purchase each time it is asked for: its key is fresh per call (a retry within
 * the call reuses it), and its cart's checkout key is derived from the new cart's id.
 */

export interface CheckoutResult {
  order: StorefrontOrderRecord;
  payment: PaymentRecord;
  /** The cart had been checked out before (by an earlier run, or on the storefront): this is the order it became. */
  alreadyCheckedOut: boolean;
}

export async function checkoutCart(storefront: SystemApi, cart: Cart): Promise<CheckoutResult> {
  const existing = await findCart(storefront, cart.id);
  if (existing?.status === 'CheckedOut') return placedOrder(storefront, existing);
  if (existing) refuseOtherContent(existing, cart);
  else await storefront.post('carts', cart, `ordo-cart-${cart.id}`);
  return checkout(storefront, cart.id);
}

export interface ReorderOptions {
  payment?: CartPayment;
  buyer?: string;
}

/** Reorders a storefront order: a new cart with its items (the storefront makes it), checked out at once. */
export async function reorder(storefront: SystemApi, orderId: string, options: ReorderOptions): Promise<CheckoutResult & { cartId: string }> {
  const body = checkReorderOptions(options);
  let cartAnswer: unknown;
  try {
    cartAnswer = await storefront.post(`orders/${segment(orderId)}/reorder`, body, `ordo-reorder-${randomUUID()}`);
  } catch (error) {
    if (error instanceof SystemCallError && error.remoteCode === 'unknown-order') {
      throw new OrdoError('not-found', `the storefront has no order ${orderId}: check the id (a storefront order such as SO-…; \`ordo twins ${orderId}\` finds the storefront twin of a CPQ order)`);
    }
    throw error;
  }
  const cart = readRecord(StorefrontCartRecord, cartAnswer, 'the storefront\'s reorder cart');
  return { ...(await checkout(storefront, cart.id)), cartId: cart.id };
}

async function checkout(storefront: SystemApi, cartId: string): Promise<CheckoutResult> {
  try {
    const answer = await storefront.post(`carts/${segment(cartId)}/checkout`, {}, `ordo-checkout-${cartId}`);
    return { ...readRecord(CheckoutAnswer, answer, 'the storefront\'s checkout'), alreadyCheckedOut: false };
  } catch (error) {
    // Checked out meanwhile under another key (on the storefront itself): the order it became is the answer.
    if (error instanceof SystemCallError && error.remoteCode === 'cart-checked-out') {
      const cart = await findCart(storefront, cartId);
      if (cart?.status === 'CheckedOut') return placedOrder(storefront, cart);
    }
    throw error;
  }
}

async function findCart(storefront: SystemApi, cartId: string): Promise<StorefrontCartRecord | undefined> {
  const found = await storefront.find(`carts/${segment(cartId)}`);
  return found === undefined ? undefined : readRecord(StorefrontCartRecord, found, `the storefront's cart ${cartId}`);
}

async function placedOrder(storefront: SystemApi, cart: StorefrontCartRecord): Promise<CheckoutResult> {
  const order = readRecord(StorefrontOrderRecord, await storefront.get(`orders/${segment(cart.orderId ?? '')}`), `the storefront's order ${cart.orderId}`);
  const payment = order.paymentId
    ? readRecord(PaymentRecord, await storefront.get(`payments/${segment(order.paymentId)}`), `the storefront's payment ${order.paymentId}`)
    : undefined;
  if (!payment) throw new OrdoError('unavailable', `the storefront's order ${order.id} has no payment: it was not placed by a checkout`);
  return { order, payment, alreadyCheckedOut: true };
}

/**
 * An open cart with this id is already on the storefront (an earlier run stopped between the two calls, or the
 * buyer made it there): it is checked out only if it holds what the file holds, since its content is what is bought.
 */
function refuseOtherContent(stored: StorefrontCartRecord, cart: Cart): void {
  const { payment: _sent, ...fields } = cart;
  const same = Object.entries(fields).every(([key, value]) => canonical(value) === canonical(stored[key]));
  if (!same) {
    throw new OrdoError('already-exists', `cart ${cart.id} is already on the storefront, open, with other content than this file: give this cart a new id, or check out the storefront's cart as it is there`);
  }
}

/** JSON with sorted keys, so two records with the same fields compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** What a reorder may change: the payment and the buyer. Checked here (a raw card number above all) before it is sent. */
const ReorderBody = refusingRawCardNumbers(z.strictObject({ payment: CartPayment.optional(), buyer: CartFields.shape.buyer.optional() }));
const FLAG_OF: Record<string, string> = { 'payment.token': '--payment-token', 'payment.reference': '--po', buyer: '--buyer' };

function checkReorderOptions(options: ReorderOptions): z.infer<typeof ReorderBody> {
  const parsed = ReorderBody.safeParse(options, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = problemsFromZod(parsed.error).map((p) => ({ ...p, path: FLAG_OF[p.path] ?? p.path }));
  const error = new InvalidInput('reorder', problems);
  throw new OrdoError('invalid', `${error.message}\nNothing was sent to the storefront.`, problems);
}
