/**
 * Bundles: items tied together by `parentItemId` (DESIGN.md "The order"). A bundle is everything under one
 * top-most ancestor, the bundle root; an item outside any bundle is a bundle of its own. Decomposition (bundle
 * scope), the point of no return (which spreads to the whole bundle) and order actions (a cancelled item takes
 * its components with it) all read bundles through this one module, so they agree on what a bundle is.
 *
 * Tolerant of bad input, because it also runs before validation has had its say: a `parentItemId` that names
 * no item of the order is ignored (the item is a root), a parent cycle never hangs a walk, and with duplicate
 * ids the first item wins.
 */

export interface BundleMember {
  id: string;
  parentItemId?: string;
}

export class BundleIndex {
  private readonly position = new Map<string, number>();
  private readonly parent = new Map<string, string>();
  private readonly children = new Map<string, string[]>();
  private readonly roots = new Map<string, string>();

  constructor(private readonly items: readonly BundleMember[]) {
    items.forEach((item, index) => {
      if (!this.position.has(item.id)) this.position.set(item.id, index);
    });
    items.forEach((item, index) => {
      if (this.position.get(item.id) !== index || item.parentItemId === undefined || !this.position.has(item.parentItemId)) return;
      this.parent.set(item.id, item.parentItemId);
      const siblings = this.children.get(item.parentItemId);
      if (siblings) siblings.push(item.id);
      else this.children.set(item.parentItemId, [item.id]);
    });
  }

  has(id: string): boolean {
    return this.position.has(id);
  }

  /** The parent item's id, when the item has a parent that is an item of the order. */
  parentOf(id: string): string | undefined {
    return this.parent.get(id);
  }

  /** True when some item points at this one with parentItemId: a bundle root or an inner bundle node. */
  hasComponents(id: string): boolean {
    return this.children.has(id);
  }

  /** Parent, grandparent, …; stops before an item repeats, so a parent cycle cannot hang it. */
  ancestorsOf(id: string): string[] {
    // Most components hang straight off their root: answered without the walk's set (large orders ask per item).
    const parent = this.parent.get(id);
    if (parent === undefined) return [];
    if (!this.parent.has(parent)) return [parent];
    const ancestors: string[] = [];
    const seen = new Set([id]);
    for (let current = this.parent.get(id); current !== undefined && !seen.has(current); current = this.parent.get(current)) {
      ancestors.push(current);
      seen.add(current);
    }
    return ancestors;
  }

  /** True when walking up from the item comes back to an item already visited: its chain never reaches a root. */
  leadsToCycle(id: string): boolean {
    const ancestors = this.ancestorsOf(id);
    const last = ancestors.length > 0 ? ancestors[ancestors.length - 1] : id;
    return this.parent.has(last);
  }

  /** The id of the top-most ancestor: the bundle the item belongs to, or the item itself outside any bundle. */
  rootOf(id: string): string {
    let root = this.roots.get(id);
    if (root === undefined) {
      root = this.ancestorsOf(id).at(-1) ?? id;
      this.roots.set(id, root);
    }
    return root;
  }

  /** Components, their components, …, in item order (the item itself excluded). */
  descendantsOf(id: string): string[] {
    const found = new Set<string>();
    const queue = [...(this.children.get(id) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (next === id || found.has(next)) continue;
      found.add(next);
      queue.push(...(this.children.get(next) ?? []));
    }
    return this.inItemOrder(found);
  }

  /** Every item of the bundle the item belongs to (root and all components), in item order; [] for an unknown id. */
  itemsOfBundle(id: string): string[] {
    if (!this.position.has(id)) return [];
    const root = this.rootOf(id);
    return this.inItemOrder(new Set([...this.position.keys()].filter((other) => this.rootOf(other) === root)));
  }

  private inItemOrder(ids: Set<string>): string[] {
    return [...ids].sort((a, b) => this.position.get(a)! - this.position.get(b)!);
  }
}

/**
 * Every item id of the bundle `itemId` belongs to: every item sharing its top-most ancestor, the root included,
 * in item order. An item outside any bundle is its own bundle (`[itemId]`); an unknown id gives `[]`.
 * The workflows use it to spread the point of no return to a whole bundle.
 */
export function itemsOfBundle(order: { items: readonly BundleMember[] }, itemId: string): string[] {
  return new BundleIndex(order.items).itemsOfBundle(itemId);
}

/**
 * Every item id of the bundles the given items belong to, in item order (each once): the point of no return on
 * one component holds for its whole bundle, and an amendment touching any item of such a bundle is refused.
 */
export function itemsOfBundles(order: { items: readonly BundleMember[] }, itemIds: readonly string[]): string[] {
  const index = new BundleIndex(order.items);
  const roots = new Set(itemIds.map((id) => index.rootOf(id)));
  return order.items.filter((item) => roots.has(index.rootOf(item.id))).map((item) => item.id);
}

/** The bundle root of `itemId` (the item itself outside any bundle). */
export function bundleRootOf(order: { items: readonly BundleMember[] }, itemId: string): string {
  return new BundleIndex(order.items).rootOf(itemId);
}
