import type { Catalog, Condition, DecompositionRule, FulfillmentProduct, Product } from './catalog';
import { BundleIndex } from './bundles';
import { groupBy, suggestName } from './catalog-index';
import { actionOf } from './item-action';
import type { AttributeValue, Order, OrderItem } from './order';
import { accountFulfillmentOrderId, type Availability, type FulfillmentLineItem, type FulfillmentOrder, type Plan, type UnfulfilledItem } from './plan';
import { linkAcrossPlans } from './cross-plan';
import { dateSteps } from './step-dates';
import { bundleKeyOf, buildFulfillmentPlan, PlanStepCounter } from './plan-build';
import { InvalidInput, type Problem } from './problems';
import { consumeStock, routeFewestSplits, type RoutingItem } from './routing';

/**
 * The most plan steps one fulfillment order may have before decomposition divides it into parts: every
 * fulfillment order runs as one workflow with an activity per callout and auto task, and Temporal warns at
 * 10,240 history events and 10 MB of history, and allows at most 1,000 pending activities per workflow.
 * `decomposition.maxStepsPerFulfillmentOrder` in temporal-config.yaml sets it.
 */
export const DEFAULT_MAX_STEPS_PER_FULFILLMENT_ORDER = 500;

export interface DecomposeOptions {
  /** A fulfillment order whose plan has more steps is partitioned (default DEFAULT_MAX_STEPS_PER_FULFILLMENT_ORDER). */
  maxStepsPerFulfillmentOrder?: number;
}

/**
 * Decomposition (DESIGN.md "Decomposition"): a commercial order → fulfillment orders with their plans.
 * Pure and deterministic: the same order, catalog, availability and options give byte-identical JSON, because
 * the plan is recorded in workflow history and replayed.
 */
export function decompose(order: Order, catalog: Catalog, availability?: Availability, options: DecomposeOptions = {}): Plan {
  const maxSteps = maxStepsOf(options);
  const lookups = catalogLookups(catalog);
  const tree = itemTree(order);
  const matched = matchItems(order, lookups, tree);
  const routed = physicalItems(order, matched.contributions, lookups, tree);
  const problems = [...tree.problems, ...matched.problems, ...routed.problems];
  if (problems.length > 0) throw new InvalidInput('order', problems);

  const locations = routeByDeliveryGroup(order, routed.items, lookups.locationOrder, availability);
  const { fulfillmentOrders: whole, accountLineItems } = fulfillmentOrdersOf(matched.contributions, locations, tree, routed.deliveryGroups);
  const counter = new PlanStepCounter(catalog);
  const fulfillmentOrders = whole.flatMap((fulfillmentOrder) => withPlans(catalog, counter, fulfillmentOrder, maxSteps)).map((fo) => withDeliveryAddress(fo, order));
  linkAcrossPlans(catalog, fulfillmentOrders);
  const plan: Plan = { orderId: order.id, accountId: order.accountId, fulfillmentOrders, accountLineItems, unfulfilledItems: matched.unfulfilled };
  if (accountLineItems.length > 0) plan.accountFulfillmentOrders = accountFulfillmentOrders(catalog, accountLineItems);
  dateSteps(plan, order);
  const approval = approvalOf(order, lookups);
  if (approval) plan.approval = approval;
  return plan;
}

/**
 * The split with its delivery group's address, for the shipping callouts. Routing never reads an address (it routes
 * by delivery group id and stock), so an address change re-plans every split exactly as before but for this field.
 */
function withDeliveryAddress(fo: FulfillmentOrder, order: Order): FulfillmentOrder {
  const address = fo.deliveryGroupId === undefined ? undefined : order.deliveryGroups?.find((group) => group.id === fo.deliveryGroupId)?.address;
  return address ? { ...fo, deliveryAddress: address } : fo;
}

/** The approval the order's products ask for before orchestration (catalog `approval`), if any does. */
function approvalOf(order: Order, lookups: CatalogLookups): Plan['approval'] {
  const asking = order.items.flatMap((item) => {
    const queue = lookups.products.get(item.product)?.approval?.queue;
    return queue && actionOf(item) !== 'NoChange' ? [{ itemId: item.id, queue }] : [];
  });
  if (asking.length === 0) return undefined;
  return { queues: [...new Set(asking.map((a) => a.queue))], itemIds: asking.map((a) => a.itemId) };
}

