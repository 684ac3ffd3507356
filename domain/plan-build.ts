import type { Catalog, StepDefinition, StepScope } from './catalog';
import { danglingDependencies, groupBy, resolveDependency, stepKey, stepPath, stepsOf, type StepLocation } from './catalog-index';
import type { FulfillmentLineItem, PlanStep } from './plan';
import { InvalidInput } from './problems';

/**
 * Plan building (DESIGN.md "Decomposition" step 5): one fulfillment order's line items → its step instances.
 * The workspaces in the plan are those linked by scenarios to at least one of its line items; each step has one
 * instance per plan, per bundle or per line item, and dependencies between scopes join on the narrowest common scope.
 */

export interface FulfillmentOrderPlan {
  steps: PlanStep[];
  definitions: Record<string, StepDefinition>;
}

/** Order-scope line items have no bundle; for bundle-scope steps they form one bundle keyed `order`. */
export const ORDER_BUNDLE = 'order';

export function bundleKeyOf(lineItem: FulfillmentLineItem): string {
  return lineItem.bundleId ?? ORDER_BUNDLE;
}

/** A step definition that is part of this plan, with its instances and the definitions it waits for. */
interface PlanDefinition {
  key: string;
  location: StepLocation;
  /** Position in catalog order (workspace, group, step): the tie-breaker that keeps the order stable. */
  rank: number;
  lineItems: FulfillmentLineItem[];
  dependencies: PlanDefinition[];
  instances: PlanStep[];
  /** Indexes for joins, built on first use: most definitions are never the target of a narrow join. */
  byLineItem?: Map<string, PlanStep>;
  byBundle?: Map<string, PlanStep[]>;
}

export function buildFulfillmentPlan(catalog: Catalog, lineItems: readonly FulfillmentLineItem[]): FulfillmentOrderPlan {
  const definitions = planDefinitions(catalog, lineItems);
  const ordered = topologicalOrder(definitions);
  for (const definition of ordered) createInstances(definition);
  for (const definition of ordered) for (const instance of definition.instances) instance.dependsOn = joinDependencies(instance, definition);
  return {
    steps: ordered.flatMap((definition) => definition.instances),
    definitions: Object.fromEntries(ordered.map((definition) => [definition.key, definition.location.step])),
  };
}

/** What one workspace brings to a plan: how many of its steps have each scope. */
interface WorkspaceStepCounts {
  id: string;
  plan: number;
  bundle: number;
  lineItem: number;
}

/** The step instances a group of line items of one bundle adds to a plan, and the workspaces it brings in. */
export interface BundleStepCost {
  /** Bundle- and lineItem-scope instances: the same in whatever plan the bundle lands. */
  instances: number;
  /** Workspaces linked to its line items: each adds its plan-scope steps once per plan it is in. */
  workspaces: string[];
}

/**
 * Counts the step instances buildFulfillmentPlan would make, without making them (decompose.ts partitions large
 * fulfillment orders with it). The rule is createInstances': a workspace linked to at least one line item brings
 * each of its plan-scope steps once, its bundle-scope steps once per bundle (bundleKeyOf) and its lineItem-scope
 * steps once per line item whose product it is linked to.
 */
export class PlanStepCounter {
  private readonly workspacesByProduct = new Map<string, WorkspaceStepCounts[]>();
  private readonly planSteps = new Map<string, number>();

  constructor(catalog: Catalog) {
    catalog.workspaces.forEach((workspace, workspaceIndex) => {
      const counts: WorkspaceStepCounts = { id: workspace.id, plan: 0, bundle: 0, lineItem: 0 };
      for (const { step } of stepsOf(workspace, workspaceIndex)) counts[step.scope]++;
      this.planSteps.set(workspace.id, counts.plan);
      const linkedProducts = new Set(catalog.scenarios.filter((s) => s.workspace === workspace.id).map((s) => s.fulfillmentProduct));
      for (const product of linkedProducts) {
        let list = this.workspacesByProduct.get(product);
        if (!list) this.workspacesByProduct.set(product, (list = []));
        list.push(counts);
      }
    });
  }

