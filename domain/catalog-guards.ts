import type { Catalog, PriceBook, Product } from './catalog';
import { sameAmount } from './money';
import { actionOf } from './item-action';
import type { AttributeValue, Order, OrderItem } from './order';
import type { OrderActionInput } from './order-actions';
import type { Problem } from './problems';

/**
 * Catalog guards against leakage (README "The catalog"): what the catalog says an order may carry, checked at
 * submission so nothing outside it reaches fulfillment or billing.
 * - An attribute a product constrains (`attributes: { color: [silver, black] }`) must take one of its values.
 *   Attributes the product does not constrain, and attributes left out, are not checked.
 * - An item's unitPrice must be its product's price in the order's price book, unless a contract line governs
 *   it (the contract check compares it), the item is a bundle component (a bundle is priced at its root) or
 *   the order is a renewal (it renews at the price the customer signed). A product the book does not list is
 *   not checked (`ordo lint` warns about it).
 *
 * Which items: attributes on what a submission sells or changes (`Add` and `Amend` items); prices on what it
 * sells (`Add` items). Cancel, Return and NoChange items repeat the original sale and are not judged again.
 */

export interface GuardOptions {
  /**
   * Check prices against the price book (default true). The worker's decomposition passes false: it also decomposes
   * amended orders, whose untouched items keep the price they were sold at even if the book has changed since.
   */
  prices?: boolean;
}

/** Every guard problem of an order against the catalog; empty when the order keeps within it. */
export function catalogGuardProblems(order: Order, catalog: Catalog, options: GuardOptions = {}): Problem[] {
  const products = new Map(catalog.products.map((product) => [product.code, product] as const));
  const book = options.prices === false ? undefined : priceBookFor(catalog, order.currency, order.channel);
  return order.items.flatMap((item, index) => {
    const action = actionOf(item);
    const product = products.get(item.product);
    const problems: Problem[] = [];
    if (product && (action === 'Add' || action === 'Amend')) problems.push(...attributeValueProblems(product, item.attributes, `items[${index}].attributes`));
    if (book && action === 'Add' && order.renewalOf === undefined) problems.push(...priceBookProblems(item, `items[${index}]`, book));
    return problems;
  });
}

/**
 * The same guards on an amendment of `order` (the order as it stands): an added item's attributes and price, and
 * the attributes an Amend sets, named by the action (`actions[1].item.unitPrice`, `actions[0].attributes.color`).
 */
export function amendmentGuardProblems(order: Order, actions: readonly OrderActionInput[], catalog: Catalog): Problem[] {
  const products = new Map(catalog.products.map((product) => [product.code, product] as const));
  const book = order.renewalOf === undefined ? priceBookFor(catalog, order.currency, order.channel) : undefined;
  const productOfItem = new Map(order.items.map((item) => [item.id, item.product] as const));
  return actions.flatMap((action, index) => {
    const at = `actions[${index}]`;
    if (action.type === 'Add') {
      productOfItem.set(action.item.id, action.item.product);
      const product = products.get(action.item.product);
      return [
        ...(product ? attributeValueProblems(product, action.item.attributes, `${at}.item.attributes`) : []),
        ...(book ? priceBookProblems(action.item, `${at}.item`, book) : []),
      ];
    }
    if (action.type === 'Amend') {
      const code = productOfItem.get(action.itemId);
      const product = code === undefined ? undefined : products.get(code);
      return product ? attributeValueProblems(product, action.attributes, `${at}.attributes`) : [];
    }
    return [];
  });
}

/**
 * The attributes outside the values `product` allows, each named by its path (`items[0].attributes.color`),
 * with the value and the allowed values as the fix. Values compare as text, as decomposition conditions do
 * (`13` in the catalog allows `"13"` in an order).
 */
export function attributeValueProblems(product: Product, attributes: Record<string, AttributeValue> | undefined, path: string): Problem[] {
  if (!product.attributes || !attributes) return [];
  return Object.entries(attributes).flatMap(([name, value]) => {
    const allowed = Object.hasOwn(product.attributes!, name) ? product.attributes![name] : undefined;
    // An empty list declares the attribute without constraining it (a date a step starts at, a free text).
    if (!allowed || allowed.length === 0 || allowed.some((candidate) => String(candidate) === String(value))) return [];
    const shown = allowed.map((candidate) => JSON.stringify(candidate)).join(', ');
    return [
      {
        path: `${path}.${name}`,
        message: `${JSON.stringify(value)} is not an allowed value of ${name} for product ${product.code} (allowed: ${shown})`,
        fix: `set ${name} to one of ${shown}, or add the value to the product's attributes in the catalog`,
      },
    ];
  });
}

/**
 * The book an order's prices must match: the one for its currency and channel, else its currency's book for
 * every channel; undefined when the catalog has none (then no price is checked).
 */
export function priceBookFor(catalog: Catalog, currency: string, channel: string): PriceBook | undefined {
  const books = (catalog.priceBooks ?? []).filter((book) => book.currency === currency);
  return books.find((book) => book.channel === channel) ?? books.find((book) => book.channel === undefined);
}

/** `at` is the item's path: `items[2]`, or `actions[0].item` in an amendment. */
function priceBookProblems(item: OrderItem, at: string, book: PriceBook): Problem[] {
  if (item.contractLineId !== undefined || item.parentItemId !== undefined) return [];
  const listed = Object.hasOwn(book.prices, item.product) ? book.prices[item.product] : undefined;
  if (listed === undefined || sameAmount(item.unitPrice, listed)) return [];
  const which = `the ${book.currency} price book${book.channel ? ` for channel ${book.channel}` : ''}`;
  return [
    {
      path: `${at}.unitPrice`,
      message: `${JSON.stringify(item.unitPrice)} drifts from ${which}: ${item.product} sells at "${listed}"`,
      fix: `set unitPrice to "${listed}" (a lower price is a discount), price it through a contract line (contractLineId), or change the price book`,
    },
  ];
}
