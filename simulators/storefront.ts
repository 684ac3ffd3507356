import { z } from 'zod';
import { Cart, cartProblems, cartToOrder } from '../domain/cart';
import { Order } from '../domain/order';
import { orderProblems } from '../domain/validate-order';
import { CallLog } from './call-log';
import { CHANNEL_TAX } from './channel-tax';
import type { BillingReader } from './billing';
import type { FaultBook } from './faults';
import type { PaymentGateway } from './payments';
import { HttpError, type Router } from './http';
import { mountIdempotentRoute, type IdempotentRoute } from './idempotent-route';
import { newId } from './ids';
import { mountCallLog } from './request-pipeline';
import { openSystemStore, type StoreLocation } from './system-store';
import { mountMyInvoices } from './storefront-invoices';
import { mountOutboxRoutes, StorefrontOutbox } from './storefront-outbox';
import { invalidCart, priceOrder } from './storefront-pricing';
import {
  OrderLinks,
  ReorderRequest,
  StorefrontState,
  TwinOrderRequest,
  type CartRecord,
  type PaymentRecord,
  type StorefrontOrder,
} from './storefront-records';
import { parseBody } from './validation';

/**
 * The B2B storefront (self-service commerce): carts, checkout with a tokenized card or an account
 * reference, storefront orders ("My Orders" per buyer account), reorder, and "My Invoices" read from the
 * billing simulator in the same process (billing stays the source of truth; nothing is copied).
 *
 * Ordo learns of new orders two ways, as real connectors do: the outbox `GET /storefront/events?after=`
 * it can poll, and a webhook (`PUT /storefront/webhook`) the storefront pushes each event to, retrying.
 * Every create takes an Idempotency-Key; the twin of a CPQ order is also idempotent by its `cpqOrder`.
 */

export const STOREFRONT_OPERATIONS = ['carts', 'checkout', 'settle', 'orders', 'links', 'reorder'] as const;

const NoBody = z.strictObject({});

/**
 * `gateway`: the payment gateway in the same process; with it a card checkout takes an authorization for the order
 * total (a declined card is refused 402 `payment-declined` and nothing is placed). Without it (older callers) the
 * storefront authorizes on its own books only, as it did before the gateway existed.
 */
