import { groupBy } from './catalog-index';
import type { Availability } from './plan';
import { InvalidInput, type Problem } from './problems';

/**
 * Fewest-splits routing (Salesforce Order Management's "Find Routes with Fewest Splits"):
 * choose the smallest set of stock locations that can ship every item of a delivery group,
 * each item whole from one location. Single locations are tried first, then pairs, then triples…,
 * each size in the order the locations are listed; ties therefore go to the locations listed first.
 */

/** One order item to route. Stock is counted in units of the ordered product. */
export interface RoutingItem {
  /** Order item id. */
  id: string;
  /** The ordered (commercial) product code: the availability key. */
  product: string;
  quantity: number;
  /** Locations allowed to ship it, in preference order. */
  candidates: readonly string[];
  /** Where the item is in the order, for problems, e.g. `items[3]`. */
  path?: string;
}

export interface RoutingOptions {
  /** Stock per location and ordered product; undefined means unlimited stock everywhere. */
  availability?: Availability;
  /** Named in problems only. */
  deliveryGroupId?: string;
  /** Appended to shortage messages, e.g. when earlier delivery groups already took their share of the stock. */
  stockNote?: string;
}

/**
 * Returns item id → location. `locationOrder` ranks locations (the order they first appear in the catalog).
 * Throws InvalidInput('order', …) naming each short item when no combination of locations can ship them all.
 */
export function routeFewestSplits(items: readonly RoutingItem[], locationOrder: readonly string[], options: RoutingOptions = {}): Map<string, string> {
  if (items.length === 0) return new Map();
  const unroutable = items.filter((item) => item.candidates.length === 0);
  if (unroutable.length > 0) throw new InvalidInput('order', unroutable.map(noCandidateProblem));

  const universe = relevantLocations(items, locationOrder);
  const router = new ComboRouter(items, universe, options.availability);
  // More locations never hurt, so if all of them together cannot ship the group, no smaller set can:
  // refuse at once instead of trying every combination.
  if (!router.tryCombination(universe.map((_, i) => i))) throw new InvalidInput('order', shortageProblems(items, universe, router, options));
  for (let size = 1; size <= universe.length; size++) {
    for (const combo of combinations(universe.length, size)) {
      const assignment = router.tryCombination(combo);
      if (assignment) return assignment;
    }
  }
  throw new InvalidInput('order', shortageProblems(items, universe, router, options));
}

/** Stock left after an assignment ships, for routing the next delivery group from the same warehouses. */
export function consumeStock(availability: Availability, items: readonly RoutingItem[], assignment: ReadonlyMap<string, string>): Availability {
  const remaining: Availability = {};
  for (const [location, stock] of Object.entries(availability)) remaining[location] = { ...stock };
  for (const item of items) {
    const location = assignment.get(item.id);
    if (location === undefined) continue;
    const stock = (remaining[location] ??= {});
    stock[item.product] = (stock[item.product] ?? 0) - item.quantity;
  }
  return remaining;
}

/** Only locations some item may use can help; ordered by `locationOrder`, unknown ones last in first-seen order. */
function relevantLocations(items: readonly RoutingItem[], locationOrder: readonly string[]): string[] {
  const used = new Set<string>();
  const seen = new Set<readonly string[]>(); // items usually share candidate arrays
  for (const item of items) {
    if (seen.has(item.candidates)) continue;
    seen.add(item.candidates);
    for (const location of item.candidates) used.add(location);
  }
  const ranked = locationOrder.filter((location) => used.has(location));
  for (const location of used) if (!ranked.includes(location)) ranked.push(location);
  return ranked;
}

/** k-subsets of 0..n-1 as ascending index lists, in lexicographic order. */
export function* combinations(n: number, k: number): Generator<number[]> {
  const picked = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield [...picked];
    let i = k - 1;
    while (i >= 0 && picked[i] === n - k + i) i--;
    if (i < 0) return;
    picked[i]++;
    for (let j = i + 1; j < k; j++) picked[j] = picked[j - 1] + 1;
  }
}