  /** The cost of line items that all share one bundle key (bundleKeyOf): one instance per bundle-scope step, whatever their number. */
  bundleCost(lineItems: readonly FulfillmentLineItem[]): BundleStepCost {
    const workspaces: WorkspaceStepCounts[] = [];
    let instances = 0;
    for (const lineItem of lineItems) {
      for (const workspace of this.workspacesByProduct.get(lineItem.product) ?? []) {
        instances += workspace.lineItem;
        if (!workspaces.includes(workspace)) {
          workspaces.push(workspace);
          instances += workspace.bundle;
        }
      }
    }
    return { instances, workspaces: workspaces.map((w) => w.id) };
  }

  /** The steps buildFulfillmentPlan(catalog, lineItems) makes, counted. */
  count(lineItems: readonly FulfillmentLineItem[]): number {
    const workspaces = new Set<string>();
    let steps = 0;
    for (const bundle of groupBy(lineItems, bundleKeyOf).values()) {
      const cost = this.bundleCost(bundle);
      steps += cost.instances;
      for (const workspace of cost.workspaces) workspaces.add(workspace);
    }
    for (const workspace of workspaces) steps += this.planScopeSteps(workspace);
    return steps;
  }

  /** The plan-scope steps of a workspace: once per plan that it is in. */
  planScopeSteps(workspace: string): number {
    return this.planSteps.get(workspace) ?? 0;
  }
}

/** Workspaces linked to at least one line item, their steps, and dependencies with those on absent workspaces dropped. */
function planDefinitions(catalog: Catalog, lineItems: readonly FulfillmentLineItem[]): PlanDefinition[] {
  const definitions = new Map<string, PlanDefinition>();
  catalog.workspaces.forEach((workspace, workspaceIndex) => {
    const linkedProducts = new Set(catalog.scenarios.filter((s) => s.workspace === workspace.id).map((s) => s.fulfillmentProduct));
    const covered = lineItems.filter((lineItem) => linkedProducts.has(lineItem.product));
    if (covered.length === 0) return;
    for (const location of stepsOf(workspace, workspaceIndex)) {
      const key = stepKey(workspace.id, location.step.id);
      definitions.set(key, {
        key,
        location,
        rank: definitions.size,
        lineItems: covered,
        dependencies: [],
        instances: [],
      });
    }
  });
  for (const definition of definitions.values()) {
    const { workspace, step } = definition.location;
    for (const entry of step.dependsOn) {
      const target = resolveDependency(catalog, workspace, entry);
      // parseCatalog refuses these; a catalog built in code may still have them.
      if (!target) throw danglingError(catalog, definition.location);
      const dependency = definitions.get(stepKey(target.workspace.id, target.step.id));
      // A workspace with no line item in this fulfillment order is not in its plan: the dependency is dropped.
      if (dependency && !definition.dependencies.includes(dependency)) definition.dependencies.push(dependency);
    }
  }
  return [...definitions.values()];
}

/** Every dangling `dependsOn` entry of the step, named by its place in the catalog. */
function danglingError(catalog: Catalog, location: StepLocation): InvalidInput {
  const dangling = danglingDependencies(catalog, location);
  return new InvalidInput('catalog', dangling.map(({ index, message, fix }) => ({ path: `${stepPath(location)}.dependsOn[${index}]`, message, fix })));
}

/** Kahn's algorithm, always taking the ready definition that comes first in the catalog, so the order is stable. */
function topologicalOrder(definitions: PlanDefinition[]): PlanDefinition[] {
  const ordered: PlanDefinition[] = [];
  const placed = new Set<PlanDefinition>();
  while (ordered.length < definitions.length) {
    const next = definitions.find((d) => !placed.has(d) && d.dependencies.every((dependency) => placed.has(dependency)));
    if (!next) throw cycleError(definitions.filter((d) => !placed.has(d)));
    ordered.push(next);
    placed.add(next);
  }
  return ordered;
}