export function mountStorefront(router: Router, faults: FaultBook, where: StoreLocation, billing: BillingReader, gateway?: PaymentGateway): void {
  const store = openSystemStore(where, 'storefront', StorefrontState, () => ({
    carts: [],
    orders: [],
    payments: [],
    events: [],
    webhook: null,
  }));
  const { state } = store;
  const calls = new CallLog();
  const outbox = new StorefrontOutbox(state);
  const route = <R>(method: string, pattern: string, operation: string, requestSchema: z.ZodType<R>, work: IdempotentRoute<R>['work'], requireKey = true) =>
    mountIdempotentRoute(router, faults, calls, {
      system: 'storefront',
      method,
      pattern,
      operation,
      requestSchema,
      idempotency: store.idempotency,
      requireKey,
      work,
      // Keys of a route on one cart, payment or order are that resource's (`checkout/CART-1`).
      keyScope: (ctx) => [operation, ...Object.values(ctx.params)].join('/'),
    });

  mountCallLog(router, 'storefront', calls);

  const findCart = (id: string) => state.carts.find((record) => record.cart.id === id);
  const findCartOr404 = (id: string): CartRecord => {
    const record = findCart(id);
    if (!record) throw new HttpError(404, 'unknown-cart', `there is no cart "${id}"`);
    return record;
  };
  const findPayment = (id: string): PaymentRecord => {
    const payment = state.payments.find((candidate) => candidate.id === id);
    if (!payment) throw new HttpError(404, 'unknown-payment', `there is no payment "${id}"`);
    return payment;
  };
  const findOrder = (id: string): StorefrontOrder => {
    const order = state.orders.find((candidate) => candidate.id === id);
    if (!order) throw new HttpError(404, 'unknown-order', `there is no storefront order "${id}"`);
    return order;
  };

  // Carts: validated with domain/cart.ts (schema and order rules) and priced up front, so a bad cart creates nothing.
  route('POST', '/storefront/carts', 'carts', Cart, (cart) => {
    const existing = findCart(cart.id);
    if (existing) {
      throw new HttpError(409, 'cart-id-conflict', `cart ${cart.id} already exists (status ${existing.status}); give a new cart id`, { field: 'id' });
    }
    const [problem] = cartProblems(cart);
    if (problem) throw invalidCart(problem);
    priceOrder(cartToOrder(cart, `SO-PRICE-${cart.id}`));
    const record: CartRecord = { cart, status: 'Open', createdAt: new Date().toISOString() };
    state.carts.push(record);
    return { status: 201, body: renderCart(record) };
  });

  router.on('GET', '/storefront/carts/:cartId', (ctx) => {
    const record = findCartOr404(ctx.params.cartId!);
    return { status: 200, body: renderCart(record) };
  });

  // Checkout: authorizes the payment and places the order, once per cart.
  route('POST', '/storefront/carts/:cartId/checkout', 'checkout', NoBody, (_request, ctx) => {
    const record = findCartOr404(ctx.params.cartId!);
    if (record.status === 'CheckedOut') {
      throw new HttpError(409, 'cart-checked-out', `cart ${record.cart.id} was already checked out as order ${record.orderId}; reorder that order to buy again`, {
        orderId: record.orderId,
      });
    }
    const { cart } = record;
    const now = new Date();
    const orderId = newId('SO');
    const totals = priceOrder(cartToOrder(cart, orderId));
    const authorizationId = authorizeCard(cart.payment, totals.total, cart.currency, orderId);
    const payment: PaymentRecord = {
      id: newId('PAY'),
      orderId,
      accountId: cart.accountId,
      method: cart.payment.method,
      ...(cart.payment.method === 'card' ? { token: cart.payment.token } : { reference: cart.payment.reference }),
      amount: totals.total,
      currency: cart.currency,
      status: 'Authorized',
      ...(authorizationId !== undefined ? { authorizationId } : {}),
      authorizedAt: now.toISOString(),
    };
    const order: StorefrontOrder = {
      id: orderId,
      origin: 'checkout',
      status: 'Placed',
      accountId: cart.accountId,
      buyer: cart.buyer,
      currency: cart.currency,
      effectiveDate: cart.effectiveDate ?? now.toISOString().slice(0, 10),
      ...(cart.discount !== undefined ? { discount: cart.discount } : {}),
      ...(cart.deliveryGroups !== undefined ? { deliveryGroups: cart.deliveryGroups } : {}),
      items: cart.items,
      ...totals,
      syncToCPQ: cart.syncToCPQ,
      cartId: cart.id,
      paymentId: payment.id,
      ...(record.reorderOf !== undefined ? { reorderOf: record.reorderOf } : {}),
      links: {},
      createdAt: now.toISOString(),
    };
    state.payments.push(payment);
    state.orders.push(order);
    record.status = 'CheckedOut';
    record.orderId = orderId;
    outbox.announce(order, ctx.signal);
    // A copy: the stored answer must not change when the order's links are set later.
    return { status: 201, body: structuredClone({ order, payment: renderPayment(payment) }) };
  });

  // Settlement is later and separate from authorization: it charges the stored token.
  route('POST', '/storefront/payments/:paymentId/settle', 'settle', NoBody, (_request, ctx) => {
    const payment = findPayment(ctx.params.paymentId!);
    if (payment.status === 'Settled') {
      throw new HttpError(409, 'payment-settled', `payment ${payment.id} was already settled at ${payment.settledAt}`);
    }
    payment.status = 'Settled';
    payment.settledAt = new Date().toISOString();
    return { status: 200, body: renderPayment(payment) };
  });

  router.on('GET', '/storefront/payments/:paymentId', (ctx) => {
    const payment = findPayment(ctx.params.paymentId!);
    return { status: 200, body: renderPayment(payment) };
  });

  // The connector's read of an order's payment method (Ordo's order sync): the token to charge later, never a number.
  router.on('GET', '/storefront/payments/:paymentId/method', (ctx) => {
    const payment = findPayment(ctx.params.paymentId!);
    const method = payment.method === 'card'
      ? { method: 'card', token: payment.token, ...(payment.authorizationId !== undefined ? { authorizationId: payment.authorizationId } : {}) }
      : { method: 'account', reference: payment.reference };
    return { status: 200, body: method };
  });

  /** The gateway's authorization of a card checkout, or undefined (no gateway, an account payment, nothing to pay). */
  function authorizeCard(payment: CartRecord['cart']['payment'], total: string, currency: string, orderId: string): string | undefined {
    if (!gateway || payment.method !== 'card' || /^0+(\.0+)?$/.test(total)) return undefined;
    const authorization = gateway.authorize({ token: payment.token, amount: total, currency, reference: orderId });
    if (authorization.status === 'Declined') {
      throw new HttpError(402, 'payment-declined', `payment: the card ending ${payment.token.slice(-4)} was declined (${authorization.declineCode}: ${authorization.declineMessage}); use another card or pay on account`, {
        field: 'payment',
        declineCode: authorization.declineCode,
      });
    }
    return authorization.id;
  }

  // The twin of a CPQ order (reorder sync): one per CPQ order, whatever the key.
  route('POST', '/storefront/orders', 'orders', TwinOrderRequest, (request, ctx) => {
    const existing = state.orders.find((order) => order.links.cpqOrder === request.cpqOrder);
    if (existing) return { status: 200, body: structuredClone({ ...existing, existing: true }) };
    const orderId = newId('SO');
    const { cpqOrder, ordoOrder, total: cpqTotal, buyer, effectiveDate, ...fields } = request;
    const asOrder = Order.parse({ ...fields, id: orderId, channel: 'b2b' });
    const [problem] = orderProblems(asOrder);
    if (problem) throw invalidCart(problem);
    const totals = priceOrder(asOrder);
    if (cpqTotal !== undefined && cpqTotal !== totals.total) {
      throw new HttpError(422, 'total-mismatch', `total ${cpqTotal} (the CPQ order's) differs from the storefront's total ${totals.total} for the same items`, {
        field: 'total',
        storefrontTotal: totals.total,
      });
    }
    const now = new Date().toISOString();
    const order: StorefrontOrder = {
      id: orderId,
      origin: 'cpq',
      status: 'Placed',
      accountId: fields.accountId,
      ...(buyer !== undefined ? { buyer } : {}),
      currency: fields.currency,
      effectiveDate: effectiveDate ?? now.slice(0, 10),
      ...(fields.discount !== undefined ? { discount: fields.discount } : {}),
      ...(fields.deliveryGroups !== undefined ? { deliveryGroups: fields.deliveryGroups } : {}),
      items: fields.items,
      ...totals,
      // It came from CPQ: syncing it back would make a second CPQ order of the same sale.
      syncToCPQ: false,
      links: { cpqOrder, ...(ordoOrder !== undefined ? { ordoOrder } : {}) },
      createdAt: now,
    };
    state.orders.push(order);
    outbox.announce(order, ctx.signal);
    return { status: 201, body: structuredClone({ ...order, existing: false }) };
  });

  // My Orders per buyer account, and lookups by the twin links.
  router.on('GET', '/storefront/orders', (ctx) => {
    const filters = { accountId: ctx.query.get('buyerAccount'), cpqOrder: ctx.query.get('cpqOrder'), ordoOrder: ctx.query.get('ordoOrder'), cartId: ctx.query.get('cartId') };
    const orders = state.orders.filter(
      (order) =>
        (!filters.accountId || order.accountId === filters.accountId) &&
        (!filters.cpqOrder || order.links.cpqOrder === filters.cpqOrder) &&
        (!filters.ordoOrder || order.links.ordoOrder === filters.ordoOrder) &&
        (!filters.cartId || order.cartId === filters.cartId),
    );
    return { status: 200, body: { orders } };
  });

  router.on('GET', '/storefront/orders/:orderId', (ctx) => ({ status: 200, body: findOrder(ctx.params.orderId!) }));

  // Links are set, not added: sending the same links again changes nothing, so no key is needed.
  route('PATCH', '/storefront/orders/:orderId/links', 'links', OrderLinks, (links, ctx) => {
    const order = findOrder(ctx.params.orderId!);
    for (const [name, value] of Object.entries(links) as [keyof OrderLinks, string][]) {
      const current = order.links[name];
      if (current !== undefined && current !== value) {
        throw new HttpError(409, 'link-conflict', `order ${order.id} is already linked to ${name} ${current}, not ${value}`, { field: name });
      }
    }
    order.links = { ...order.links, ...links };
    store.save();
    return { status: 200, body: structuredClone(order) };
  }, false);

  // Reorder: a new open cart with the same items; it goes through checkout (and new order sync) again.
  route('POST', '/storefront/orders/:orderId/reorder', 'reorder', ReorderRequest, (request, ctx) => {
    const original = findOrder(ctx.params.orderId!);
    const originalCart = original.cartId ? findCart(original.cartId)?.cart : undefined;
    const payment = request.payment ?? originalCart?.payment;
    if (!payment) {
      throw new HttpError(400, 'invalid-request', `payment: order ${original.id} came from CPQ and has no payment method; give one ({ "method": "card", "token": "tok_..." } or { "method": "account", "reference": "PO-..." })`, { field: 'payment' });
    }
    const buyer = request.buyer ?? original.buyer;
    if (!buyer) {
      throw new HttpError(400, 'invalid-request', `buyer: order ${original.id} has no buyer; give the buyer's email address`, { field: 'buyer' });
    }
    const cart = parseBody(Cart, {
      id: newId('CART'),
      accountId: original.accountId,
      buyer,
      currency: original.currency,
      ...(original.discount !== undefined ? { discount: original.discount } : {}),
      ...(original.deliveryGroups !== undefined ? { deliveryGroups: original.deliveryGroups } : {}),
      items: original.items,
      payment,
      syncToCPQ: request.syncToCPQ ?? true,
    });
    const record: CartRecord = { cart, status: 'Open', reorderOf: original.id, createdAt: new Date().toISOString() };
    state.carts.push(record);
    return { status: 201, body: renderCart(record) };
  });

  // The tax table the totals use (CPQ's too), so a connector can check it agrees with Ordo's billing config.
  router.on('GET', '/storefront/tax', () => ({ status: 200, body: CHANNEL_TAX }));

  mountOutboxRoutes(router, store, outbox);
  mountMyInvoices(router, state, billing);
}

function renderCart(record: CartRecord) {
  const { payment, ...cart } = record.cart;
  return { ...cart, payment: payment.method === 'card' ? { method: 'card', last4: payment.token.slice(-4) } : payment, status: record.status, orderId: record.orderId, reorderOf: record.reorderOf, createdAt: record.createdAt };
}

/** A payment as answered: the token stays inside the storefront; its last four characters at most. */
function renderPayment(payment: PaymentRecord) {
  const { token, ...shown } = payment;
  return { ...shown, ...(token !== undefined ? { last4: token.slice(-4) } : {}) };
}
