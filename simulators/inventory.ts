import { z } from 'zod';
import { CalloutRequestSchema, requestField } from './callout-request';
import type { FaultBook } from './faults';
import { HttpError, parseJson, type Reply, type Router } from './http';
import { newId } from './ids';
import { mountSystem } from './simulated-system';
import {
  defaultStockLevels,
  parseStockDocument,
  renderStockDocument,
  StockLevelsSchema,
  type StockLevels,
} from './stock';
import { openSystemStore, type StoreLocation } from './system-store';

/**
 * The inventory system: stock per location, reservations that take stock and releases that give it
 * back. Callouts: `reserve`, `release`. Reads: `GET /inventory/availability?products=A,B`,
 * `GET /inventory/stock`, `GET /inventory/reservations?orderId=`. Tests replace the stock with
 * `PUT /inventory/stock`.
 */

const ReservedItemSchema = z.object({ product: z.string().min(1), quantity: z.number().int().positive() });
type ReservedItem = z.infer<typeof ReservedItemSchema>;

const ReservationSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  fulfillmentOrderId: z.string(),
  stepId: z.string(),
  location: z.string(),
  lineItemIds: z.array(z.string()),
  items: z.array(ReservedItemSchema),
  idempotencyKey: z.string(),
  reservedAt: z.string(),
  releasedAt: z.string().nullable(),
});
type Reservation = z.infer<typeof ReservationSchema>;

const InventoryStateSchema = z.object({
  levels: StockLevelsSchema,
  defaultStock: z.number().int().min(0),
  reservations: z.record(z.string(), ReservationSchema),
});

/** A callout body plus what inventory reads beyond the common fields. */
const InventoryRequestSchema = CalloutRequestSchema.extend({
  /** What to reserve; without it, each line item's `attributes.orderedProduct` (or its product). */
  items: z.array(ReservedItemSchema).min(1).optional(),
});
type InventoryRequest = z.infer<typeof InventoryRequestSchema>;

export const INVENTORY_OPERATIONS = ['reserve', 'release'] as const;

export interface InventoryOptions {
  /** Replaces the stock at start (otherwise: what was saved in the data directory, else the defaults). */
  stock?: StockLevels;
  defaultStock?: number;
}