function maxStepsOf(options: DecomposeOptions): number {
  const max = options.maxStepsPerFulfillmentOrder ?? DEFAULT_MAX_STEPS_PER_FULFILLMENT_ORDER;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new InvalidInput('decomposition options', [
      { path: 'maxStepsPerFulfillmentOrder', message: `must be a positive whole number (got ${String(max)})`, fix: `leave it out for the default of ${DEFAULT_MAX_STEPS_PER_FULFILLMENT_ORDER}` },
    ]);
  }
  return max;
}

// ---------------------------------------------------------------------------------------------
// Large fulfillment orders are partitioned (docs/decomposition.md)

/**
 * The fulfillment order with its plan, or, when the plan would have more than `maxSteps` steps, its parts
 * `<id>-P1`, `<id>-P2`, …: ordinary fulfillment orders with the same location, system and delivery group, each
 * with its own line items and its own plan (so plan-scope steps run once per part, as for separate consignments).
 * The line items of one bundle stay together; bundles fill parts greedily in order of first appearance, so
 * appending items never reshuffles earlier parts; a bundle bigger than the limit is a part of its own. An order at
 * or under the limit, or made of one bundle, is left exactly as it was before partitioning existed.
 *
 * The steps are counted (PlanStepCounter: exactly the instances buildFulfillmentPlan makes) rather than built
 * first, so each plan is built once.
 */
function withPlans(catalog: Catalog, counter: PlanStepCounter, fo: FulfillmentOrder, maxSteps: number): FulfillmentOrder[] {
  const parts = partition(counter, fo.lineItems, maxSteps);
  if (parts.length < 2) return [Object.assign(fo, buildFulfillmentPlan(catalog, fo.lineItems))];
  // A bundle whose line items are not consecutive still keeps the order's line-item order inside its part.
  const position = new Map(fo.lineItems.map((lineItem, i) => [lineItem, i]));
  return parts.map((lineItems, i) => {
    lineItems.sort((a, b) => position.get(a)! - position.get(b)!);
    return {
      id: `${fo.id}-P${i + 1}`,
      ...(fo.location !== undefined ? { location: fo.location } : {}),
      ...(fo.system !== undefined ? { system: fo.system } : {}),
      ...(fo.deliveryGroupId !== undefined ? { deliveryGroupId: fo.deliveryGroupId } : {}),
      partOf: { id: fo.id, part: i + 1, parts: parts.length },
      lineItems,
      ...buildFulfillmentPlan(catalog, lineItems),
    };
  });
}

/**
 * Line items packed into parts of at most `maxSteps` plan steps, bundle by bundle (bundleKeyOf: order-scope line
 * items share the key `order`, as in plan building, so they stay together too). One part when the whole fits.
 */
function partition(counter: PlanStepCounter, lineItems: FulfillmentLineItem[], maxSteps: number): FulfillmentLineItem[][] {
  const parts: FulfillmentLineItem[][] = [];
  let current: { lineItems: FulfillmentLineItem[]; workspaces: Set<string>; steps: number } | undefined;
  for (const bundle of groupBy(lineItems, bundleKeyOf).values()) {
    const cost = counter.bundleCost(bundle);
    // Its own instances, plus the plan-scope steps of workspaces the part does not have yet.
    const added = (into: Set<string>) => cost.instances + cost.workspaces.reduce((n, w) => (into.has(w) ? n : n + counter.planScopeSteps(w)), 0);
    if (current && current.steps + added(current.workspaces) > maxSteps) current = undefined;
    if (!current) parts.push((current = { lineItems: [], workspaces: new Set(), steps: 0 }).lineItems);
    current.steps += added(current.workspaces);
    for (const workspace of cost.workspaces) current.workspaces.add(workspace);
    current.lineItems.push(...bundle);
  }
  return parts;
}

/**
 * Account-scope lines are fulfilled once per (account, destination) by a long-running account workflow
 * that every order of the account joins; each gets the plan of its own workspace, as a split would.
 */
