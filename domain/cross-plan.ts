import type { Catalog } from './catalog';
import { allSteps, resolveDependency, stepKey } from './catalog-index';
import type { FulfillmentLineItem, FulfillmentOrder, PlanStep } from './plan';
import { bundleKeyOf } from './plan-build';
import { InvalidInput } from './problems';

/**
 * Cross-plan dependencies (DESIGN.md "Decomposition" step 5): a step whose `dependsOn` names a workspace that is
 * in another fulfillment order of the same order waits for that step's instances there, written
 * `<FO-ID>/<step-id>` in its `dependsOn`. The order workflow relays completions between its splits
 * (workflows/cross-plan-relay.ts). A workspace in no fulfillment order of the order is dropped, as before.
 */

/** How a step of one split names a step of another: ids never contain `/` (domain/order.ts Identifier). */
export function crossPlanRef(fulfillmentOrderId: string, stepId: string): string {
  return `${fulfillmentOrderId}/${stepId}`;
}

/** The split and step a `dependsOn` entry names, or undefined for a step of the same plan. */
export function parseCrossPlanRef(entry: string): { fulfillmentOrderId: string; stepId: string } | undefined {
  const slash = entry.indexOf('/');
  return slash < 0 ? undefined : { fulfillmentOrderId: entry.slice(0, slash), stepId: entry.slice(slash + 1) };
}

export function isCrossPlanRef(entry: string): boolean {
  return entry.includes('/');
}

/**
 * Adds cross-plan dependencies to the plans of an order's fulfillment orders (in place: their `dependsOn`
 * lists gain `FO-ID/step-id` entries). Costs nothing for a catalog whose steps depend only on their own
 * workspace, and refuses a cycle that runs across plans, which no split could ever get out of.
 */
export function linkAcrossPlans(catalog: Catalog, fulfillmentOrders: readonly FulfillmentOrder[]): void {
  const crossWorkspace = crossWorkspaceDependencies(catalog);
  if (crossWorkspace.size === 0 || fulfillmentOrders.length < 2) return;
  const holders = new Map<string, FulfillmentOrder[]>();
  for (const fo of fulfillmentOrders) for (const key of Object.keys(fo.definitions)) holders.set(key, [...(holders.get(key) ?? []), fo]);
  let linked = false;
  for (const fo of fulfillmentOrders) {
    let lineItems: Map<string, FulfillmentLineItem> | undefined;
    for (const [waiter, targets] of crossWorkspace) {
      if (!fo.definitions[waiter]) continue;
      for (const target of targets) {
        // A workspace in this plan is joined inside it (plan-build.ts); one in no split of the order is dropped.
        if (fo.definitions[target]) continue;
        const upstream = (holders.get(target) ?? []).filter((other) => other !== fo);
        if (upstream.length === 0) continue;
        const index = indexUpstream(upstream, target);
        lineItems ??= new Map(fo.lineItems.map((li) => [li.id, li]));
        for (const step of fo.steps) if (step.definition === waiter) addAll(step.dependsOn, joinAcross(step, lineItems, index));
        linked = true;
      }
    }
  }
  if (linked) refuseCycles(fulfillmentOrders);
}

/** Step definition key → the definitions of other workspaces it depends on. */
function crossWorkspaceDependencies(catalog: Catalog): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const location of allSteps(catalog)) {
    const targets = location.step.dependsOn
      .map((entry) => resolveDependency(catalog, location.workspace, entry))
      .filter((target) => target !== undefined && target.workspace.id !== location.workspace.id)
      .map((target) => stepKey(target!.workspace.id, target!.step.id));
    if (targets.length > 0) edges.set(stepKey(location.workspace.id, location.step.id), [...new Set(targets)]);
  }
  return edges;
}

/** The instances of one step definition in other splits, indexed by the order items and bundles they work on. */
interface UpstreamIndex {
  all: string[];
  bySourceItem: Map<string, string[]>;
  byBundle: Map<string, string[]>;
}

function indexUpstream(upstream: FulfillmentOrder[], target: string): UpstreamIndex {
  const index: UpstreamIndex = { all: [], bySourceItem: new Map(), byBundle: new Map() };
  const add = (map: Map<string, string[]>, key: string, ref: string) => {
    const refs = map.get(key);
    if (!refs) map.set(key, [ref]);
    else if (refs[refs.length - 1] !== ref) refs.push(ref);
  };
  for (const other of upstream) {
    const lineItems = new Map(other.lineItems.map((li) => [li.id, li]));
    for (const step of other.steps) {
      if (step.definition !== target) continue;
      const ref = crossPlanRef(other.id, step.id);
      index.all.push(ref);
      // A plan-scope instance works on every line item of its split.
      const worksOn = step.scope === 'plan' ? other.lineItems : step.lineItemIds.map((id) => lineItems.get(id)!);
      for (const lineItem of worksOn) {
        for (const itemId of lineItem.sourceItemIds) add(index.bySourceItem, itemId, ref);
        add(index.byBundle, bundleKeyOf(lineItem), ref);
      }
    }
  }
  return index;
}

