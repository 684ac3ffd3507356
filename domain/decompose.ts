import type { Catalog, Condition, DecompositionRule, FulfillmentProduct, Product } from './catalog';
import { groupBy, suggestName } from './catalog-index';
import type { AttributeValue, Order, OrderItem } from './order';
import type { Availability, FulfillmentLineItem, FulfillmentOrder, Plan, UnfulfilledItem } from './plan';
import { buildFulfillmentPlan } from './plan-build';
import { InvalidInput, type Problem } from './problems';
import { consumeStock, routeFewestSplits, type RoutingItem } from './routing';

/**
 * Decomposition (DESIGN.md "Decomposition"): a commercial order → fulfillment orders with their plans.
 * Pure and deterministic: the same order, catalog and availability give byte-identical JSON, because
 * the plan is recorded in workflow history and replayed.
 */
export function decompose(order: Order, catalog: Catalog, availability?: Availability): Plan {
  const lookups = catalogLookups(catalog);
  const tree = itemTree(order);
  const matched = matchItems(order, lookups, tree);
  const routed = physicalItems(order, matched.contributions, lookups, tree);
  const problems = [...tree.problems, ...matched.problems, ...routed.problems];
  if (problems.length > 0) throw new InvalidInput('order', problems);

  const locations = routeByDeliveryGroup(order, routed.items, lookups.locationOrder, availability);
  const { fulfillmentOrders, accountLineItems } = fulfillmentOrdersOf(matched.contributions, locations, tree, routed.deliveryGroups);
  for (const fulfillmentOrder of fulfillmentOrders) Object.assign(fulfillmentOrder, buildFulfillmentPlan(catalog, fulfillmentOrder.lineItems));
  return { orderId: order.id, accountId: order.accountId, fulfillmentOrders, accountLineItems, unfulfilledItems: matched.unfulfilled };
}

// ---------------------------------------------------------------------------------------------
// Catalog lookups

interface CatalogLookups {
  products: Map<string, Product>;
  destinations: Map<string, FulfillmentProduct>;
  rulesBySource: Map<string, DecompositionRule[]>;
  /** Every stock location, in the order they first appear in fulfillmentProducts: the routing preference. */
  locationOrder: string[];
}

function catalogLookups(catalog: Catalog): CatalogLookups {
  const destinations = new Map(catalog.fulfillmentProducts.map((p) => [p.code, p]));
  const broken = catalog.decompositionRules.filter((rule) => !destinations.has(rule.destination));
  if (broken.length > 0) {
    throw new InvalidInput(
      'catalog',
      broken.map((rule) => ({ path: `decompositionRules[${rule.id}].destination`, message: `unknown fulfillment product "${rule.destination}"`, fix: 'run ordo lint on the catalog' })),
    );
  }
  const locationOrder: string[] = [];
  for (const product of catalog.fulfillmentProducts) {
    if ('locations' in product.fulfilledBy) for (const location of product.fulfilledBy.locations) if (!locationOrder.includes(location)) locationOrder.push(location);
  }
  return {
    products: new Map(catalog.products.map((p) => [p.code, p])),
    destinations,
    rulesBySource: groupBy(catalog.decompositionRules, (rule) => rule.source),
    locationOrder,
  };
}

// ---------------------------------------------------------------------------------------------
// The item tree: bundles by parentItemId

interface ItemTree {
  index: Map<OrderItem, number>;
  parent: Map<OrderItem, OrderItem>;
  /** Items some other item points at with parentItemId. */
  hasComponents: Set<OrderItem>;
  problems: Problem[];
}

