import type { Problem } from './problems';

/**
 * TMF622 (Product Ordering Management v4) as Ordo speaks it (docs/api.md): how a ProductOrder maps onto an Ordo
 * order, how Ordo's states read in TMF's words, and the events a hub subscriber receives. Pure: the API server
 * (api/) and the workflow's notifier (workflows/order-events.ts) share it.
 */

/** Ordo's order states as TMF622 names them; Ordo's own state is kept beside it (`ordo:state`). */
export const TMF_STATE: Record<string, string> = {
  acknowledged: 'acknowledged',
  rejected: 'rejected',
  inProgress: 'inProgress',
  held: 'held',
  pendingCancellation: 'pendingCancellation',
  assessingCancellation: 'assessingCancellation',
  pending: 'pending',
  cancelled: 'cancelled',
  completed: 'completed',
  failed: 'failed',
  partial: 'partial',
};

export const tmfState = (ordoState: string): string => TMF_STATE[ordoState] ?? ordoState;

/** TMF item actions and Ordo's order actions. */
const ACTIONS: Record<string, string> = { add: 'Add', modify: 'Amend', delete: 'Cancel', noChange: 'NoChange', return: 'Return' };

export const ORDER_EVENT_TYPES = [
  'ProductOrderStateChangeEvent',
  'ProductOrderJeopardyEvent',
  'ProductOrderPointOfNoReturnEvent',
  'CancelProductOrderStateChangeEvent',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** One event as the hub delivers it (TMF's envelope). `eventId` is the same on every delivery of one event. */
export interface OrderEvent {
  eventId: string;
  eventType: OrderEventType;
  eventTime: string;
  /** The order it is about: subscriptions filter on it (`id=ORD-1`), on eventType and on state. */
  orderId: string;
  event: Record<string, unknown>;
}

/**
 * The event's id: the order, the event type and what makes it unique (a state, a sequence number, an item), so a
 * retried delivery carries the same id and a subscriber drops what it has seen.
 */
export function orderEventId(orderId: string, type: OrderEventType, discriminator: string | number): string {
  return `${orderId}:${type}:${discriminator}`;
}

/** Whether a subscription's query (`eventType=X&id=Y&state=Z`, TMF's hub filter, every term must match) takes the event. */
export function queryMatches(query: string | undefined, event: OrderEvent): boolean {
  if (!query?.trim()) return true;
  const fields: Record<string, string | undefined> = {
    eventType: event.eventType,
    id: event.orderId,
    'event.productOrder.id': event.orderId,
    state: (event.event.productOrder as { state?: string } | undefined)?.state ?? (event.event.cancelProductOrder as { state?: string } | undefined)?.state,
  };
  return query.split('&').every((term) => {
    const [key, value = ''] = term.split('=').map((part) => decodeURIComponent(part.trim()));
    if (!(key in fields)) return false;
    return value.split(',').includes(fields[key] ?? '');
  });
}

/** Whether a subscription's query may take events of this order: its `id` terms (if any) name it. */
export function queryMayTakeOrder(query: string | undefined, orderId: string): boolean {
  if (!query?.trim()) return true;
  return query.split('&').every((term) => {
    const [key, value = ''] = term.split('=').map((part) => decodeURIComponent(part.trim()));
    return key !== 'id' && key !== 'event.productOrder.id' ? true : value.split(',').includes(orderId);
  });
}

/** The query fields a subscription may filter on (refused otherwise, naming them). */
export const QUERY_FIELDS = ['eventType', 'id', 'event.productOrder.id', 'state'];

export function queryProblems(query: unknown): Problem[] {
  if (query === undefined || query === null || query === '') return [];
  if (typeof query !== 'string') return [{ path: 'query', message: 'must be a string such as "eventType=ProductOrderStateChangeEvent&id=ORD-1"' }];
  return query.split('&').flatMap((term, i) => {
    const [key] = term.split('=');
    return QUERY_FIELDS.includes(key.trim())
      ? []
      : [{ path: 'query', message: `term ${i + 1} filters on "${key}", which the hub does not know`, fix: `filter on ${QUERY_FIELDS.join(', ')}` }];
  });
}

// ---- A ProductOrder onto an Ordo order ----

interface TmfMoney { unit?: unknown; value?: unknown }
interface TmfItem {
  id?: unknown;
  action?: unknown;
  quantity?: unknown;
  product?: { id?: unknown; productSpecification?: { id?: unknown }; productCharacteristic?: Array<{ name?: unknown; value?: unknown }> };
  itemPrice?: Array<{ price?: { dutyFreeAmount?: TmfMoney; taxIncludedAmount?: TmfMoney } }>;
  productOrderItemRelationship?: Array<{ id?: unknown; relationshipType?: unknown }>;
  [key: string]: unknown;
}

/**
 * A TMF ProductOrder as an Ordo order, for the checks every entry point runs (client/check-order.ts): `externalId`
 * (else `id`) is the order id, the `customer` related party the account, `channel[0].name` the channel,
 * `productOrderItem[]` the items, and the extension `ordo` (an object) adds or overrides any field of Ordo's order
 * (deliveryGroups, contract, payment, …). Returns the order to check and a function that names a problem's path in
 * the caller's words (`items[0].quantity` → `productOrderItem[0].quantity`).
 */
export function orderFromProductOrder(body: Record<string, unknown>): { order: Record<string, unknown>; tmfPath: (path: string) => string } {
  const items = Array.isArray(body.productOrderItem) ? (body.productOrderItem as TmfItem[]) : [];
  let currency: unknown;
  const mapped = items.map((item) => {
    const money = item.itemPrice?.[0]?.price?.dutyFreeAmount ?? item.itemPrice?.[0]?.price?.taxIncludedAmount;
    if (money?.unit !== undefined) currency ??= money.unit;
    const characteristics = item.product?.productCharacteristic ?? [];
    const parent = item.productOrderItemRelationship?.find((r) => r.relationshipType === 'bundled' || r.relationshipType === 'isChildOf');
    const extension = (item.ordo ?? {}) as Record<string, unknown>;
    return {
      id: item.id,
      product: item.product?.productSpecification?.id ?? item.product?.id,
      quantity: item.quantity ?? 1,
      unitPrice: moneyString(money?.value),
      ...(typeof item.action === 'string' && item.action !== 'add' ? { action: ACTIONS[item.action] ?? item.action } : {}),
      ...(parent ? { parentItemId: parent.id } : {}),
      ...(characteristics.length ? { attributes: Object.fromEntries(characteristics.map((c) => [c.name, c.value])) } : {}),
      ...extension,
    };
  });
  const customer = Array.isArray(body.relatedParty) ? (body.relatedParty as Array<{ id?: unknown; role?: unknown }>).find((p) => p.role === 'customer') : undefined;
  const channel = Array.isArray(body.channel) ? (body.channel as Array<{ name?: unknown }>)[0]?.name : undefined;
  const extension = (body.ordo && typeof body.ordo === 'object' ? body.ordo : {}) as Record<string, unknown>;
  const order: Record<string, unknown> = {
    id: body.externalId ?? body.id,
    accountId: customer?.id,
    channel: channel ?? 'cpq',
    currency,
    ...(typeof body.requestedStartDate === 'string' ? { effectiveDate: body.requestedStartDate.slice(0, 10) } : {}),
    items: mapped,
    ...extension,
  };
  return { order, tmfPath: (path) => tmfPathOf(path, body) };
}

/**
 * TMF's amount (a JSON number) as Ordo's money string: two decimals when it has at most two; otherwise as written, so
 * the order's check refuses a third decimal instead of it being rounded away here.
 */
function moneyString(value: unknown): unknown {
  if (typeof value !== 'number') return value;
  const written = String(value);
  return /^-?\d+(\.\d{1,2})?$/.test(written) ? value.toFixed(2) : written;
}

const ITEM_FIELDS: Record<string, string> = {
  product: 'product.id',
  unitPrice: 'itemPrice[0].price.dutyFreeAmount.value',
  parentItemId: 'productOrderItemRelationship',
  action: 'action',
};

/** An Ordo order's problem path in the ProductOrder's words, where the field came from the ProductOrder. */
function tmfPathOf(path: string, body: Record<string, unknown>): string {
  const extension = (body.ordo ?? {}) as Record<string, unknown>;
  const top = path.split(/[.[]/)[0];
  if (top in extension) return `ordo.${path}`;
  if (path === 'id') return 'externalId';
  if (path === 'accountId') return 'relatedParty[role=customer].id';
  if (path === 'channel') return 'channel[0].name';
  if (path === 'currency') return 'productOrderItem[0].itemPrice[0].price.dutyFreeAmount.unit';
  if (path === 'items') return 'productOrderItem';
  const item = /^items\[(\d+)\]\.?([A-Za-z]*)(.*)$/.exec(path);
  if (!item) return path;
  const [, index, field, rest] = item;
  if (field === 'attributes') return `productOrderItem[${index}].product.productCharacteristic${rest}`;
  return `productOrderItem[${index}]${field ? `.${ITEM_FIELDS[field] ?? field}` : ''}${rest}`;
}
