import { ApplicationFailure } from '@temporalio/workflow';
import type { CpqOrderRecord, QuoteLineRequest, QuoteRequest, StorefrontOrderRecord, StorefrontTwinRequest } from '../activities/types';
import type { CartItem } from '../domain/cart';
import { cartToOrder } from '../domain/cart';
import { sameAmount } from '../domain/money';
import type { DeliveryGroup, Order, OrderLinks } from '../domain/order';

/**
 * What one channel's record becomes in the other (pure: the sync workflows run it), and the refusals of records
 * a sync must not copy. A refusal is a non-retryable failure: the sync logs it as an Error and falls out.
 */

/** New order sync starts only from a storefront order the buyer's company wants in CPQ. */
export function refuseUnlessSyncToCpq(order: StorefrontOrderRecord): StorefrontOrderRecord {
  if (!order.syncToCPQ) {
    const why = order.origin === 'cpq' ? `it is the storefront twin of CPQ order ${order.links.cpqOrder ?? '?'}` : 'its company opted out of syncing';
    throw ApplicationFailure.nonRetryable(`storefront order ${order.id} is not marked syncToCPQ (${why}): it gets no CPQ twin`, 'NotSyncable');
  }
  return order;
}

/** The opportunity's name: "Storefront order SO-12 (ACME)". */
export const opportunityName = (order: StorefrontOrderRecord): string => `Storefront order ${order.id} (${order.accountId})`;

/** The connector's quote of a storefront order: its discount, and its items as lines with prices exactly as sold, linked back by item id. */
export function quoteRequest(order: StorefrontOrderRecord, opportunityId: string): QuoteRequest {
  return {
    storefrontOrderId: order.id,
    opportunityId,
    currency: order.currency,
    ...(order.discount !== undefined ? { discount: order.discount } : {}),
    lines: quoteLines(order),
  };
}

function quoteLines(order: StorefrontOrderRecord): QuoteLineRequest[] {
  return order.items.map((item) => ({
    product: item.product,
    quantity: item.quantity,
    unitPrice: item.unitPrice,
    ...pricedFields(item),
    sourceLineId: item.id,
    ...(item.parentItemId !== undefined ? { parentSourceLineId: item.parentItemId } : {}),
  }));
}

/** The quote must total what the storefront order does, to the cent (both with tax, by the same arithmetic). */
export function refuseDifferentQuoteTotal(quote: { id: string; total: string }, order: StorefrontOrderRecord): void {
  if (!sameAmount(quote.total, order.total)) {
    throw ApplicationFailure.nonRetryable(`quote ${quote.id} total ${quote.total} differs from storefront order ${order.id} total ${order.total}`, 'TotalMismatch');
  }
}

/** A CPQ order with a recurring product is contracted on activation (subscriptions, assets). */
export const needsContract = (order: StorefrontOrderRecord): boolean => order.items.some((item) => typeof item.billing === 'object' && item.billing.type === 'recurring');

/** The Ordo order of a synced storefront order: its id, items, money and delivery groups, `channel: b2b`, and the links. */
export function ordoOrderOfStorefrontOrder(order: StorefrontOrderRecord, links: OrderLinks): Order {
  return cartToOrder(order, order.id, links);
}

/** Reorder sync starts from an activated CPQ order marked syncToB2B that is not itself a storefront order's twin. */
export function refuseUnlessReorderable(order: CpqOrderRecord): CpqOrderRecord {
  if (order.b2bSourceOrder !== undefined) {
    throw ApplicationFailure.nonRetryable(`CPQ order ${order.id} was made by new order sync from storefront order ${order.b2bSourceOrder}: it already has its storefront twin`, 'NotSyncable');
  }
  if (!order.syncToB2B) throw ApplicationFailure.nonRetryable(`CPQ order ${order.id} is not marked syncToB2B: set it to give the buyer a storefront twin`, 'NotSyncable');
  if (order.status !== 'Activated') throw ApplicationFailure.nonRetryable(`CPQ order ${order.id} is ${order.status}: reorder sync makes twins of Activated orders only`, 'NotSyncable');
  return order;
}

/**
 * The storefront items of a CPQ order: one per order product, with the storefront order item id it came from
 * when it has one (sourceLineId), else the order product's id; bundles through parentItemId; prices exactly.
 */
export function storefrontItems(order: CpqOrderRecord): CartItem[] {
  const itemId = new Map(order.products.map((product) => [product.id, product.sourceLineId ?? product.id]));
  return order.products.map((product) => ({
    id: itemId.get(product.id)!,
    product: product.product,
    quantity: product.quantity,
    unitPrice: product.unitPrice,
    ...pricedFields(product),
    ...(product.parentProductId !== undefined ? { parentItemId: itemId.get(product.parentProductId) ?? product.parentProductId } : {}),
  }));
}

/** The one delivery group of a CPQ order's twins: its ship-to. An order with one group ships every item there. */
export const SHIP_TO_GROUP_ID = 'SHIP-TO';

/**
 * A CPQ order's ship-to as its twins' delivery groups; none without one (CPQ orders need not say where they ship:
 * Ordo then refuses items that ship, naming their deliveryGroupId, and the sync falls out).
 */
export function shipToDeliveryGroups(order: CpqOrderRecord): { deliveryGroups?: DeliveryGroup[] } {
  return order.shipTo ? { deliveryGroups: [{ id: SHIP_TO_GROUP_ID, ...order.shipTo }] } : {};
}

/** The Ordo order of a CPQ order (id = the CPQ order's, `channel: cpq`), with the same items and delivery as its storefront twin. */
export function ordoOrderOfCpqOrder(order: CpqOrderRecord, twin: Pick<StorefrontTwinRequest, 'accountId' | 'items' | 'discount' | 'deliveryGroups'>, links: OrderLinks): Order {
  return {
    id: order.id,
    accountId: twin.accountId,
    channel: 'cpq',
    currency: order.currency,
    ...(order.effectiveDate !== undefined ? { effectiveDate: order.effectiveDate } : {}),
    ...(twin.discount !== undefined ? { discount: twin.discount } : {}),
    ...(twin.deliveryGroups !== undefined ? { deliveryGroups: twin.deliveryGroups } : {}),
    items: twin.items,
    links,
  };
}

/** The optional money and term fields a line keeps from one channel to the other, only those it has. */
function pricedFields(line: Pick<CartItem, 'discount' | 'taxCode' | 'startDate' | 'endDate' | 'billing'>) {
  return {
    ...(line.discount !== undefined ? { discount: line.discount } : {}),
    ...(line.taxCode !== undefined ? { taxCode: line.taxCode } : {}),
    ...(line.startDate !== undefined ? { startDate: line.startDate } : {}),
    ...(line.endDate !== undefined ? { endDate: line.endDate } : {}),
    ...(line.billing !== undefined ? { billing: line.billing } : {}),
  };
}