/** Items of one ordered product: the only items that compete for the same stock. */
interface ProductGroup {
  product: string;
  items: RoutingItem[];
  total: number;
  largest: number;
}

function productGroup(product: string, items: RoutingItem[]): ProductGroup {
  let total = 0;
  let largest = 0;
  for (const item of items) {
    total += item.quantity;
    largest = Math.max(largest, item.quantity);
  }
  return { product, items, total, largest };
}

/**
 * Checks combinations of locations (as indices into `universe`). Products never compete for stock, so each
 * product's items are packed on their own; within a product the assignment is the first one a backtracking
 * search finds with items in order and locations in rank order, which is exactly the greedy one when greedy fits.
 */
class ComboRouter {
  private readonly groups: ProductGroup[];
  /** Per item: its candidates as universe indices, ascending (= preference order). */
  private readonly allowed = new Map<RoutingItem, number[]>();
  /** Distinct candidate sets; a combination must meet every one of them. */
  private readonly candidateSets: number[][];

  constructor(
    items: readonly RoutingItem[],
    private readonly universe: readonly string[],
    private readonly availability: Availability | undefined,
  ) {
    const indexOf = new Map(universe.map((location, i) => [location, i]));
    const sets = new Map<string, number[]>();
    // Items built by decomposition share candidate arrays; converting each distinct array once keeps large orders fast.
    const converted = new Map<readonly string[], number[]>();
    for (const item of items) {
      let indices = converted.get(item.candidates);
      if (!indices) {
        const sorted = [...new Set(item.candidates.map((c) => indexOf.get(c)!))].sort((a, b) => a - b);
        const key = sorted.join(',');
        if (!sets.has(key)) sets.set(key, sorted);
        indices = sets.get(key)!;
        converted.set(item.candidates, indices);
      }
      this.allowed.set(item, indices);
    }
    this.candidateSets = [...sets.values()];
    this.groups = [...groupBy(items, (item) => item.product)].map(([product, members]) => productGroup(product, members));
  }

  tryCombination(combo: readonly number[]): Map<string, string> | undefined {
    const inCombo = new Set(combo);
    if (!this.candidateSets.every((set) => set.some((i) => inCombo.has(i)))) return undefined;
    const assignment = new Map<string, string>();
    const restricted = new Map<number[], number[]>();
    for (const group of this.groups) {
      const placed = this.packGroup(group, combo, inCombo, restricted);
      if (!placed) return undefined;
      group.items.forEach((item, i) => assignment.set(item.id, this.universe[placed[i]]));
    }
    return assignment;
  }

  stockAt(locationIndex: number, product: string): number {
    if (!this.availability) return Infinity;
    return this.availability[this.universe[locationIndex]]?.[product] ?? 0;
  }

  /** Location index per item of the group, or undefined when the group does not fit in the combination. */
  packGroup(group: ProductGroup, combo: readonly number[], inCombo: ReadonlySet<number>, restricted = new Map<number[], number[]>()): number[] | undefined {
    // Each distinct candidate set is cut down to the combination once; items share the result.
    const options = group.items.map((item) => {
      const allowed = this.allowed.get(item)!;
      let inside = restricted.get(allowed);
      if (!inside) restricted.set(allowed, (inside = allowed.filter((i) => inCombo.has(i))));
      return inside;
    });
    if (!this.availability) return options.map((allowed) => allowed[0]);

    const remaining = new Map(combo.map((i) => [i, this.stockAt(i, group.product)]));
    // Cheap necessary conditions first: they reject most combinations without any search.
    let totalStock = 0;
    for (const stock of remaining.values()) totalStock += stock;
    if (totalStock < group.total || Math.max(...remaining.values()) < group.largest) return undefined;
    return greedyPack(group.items, options, new Map(remaining)) ?? backtrackPack(group.items, options, remaining);
  }
}

