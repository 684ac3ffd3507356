import { deliveryGroupOf, type DeliveryGroupsOf } from './delivery-groups';
import type { Address } from './order';
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

// ---- A delivery address as TMF622 shapes it ----

/**
 * TMF622 v4 has no address on the ProductOrder: an item's product names its places (`product.place[]`, each with a
 * `role`), and a place given by value is a TMF673 GeographicAddress. Ordo's address belongs to a delivery group, so
 * the place with role `deliveryAddress` is the item's delivery group's address, its `id` the group's id.
 */
export const DELIVERY_ADDRESS_ROLE = 'deliveryAddress';

/** An Ordo address as a TMF673 GeographicAddress place (line1 is the street name: Ordo does not split the street). */
export function deliveryPlaceOf(groupId: string, address: Address): Record<string, unknown> {
  return {
    id: groupId,
    role: DELIVERY_ADDRESS_ROLE,
    '@type': 'GeographicAddress',
    streetName: address.line1,
    ...(address.line2 !== undefined ? { 'ordo:line2': address.line2 } : {}),
    city: address.city,
    ...(address.region !== undefined ? { stateOrProvince: address.region } : {}),
    ...(address.postalCode !== undefined ? { postcode: address.postalCode } : {}),
    country: address.country,
  };
}

/** Ordo's address fields and where they are on a GeographicAddress place: for paths and for reading a place. */
const PLACE_FIELDS: Record<string, string> = { line1: 'streetName', line2: 'ordo:line2', city: 'city', region: 'stateOrProvince', postalCode: 'postcode', country: 'country' };

/** A GeographicAddress place as Ordo's address: `streetNr streetName streetType` is line1; the check happens later. */
function addressOfPlace(place: Record<string, unknown>): Record<string, unknown> {
  const street = ['streetNr', 'streetName', 'streetType'].map((key) => place[key]).filter((part) => typeof part === 'string' && part.trim());
  const address: Record<string, unknown> = street.length ? { line1: street.join(' ') } : {};
  for (const [ordo, tmf] of Object.entries(PLACE_FIELDS)) if (ordo !== 'line1' && place[tmf] !== undefined) address[ordo] = place[tmf];
  return address;
}

interface AmendmentSource {
  /** Where the action came from in the PATCH body, and how its fields' paths read there. */
  at: string;
  field: (rest: string) => string;
}

/**
 * A PATCH /productOrder body as Ordo's amendment (docs/api.md "Amending"). Beside Ordo's own `actions`, a delivery
 * address change may come the way a POST gives delivery groups, in the extension (`ordo.deliveryGroups: [{ id,
 * address }]`), or TMF's way, as an item's place (`productOrderItem[].product.place[]` with role `deliveryAddress`):
 * each becomes a ChangeDeliveryAddress of the group, appended to the actions. `order` (the order as it stands) finds
 * an item's group when its place names none, and the groups a change may name. Answers the amendment, the problems found in the mapping, and a
 * function that names an amendment problem's path in the body's words.
 */
