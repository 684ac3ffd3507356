import type { Catalog, FalloutRule, StepDefinition } from './catalog';
import { allSteps, danglingDependencies, resolveDependency, stepKey, stepPath, type StepLocation } from './catalog-index';
import type { Problem } from './problems';

/**
 * `ordo lint`: the root causes of orchestration failure, found before go-live (DESIGN.md "The catalog").
 * Works on a parsed Catalog; problems that stop a catalog from loading at all are parseCatalog's job.
 * Paths name entries by code or id (`workspaces[device-delivery].steps[ship]`) because a merged catalog
 * no longer knows which file an index came from.
 */

export interface Finding {
  severity: 'error' | 'warning';
  /** Stable rule name, for filtering and documentation. */
  rule: string;
  path: string;
  message: string;
  fix: string;
}

export interface LintOptions {
  /**
   * Systems that bill; a plan step calling one bills a split before the consolidation milestone. Default: `billing`;
   * `ordo lint` passes the configuration's `billing.systems`.
   */
  billingSystems?: string[];
  /**
   * The queues the configuration defines (temporal-config.yaml `queues`): a product's `approval.queue` must be one.
   * Absent (no configuration at hand): approval queues are not checked, rather than guessed at.
   */
  queues?: readonly string[];
}

export const LINT_RULES = {
  missingDecompositionRule: 'missing-decomposition-rule',
  missingFallout: 'missing-fallout',
  missingEstimatedDuration: 'missing-estimated-duration',
  billsBeforeConsolidation: 'bills-before-consolidation',
  dependencyCycle: 'dependency-cycle',
  danglingDependency: 'dangling-dependency',
  unsatisfiableDependency: 'unsatisfiable-dependency',
  fulfillmentProductWithoutScenario: 'fulfillment-product-without-scenario',
  priceBookMissesProduct: 'price-book-misses-product',
  unknownApprovalQueue: 'unknown-approval-queue',
  unknownQueue: 'unknown-queue',
  undeclaredStartAttribute: 'undeclared-start-attribute',
  catalogLoad: 'catalog-load',
} as const;

/** A cross-reference problem parseCatalog would refuse the catalog for (unknown product, duplicate id, …), as a finding. */
export function loadProblemFinding(problem: Problem): Finding {
  return { severity: 'error', rule: LINT_RULES.catalogLoad, path: problem.path, message: problem.message, fix: problem.fix ?? '' };
}

export function lintCatalog(catalog: Catalog, options: LintOptions = {}): Finding[] {
  const billingSystems = options.billingSystems ?? ['billing'];
  return [
    ...productsWithoutRules(catalog),
    ...fulfillmentProductsWithoutScenario(catalog),
    ...productsMissingFromPriceBooks(catalog),
    ...(options.queues ? unknownApprovalQueues(catalog, options.queues) : []),
    // A configuration with no queues at all has not set them up yet: every queue would be flagged, which says nothing.
    ...(options.queues?.length ? unknownWorkQueues(catalog, options.queues) : []),
    ...undeclaredStartAttributes(catalog),
    ...allSteps(catalog).flatMap((location) => [
      ...missingFallout(catalog, location),
      ...missingEstimatedDuration(location),
      ...billingCalls(location, billingSystems),
      ...danglingDependencyFindings(catalog, location),
      ...unsatisfiableDependencies(catalog, location),
    ]),
    ...dependencyCycles(catalog),
  ];
}

/**
 * A product with no rule stalls every order that contains it (bundles and `fulfillment: none` products need none).
 * Only `Add` rules count: Cancel, Return and Amend rules decompose change orders, never the sale itself.
 */
function productsWithoutRules(catalog: Catalog): Finding[] {
  const sources = new Set(catalog.decompositionRules.filter((rule) => rule.action === 'Add').map((rule) => rule.source));
  return catalog.products
    .filter((product) => product.kind !== 'bundle' && product.fulfillment !== 'none' && !sources.has(product.code))
    .map((product) => {
      const changeRules = catalog.decompositionRules.filter((rule) => rule.source === product.code).map((rule) => `${rule.action} rule ${rule.id}`);
      return {
        severity: 'error',
        rule: LINT_RULES.missingDecompositionRule,
        path: `products[${product.code}]`,
        message: changeRules.length
          ? `product ${product.code} has no decomposition rule for Add (only ${changeRules.join(', ')}): orders containing it would stall`
          : `product ${product.code} has no decomposition rule: orders containing it would stall`,
        fix: `add a decompositionRule with source: ${product.code}${changeRules.length ? ' (action: Add, the default)' : ''}, or mark the product fulfillment: none`,
      };
    });
}