/** Each item to its first allowed location with stock left; undefined as soon as one item fits nowhere. */
function greedyPack(items: readonly RoutingItem[], options: number[][], remaining: Map<number, number>): number[] | undefined {
  const placed: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const location = options[i].find((l) => remaining.get(l)! >= items[i].quantity);
    if (location === undefined) return undefined;
    remaining.set(location, remaining.get(location)! - items[i].quantity);
    placed.push(location);
  }
  return placed;
}

/**
 * Depth-first search, items in order and locations in rank order, so the first solution is the preferred one.
 * Iterative (orders can have thousands of items) and memoised on (item, stock left), which collapses the
 * symmetric states that identical items produce.
 */
function backtrackPack(items: readonly RoutingItem[], options: number[][], remaining: Map<number, number>): number[] | undefined {
  const locations = [...remaining.keys()];
  const stateKey = (i: number) => `${i}|${locations.map((l) => remaining.get(l)).join(',')}`;
  const failed = new Set<string>();
  const choice = new Array<number>(items.length).fill(-1);
  let i = 0;
  while (i >= 0 && i < items.length) {
    const quantity = items[i].quantity;
    let next = choice[i] + 1;
    if (choice[i] >= 0) {
      const previous = options[i][choice[i]];
      remaining.set(previous, remaining.get(previous)! + quantity);
    } else if (failed.has(stateKey(i))) {
      next = options[i].length;
    }
    while (next < options[i].length && remaining.get(options[i][next])! < quantity) next++;
    if (next < options[i].length) {
      choice[i] = next;
      remaining.set(options[i][next], remaining.get(options[i][next])! - quantity);
      i++;
      if (i < items.length) choice[i] = -1;
    } else {
      failed.add(stateKey(i));
      choice[i] = -1;
      i--;
    }
  }
  return i < 0 ? undefined : items.map((_, k) => options[k][choice[k]]);
}

function noCandidateProblem(item: RoutingItem): Problem {
  return {
    path: item.path ?? item.id,
    message: `item ${item.id} (${item.product}) has no stock location that can ship all of its fulfillment products`,
    fix: 'list a common location for its fulfillment products in the catalog, or split the item',
  };
}

/**
 * Why no combination works: the products whose items cannot be packed even using every location.
 * An item larger than any single location's stock is short by itself; otherwise the product is short as a whole,
 * and every item of it is named with the product's total.
 */
function shortageProblems(items: readonly RoutingItem[], universe: readonly string[], router: ComboRouter, { deliveryGroupId, stockNote }: RoutingOptions): Problem[] {
  const everywhere = universe.map((_, i) => i);
  const all = new Set(everywhere);
  const problems: Problem[] = [];
  const inGroup = deliveryGroupId ? ` in delivery group ${deliveryGroupId}` : '';
  for (const [product, members] of groupBy(items, (item) => item.product)) {
    const group = productGroup(product, members);
    if (router.packGroup(group, everywhere, all)) continue;
    const bestOf = (item: RoutingItem) => {
      const stocks = item.candidates.map((location) => ({ location, stock: router.stockAt(universe.indexOf(location), product) }));
      return stocks.reduce((best, s) => (s.stock > best.stock ? s : best), stocks[0]);
    };
    const clearlyShort = members.filter((item) => bestOf(item).stock < item.quantity);
    const reported = clearlyShort.length > 0 ? clearlyShort : members;
    for (const item of reported) {
      const best = bestOf(item);
      const together = clearlyShort.length > 0 ? '' : `; together the ${product} items${inGroup} need ${group.total} and no combination of locations holds them`;
      problems.push({
        path: item.path ?? item.id,
        message: `item ${item.id} is short: ${product} × ${item.quantity} requested, best available at a single location is ${best.stock} (${best.location})${together}${stockNote ? ` (${stockNote})` : ''}`,
        fix: 'restock or split the order',
      });
    }
  }
  return problems;
}
