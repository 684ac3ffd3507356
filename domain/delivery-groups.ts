import { BundleIndex, type BundleMember } from './bundles';

/**
 * Where an item ships (DESIGN.md "Decomposition", step 1): its own delivery group, else its nearest bundle
 * ancestor's, else the order's only delivery group. Decomposition routes by this; an address change touches
 * exactly the items it answers for. Deterministic and free of zod, so workflow code may import it.
 */
export interface DeliveryGroupMember extends BundleMember {
  deliveryGroupId?: string;
}

export interface DeliveryGroupsOf {
  deliveryGroups?: readonly { id: string }[];
  items: readonly DeliveryGroupMember[];
}

/** The delivery group item `itemId` ships to, or undefined when it names none and the order has not exactly one. */
export function deliveryGroupOf(order: DeliveryGroupsOf, itemId: string): string | undefined {
  return groupFinder(order)(itemId);
}

/** The items that ship to delivery group `groupId`, in the order's item order. */
export function itemsShippingTo(order: DeliveryGroupsOf, groupId: string): string[] {
  const groupOf = groupFinder(order);
  return order.items.filter((item) => groupOf(item.id) === groupId).map((item) => item.id);
}

/** One bundle index for many look-ups. */
function groupFinder(order: DeliveryGroupsOf): (itemId: string) => string | undefined {
  const byId = new Map<string, DeliveryGroupMember>();
  for (const item of order.items) if (!byId.has(item.id)) byId.set(item.id, item);
  const index = new BundleIndex(order.items);
  const only = order.deliveryGroups?.length === 1 ? order.deliveryGroups[0].id : undefined;
  return (itemId) => {
    for (const id of [itemId, ...index.ancestorsOf(itemId)]) {
      const own = byId.get(id)?.deliveryGroupId;
      if (own !== undefined) return own;
    }
    return only;
  };
}
