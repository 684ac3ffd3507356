/**
 * The like-for-like baseline's decomposition, written by hand for the laptop bundle the way an engineer with no
 * catalog would write it: a LAPTOP-BUNDLE's laptop ships from a warehouse, its antivirus licence is activated, its
 * warranty registered. It builds the same splits, line items and step ids as Ordo's plan of that order, so both
 * sides send the same calls under the same idempotency keys (test/bench/baseline.test.ts compares the call logs).
 * Pure: the availability is fetched by the local activity that calls it (bench/baseline-activities.ts).
 */

/** The order as submitted (examples/laptop-bundle.json): only the fields the baseline reads. */
export interface BaselineOrder {
  id: string;
  accountId: string;
  currency: string;
  deliveryGroups?: Array<{ id: string; address?: Record<string, unknown> }>;
  items: Array<{ id: string; product: string; quantity: number; deliveryGroupId?: string; parentItemId?: string; attributes?: Record<string, string | number | boolean> }>;
}

/** A line of a split, field for field what Ordo sends in a callout's `lineItems`. */
export interface BaselineLine {
  id: string;
  product: string;
  scope: 'lineItem';
  ruleIds: string[];
  sourceItemIds: string[];
  quantity: number;
  attributes: Record<string, string | number | boolean>;
  bundleId: string;
  deliveryGroupId?: string;
  orderedProducts?: Record<string, number>;
}

/** The three kinds of split of a laptop order, each run by its own child workflow (bench/baseline-workflows.ts). */
export type BaselineSplit =
  | { kind: 'device'; id: string; location: string; deliveryGroupId: string; deliveryAddress?: Record<string, unknown>; lines: BaselineLine[] }
  | { kind: 'license'; id: 'FO-provisioning'; system: 'provisioning'; lines: BaselineLine[] }
  | { kind: 'warranty'; id: 'FO-warranty'; system: 'warranty'; lines: BaselineLine[] };

/** Stock per warehouse and product, as `GET /inventory/availability` answers it. */
export type Stock = Record<string, Record<string, number>>;

/** Where laptops ship from, in order of preference (catalog/laptop.yaml lists the same two). */
export const WAREHOUSES = ['WH-EAST', 'WH-WEST'] as const;
/** Laptops ship only within these regions (the `laptop-ships` rule). */
const SHIPPING_REGIONS = ['US', 'CA'];

/** The products whose stock the plan needs: the order's products, sorted, as Ordo asks for them. */
export function productsToCheck(order: BaselineOrder): string[] {
  return [...new Set(order.items.map((item) => item.product))].sort();
}

export function planLaptopOrder(order: BaselineOrder, stock: Stock): BaselineSplit[] {
  const byId = new Map(order.items.map((item) => [item.id, item]));
  const bundleOf = (item: BaselineOrder['items'][number]) => (item.parentItemId ? byId.get(item.parentItemId) : undefined);
  const line = (destination: string, rule: string, item: BaselineOrder['items'][number], bundleId: string): BaselineLine => ({
    id: `${destination}:${item.id}`,
    product: destination,
    scope: 'lineItem',
    ruleIds: [rule],
    sourceItemIds: [item.id],
    quantity: item.quantity,
    attributes: {},
    bundleId,
  });

  const devices = new Map<string, BaselineLine[]>(); // by delivery group
  const licenses: BaselineLine[] = [];
  const warranties: BaselineLine[] = [];
  for (const item of order.items) {
    const bundle = bundleOf(item);
    if (!bundle || bundle.product !== 'LAPTOP-BUNDLE') continue;
    const region = bundle.attributes?.region;
    if (item.product === 'LAPTOP-14' && typeof region === 'string' && SHIPPING_REGIONS.includes(region)) {
      const deliveryGroupId = item.deliveryGroupId ?? bundle.deliveryGroupId ?? '';
      const attributes = { ...(item.attributes?.color === undefined ? {} : { color: item.attributes.color }), region };
      const device = { ...line('SHIP-DEVICE', 'laptop-ships', item, bundle.id), attributes, deliveryGroupId, orderedProducts: { [item.product]: item.quantity } };
      devices.set(deliveryGroupId, [...(devices.get(deliveryGroupId) ?? []), device]);
    }
    if (item.product === 'AV-LICENSE') licenses.push(line('ACTIVATE-LICENSE', 'av-license-activates', item, bundle.id));
    if (item.product === 'WARRANTY-3Y') warranties.push(line('REGISTER-WARRANTY', 'warranty-registers', item, bundle.id));
  }

  const splits: BaselineSplit[] = [];
  for (const [deliveryGroupId, lines] of devices) {
    const location = warehouseFor(lines, stock, deliveryGroupId);
    // Where the laptops go: the delivery group's address, which the callouts send as Ordo's do.
    const deliveryAddress = order.deliveryGroups?.find((group) => group.id === deliveryGroupId)?.address;
    splits.push({ kind: 'device', id: `FO-${location}-${deliveryGroupId}`, location, deliveryGroupId, ...(deliveryAddress ? { deliveryAddress } : {}), lines });
  }
  if (licenses.length > 0) splits.push({ kind: 'license', id: 'FO-provisioning', system: 'provisioning', lines: licenses });
  if (warranties.length > 0) splits.push({ kind: 'warranty', id: 'FO-warranty', system: 'warranty', lines: warranties });
  return splits;
}

/** The first warehouse that has every laptop of the delivery group in stock. */
function warehouseFor(lines: BaselineLine[], stock: Stock, deliveryGroupId: string): string {
  const needed = new Map<string, number>();
  for (const l of lines) for (const [product, quantity] of Object.entries(l.orderedProducts ?? {})) needed.set(product, (needed.get(product) ?? 0) + quantity);
  const found = WAREHOUSES.find((warehouse) => [...needed].every(([product, quantity]) => (stock[warehouse]?.[product] ?? 0) >= quantity));
  if (!found) throw new RangeError(`no warehouse has the laptops of delivery group ${deliveryGroupId} in stock (${WAREHOUSES.join(', ')})`);
  return found;
}