function itemTree(order: Order): ItemTree {
  const tree: ItemTree = { index: new Map(), parent: new Map(), hasComponents: new Set(), problems: [] };
  const byId = new Map<string, OrderItem>();
  order.items.forEach((item, i) => {
    tree.index.set(item, i);
    if (byId.has(item.id)) tree.problems.push({ path: `items[${i}].id`, message: `item id ${item.id} is used twice`, fix: 'give every item its own id' });
    else byId.set(item.id, item);
  });
  order.items.forEach((item, i) => {
    if (item.parentItemId === undefined) return;
    const parent = byId.get(item.parentItemId);
    if (!parent) {
      tree.problems.push({ path: `items[${i}].parentItemId`, message: `item ${item.id} points at unknown item ${item.parentItemId}`, fix: suggestName(item.parentItemId, [...byId.keys()], 'items', 'point at the id of the bundle item') });
      return;
    }
    tree.parent.set(item, parent);
    tree.hasComponents.add(parent);
  });
  order.items.forEach((item, i) => {
    if (ancestorsOf(item, tree).length >= order.items.length) {
      tree.problems.push({ path: `items[${i}].parentItemId`, message: `item ${item.id} is its own ancestor through parentItemId`, fix: 'make the bundle item the parent, never a component' });
    }
  });
  return tree;
}

/** Parent, grandparent, … (stops at a loop, so a parentItemId cycle cannot hang decomposition). */
function ancestorsOf(item: OrderItem, tree: ItemTree): OrderItem[] {
  const ancestors: OrderItem[] = [];
  for (let current = tree.parent.get(item); current && ancestors.length <= tree.index.size; current = tree.parent.get(current)) ancestors.push(current);
  return ancestors;
}

/** The id of the top-most ancestor: the bundle the item belongs to, or the item itself outside any bundle. */
function bundleIdOf(item: OrderItem, tree: ItemTree): string {
  const ancestors = ancestorsOf(item, tree);
  return (ancestors.at(-1) ?? item).id;
}

/**
 * An item's attributes with its bundle's underneath: bundle-level configuration such as `region` is set once
 * on the bundle and holds for its components (DESIGN.md's example matches LAPTOP-14 on the bundle's region).
 * The nearest value wins.
 */
function effectiveAttributes(item: OrderItem, tree: ItemTree): Record<string, AttributeValue> {
  const chain = [item, ...ancestorsOf(item, tree)].reverse();
  return Object.assign({}, ...chain.map((i) => i.attributes ?? {}));
}

// ---------------------------------------------------------------------------------------------
// Step 1: match items against rules

/** One rule applied to one item. */
interface Contribution {
  item: OrderItem;
  rule: DecompositionRule;
  destination: FulfillmentProduct;
  /** Item id, bundle id, `order` or `account`, by the rule's scope. */
  scopeKey: string;
}

interface MatchResult {
  contributions: Contribution[];
  unfulfilled: UnfulfilledItem[];
  problems: Problem[];
}

function matchItems(order: Order, lookups: CatalogLookups, tree: ItemTree): MatchResult {
  const result: MatchResult = { contributions: [], unfulfilled: [], problems: [] };
  order.items.forEach((item, i) => {
    const product = lookups.products.get(item.product);
    if (!product) {
      result.problems.push({
        path: `items[${i}].product`,
        message: `item ${item.id} orders unknown product ${item.product}`,
        fix: suggestName(item.product, [...lookups.products.keys()], 'products', `add ${item.product} to the catalog`),
      });
      return;
    }
    if (product.fulfillment === 'none') return;
    const rules = lookups.rulesBySource.get(product.code) ?? [];
    if (rules.length === 0) {
      if (tree.hasComponents.has(item)) return; // a bundle root: its components are decomposed
      if (product.kind === 'bundle') {
        result.unfulfilled.push({ itemId: item.id, product: product.code, reason: `bundle ${product.code} has no component items in the order (expected ${product.components?.join(', ') ?? 'components'})` });
        return;
      }
      result.problems.push({
        path: `items[${i}].product`,
        message: `item ${item.id}: product ${product.code} has no decomposition rule, so it would never be fulfilled`,
        fix: `add a decompositionRule with source: ${product.code}, or mark the product fulfillment: none`,
      });
      return;
    }
    const attributes = effectiveAttributes(item, tree);
    const applying = rules.filter((rule) => !rule.when || conditionFailure(rule.when, attributes) === undefined);
    if (applying.length === 0) {
      const reasons = rules.map((rule) => `rule ${rule.id}: ${conditionFailure(rule.when!, attributes)}`);
      result.unfulfilled.push({ itemId: item.id, product: product.code, reason: `no decomposition rule applies (${reasons.join('; ')})` });
      return;
    }
    for (const rule of applying) {
      result.contributions.push({ item, rule, destination: lookups.destinations.get(rule.destination)!, scopeKey: scopeKeyOf(rule, item, tree) });
    }
  });
  return result;
}

