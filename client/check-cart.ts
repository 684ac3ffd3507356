import type { Catalog } from '../domain/catalog';
import { Cart, CartFields, cartProblems, cartToOrder } from '../domain/cart';
import { catalogGuardProblems } from '../domain/catalog-guards';
import { decompose } from '../domain/decompose';
import { orderLimitProblems } from '../domain/limits';
import { InvalidInput, problemsFromZod } from '../domain/problems';
import { OrdoError } from './errors';

/**
 * The checks `ordo checkout` runs on a cart before anything is sent to the storefront: the cart schema (a raw
 * card number anywhere first, then unknown fields, money with three decimals, a missing payment), the order
 * rules the cart becomes, and (with the worker's catalog) the catalog guards and that every product is one Ordo can fulfil. The
 * storefront has no catalog, so an unknown product would otherwise only surface once the sync had run.
 */
export function checkCart(input: unknown, catalog?: Catalog): Cart {
  const subject = subjectOfCart(input);
  // A cart becomes an order: the order's size limits (domain/limits.ts) hold for it, checked before it is read item by item.
  const tooLarge = orderLimitProblems(input);
  if (tooLarge.length > 0) throw invalid(subject, tooLarge);
  const parsed = Cart.safeParse(input, { reportInput: true });
  // CartFields names the fields a misspelt key could have meant; Cart (a pipe) cannot be walked for them.
  if (!parsed.success) throw invalid(subject, problemsFromZod(parsed.error, { schema: CartFields }));
  const cart = parsed.data;
  const problems = cartProblems(cart);
  if (problems.length > 0) throw invalid(subject, problems);
  if (catalog) {
    // The catalog guards (allowed attribute values, the price book; a cart becomes a b2b order): paths are the cart's.
    const outside = catalogGuardProblems(cartToOrder(cart, cart.id), catalog);
    if (outside.length > 0) throw invalid(subject, outside);
    try {
      decompose(cartToOrder(cart, cart.id), catalog);
    } catch (error) {
      if (error instanceof InvalidInput) throw invalid(subject, error.problems);
      throw error;
    }
  }
  return cart;
}

function invalid(subject: string, problems: InvalidInput['problems']): OrdoError {
  const error = new InvalidInput(subject, problems);
  return new OrdoError('invalid', `${error.message}\nNothing was sent to the storefront.`, problems);
}

/** `cart CART-1`, or just `cart` when the id is missing or not an identifier. */
function subjectOfCart(input: unknown): string {
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  return CartFields.shape.id.safeParse(id).success ? `cart ${id as string}` : 'cart';
}