function fulfillmentProductsWithoutScenario(catalog: Catalog): Finding[] {
  const linked = new Set(catalog.scenarios.map((scenario) => scenario.fulfillmentProduct));
  return catalog.fulfillmentProducts
    .filter((product) => !linked.has(product.code))
    .map((product) => ({
      severity: 'error',
      rule: LINT_RULES.fulfillmentProductWithoutScenario,
      path: `fulfillmentProducts[${product.code}]`,
      message: `fulfillment product ${product.code} has no scenario, so no workspace would fulfil it`,
      fix: `add a scenario: { fulfillmentProduct: ${product.code}, workspace: <workspace id> }`,
    }));
}

/**
 * A product a price book does not list sells at whatever price the order says (domain/catalog-guards.ts), which
 * is the leakage the book is there to stop. Bundle components are priced at their bundle's root and need no price.
 */
function productsMissingFromPriceBooks(catalog: Catalog): Finding[] {
  const components = new Set(catalog.products.flatMap((product) => product.components ?? []));
  return (catalog.priceBooks ?? []).flatMap((book) => {
    const name = `${book.currency}${book.channel ? `/${book.channel}` : ''}`;
    return catalog.products
      .filter((product) => !components.has(product.code) && !Object.hasOwn(book.prices, product.code))
      .map((product) => ({
        severity: 'warning' as const,
        rule: LINT_RULES.priceBookMissesProduct,
        path: `priceBooks[${name}].prices`,
        message: `the ${book.currency} price book${book.channel ? ` for channel ${book.channel}` : ''} has no price for ${product.code}: its orders' prices are not checked`,
        fix: `add ${product.code}: "<unit price>" to the book's prices`,
      }));
  });
}

/**
 * An approval queue the configuration does not have: nobody is a member, so nobody may approve (the order workflow
 * checks membership), and every order with the product would wait `pending` until it is cancelled.
 */
function unknownApprovalQueues(catalog: Catalog, queues: readonly string[]): Finding[] {
  const known = new Set(queues);
  const listed = queues.length ? [...queues].sort().join(', ') : 'none';
  return catalog.products
    .filter((product) => product.approval && !known.has(product.approval.queue))
    .map((product) => ({
      severity: 'error' as const,
      rule: LINT_RULES.unknownApprovalQueue,
      path: `products[${product.code}].approval.queue`,
      message: `product ${product.code} asks for an approval by queue ${product.approval!.queue}, which the configuration's queues do not have: nobody could approve its orders, which would wait pending until cancelled`,
      fix: `name one of the configured queues (${listed}), or add ${product.approval!.queue} with its members under queues in temporal-config.yaml`,
    }));
}

/**
 * A queue a step sends work to (a manual task's `queue`, a fallout queue, a jeopardy `reassign` or `escalate`) that
 * the configuration does not have: it has no members, so only the step's `runAs` identity could act on that work.
 * A warning: a deployment may add the queue's members before go-live.
 */
function unknownWorkQueues(catalog: Catalog, queues: readonly string[]): Finding[] {
  const known = new Set(queues);
  const listed = queues.length ? [...queues].sort().join(', ') : 'none';
  const finding = (path: string, queue: string, what: string): Finding => ({
    severity: 'warning',
    rule: LINT_RULES.unknownQueue,
    path,
    message: `${what} goes to queue ${queue}, which the configuration's queues do not have: no operator is a member, so nobody could act on it`,
    fix: `name one of the configured queues (${listed}), or add ${queue} with its members under queues in temporal-config.yaml`,
  });
  const findings: Finding[] = [];
  for (const location of allSteps(catalog)) {
    const { step } = location;
    const at = stepPath(location);
    if (step.type === 'manualTask' && !known.has(step.queue ?? 'manual')) findings.push(finding(`${at}.queue`, step.queue ?? 'manual', `manual task ${step.id}`));
    if (step.fallout?.queue && !known.has(step.fallout.queue)) findings.push(finding(`${at}.fallout.queue`, step.fallout.queue, `fallout of step ${step.id}`));
    for (const stage of ['onJeopardy', 'onLate'] as const) {
      (step.jeopardy?.[stage] ?? []).forEach((action, index) => {
        if (action.action !== 'alert' && !known.has(action.queue)) findings.push(finding(`${at}.jeopardy.${stage}[${index}]`, action.queue, `${action.action} of step ${step.id}`));
      });
    }
  }
  catalog.falloutRules.forEach((rule, index) => {
    if (!known.has(rule.queue)) findings.push(finding(`falloutRules[${index}].queue`, rule.queue, 'a fallout rule'));
  });
  return findings;
}

