import { actionOf } from './item-action';
import type { Order, OrderItem } from './order';
import type { Subscription, SubscriptionChange, SubscriptionSettings } from './subscription';

/**
 * What a change order does to its original's subscription (billing.recurring: perPeriod): its recurring and usage
 * items become one SubscriptionChange, and those items are the subscription's to bill (the change order's own
 * credit memo and invoice leave them out). Pure.
 *
 * - An `Add` of a recurring or usage item adds it, co-termed: from its start date, to its end date or the term end.
 * - An `Amend` of a subscription item sets its new quantity.
 * - A `Cancel` or `Return` of all the item's units cancels it; of fewer, amends it to what is left.
 * Items of other kinds (one-time, NoChange, changes of items the subscription does not bill) are not taken.
 * Effective: the change's effectiveDate, else the first added item's start date, else `today`. The change's id is
 * the change order's, or `<changeOrderId>-S` when the change order also bills items of its own (one-time items), so
 * the subscription's documents and the change order's never share an id.
 */
export interface SubscriptionChangeOf {
  change?: SubscriptionChange;
  /** The change order's items the subscription takes. */
  itemIds: string[];
}

export function subscriptionChangeOf(
  change: Order,
  subscription: Subscription,
  settings: Pick<SubscriptionSettings, 'defaultTaxCode' | 'usagePrices'>,
  today: string,
): SubscriptionChangeOf {
  const actions: SubscriptionChange['actions'] = [];
  const itemIds: string[] = [];
  const effectiveDate = change.effectiveDate ?? change.items.find(isAddedSubscriptionItem)?.startDate ?? today;
  for (const item of change.items) {
    const action = actionOf(item);
    if (action === 'Add') {
      if (!isAddedSubscriptionItem(item)) continue;
      actions.push({
        type: 'Add',
        item: {
          itemId: item.id,
          product: item.product,
          quantity: item.quantity,
          unitPrice: item.unitPrice,
          billing: item.billing!,
          startDate: item.startDate ?? effectiveDate,
          ...(item.endDate ?? subscription.termEnd ? { endDate: item.endDate ?? subscription.termEnd } : {}),
          taxCode: item.taxCode ?? settings.defaultTaxCode ?? null,
          ...(item.billing === 'usage' && settings.usagePrices[item.product] ? { usagePrice: settings.usagePrices[item.product] } : {}),
          changedBy: change.id,
        },
      });
      itemIds.push(item.id);
      continue;
    }
    const target = subscription.items.find((s) => s.itemId === item.originalItemId);
    if (!target || action === 'NoChange') continue;
    if (action === 'Amend') actions.push({ type: 'Amend', itemId: target.itemId, quantity: item.quantity });
    else if (item.quantity >= target.quantity) actions.push({ type: 'Cancel', itemId: target.itemId });
    else actions.push({ type: 'Amend', itemId: target.itemId, quantity: target.quantity - item.quantity });
    itemIds.push(item.id);
  }
  if (actions.length === 0) return { itemIds: [] };
  // The change order bills what the subscription does not take under its own id (INV-<id>-1, CM-<id>-1): the
  // subscription's documents then take `<id>-S`, so the two never claim one document id.
  const keepsOwn = change.items.some((item) => !itemIds.includes(item.id) && actionOf(item) !== 'NoChange');
  return { change: { changeId: keepsOwn ? `${change.id}-S` : change.id, effectiveDate, actions }, itemIds };
}

function isAddedSubscriptionItem(item: OrderItem): boolean {
  return actionOf(item) === 'Add' && (item.billing === 'usage' || (typeof item.billing === 'object' && item.billing.type === 'recurring'));
}
