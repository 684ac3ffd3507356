import { z } from 'zod';
import { BundleIndex } from './bundles';
import { itemsShippingTo } from './delivery-groups';
import { Address, AttributeValue, Identifier, IsoDate, OrderItem, type DeliveryGroup, type Order } from './order';
import { InvalidInput, parseWith, type Problem } from './problems';
import { validateOrder } from './validate-order';

/**
 * Amendments before the point of no return (DESIGN.md "Point of no return", the `amend` update): order actions
 * that change the plan in place. After PONR the same change is a change order (domain/change-order).
 *
 * An order is never mutated: applyOrderActions returns a new order, and the workflow keeps the original and the
 * accepted actions (each one an order action in the summary) beside it.
 */

/** `Add` a new item to the order. */
export const AddAction = z.strictObject({ type: z.literal('Add'), item: OrderItem });

/**
 * `Amend` an item: the given fields replace the item's; attributes merge key by key (a given key wins). A
 * `deliveryGroupId` moves the item (and the components that inherit its group) to another of the order's groups.
 */
export const AmendAction = z
  .strictObject({
    type: z.literal('Amend'),
    itemId: Identifier,
    quantity: OrderItem.shape.quantity.optional(),
    attributes: z.record(z.string(), AttributeValue).optional(),
    startDate: IsoDate.optional(),
    endDate: IsoDate.optional(),
    deliveryGroupId: Identifier.optional(),
  })
  .refine(
    (action) => action.quantity !== undefined || action.attributes !== undefined || action.startDate !== undefined || action.endDate !== undefined || action.deliveryGroupId !== undefined,
    { message: 'an Amend must change something: give quantity, attributes, startDate, endDate or deliveryGroupId' },
  );

/** `Cancel` an item, and with it every component of it (items whose parentItemId chain leads to it). */
export const CancelAction = z.strictObject({ type: z.literal('Cancel'), itemId: Identifier });

/**
 * `ChangeDeliveryAddress`: a delivery group ships to a new address (issue 14). Routing does not read addresses, so
 * the splits stay where they are; the splits of the group get the new address for the callouts still to run. It
 * touches every item that ships to the group: refused, like the other actions, once one is past the point of no
 * return or in a finished split.
 */
export const ChangeDeliveryAddressAction = z.strictObject({
  type: z.literal('ChangeDeliveryAddress'),
  deliveryGroupId: Identifier,
  address: Address,
});

export const OrderActionInput = z.discriminatedUnion('type', [AddAction, AmendAction, CancelAction, ChangeDeliveryAddressAction], {
  error: 'must be an order action: { type: "Add", item }, { type: "Amend", itemId, … }, { type: "Cancel", itemId } or { type: "ChangeDeliveryAddress", deliveryGroupId, address }',
});

export const AmendRequest = z.strictObject({
  /** Who asks: recorded with the order actions in the summary. */
  actor: z.string({ error: 'must be a string naming who asks' }).regex(/\S/, 'must not be empty'),
  actions: z.array(OrderActionInput).min(1, 'list at least one order action'),
});

export type AddAction = z.infer<typeof AddAction>;
export type AmendAction = z.infer<typeof AmendAction>;
export type CancelAction = z.infer<typeof CancelAction>;
export type ChangeDeliveryAddressAction = z.infer<typeof ChangeDeliveryAddressAction>;
export type OrderActionInput = z.infer<typeof OrderActionInput>;
export type AmendRequest = z.infer<typeof AmendRequest>;

export interface AppliedActions {
  /** The amended order: a new, validated object that shares nothing with the input. */
  order: Order;
  /** Items of the input order whose fields changed, in the amended order's item order. */
  changedItemIds: string[];
  /** Items of the input order that are gone (cancelled, or components of a cancelled item), in the input's item order. */
  removedItemIds: string[];
  /** Items that are new, in the amended order's item order. */
  addedItemIds: string[];
  /** Delivery groups whose address changed, in the order's group order. */
  changedDeliveryGroupIds: string[];
  /** Items of the amended order that ship to a group in changedDeliveryGroupIds: touched, though their fields are not. */
  readdressedItemIds: string[];
}

/**
 * Applies the request's actions in order (a later action sees what the earlier ones did: it may amend an item an
 * earlier one added), then validates the result like a submitted order. Throws InvalidInput
 * (`amendment of order ORD-1001`) with every problem at once: action problems name the action
 * (`actions[2].itemId: no item OI-9 in order ORD-1001`), problems of the amended order name its items
 * (`items[3].unitPrice`), as validateOrder reports them.
 *
 * Whether an item may still change (the point of no return) is the workflow's call: every item the amendment
 * touches is in changedItemIds, removedItemIds, readdressedItemIds, or (for an added component) the bundle of its parent.
 */