/**
 * A step that starts at an order-item attribute (`startAt: { attribute }`) no product declares (`attributes:
 * { NAME: [...] }`, or `NAME: []` for any value): most likely a typo, and then the step never waits (an item without
 * the date starts at once). A warning: an order may still carry attributes its products do not declare.
 */
function undeclaredStartAttributes(catalog: Catalog): Finding[] {
  const declared = new Set(catalog.products.flatMap((product) => Object.keys(product.attributes ?? {})));
  return allSteps(catalog)
    .filter(({ step }) => step.startAt?.attribute !== undefined && !declared.has(step.startAt.attribute))
    .map((location) => ({
      severity: 'warning' as const,
      rule: LINT_RULES.undeclaredStartAttribute,
      path: `${stepPath(location)}.startAt.attribute`,
      message: `step ${location.step.id} starts at attribute ${location.step.startAt!.attribute}, which no product declares: if the name is wrong, the step never waits for its date`,
      fix: `check the name against the products' attributes${declared.size ? ` (${[...declared].sort().join(', ')})` : ''}, or declare it on the product that carries the date: attributes: { ${location.step.startAt!.attribute}: [] } (any value)`,
    }));
}

/** A callout or auto task that fails for good needs a queue where a person sees it. */
function missingFallout(catalog: Catalog, location: StepLocation): Finding[] {
  const { step } = location;
  if (step.type !== 'callout' && step.type !== 'autoTask') return [];
  if (step.fallout || catalog.falloutRules.some((rule) => falloutRuleCovers(rule, step))) return [];
  const key = step.type === 'callout' ? `system: ${step.call?.system ?? '<system>'}` : `handler: ${step.handler ?? '<handler>'}`;
  return [
    {
      severity: 'warning',
      rule: LINT_RULES.missingFallout,
      path: stepPath(location),
      message: `${step.type} ${step.id} has no fallout rule: when its retries run out nobody is told`,
      fix: `add fallout: { queue: <queue>, retry: { policy: staggered, intervals: [10s, 1m, 5m] } } to the step, or a falloutRules entry { ${key}, queue: <queue> }`,
    },
  ];
}

/**
 * A catalog fallout rule covers a step when its keys are blank or match the step, and it catches every
 * error code (a rule for one error code leaves the others with nowhere to go).
 */
function falloutRuleCovers(rule: FalloutRule, step: StepDefinition): boolean {
  if (rule.errorCode) return false;
  if (step.type === 'callout') return !rule.handler && (!rule.system || rule.system === step.call?.system);
  return !rule.system && (!rule.handler || rule.handler === step.handler);
}

/** Without an estimate there is no SLA timer, so the step can never be in jeopardy or late. Milestones take no time. */
function missingEstimatedDuration(location: StepLocation): Finding[] {
  const { step } = location;
  if (step.type === 'milestone' || step.estimatedDuration !== undefined) return [];
  return [
    {
      severity: 'warning',
      rule: LINT_RULES.missingEstimatedDuration,
      path: stepPath(location),
      message: `step ${step.id} has no estimatedDuration, so it can never be in jeopardy or late`,
      fix: 'add estimatedDuration (e.g. 2h) and jeopardyThreshold (e.g. 30m)',
    },
  ];
}

/** Billing happens once per order after the consolidated billing milestone; a plan step that bills bills one split early. */
function billingCalls(location: StepLocation, billingSystems: string[]): Finding[] {
  const { step } = location;
  const calls = [
    { field: 'call', call: step.call },
    { field: 'compensate', call: step.compensate },
  ];
  return calls
    .filter(({ call }) => call && billingSystems.includes(call.system))
    .map(({ field, call }) => ({
      severity: 'error',
      rule: LINT_RULES.billsBeforeConsolidation,
      path: `${stepPath(location)}.${field}`,
      message: `step ${step.id} calls the billing system (${call!.system}/${call!.operation}): it would bill one split before the order's consolidated billing milestone`,
      fix: 'remove the billing call from the plan: Ordo invoices the whole order once every fulfillment order is done',
    }));
}

function danglingDependencyFindings(catalog: Catalog, location: StepLocation): Finding[] {
  return danglingDependencies(catalog, location).map(({ index, message, fix }) => ({
    severity: 'error',
    rule: LINT_RULES.danglingDependency,
    path: `${stepPath(location)}.dependsOn[${index}]`,
    message,
    fix,
  }));
}

/**
 * A dependency on another workspace that no order can ever honour, so the step silently never waits: the target's
 * workspace fulfils no product (no scenario links it, or no Add rule makes its products), or the two workspaces only
 * ever meet across the account boundary (account-scope work runs in the account's own plan, shared by every order of
 * the account, which takes no part in an order's cross-plan dependencies; docs/decomposition.md).
 */
