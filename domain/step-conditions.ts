import type { AttributeValue, OrderItem } from './order';
import type { FulfillmentLineItem } from './plan';

/**
 * Pause conditions (`resumeOn: { condition: { field, equals } }`). A field names what it reads:
 *   `lineItem.attributes.<name>`, `lineItem.quantity` — the step's fulfillment line items (the default
 *   when no prefix is given: `attributes.deliveryConfirmed`);
 *   `orderItem.attributes.<name>`, `orderItem.<field>` — the order items those lines come from.
 * The condition holds when every one of them has the value (compared as text, as decomposition rules do).
 */
export interface ConditionTarget {
  lineItems: readonly FulfillmentLineItem[];
  orderItems: ReadonlyMap<string, OrderItem>;
}

export const FIELD_PATTERN = /^(?:(lineItem|orderItem)\.)?([A-Za-z][A-Za-z0-9]*)(?:\.([A-Za-z0-9_-]+))?$/;

export function conditionHolds(condition: { field: string; equals: AttributeValue }, target: ConditionTarget): boolean {
  const parsed = FIELD_PATTERN.exec(condition.field);
  if (!parsed || target.lineItems.length === 0) return false;
  const [, owner = 'lineItem', field, attribute] = parsed;
  const values =
    owner === 'lineItem'
      ? target.lineItems.map((li) => read(li as unknown as Record<string, unknown>, field, attribute))
      : target.lineItems.flatMap((li) => li.sourceItemIds.map((id) => read(target.orderItems.get(id) as unknown as Record<string, unknown> | undefined, field, attribute)));
  return values.length > 0 && values.every((value) => value !== undefined && String(value) === String(condition.equals));
}

function read(record: Record<string, unknown> | undefined, field: string, attribute: string | undefined): unknown {
  const value = record?.[field];
  if (attribute === undefined) return value;
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[attribute] : undefined;
}