/**
 * Why a condition does not hold, or undefined when it does. Values compare as text, because YAML and JSON
 * writers disagree on whether `14` is a number or a string.
 */
function conditionFailure(condition: Condition, attributes: Record<string, AttributeValue>): string | undefined {
  const wanted = condition.in !== undefined ? `one of ${condition.in.map(String).join(', ')}` : `"${String(condition.equals)}"`;
  if (!Object.hasOwn(attributes, condition.attribute)) return `attribute ${condition.attribute} is not set (needs ${wanted})`;
  const value = String(attributes[condition.attribute]);
  const holds = condition.in !== undefined ? condition.in.some((v) => String(v) === value) : String(condition.equals) === value;
  return holds ? undefined : `attribute ${condition.attribute} is "${value}", not ${wanted}`;
}

function scopeKeyOf(rule: DecompositionRule, item: OrderItem, tree: ItemTree): string {
  switch (rule.scope) {
    case 'lineItem':
      return item.id;
    case 'bundle':
      return bundleIdOf(item, tree);
    case 'order':
      return 'order';
    case 'account':
      return 'account';
  }
}

// ---------------------------------------------------------------------------------------------
// Step 3 (first half): which items ship physical goods, from where, to which delivery group

function isPhysical(destination: FulfillmentProduct): destination is FulfillmentProduct & { fulfilledBy: { locations: string[] } } {
  return 'locations' in destination.fulfilledBy;
}

interface PhysicalItems {
  /** Routing units in item order, with their delivery group. */
  items: { routing: RoutingItem; deliveryGroupId: string }[];
  deliveryGroups: Map<OrderItem, string>;
  problems: Problem[];
}

function physicalItems(order: Order, contributions: Contribution[], lookups: CatalogLookups, tree: ItemTree): PhysicalItems {
  const result: PhysicalItems = { items: [], deliveryGroups: new Map(), problems: [] };
  const known = new Set((order.deliveryGroups ?? []).map((group) => group.id));
  const shipping = contributions.filter((c) => isPhysical(c.destination) && c.rule.scope !== 'account');
  for (const [, ofItem] of groupBy(shipping, (c) => c.item.id)) {
    const item = ofItem[0].item;
    const path = `items[${tree.index.get(item)}]`;
    const deliveryGroupId = deliveryGroupOf(item, order, tree);
    if (deliveryGroupId === undefined) {
      result.problems.push({
        path: `${path}.deliveryGroupId`,
        message: `item ${item.id} ships ${ofItem[0].destination.code} but has no delivery group`,
        fix: 'set deliveryGroupId on the item or on its bundle item',
      });
      continue;
    }
    if (!known.has(deliveryGroupId)) {
      result.problems.push({
        path: `${path}.deliveryGroupId`,
        message: `item ${item.id} ships to unknown delivery group ${deliveryGroupId}`,
        fix: suggestName(deliveryGroupId, [...known], 'delivery groups', 'add it under deliveryGroups'),
      });
      continue;
    }
    result.deliveryGroups.set(item, deliveryGroupId);
    // Each item ships whole from one location, so only locations that carry all its physical products qualify.
    const locationLists = ofItem.map((c) => (c.destination.fulfilledBy as { locations: string[] }).locations);
    const candidates = lookups.locationOrder.filter((location) => locationLists.every((list) => list.includes(location)));
    result.items.push({ routing: { id: item.id, product: item.product, quantity: item.quantity, candidates, path }, deliveryGroupId });
  }
  return result;
}