function accountFulfillmentOrders(catalog: Catalog, lineItems: FulfillmentLineItem[]): FulfillmentOrder[] {
  return lineItems.map((lineItem) => {
    const fulfilledBy = catalog.fulfillmentProducts.find((p) => p.code === lineItem.product)?.fulfilledBy;
    return {
      id: accountFulfillmentOrderId(lineItem.product),
      ...(fulfilledBy && 'system' in fulfilledBy ? { system: fulfilledBy.system } : {}),
      lineItems: [lineItem],
      ...buildFulfillmentPlan(catalog, [lineItem]),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Catalog lookups

interface CatalogLookups {
  products: Map<string, Product>;
  destinations: Map<string, FulfillmentProduct>;
  /** Every rule of a source product, whatever its action; matching filters by the item's action. */
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
      broken.map((rule) => ({ path: `decompositionRules[${rule.id}].destination`, message: `unknown fulfillment product "${rule.destination}"`, fix: `add ${rule.destination} under fulfillmentProducts` })),
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
  /** The first item with each id. */
  byId: Map<string, OrderItem>;
  /** Parents, components and roots by item id (domain/bundles: the one definition of a bundle). */
  bundles: BundleIndex;
  problems: Problem[];
  /** Memo for effectiveAttributes: large orders ask for the same item many times. */
  attributes: Map<OrderItem, Record<string, AttributeValue>>;
}

function itemTree(order: Order): ItemTree {
  const tree: ItemTree = { index: new Map(), byId: new Map(), bundles: new BundleIndex(order.items), problems: [], attributes: new Map() };
  const { byId } = tree;
  order.items.forEach((item, i) => {
    tree.index.set(item, i);
    if (byId.has(item.id)) tree.problems.push({ path: `items[${i}].id`, message: `item id ${item.id} is used twice`, fix: 'give every item its own id' });
    else byId.set(item.id, item);
  });
  order.items.forEach((item, i) => {
    if (item.parentItemId === undefined || byId.has(item.parentItemId)) return;
    tree.problems.push({ path: `items[${i}].parentItemId`, message: `item ${item.id} points at unknown item ${item.parentItemId}`, fix: suggestName(item.parentItemId, [...byId.keys()], 'items', 'point at the id of the bundle item') });
  });
  order.items.forEach((item, i) => {
    if (tree.bundles.leadsToCycle(item.id)) {
      tree.problems.push({ path: `items[${i}].parentItemId`, message: `item ${item.id} is its own ancestor through parentItemId`, fix: 'make the bundle item the parent, never a component' });
    }
  });
  return tree;
}

function hasParent(item: OrderItem, tree: ItemTree): boolean {
  return tree.bundles.parentOf(item.id) !== undefined;
}

/** Parent, grandparent, … (stops at a loop, so a parentItemId cycle cannot hang decomposition). */
function ancestorsOf(item: OrderItem, tree: ItemTree): OrderItem[] {
  if (!hasParent(item, tree)) return [];
  return tree.bundles.ancestorsOf(item.id).map((id) => tree.byId.get(id)!);
}

/** The id of the top-most ancestor: the bundle the item belongs to, or the item itself outside any bundle. */
function bundleIdOf(item: OrderItem, tree: ItemTree): string {
  return tree.bundles.rootOf(item.id);
}

/**
 * An item's attributes with its bundle's underneath: bundle-level configuration such as `region` is set once
 * on the bundle and holds for its components (DESIGN.md's example matches LAPTOP-14 on the bundle's region).
 * The nearest value wins.
 */
const NO_ATTRIBUTES: Record<string, AttributeValue> = Object.freeze({}) as Record<string, AttributeValue>;

function effectiveAttributes(item: OrderItem, tree: ItemTree): Record<string, AttributeValue> {
  if (!hasParent(item, tree)) return item.attributes ?? NO_ATTRIBUTES;
  let attributes = tree.attributes.get(item);
  if (!attributes) {
    attributes = {};
    const ancestors = ancestorsOf(item, tree);
    for (let i = ancestors.length - 1; i >= 0; i--) Object.assign(attributes, ancestors[i].attributes);
    Object.assign(attributes, item.attributes);
    tree.attributes.set(item, attributes);
  }
  return attributes;
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
    // An item matches only the rules of its own action; a change order's NoChange item is context, never work.
    const action = actionOf(item);
    if (action === 'NoChange') return;
    const rules = (lookups.rulesBySource.get(product.code) ?? []).filter((rule) => rule.action === action);
    if (rules.length === 0) {
      if (tree.bundles.hasComponents(item.id)) return; // a bundle root: its components are decomposed
      if (action !== 'Add') {
        // Cancelling or returning something nobody has to act on (a fee, a license with no Return rule) is
        // still a change: it is credited by the change order's billing, with nothing to fulfil.
        result.unfulfilled.push({ itemId: item.id, product: product.code, reason: `no ${action} rule for ${product.code}: nothing to fulfil, billed as a change` });
        return;
      }
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
  const value = Object.hasOwn(attributes, condition.attribute) ? String(attributes[condition.attribute]) : undefined;
  const holds = value !== undefined && (condition.in !== undefined ? condition.in.some((v) => String(v) === value) : String(condition.equals) === value);
  if (holds) return undefined;
  // Worded only when it fails: a large order checks the same conditions on every item.
  const wanted = condition.in !== undefined ? `one of ${condition.in.map(String).join(', ')}` : `"${String(condition.equals)}"`;
  return value === undefined ? `attribute ${condition.attribute} is not set (needs ${wanted})` : `attribute ${condition.attribute} is "${value}", not ${wanted}`;
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
  const candidatesCache = new Map<string, string[]>();
  for (const ofItem of runsByItem(shipping)) {
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
    const candidates = candidateLocations(ofItem, lookups, candidatesCache);
    result.items.push({ routing: { id: item.id, product: item.product, quantity: item.quantity, candidates, path }, deliveryGroupId });
  }
  return result;
}

/** Contributions come in item order, so an item's contributions are one consecutive run. */
function* runsByItem(contributions: Contribution[]): Generator<Contribution[]> {
  let start = 0;
  for (let i = 1; i <= contributions.length; i++) {
    if (i === contributions.length || contributions[i].item !== contributions[start].item) {
      yield contributions.slice(start, i);
      start = i;
    }
  }
}

/**
 * Each item ships whole from one location, so only locations that carry all its physical products qualify,
 * in catalog order. Shared between items with the same products: they get the same array.
 */
function candidateLocations(ofItem: Contribution[], lookups: CatalogLookups, cache: Map<string, string[]>): string[] {
  const key = ofItem.length === 1 ? ofItem[0].destination.code : ofItem.map((c) => c.destination.code).join('|');
  let candidates = cache.get(key);
  if (!candidates) {
    const locationLists = ofItem.map((c) => (c.destination.fulfilledBy as { locations: string[] }).locations);
    candidates = lookups.locationOrder.filter((location) => locationLists.every((list) => list.includes(location)));
    cache.set(key, candidates);
  }
  return candidates;
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
  const routedGroups: string[] = [];
  for (const group of order.deliveryGroups ?? []) {
    const routing = (byGroup.get(group.id) ?? []).map((i) => i.routing);
    if (routing.length === 0) continue;
    const stockNote = stock && routedGroups.length > 0 ? `stock left after delivery group ${routedGroups.join(', ')} took its share` : undefined;
    const assignment = routeFewestSplits(routing, locationOrder, { availability: stock, deliveryGroupId: group.id, stockNote });
    for (const [itemId, location] of assignment) locations.set(itemId, location);
    if (stock) stock = consumeStock(stock, routing, assignment);
    routedGroups.push(group.id);
  }
  return locations;
}

// ---------------------------------------------------------------------------------------------
// Steps 2–4: fulfillment line items, merged by scope inside fulfillment orders

/** A fulfillment line item being assembled from contributions. */
interface LineItemDraft {
  baseId: string;
  /** The scope of its rules: drafts of different scopes never merge, even when their baseIds are equal. */
  scope: DecompositionRule['scope'];
  fulfillmentOrder: FulfillmentOrderDraft | undefined;
  contributions: Contribution[];
}

interface FulfillmentOrderDraft {
  id: string;
  location?: string;
  system?: string;
  deliveryGroupId?: string;
  drafts: LineItemDraft[];
  /** By `<scope> <baseId>`: a lineItem line of a bundle root and its bundle's line share a baseId but not a scope. */
  draftsByBaseId: Map<string, LineItemDraft>;
}

function fulfillmentOrdersOf(
  contributions: Contribution[],
  locations: Map<string, string>,
  tree: ItemTree,
  deliveryGroups: Map<OrderItem, string>,
): { fulfillmentOrders: FulfillmentOrder[]; accountLineItems: FulfillmentLineItem[] } {
  const orders = new FulfillmentOrderDrafts(locations, deliveryGroups);
  // Account-scope lines belong to the account's long-running workflow, not to any split of this order.
  const account = newFulfillmentOrderDraft('account', {});
  const allDrafts: LineItemDraft[] = [];
  for (const contribution of contributions) {
    const fulfillmentOrder = contribution.rule.scope === 'account' ? undefined : orders.for(contribution);
    const holder = fulfillmentOrder ?? account;
    const baseId = `${contribution.destination.code}:${contribution.scopeKey}`;
    const { scope } = contribution.rule;
    let draft = holder.draftsByBaseId.get(`${scope} ${baseId}`);
    if (!draft) {
      draft = { baseId, scope, fulfillmentOrder, contributions: [] };
      holder.draftsByBaseId.set(`${scope} ${baseId}`, draft);
      holder.drafts.push(draft);
      allDrafts.push(draft);
    }
    draft.contributions.push(contribution);
  }
  const ids = lineItemIds(allDrafts);
  return {
    fulfillmentOrders: orders.all().map((fo) => ({
      id: fo.id,
      ...(fo.location !== undefined ? { location: fo.location } : {}),
      ...(fo.system !== undefined ? { system: fo.system } : {}),
      ...(fo.deliveryGroupId !== undefined ? { deliveryGroupId: fo.deliveryGroupId } : {}),
      lineItems: fo.drafts.map((draft) => lineItemOf(draft, ids.get(draft)!, tree)),
      steps: [],
      definitions: {},
    })),
    accountLineItems: account.drafts.map((draft) => lineItemOf(draft, ids.get(draft)!, tree)),
  };
}

function newFulfillmentOrderDraft(id: string, where: { location?: string; system?: string; deliveryGroupId?: string }): FulfillmentOrderDraft {
  return { id, ...where, drafts: [], draftsByBaseId: new Map() };
}

/** Digital: one fulfillment order per system. Physical: one per (location, delivery group). Kept in order of first use. */
class FulfillmentOrderDrafts {
  private readonly ordered: FulfillmentOrderDraft[] = [];
  private readonly bySystem = new Map<string, FulfillmentOrderDraft>();
  private readonly byLocation = new Map<string, Map<string, FulfillmentOrderDraft>>();

  constructor(
    private readonly locations: Map<string, string>,
    private readonly deliveryGroups: Map<OrderItem, string>,
  ) {}

  for(contribution: Contribution): FulfillmentOrderDraft {
    const { fulfilledBy } = contribution.destination;
    if ('system' in fulfilledBy) {
      let draft = this.bySystem.get(fulfilledBy.system);
      if (!draft) this.bySystem.set(fulfilledBy.system, (draft = this.add(`FO-${fulfilledBy.system}`, { system: fulfilledBy.system })));
      return draft;
    }
    const location = this.locations.get(contribution.item.id)!;
    const deliveryGroupId = this.deliveryGroups.get(contribution.item)!;
    let atLocation = this.byLocation.get(location);
    if (!atLocation) this.byLocation.set(location, (atLocation = new Map()));
    let draft = atLocation.get(deliveryGroupId);
    if (!draft) atLocation.set(deliveryGroupId, (draft = this.add(`FO-${location}-${deliveryGroupId}`, { location, deliveryGroupId })));
    return draft;
  }

  all(): FulfillmentOrderDraft[] {
    return this.ordered;
  }

  private add(id: string, where: { location?: string; system?: string; deliveryGroupId?: string }): FulfillmentOrderDraft {
    const draft = newFulfillmentOrderDraft(id, where);
    this.ordered.push(draft);
    return draft;
  }
}

/** lineItemIds' mark for a baseId whose lines have more than one scope (no scope is named so). */
const SEVERAL_SCOPES = '(several)';

/**
 * `<destination>:<scopeKey>`, unique in the order. A bundle- or order-scope line whose items were routed to
 * several locations appears in several fulfillment orders: each part gets `@<location>`
 * (`@<location>-<deliveryGroupId>` when two parts share a location). When lines of different scopes share a
 * `<destination>:<scopeKey>` (a bundle root's own lineItem line and its bundle's line), the lineItem line keeps it
 * and the others get `~<scope>`: `F:OI-1~bundle`.
 */
function lineItemIds(drafts: LineItemDraft[]): Map<LineItemDraft, string> {
  const ids = new Map<LineItemDraft, string>();
  // The one scope of each baseId's lines, or SEVERAL_SCOPES (a string marker, not a set per baseId: large orders have one baseId per item).
  const scopes = new Map<string, string>();
  for (const draft of drafts) {
    const known = scopes.get(draft.baseId);
    if (known === undefined) scopes.set(draft.baseId, draft.scope);
    else if (known !== draft.scope) scopes.set(draft.baseId, SEVERAL_SCOPES);
  }
  const idBases = new Map<LineItemDraft, string>();
  for (const draft of drafts) idBases.set(draft, scopes.get(draft.baseId) === SEVERAL_SCOPES && draft.scope !== 'lineItem' ? `${draft.baseId}~${draft.scope}` : draft.baseId);
  const idBase = (draft: LineItemDraft) => idBases.get(draft)!;
  const partCount = new Map<string, number>();
  for (const base of idBases.values()) partCount.set(base, (partCount.get(base) ?? 0) + 1);
  const split = drafts.filter((draft) => {
    if (partCount.get(idBase(draft)) !== 1) return true;
    ids.set(draft, idBase(draft));
    return false;
  });
  for (const [baseId, parts] of groupBy(split, idBase)) {
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
  const { contributions } = draft;
  const first = contributions[0];
  const single = contributions.length === 1;
  const sources = single ? [first.item] : [...new Set(contributions.map((c) => c.item))];
  const everyRuleSaysOne = single ? first.rule.quantity === 'one' : contributions.every((c) => c.rule.quantity === 'one');
  const scope = first.rule.scope;
  const lineItem: FulfillmentLineItem = {
    id,
    product: first.destination.code,
    scope,
    ruleIds: single ? [first.rule.id] : [...new Set(contributions.map((c) => c.rule.id))],
    sourceItemIds: sources.map((item) => item.id),
    quantity: everyRuleSaysOne ? 1 : sources.reduce((sum, item) => sum + item.quantity, 0),
    attributes: mappedAttributes(contributions, sources, tree),
  };
  // Optional fields are left out rather than set to undefined, so plans compare and serialise cleanly.
  const bundleId = scope === 'bundle' ? first.scopeKey : scope === 'lineItem' ? bundleIdOf(first.item, tree) : undefined;
  if (bundleId !== undefined) lineItem.bundleId = bundleId;
  if (draft.fulfillmentOrder?.location !== undefined) {
    lineItem.deliveryGroupId = draft.fulfillmentOrder.deliveryGroupId;
    lineItem.orderedProducts = orderedProducts(sources);
  }
  return lineItem;
}

/** The stock a physical line takes: ordered product code → quantity (stock is kept by what was ordered). */
function orderedProducts(sources: OrderItem[]): Record<string, number> {
  const products: Record<string, number> = {};
  for (const item of sources) products[item.product] = (products[item.product] ?? 0) + item.quantity;
  return products;
}

/** destination attribute ← source attribute; the first rule to map a destination attribute wins, then the first source item that has it. */
function mappedAttributes(contributions: Contribution[], sources: OrderItem[], tree: ItemTree): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  if (contributions.length === 1 && sources.length === 1) {
    // The common case, without the intermediate collections.
    const mapAttributes = contributions[0].rule.mapAttributes;
    if (!mapAttributes) return attributes;
    const source = effectiveAttributes(sources[0], tree);
    for (const destinationAttribute in mapAttributes) {
      const sourceAttribute = mapAttributes[destinationAttribute];
      if (Object.hasOwn(source, sourceAttribute)) attributes[destinationAttribute] = source[sourceAttribute];
    }
    return attributes;
  }
  const mapping = new Map<string, string>();
  for (const { rule } of contributions) {
    for (const [destinationAttribute, sourceAttribute] of Object.entries(rule.mapAttributes ?? {})) {
      if (!mapping.has(destinationAttribute)) mapping.set(destinationAttribute, sourceAttribute);
    }
  }
  const sourceAttributes = sources.map((item) => effectiveAttributes(item, tree));
  for (const [destinationAttribute, sourceAttribute] of mapping) {
    const from = sourceAttributes.find((attrs) => Object.hasOwn(attrs, sourceAttribute));
    if (from) attributes[destinationAttribute] = from[sourceAttribute];
  }
  return attributes;
}