function cycleError(stuck: PlanDefinition[]): InvalidInput {
  // Walk dependencies inside the stuck set until a definition repeats: that loop is the cycle.
  const path: PlanDefinition[] = [];
  let current: PlanDefinition | undefined = stuck[0];
  while (current && !path.includes(current)) {
    path.push(current);
    current = current.dependencies.find((d) => stuck.includes(d));
  }
  const cycle = current ? [...path.slice(path.indexOf(current)), current] : path;
  return new InvalidInput('catalog', [
    {
      path: `${stepPath(cycle[0].location)}.dependsOn`,
      message: `dependency cycle: ${cycle.map((d) => d.key).join(' → ')}`,
      fix: 'remove one of the dependencies in the cycle',
    },
  ]);
}

function createInstances(definition: PlanDefinition): void {
  const scope: StepScope = definition.location.step.scope;
  if (scope === 'plan') {
    definition.instances.push(newInstance(definition, definition.key, definition.lineItems));
  } else if (scope === 'bundle') {
    for (const [bundle, members] of groupBy(definition.lineItems, bundleKeyOf)) {
      definition.instances.push(newInstance(definition, `${definition.key}[${bundle}]`, members, bundle));
    }
  } else {
    for (const lineItem of definition.lineItems) {
      definition.instances.push(newInstance(definition, `${definition.key}[${lineItem.id}]`, [lineItem], bundleKeyOf(lineItem)));
    }
  }
}

function newInstance(definition: PlanDefinition, id: string, lineItems: readonly FulfillmentLineItem[], bundleId?: string): PlanStep {
  const { workspace, groupName, step } = definition.location;
  const lineItemIds = lineItems.map((lineItem) => lineItem.id);
  // Two literals rather than a spread: plans of large orders have tens of thousands of instances.
  if (bundleId === undefined) {
    return { id, definition: definition.key, workspace: workspace.id, group: groupName, type: step.type, scope: step.scope, lineItemIds, dependsOn: [], pointOfNoReturn: step.pointOfNoReturn };
  }
  return { id, definition: definition.key, workspace: workspace.id, group: groupName, type: step.type, scope: step.scope, lineItemIds, bundleId, dependsOn: [], pointOfNoReturn: step.pointOfNoReturn };
}

/** The instances `instance` waits for, dependency by dependency, without repeats. */
function joinDependencies(instance: PlanStep, definition: PlanDefinition): string[] {
  if (definition.dependencies.length === 0) return [];
  if (definition.dependencies.length === 1) return joinOne(instance, definition.location.step.scope, definition.dependencies[0]).map((target) => target.id);
  const ids = new Set<string>();
  for (const dependency of definition.dependencies) {
    for (const target of joinOne(instance, definition.location.step.scope, dependency)) ids.add(target.id);
  }
  return [...ids];
}

/**
 * The narrowest common scope: a plan-scope target is one instance; a plan-scope waiter waits for everything;
 * otherwise the same line item, else the same bundle. When the target has no instance for that line item or
 * bundle (its workspace does not cover it), the waiter waits for every instance of the target instead.
 */
function joinOne(instance: PlanStep, scope: StepScope, target: PlanDefinition): PlanStep[] {
  const targetScope = target.location.step.scope;
  if (targetScope === 'plan' || scope === 'plan') return target.instances;
  let matched: PlanStep[] | undefined;
  if (scope === 'lineItem' && targetScope === 'lineItem') {
    target.byLineItem ??= new Map(target.instances.map((i) => [i.lineItemIds[0], i]));
    const same = target.byLineItem.get(instance.lineItemIds[0]);
    matched = same ? [same] : undefined;
  } else {
    // lineItem → bundle: the instance of its bundle; bundle → lineItem: the instances in its bundle; bundle → bundle: the same bundle.
    target.byBundle ??= groupBy(target.instances, (i) => i.bundleId!);
    matched = target.byBundle.get(instance.bundleId!);
  }
  return matched && matched.length > 0 ? matched : target.instances;
}