/** Its own, else the nearest ancestor's, else the order's only delivery group. */
function deliveryGroupOf(item: OrderItem, order: Order, tree: ItemTree): string | undefined {
  for (const candidate of [item, ...ancestorsOf(item, tree)]) if (candidate.deliveryGroupId !== undefined) return candidate.deliveryGroupId;
  return order.deliveryGroups?.length === 1 ? order.deliveryGroups[0].id : undefined;
}

/**
 * Fewest splits per delivery group, in the order's delivery-group order. Groups draw on the same warehouses,
 * so stock one group takes is not offered to the next.
 */
function routeByDeliveryGroup(order: Order, items: PhysicalItems['items'], locationOrder: string[], availability: Availability | undefined): Map<string, string> {
  const locations = new Map<string, string>();
  let stock = availability;
  const byGroup = groupBy(items, (i) => i.deliveryGroupId);
  for (const group of order.deliveryGroups ?? []) {
    const routing = (byGroup.get(group.id) ?? []).map((i) => i.routing);
    if (routing.length === 0) continue;
    const assignment = routeFewestSplits(routing, locationOrder, { availability: stock, deliveryGroupId: group.id });
    for (const [itemId, location] of assignment) locations.set(itemId, location);
    if (stock) stock = consumeStock(stock, routing, assignment);
  }
  return locations;
}

// ---------------------------------------------------------------------------------------------
// Steps 2–4: fulfillment line items, merged by scope inside fulfillment orders

/** A fulfillment line item being assembled from contributions. */
interface LineItemDraft {
  baseId: string;
  fulfillmentOrder: FulfillmentOrderDraft | undefined;
  contributions: Contribution[];
}

interface FulfillmentOrderDraft {
  key: string;
  id: string;
  location?: string;
  system?: string;
  deliveryGroupId?: string;
  drafts: LineItemDraft[];
}

function fulfillmentOrdersOf(
  contributions: Contribution[],
  locations: Map<string, string>,
  tree: ItemTree,
  deliveryGroups: Map<OrderItem, string>,
): { fulfillmentOrders: FulfillmentOrder[]; accountLineItems: FulfillmentLineItem[] } {
  const orders = new Map<string, FulfillmentOrderDraft>();
  const drafts = new Map<string, LineItemDraft>();
  const accountDrafts: LineItemDraft[] = [];
  for (const contribution of contributions) {
    const baseId = `${contribution.destination.code}:${contribution.scopeKey}`;
    // Account-scope lines belong to the account's long-running workflow, not to any split of this order.
    const fulfillmentOrder = contribution.rule.scope === 'account' ? undefined : fulfillmentOrderFor(contribution, locations, deliveryGroups, orders);
    const draftKey = `${fulfillmentOrder?.key ?? 'account'}|${baseId}`;
    let draft = drafts.get(draftKey);
    if (!draft) {
      draft = { baseId, fulfillmentOrder, contributions: [] };
      drafts.set(draftKey, draft);
      (fulfillmentOrder?.drafts ?? accountDrafts).push(draft);
    }
    draft.contributions.push(contribution);
  }
  const ids = lineItemIds([...drafts.values()]);
  return {
    fulfillmentOrders: [...orders.values()].map((fo) => ({
      id: fo.id,
      ...(fo.location !== undefined ? { location: fo.location } : {}),
      ...(fo.system !== undefined ? { system: fo.system } : {}),
      ...(fo.deliveryGroupId !== undefined ? { deliveryGroupId: fo.deliveryGroupId } : {}),
      lineItems: fo.drafts.map((draft) => lineItemOf(draft, ids.get(draft)!, tree)),
      steps: [],
      definitions: {},
    })),
    accountLineItems: accountDrafts.map((draft) => lineItemOf(draft, ids.get(draft)!, tree)),
  };
}