/**
 * The instances of the target that `step` waits for, by the join rules of one plan applied to what the two
 * share: a plan-scope waiter waits for every instance; otherwise the instances of the same order item, else of
 * the same bundle (for a plan-scope target: those of the splits holding that item or bundle); when they share
 * nothing, every instance, as for a plan step of the other order.
 */
function joinAcross(step: PlanStep, lineItems: ReadonlyMap<string, FulfillmentLineItem>, upstream: UpstreamIndex): string[] {
  if (step.scope === 'plan') return upstream.all;
  const own = step.lineItemIds.map((id) => lineItems.get(id)!);
  const narrowestFirst: Array<[Map<string, string[]>, string[]]> = [
    ...(step.scope === 'lineItem' ? [[upstream.bySourceItem, own.flatMap((li) => li.sourceItemIds)] as [Map<string, string[]>, string[]]] : []),
    [upstream.byBundle, own.map(bundleKeyOf)],
  ];
  for (const [index, keys] of narrowestFirst) {
    const matched = [...new Set(keys.flatMap((key) => index.get(key) ?? []))];
    if (matched.length > 0) return matched;
  }
  return upstream.all;
}

function addAll(into: string[], entries: string[]): void {
  const present = new Set(into);
  for (const entry of entries) if (!present.has(entry)) into.push(entry);
}

/**
 * Splits that wait for each other forever: a cycle through (split, step definition) pairs. Inside one plan
 * plan-build.ts refuses cycles already; one that runs across plans is found here, on the few pairs rather
 * than on every instance.
 */
function refuseCycles(fulfillmentOrders: readonly FulfillmentOrder[]): void {
  const edges = new Map<string, Set<string>>();
  const definitionOf = new Map(fulfillmentOrders.map((fo) => [fo.id, new Map(fo.steps.map((s) => [s.id, s.definition]))]));
  for (const fo of fulfillmentOrders) {
    const own = definitionOf.get(fo.id)!;
    for (const step of fo.steps) {
      const from = `${fo.id}/${step.definition}`;
      let out = edges.get(from);
      if (!out) edges.set(from, (out = new Set()));
      for (const entry of step.dependsOn) {
        const ref = parseCrossPlanRef(entry);
        if (!ref) out.add(`${fo.id}/${own.get(entry)}`);
        else out.add(`${ref.fulfillmentOrderId}/${definitionOf.get(ref.fulfillmentOrderId)!.get(ref.stepId)}`);
      }
    }
  }
  const cycle = findCycle(edges);
  if (!cycle) return;
  const [split, definition] = [cycle[0].slice(0, cycle[0].indexOf('/')), cycle[0].slice(cycle[0].indexOf('/') + 1)];
  const [workspace, stepId] = [definition.slice(0, definition.indexOf('.')), definition.slice(definition.indexOf('.') + 1)];
  throw new InvalidInput('catalog', [
    {
      path: `workspaces[${workspace}].steps[${stepId}].dependsOn`,
      message: `dependency cycle across fulfillment orders (split/step, each waits for the next): ${cycle.join(' → ')}; starting at ${split} no split could ever go on`,
      fix: 'remove one of the dependencies in the cycle (ordo lint reports it)',
    },
  ]);
}

/** A cycle in a directed graph, as the nodes on it with the first repeated at the end; undefined when acyclic. */
function findCycle(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

/** Every cross-plan entry of a plan's steps, grouped by the split that must report it: what the order relays. */
export function crossPlanWatchers(fulfillmentOrders: readonly FulfillmentOrder[]): Map<string, Set<string>> {
  const watched = new Map<string, Set<string>>();
  for (const fo of fulfillmentOrders) {
    for (const step of fo.steps) {
      for (const entry of step.dependsOn) {
        const ref = parseCrossPlanRef(entry);
        if (!ref) continue;
        let steps = watched.get(ref.fulfillmentOrderId);
        if (!steps) watched.set(ref.fulfillmentOrderId, (steps = new Set()));
        steps.add(ref.stepId);
      }
    }
  }
  return watched;
}