export function amendmentFromPatch(
  body: Record<string, unknown>,
  order: DeliveryGroupsOf | undefined,
): { amendment: Record<string, unknown>; problems: Problem[]; tmfPath: (path: string) => string } {
  const { ordo, productOrderItem, ...rest } = body;
  const problems: Problem[] = [];
  const derived: Array<{ action: Record<string, unknown>; source: AmendmentSource }> = [];

  if (ordo !== undefined) {
    const { deliveryGroups, ...other } = (isRecord(ordo) ? ordo : {}) as Record<string, unknown>;
    if (!isRecord(ordo) || Object.keys(other).length || !Array.isArray(deliveryGroups)) {
      problems.push({ path: 'ordo', message: 'a PATCH takes only ordo.deliveryGroups (an array of { id, address })', fix: 'give the new addresses as ordo.deliveryGroups, and other changes as actions' });
    } else {
      deliveryGroups.forEach((group, i) => {
        const at = `ordo.deliveryGroups[${i}]`;
        const { id, address } = (isRecord(group) ? group : {}) as Record<string, unknown>;
        derived.push({ action: { type: 'ChangeDeliveryAddress', deliveryGroupId: id, address }, source: { at, field: (path) => path.replace(/^\.deliveryGroupId/, '.id') } });
      });
    }
  }

  if (productOrderItem !== undefined) {
    if (!Array.isArray(productOrderItem)) {
      problems.push({ path: 'productOrderItem', message: 'must be an array of items, each with a product.place of role deliveryAddress', fix: 'give the items whose delivery address changes' });
    } else {
      const groupOf = (itemId: unknown) => (typeof itemId === 'string' && order ? deliveryGroupOf(order, itemId) : undefined);
      productOrderItem.forEach((item, i) => {
        const at = `productOrderItem[${i}]`;
        const places = isRecord(item) && isRecord(item.product) && Array.isArray(item.product.place) ? item.product.place : [];
        const index = places.findIndex((place) => isRecord(place) && place.role === DELIVERY_ADDRESS_ROLE);
        if (index < 0) {
          problems.push({ path: `${at}.product.place`, message: `has no place with role "${DELIVERY_ADDRESS_ROLE}": a PATCH changes an item's delivery address, nothing else of it`, fix: 'give product.place [{ role: "deliveryAddress", streetName, city, country, … }], and other item changes as actions' });
          return;
        }
        const place = places[index] as Record<string, unknown>;
        const placeAt = `${at}.product.place[${index}]`;
        const groupId = typeof place.id === 'string' ? place.id : groupOf((item as Record<string, unknown>).id);
        if (groupId === undefined) {
          problems.push({ path: `${placeAt}.id`, message: `names no delivery group, and item ${String((item as Record<string, unknown>).id)} ships to none the order knows`, fix: 'give the delivery group\'s id as the place\'s id' });
          return;
        }
        const field = (path: string) => {
          if (path.startsWith('.deliveryGroupId')) return '.id';
          const name = /^\.address\.([A-Za-z0-9]+)/.exec(path)?.[1];
          return name ? `.${PLACE_FIELDS[name] ?? name}` : path.replace(/^\.address/, '');
        };
        derived.push({ action: { type: 'ChangeDeliveryAddress', deliveryGroupId: groupId, address: addressOfPlace(place) }, source: { at: placeAt, field } });
      });
    }
  }

  // Two places of one group (two items that ship together) must agree; one change per group is kept.
  const byGroup = new Map<unknown, (typeof derived)[number]>();
  const unique = derived.filter((entry) => {
    const first = byGroup.get(entry.action.deliveryGroupId);
    if (!first) {
      byGroup.set(entry.action.deliveryGroupId, entry);
      return true;
    }
    if (JSON.stringify(first.action.address) !== JSON.stringify(entry.action.address)) {
      problems.push({ path: entry.source.at, message: `gives delivery group ${String(entry.action.deliveryGroupId)} another address than ${first.source.at}`, fix: 'items of one delivery group ship to one address: give the same address, or move the item to another group (an Amend with deliveryGroupId)' });
    }
    return false;
  });

  // With the order at hand, a group it does not have is named here, in the body's words, not by the order later.
  const known = order?.deliveryGroups?.map((group) => group.id);
  for (const { action, source } of unique) {
    if (!known || known.includes(action.deliveryGroupId as string)) continue;
    problems.push({
      path: `${source.at}${source.field('.deliveryGroupId')}`,
      message: `names delivery group ${String(action.deliveryGroupId)}, which the order does not have`,
      fix: known.length ? `name one of: ${known.join(', ')}` : 'the order has no delivery groups: submit a change order to add one',
    });
  }

  const given = Array.isArray(rest.actions) ? rest.actions : undefined;
  const offset = given?.length ?? 0;
  const amendment = unique.length ? { ...rest, actions: [...(given ?? []), ...unique.map((entry) => entry.action)] } : rest;
  const tmfPath = (path: string): string => {
    const match = /^actions\[(\d+)\](.*)$/.exec(path);
    if (!match || Number(match[1]) < offset) return path;
    const source = unique[Number(match[1]) - offset]?.source;
    return source ? `${source.at}${source.field(match[2])}` : path;
  };
  return { amendment, problems, tmfPath };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