export function mountInventory(router: Router, faults: FaultBook, where: StoreLocation, options: InventoryOptions): void {
  const store = openSystemStore(where, 'inventory', InventoryStateSchema, () => ({
    levels: defaultStockLevels(),
    defaultStock: 0,
    reservations: {},
  }));
  const state = store.state;
  // Stock saved by an earlier version lacks products added to the defaults since: at the default locations it
  // keeps, they get their default level (levels it has, and locations it chose, are left as they are).
  for (const [location, products] of Object.entries(defaultStockLevels())) {
    const saved = state.levels[location];
    if (saved) for (const [product, quantity] of Object.entries(products)) if (!(product in saved)) saved[product] = quantity;
  }
  if (options.stock !== undefined || options.defaultStock !== undefined) {
    if (options.stock !== undefined) state.levels = structuredClone(options.stock);
    if (options.defaultStock !== undefined) state.defaultStock = options.defaultStock;
    store.save();
  }

  const level = (location: string, product: string): number =>
    state.levels[location]?.[product] ?? state.defaultStock;

  function reserve(request: InventoryRequest, idempotencyKey: string): Reply {
    const location = request.location;
    if (!location) throw new HttpError(400, 'invalid-request', 'location: reserve needs a stock location', { field: 'location' });
    if (!Object.hasOwn(state.levels, location)) {
      throw new HttpError(400, 'unknown-location', `there is no stock location "${location}" (there are: ${Object.keys(state.levels).join(', ')})`, {
        field: 'location',
      });
    }
    const items = sumByProduct(request.items ?? itemsOfLineItems(request));
    if (items.length === 0) throw new HttpError(400, 'invalid-request', 'lineItems: nothing to reserve', { field: 'lineItems' });

    const shortages = items
      .map((item) => ({ ...item, available: level(location, item.product) }))
      .filter((item) => item.available < item.quantity)
      .map((item) => ({ product: item.product, requested: item.quantity, available: item.available }));
    if (shortages.length > 0) {
      const list = shortages.map((s) => `${s.product} (requested ${s.requested}, available ${s.available})`).join(', ');
      throw new HttpError(409, 'out-of-stock', `${location} cannot fill ${list}`, { location, shortages });
    }

    const stockAtLocation = state.levels[location]!;
    for (const item of items) stockAtLocation[item.product] = level(location, item.product) - item.quantity;
    const reservation: Reservation = {
      id: newId('RES'),
      orderId: request.orderId,
      fulfillmentOrderId: request.fulfillmentOrderId,
      stepId: request.stepId,
      location,
      lineItemIds: request.lineItems.map((item) => item.id),
      items,
      idempotencyKey,
      reservedAt: new Date().toISOString(),
      releasedAt: null,
    };
    state.reservations[reservation.id] = reservation;
    return {
      status: 200,
      body: { reservationId: reservation.id, location, items, reservedAt: reservation.reservedAt },
    };
  }

  function release(request: InventoryRequest, idempotencyKey: string): Reply {
    const released: string[] = [];
    const alreadyReleased: string[] = [];
    for (const reservation of reservationsToRelease(request, idempotencyKey)) {
      if (reservation.releasedAt !== null) {
        alreadyReleased.push(reservation.id);
        continue;
      }
      const stockAtLocation = (state.levels[reservation.location] ??= {});
      for (const item of reservation.items) {
        stockAtLocation[item.product] = level(reservation.location, item.product) + item.quantity;
      }
      reservation.releasedAt = new Date().toISOString();
      released.push(reservation.id);
    }
    return { status: 200, body: { released, alreadyReleased } };
  }

  /**
   * Which reservations a release means, most explicit first: `reservationId` (body or `input`), the
   * `reservationIdempotencyKey` the reserve was sent with, a reserve sent with this very key, and
   * otherwise every reservation of the same fulfillment order that shares a line item. A named
   * reservation that does not exist is an error; finding none by the last rule releases nothing, so
   * compensating a reserve that never happened succeeds.
   */
  function reservationsToRelease(request: InventoryRequest, idempotencyKey: string): Reservation[] {
    const all = Object.values(state.reservations);
    const reservationId = requestField(request, 'reservationId');
    if (typeof reservationId === 'string') {
      const reservation = state.reservations[reservationId];
      if (!reservation) throw new HttpError(404, 'unknown-reservation', `there is no reservation "${reservationId}"`);
      return [reservation];
    }
    const reserveKey = requestField(request, 'reservationIdempotencyKey');
    if (typeof reserveKey === 'string') {
      const reservation = all.find((r) => r.idempotencyKey === reserveKey);
      if (!reservation) throw new HttpError(404, 'unknown-reservation', `no reservation was made with key "${reserveKey}"`);
      return [reservation];
    }
    const sameKey = all.find((r) => r.idempotencyKey === idempotencyKey);
    if (sameKey) return [sameKey];
    const lineItemIds = new Set(request.lineItems.map((item) => item.id));
    return all.filter(
      (r) =>
        r.orderId === request.orderId &&
        r.fulfillmentOrderId === request.fulfillmentOrderId &&
        (lineItemIds.size === 0 || r.lineItemIds.some((id) => lineItemIds.has(id))),
    );
  }

  mountSystem(router, faults, {
    name: 'inventory',
    requestSchema: InventoryRequestSchema,
    operations: {
      reserve: (request, { idempotencyKey }) => reserve(request, idempotencyKey),
      release: (request, { idempotencyKey }) => release(request, idempotencyKey),
    },
    idempotency: store.idempotency,
  });

  router.on('GET', '/inventory/availability', (ctx) => {
    const listed = ctx.query
      .get('products')
      ?.split(',')
      .map((product) => product.trim())
      .filter((product) => product !== '');
    const availability: StockLevels = {};
    for (const [location, stock] of Object.entries(state.levels)) {
      const products = listed ?? Object.keys(stock);
      availability[location] = Object.fromEntries(products.map((product) => [product, level(location, product)]));
    }
    return { status: 200, body: availability };
  });

  router.on('GET', '/inventory/stock', () => ({
    status: 200,
    body: renderStockDocument(state.levels, state.defaultStock),
  }));

  router.on('PUT', '/inventory/stock', async (ctx) => {
    const document = parseStockDocument(parseJson(await ctx.readText()));
    state.levels = document.levels;
    state.defaultStock = document.defaultStock ?? 0;
    store.save();
    return { status: 200, body: renderStockDocument(state.levels, state.defaultStock) };
  });

  router.on('GET', '/inventory/reservations', (ctx) => {
    const orderId = ctx.query.get('orderId');
    const reservations = Object.values(state.reservations).filter((r) => !orderId || r.orderId === orderId);
    return { status: 200, body: { reservations } };
  });
}

/** What line items take from stock: each line's `attributes.orderedProduct`, else its product. */
function itemsOfLineItems(request: InventoryRequest): ReservedItem[] {
  return request.lineItems.map((item) => {
    const ordered = item.attributes['orderedProduct'];
    return { product: typeof ordered === 'string' && ordered !== '' ? ordered : item.product, quantity: item.quantity };
  });
}

/** One entry per product, so two lines of the same product are checked against stock together. */
function sumByProduct(items: ReservedItem[]): ReservedItem[] {
  const quantities = new Map<string, number>();
  for (const item of items) quantities.set(item.product, (quantities.get(item.product) ?? 0) + item.quantity);
  return [...quantities].map(([product, quantity]) => ({ product, quantity }));
}