function unsatisfiableDependencies(catalog: Catalog, location: StepLocation): Finding[] {
  const findings: Finding[] = [];
  location.step.dependsOn.forEach((entry, index) => {
    const target = resolveDependency(catalog, location.workspace, entry);
    if (!target || target.workspace.id === location.workspace.id) return;
    const waiter = reachOf(catalog, location.workspace.id);
    const upstream = reachOf(catalog, target.workspace.id);
    const inOrderPlans = waiter.orderLevel && upstream.orderLevel;
    const inOneAccountPlan = [...waiter.accountProducts].some((product) => upstream.accountProducts.has(product));
    if (inOrderPlans || inOneAccountPlan) return;
    const why = upstream.linked
      ? `workspace ${target.workspace.id} and workspace ${location.workspace.id} never take part in the same order's plans (one only fulfils account-scope work, which runs in the account's shared plan)`
      : `workspace ${target.workspace.id} is in no plan: no scenario links it to a fulfillment product that an Add rule makes`;
    findings.push({
      severity: 'error',
      rule: LINT_RULES.unsatisfiableDependency,
      path: `${stepPath(location)}.dependsOn[${index}]`,
      message: `step ${location.step.id} depends on ${entry}, which no decomposition can satisfy: ${why}, so the dependency is always dropped and the step never waits`,
      fix: upstream.linked
        ? 'depend on a step of a workspace that order-level work reaches, or move both into the account-scope workspace'
        : `add a scenario linking workspace ${target.workspace.id} to a fulfillment product, or remove the dependency`,
    });
  });
  return findings;
}

/** Where a workspace's steps can run: in orders' own plans, and/or in account plans (per account-scope product). */
function reachOf(catalog: Catalog, workspaceId: string): { linked: boolean; orderLevel: boolean; accountProducts: Set<string> } {
  const products = new Set(catalog.scenarios.filter((s) => s.workspace === workspaceId).map((s) => s.fulfillmentProduct));
  const rules = catalog.decompositionRules.filter((rule) => rule.action === 'Add' && products.has(rule.destination));
  return {
    linked: rules.length > 0,
    orderLevel: rules.some((rule) => rule.scope !== 'account'),
    accountProducts: new Set(rules.filter((rule) => rule.scope === 'account').map((rule) => rule.destination)),
  };
}

/** Every dependency cycle across the catalog (steps would wait for each other forever), one finding per cycle. */
function dependencyCycles(catalog: Catalog): Finding[] {
  const steps = allSteps(catalog);
  const keyOf = (location: StepLocation) => stepKey(location.workspace.id, location.step.id);
  const edges = new Map<string, string[]>(
    steps.map((location) => [
      keyOf(location),
      location.step.dependsOn.flatMap((entry) => {
        const target = resolveDependency(catalog, location.workspace, entry);
        return target ? [keyOf(target)] : [];
      }),
    ]),
  );
  const byKey = new Map(steps.map((location) => [keyOf(location), location]));
  return stronglyConnected([...edges.keys()], edges)
    .filter((component) => component.length > 1 || edges.get(component[0])!.includes(component[0]))
    .map((component) => {
      const cycle = cycleWithin(component, edges);
      return {
        severity: 'error',
        rule: LINT_RULES.dependencyCycle,
        path: `${stepPath(byKey.get(cycle[0])!)}.dependsOn`,
        message: `dependency cycle (each step waits for the next): ${cycle.join(' → ')}${spansWorkspaces(cycle) ? '; it runs across workspaces, so it stalls whether they land in one fulfillment order or in several (a cycle across plans)' : ''}`,
        fix: 'remove one of the dependencies in the cycle',
      };
    });
}

function spansWorkspaces(cycle: string[]): boolean {
  return new Set(cycle.map((key) => key.slice(0, key.indexOf('.')))).size > 1;
}

/** Tarjan's algorithm; components come out with their nodes in catalog order, components ordered by their first node. */
function stronglyConnected(nodes: string[], edges: Map<string, string[]>): string[][] {
  const order = new Map(nodes.map((node, i) => [node, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort((a, b) => order.get(a)! - order.get(b)!));
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components.sort((a, b) => order.get(a[0])! - order.get(b[0])!);
}

/** A cycle through the component's first node: breadth-first back to it, so the reported cycle is a shortest one. */
function cycleWithin(component: string[], edges: Map<string, string[]>): string[] {
  const start = component[0];
  const members = new Set(component);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of edges.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
