import type { z } from 'zod';
import type { CpqState, Order, Quote } from './cpq-records';
import type { UpdateOrderSchema, UpdateQuoteSchema } from './cpq-requests';
import { HttpError } from './http';

/**
 * The flag changes CPQ allows after a record is created (`POST /cpq/update-quote`, `/cpq/update-order`):
 * what a rep's checkboxes and a sync's links do. Setting a value a record already has changes nothing and
 * succeeds, so a retried sync step is harmless even under a new key.
 */

export function updateQuote(state: CpqState, request: z.infer<typeof UpdateQuoteSchema>): Quote {
  const quote = state.quotes.find((candidate) => candidate.id === request.quoteId);
  if (!quote) throw new HttpError(404, 'unknown-quote', `quoteId: there is no CPQ quote "${request.quoteId}"`, { field: 'quoteId' });
  if (request.ordered === false && quote.ordered) {
    const activated = state.orders.find((order) => order.quoteId === quote.id && order.status === 'Activated');
    if (activated) {
      throw new HttpError(409, 'quote-has-activated-order', `quote ${quote.id} has the activated order ${activated.id}; an ordered sale cannot be taken back by unmarking its quote`, {
        field: 'ordered',
        orderId: activated.id,
      });
    }
  }
  if (request.primary === true) {
    for (const other of state.quotes) if (other.opportunityId === quote.opportunityId) other.primary = false;
  }
  if (request.primary !== undefined) quote.primary = request.primary;
  if (request.ordered !== undefined) quote.ordered = request.ordered;
  return quote;
}

export function updateOrder(state: CpqState, request: z.infer<typeof UpdateOrderSchema>): Order {
  const order = state.orders.find((candidate) => candidate.id === request.orderId);
  if (!order) throw new HttpError(404, 'unknown-order', `orderId: there is no CPQ order "${request.orderId}"`, { field: 'orderId' });
  if (request.b2bOrder !== undefined && request.b2bOrder !== order.b2bOrder) {
    // One storefront twin per CPQ order, and one CPQ order per storefront twin: a second link is a duplicate sale.
    const holder = order.b2bOrder ? order : state.orders.find((other) => other.b2bOrder === request.b2bOrder);
    if (holder) {
      const message = holder === order
        ? `order ${order.id} already has the storefront twin ${order.b2bOrder}; it cannot be linked to ${request.b2bOrder} too`
        : `b2bOrder "${request.b2bOrder}" already belongs to ${holder.id}`;
      throw new HttpError(409, 'already-linked', message, { field: 'b2bOrder', existingId: holder === order ? order.b2bOrder : holder.id });
    }
    order.b2bOrder = request.b2bOrder;
  }
  if (request.syncToB2B !== undefined) order.syncToB2B = request.syncToB2B;
  return order;
}