/** Digital: one fulfillment order per system. Physical: one per (location, delivery group). */
function fulfillmentOrderFor(
  contribution: Contribution,
  locations: Map<string, string>,
  deliveryGroups: Map<OrderItem, string>,
  orders: Map<string, FulfillmentOrderDraft>,
): FulfillmentOrderDraft {
  const { fulfilledBy } = contribution.destination;
  let draft: FulfillmentOrderDraft;
  if ('system' in fulfilledBy) {
    draft = { key: `system|${fulfilledBy.system}`, id: `FO-${fulfilledBy.system}`, system: fulfilledBy.system, drafts: [] };
  } else {
    const location = locations.get(contribution.item.id)!;
    const deliveryGroupId = deliveryGroups.get(contribution.item)!;
    draft = { key: `location|${location}|${deliveryGroupId}`, id: `FO-${location}-${deliveryGroupId}`, location, deliveryGroupId, drafts: [] };
  }
  const existing = orders.get(draft.key);
  if (existing) return existing;
  orders.set(draft.key, draft);
  return draft;
}

/**
 * `<destination>:<scopeKey>`, unique in the order. A bundle- or order-scope line whose items were routed to
 * several locations appears in several fulfillment orders: each part gets `@<location>`
 * (`@<location>-<deliveryGroupId>` when two parts share a location).
 */
function lineItemIds(drafts: LineItemDraft[]): Map<LineItemDraft, string> {
  const ids = new Map<LineItemDraft, string>();
  for (const [baseId, parts] of groupBy(drafts, (d) => d.baseId)) {
    if (parts.length === 1) {
      ids.set(parts[0], baseId);
      continue;
    }
    const locations = parts.map((p) => p.fulfillmentOrder?.location);
    const locationsDistinct = new Set(locations).size === parts.length;
    for (const part of parts) {
      const fo = part.fulfillmentOrder!;
      ids.set(part, `${baseId}@${locationsDistinct ? fo.location : `${fo.location ?? fo.system}-${fo.deliveryGroupId}`}`);
    }
  }
  return ids;
}

function lineItemOf(draft: LineItemDraft, id: string, tree: ItemTree): FulfillmentLineItem {
  const first = draft.contributions[0];
  const sources = [...new Set(draft.contributions.map((c) => c.item))];
  const everyRuleSaysOne = draft.contributions.every((c) => c.rule.quantity === 'one');
  const scope = first.rule.scope;
  const bundleId = scope === 'bundle' ? first.scopeKey : scope === 'lineItem' ? bundleIdOf(first.item, tree) : undefined;
  const deliveryGroupId = draft.fulfillmentOrder?.location !== undefined ? draft.fulfillmentOrder.deliveryGroupId : undefined;
  return {
    id,
    product: first.destination.code,
    scope,
    ruleIds: [...new Set(draft.contributions.map((c) => c.rule.id))],
    sourceItemIds: sources.map((item) => item.id),
    quantity: everyRuleSaysOne ? 1 : sources.reduce((sum, item) => sum + item.quantity, 0),
    attributes: mappedAttributes(draft.contributions, sources, tree),
    ...(bundleId !== undefined ? { bundleId } : {}),
    ...(deliveryGroupId !== undefined ? { deliveryGroupId } : {}),
  };
}

/** destination attribute ← source attribute; the first rule to map a destination attribute wins, then the first source item that has it. */
function mappedAttributes(contributions: Contribution[], sources: OrderItem[], tree: ItemTree): Record<string, AttributeValue> {
  const mapping = new Map<string, string>();
  for (const { rule } of contributions) {
    for (const [destinationAttribute, sourceAttribute] of Object.entries(rule.mapAttributes ?? {})) {
      if (!mapping.has(destinationAttribute)) mapping.set(destinationAttribute, sourceAttribute);
    }
  }
  const sourceAttributes = sources.map((item) => effectiveAttributes(item, tree));
  const attributes: Record<string, AttributeValue> = {};
  for (const [destinationAttribute, sourceAttribute] of mapping) {
    const from = sourceAttributes.find((attrs) => Object.hasOwn(attrs, sourceAttribute));
    if (from) attributes[destinationAttribute] = from[sourceAttribute];
  }
  return attributes;
}