export function applyOrderActions(order: Order, request: AmendRequest): AppliedActions {
  const subject = `amendment of order ${order.id}`;
  const { actions } = parseWith(AmendRequest, request, subject);
  const problems: Problem[] = [];
  const originalIds = new Set(order.items.map((item) => item.id));
  /** Item id → index of the action that cancelled it, for messages about acting on it later. */
  const cancelledBy = new Map<string, number>();
  // The working list holds the input's own item objects until an action replaces one with a new object.
  let items: OrderItem[] = [...order.items];
  let groups: DeliveryGroup[] = [...(order.deliveryGroups ?? [])];

  /** A problem when the order has no delivery group `groupId`, naming the ones it has. */
  const unknownGroup = (groupId: string, path: string): Problem | undefined => {
    if (groups.some((group) => group.id === groupId)) return undefined;
    return groups.length === 0
      ? { path, message: `order ${order.id} has no delivery groups, so none is named ${groupId}`, fix: 'an order without deliveryGroups ships nothing: submit a change order to add one' }
      : { path, message: `no delivery group ${groupId} in order ${order.id}`, fix: `name one of: ${groups.map((group) => group.id).join(', ')}` };
  };

  const missing = (itemId: string, path: string): Problem => {
    const by = cancelledBy.get(itemId);
    return by === undefined
      ? { path, message: `no item ${itemId} in order ${order.id}`, fix: `name one of: ${items.map((item) => item.id).join(', ')}` }
      : { path, message: `item ${itemId} is cancelled by actions[${by}]`, fix: `remove one of the two actions` };
  };

  actions.forEach((action, index) => {
    const at = `actions[${index}]`;
    switch (action.type) {
      case 'Add': {
        const { id } = action.item;
        if (items.some((item) => item.id === id)) {
          problems.push({ path: `${at}.item.id`, message: `${id} already exists in order ${order.id}`, fix: 'give the new item an id no item of the order has' });
        } else if (cancelledBy.has(id) || originalIds.has(id)) {
          problems.push({ path: `${at}.item.id`, message: `${id} is the id of an item cancelled by actions[${cancelledBy.get(id)}]`, fix: 'give the new item a new id: an id names one item for the life of the order' });
        } else {
          items = [...items, action.item];
        }
        return;
      }
      case 'Amend': {
        const position = items.findIndex((item) => item.id === action.itemId);
        if (position < 0) {
          problems.push(missing(action.itemId, `${at}.itemId`));
          return;
        }
        const current = items[position];
        const noGroup = action.deliveryGroupId === undefined ? undefined : unknownGroup(action.deliveryGroupId, `${at}.deliveryGroupId`);
        if (noGroup) {
          problems.push(noGroup);
          return;
        }
        const amended = amendedItem(current, action);
        if (sameValue(amended, current)) {
          problems.push({ path: at, message: `changes nothing: item ${current.id} already has every value it gives`, fix: 'give a value that differs from the item, or leave the action out' });
          return;
        }
        items = items.map((item, i) => (i === position ? amended : item));
        return;
      }
      case 'Cancel': {
        if (!items.some((item) => item.id === action.itemId)) {
          problems.push(missing(action.itemId, `${at}.itemId`));
          return;
        }
        const gone = new Set([action.itemId, ...new BundleIndex(items).descendantsOf(action.itemId)]);
        for (const id of gone) cancelledBy.set(id, index);
        items = items.filter((item) => !gone.has(item.id));
        return;
      }
      case 'ChangeDeliveryAddress': {
        const noGroup = unknownGroup(action.deliveryGroupId, `${at}.deliveryGroupId`);
        if (noGroup) {
          problems.push(noGroup);
          return;
        }
        const current = groups.find((group) => group.id === action.deliveryGroupId)!;
        if (sameValue(current.address, action.address)) {
          problems.push({ path: `${at}.address`, message: `changes nothing: delivery group ${current.id} already ships to this address`, fix: 'give the new address, or leave the action out' });
          return;
        }
        groups = groups.map((group) => (group.id === current.id ? { ...group, address: action.address } : group));
        return;
      }
    }
  });
  if (items.length === 0) {
    problems.push({ path: 'actions', message: `would cancel every item of order ${order.id}`, fix: 'cancel the order instead (the cancel update), or keep at least one item' });
  }
  if (problems.length > 0) throw new InvalidInput(subject, problems);

  let amendedOrder: Order;
  try {
    // validateOrder parses into a fresh object: the result shares nothing with the input order or the request.
    amendedOrder = validateOrder({ ...order, ...(order.deliveryGroups ? { deliveryGroups: groups } : {}), items });
  } catch (error) {
    if (error instanceof InvalidInput) throw new InvalidInput(subject, error.problems);
    throw error;
  }

  const byId = new Map(order.items.map((item) => [item.id, item] as const));
  const resultIds = new Set(items.map((item) => item.id));
  const groupsBefore = new Map((order.deliveryGroups ?? []).map((group) => [group.id, group] as const));
  const changedDeliveryGroupIds = groups.filter((group) => !sameValue(group.address, groupsBefore.get(group.id)?.address)).map((group) => group.id);
  const readdressed = new Set(changedDeliveryGroupIds.flatMap((groupId) => itemsShippingTo(amendedOrder, groupId)));
  return {
    order: amendedOrder,
    changedItemIds: items.filter((item) => byId.has(item.id) && !sameValue(item, byId.get(item.id))).map((item) => item.id),
    removedItemIds: order.items.filter((item) => !resultIds.has(item.id)).map((item) => item.id),
    addedItemIds: items.filter((item) => !byId.has(item.id)).map((item) => item.id),
    changedDeliveryGroupIds,
    readdressedItemIds: amendedOrder.items.filter((item) => readdressed.has(item.id)).map((item) => item.id),
  };
}

/** A new item object: the Amend's fields over the item's, attributes merged key by key. The input is not touched. */
function amendedItem(item: OrderItem, action: AmendAction): OrderItem {
  const amended: OrderItem = { ...item };
  if (action.quantity !== undefined) amended.quantity = action.quantity;
  if (action.startDate !== undefined) amended.startDate = action.startDate;
  if (action.endDate !== undefined) amended.endDate = action.endDate;
  if (action.deliveryGroupId !== undefined) amended.deliveryGroupId = action.deliveryGroupId;
  if (action.attributes !== undefined) amended.attributes = { ...item.attributes, ...action.attributes };
  return amended;
}

/** Structural equality of JSON-like values, whatever the key order. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
