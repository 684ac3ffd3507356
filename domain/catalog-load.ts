import { parseDocument } from 'yaml';
import { CatalogFile, type Catalog, type StepDefinition } from './catalog';
import { danglingDependencies, stepsOf, suggestName } from './catalog-index';
import { formatCount, LIMITS } from './limits';
import { formatPath, InvalidInput, problemsFromZod, type Problem } from './problems';
import { FIELD_PATTERN } from './step-conditions';

/**
 * Catalog loading: YAML text → validated, merged, cross-checked Catalog.
 * Reading the files is the caller's job (domain/ is pure), so sources arrive as {path, text}.
 * Every problem names the file, the path inside it and, where one is known, the fix; all problems
 * are reported at once so an engineer fixes a catalog in one pass, not one error per run.
 */

export interface CatalogSource {
  /** Shown in problems, e.g. `catalog/laptop.yaml`. */
  path: string;
  text: string;
}

/** Parses, validates and merges catalog files. Throws InvalidInput('catalog', problems) listing every problem. */
export function parseCatalog(sources: CatalogSource[]): Catalog {
  const { catalog, problems } = parseAndCheck(sources, { dependencies: true });
  if (problems.length > 0) throw new InvalidInput('catalog', problems);
  return catalog;
}

/**
 * For `ordo lint`: the merged catalog with its cross-reference problems returned instead of thrown, so that
 * lint reports them in the same pass as its own findings (a dangling dependency does not hide a cycle).
 * Dangling `dependsOn` entries are left to lint's `dangling-dependency` rule. Syntax and schema problems
 * still throw: then there is no catalog to check.
 */
export function parseCatalogForLint(sources: CatalogSource[]): { catalog: Catalog; problems: Problem[] } {
  return parseAndCheck(sources, { dependencies: false });
}

function parseAndCheck(sources: CatalogSource[], checks: { dependencies: boolean }): { catalog: Catalog; problems: Problem[] } {
  if (sources.length === 0) {
    throw new InvalidInput('catalog', [{ path: '', message: 'no catalog files were given', fix: 'pass at least one catalog YAML file' }]);
  }
  const files: ParsedFile[] = [];
  const problems: Problem[] = [];
  for (const source of sources) {
    const parsed = parseCatalogFile(source);
    if (Array.isArray(parsed)) problems.push(...parsed);
    else files.push(parsed);
  }
  // Cross-references are checked only once every file is well formed: a reference into a file that
  // failed to parse would otherwise show up as a second, misleading "unknown" problem.
  if (problems.length > 0) throw new InvalidInput('catalog', problems);

  const merged = mergeFiles(files);
  return { catalog: merged.catalog, problems: [...duplicateProblems(merged), ...referenceProblems(merged, checks)] };
}

// ---------------------------------------------------------------------------------------------
// One file: YAML syntax, then the CatalogFile schema.

interface ParsedFile {
  path: string;
  content: Catalog;
}

function parseCatalogFile(source: CatalogSource): ParsedFile | Problem[] {
  const bytes = new TextEncoder().encode(source.text).length;
  if (bytes > LIMITS.catalogFileBytes) {
    return [{ path: source.path, message: `is ${formatCount(bytes)} bytes; a catalog file may have at most ${formatCount(LIMITS.catalogFileBytes)} (limit catalogFileBytes)`, fix: 'split it into several files listed in temporal-config.yaml' }];
  }
  const document = parseDocument(source.text, { prettyErrors: true });
  // The yaml package recurses per level: nesting deep enough overflows the stack, reported as a syntax error.
  if (document.errors.some((error) => /call stack/i.test(error.message))) return [tooDeep(source.path)];
  if (document.errors.length > 0) return document.errors.map((error) => yamlProblem(source.path, error));
  let data: unknown;
  try {
    // An empty file is an empty catalog, not an error: teams often start a family file empty.
    data = document.toJS({ maxAliasCount: LIMITS.yamlAliases }) ?? {};
  } catch (error) {
    if (error instanceof RangeError) return [tooDeep(source.path)];
    return [{ path: source.path, message: `YAML aliases expand too much (${(error as Error).message}; limit yamlAliases: ${LIMITS.yamlAliases} alias uses)`, fix: 'write the repeated parts out, or use fewer aliases (*name)' }];
  }
  if (depthOf(data) > LIMITS.yamlDepth) return [tooDeep(source.path)];
  const result = CatalogFile.safeParse(data, { reportInput: true });
  if (!result.success) return problemsFromZod(result.error, { file: source.path, schema: CatalogFile, unionForms: UNION_FORMS });
  return { path: source.path, content: result.data };
}

function tooDeep(file: string): Problem {
  return { path: file, message: `nests deeper than ${LIMITS.yamlDepth} levels (limit yamlDepth)`, fix: 'a catalog needs about 8 levels: look for runaway brackets or indentation' };
}

/** How deeply a parsed YAML value nests, counted without recursion (the value itself may be very deep). */
function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth);
    if (depth > LIMITS.yamlDepth) break;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function yamlProblem(file: string, error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): Problem {
  const position = error.linePos?.[0];
  // The yaml package appends " at line L, column C:" and a code excerpt; the position goes in the path instead.
  const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return {
    path: position ? `${file}:${position.line}:${position.col}` : file,
    message: `YAML syntax error: ${message}`,
    fix: 'fix the YAML syntax at that line (indentation, a missing ":" or an unclosed bracket or quote)',
  };
}

/** The shapes a union field accepts, by the field's name, for the fix of a value that matches none of them. */
const UNION_FORMS: Record<string, string> = {
  fulfilledBy: 'use { locations: [WH-EAST, ...] } for a product routed to stock locations, or { system: name } for one fulfillment system (not both)',
  resumeOn: 'use { signal: name } or { condition: { field: name, equals: value } }',
  onJeopardy: 'use { alert: text }, { reassign: queue } or { escalate: queue }',
  onLate: 'use { alert: text }, { reassign: queue } or { escalate: queue }',
};

// ---------------------------------------------------------------------------------------------
// Merging: files concatenate section by section; each entry remembers where it came from.

interface Origin {
  file: string;
  index: number;
}

type Section = 'products' | 'fulfillmentProducts' | 'decompositionRules' | 'workspaces' | 'scenarios' | 'falloutRules' | 'priceBooks';
const SECTIONS: Section[] = ['products', 'fulfillmentProducts', 'decompositionRules', 'workspaces', 'scenarios', 'falloutRules', 'priceBooks'];

interface MergedCatalog {
  catalog: Catalog;
  origins: Record<Section, Origin[]>;
}

function mergeFiles(files: ParsedFile[]): MergedCatalog {
  const catalog: Catalog = { products: [], fulfillmentProducts: [], decompositionRules: [], workspaces: [], scenarios: [], falloutRules: [], priceBooks: [] };
  const origins = Object.fromEntries(SECTIONS.map((section) => [section, [] as Origin[]])) as Record<Section, Origin[]>;
  for (const file of files) {
    for (const section of SECTIONS) {
      const entries = (file.content[section] ?? []) as unknown[];
      (catalog[section] as unknown[]).push(...entries);
      entries.forEach((_, index) => origins[section].push({ file: file.path, index }));
    }
  }
  return { catalog, origins };
}

/** Renders where a merged entry lives: `catalog/laptop.yaml: workspaces[0].groups[1]` */
function at(merged: MergedCatalog, section: Section, mergedIndex: number, ...rest: PropertyKey[]): string {
  const origin = merged.origins[section][mergedIndex];
  return `${origin.file}: ${formatPath([section, origin.index, ...rest])}`;
}

// ---------------------------------------------------------------------------------------------
// Duplicates: the same code or id twice, in one file or across files.

function duplicateProblems(merged: MergedCatalog): Problem[] {
  const { catalog } = merged;
  return [
    ...duplicatesIn(merged, 'products', 'product code', catalog.products.map((p) => p.code), 'code'),
    ...duplicatesIn(merged, 'fulfillmentProducts', 'fulfillment product code', catalog.fulfillmentProducts.map((p) => p.code), 'code'),
    ...duplicatesIn(merged, 'decompositionRules', 'decomposition rule id', catalog.decompositionRules.map((r) => r.id), 'id'),
    ...duplicatesIn(merged, 'workspaces', 'workspace id', catalog.workspaces.map((w) => w.id), 'id'),
    ...duplicatesIn(merged, 'scenarios', 'scenario', catalog.scenarios.map((s) => `${s.fulfillmentProduct} → ${s.workspace}`)),
    // One book per currency and channel: two would leave the price an order must match undecided.
    ...duplicatesIn(merged, 'priceBooks', 'price book', (catalog.priceBooks ?? []).map((b) => `${b.currency} ${b.channel ? `channel ${b.channel}` : 'for every channel'}`)),
  ];
}

function duplicatesIn(merged: MergedCatalog, section: Section, what: string, keys: string[], field?: string): Problem[] {
  const firstSeen = new Map<string, number>();
  const problems: Problem[] = [];
  keys.forEach((key, index) => {
    const first = firstSeen.get(key);
    if (first === undefined) {
      firstSeen.set(key, index);
      return;
    }
    const fieldPath = field ? [field] : [];
    problems.push({
      path: at(merged, section, index, ...fieldPath),
      message: `${what} "${key}" is defined twice: first at ${at(merged, section, first, ...fieldPath)}`,
      fix: 'rename one of them or remove the duplicate',
    });
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Cross references and rules that span fields.

function referenceProblems(merged: MergedCatalog, checks: { dependencies: boolean }): Problem[] {
  return [...productProblems(merged), ...priceBookProblems(merged), ...ruleProblems(merged), ...scenarioProblems(merged), ...workspaceProblems(merged, checks)];
}

/** A price for a product the catalog does not sell is a typo that would leave the real product unchecked. */
function priceBookProblems(merged: MergedCatalog): Problem[] {
  const codes = merged.catalog.products.map((p) => p.code);
  return (merged.catalog.priceBooks ?? []).flatMap((book, i) =>
    Object.keys(book.prices)
      .filter((code) => !codes.includes(code))
      .map((code) => ({
        path: at(merged, 'priceBooks', i, 'prices', code),
        message: `unknown product "${code}"`,
        fix: suggestName(code, codes, 'products', `add ${code} under products, or remove its price`),
      })),
  );
}

function productProblems(merged: MergedCatalog): Problem[] {
  const problems: Problem[] = [];
  const codes = merged.catalog.products.map((p) => p.code);
  merged.catalog.products.forEach((product, i) => {
    if (product.kind === 'bundle' && !product.components?.length) {
      problems.push({ path: at(merged, 'products', i, 'components'), message: `bundle ${product.code} lists no components`, fix: 'add components: [CODE, ...]' });
    }
    if (product.kind !== 'bundle' && product.components?.length) {
      problems.push({ path: at(merged, 'products', i, 'components'), message: `${product.code} has components but is not a bundle`, fix: 'set kind: bundle, or remove components' });
    }
    product.components?.forEach((component, j) => {
      if (component === product.code) {
        problems.push({ path: at(merged, 'products', i, 'components', j), message: `bundle ${product.code} lists itself as a component`, fix: 'remove it from its own components' });
      } else if (!codes.includes(component)) {
        problems.push({
          path: at(merged, 'products', i, 'components', j),
          message: `unknown component product "${component}"`,
          fix: suggestName(component, codes, 'products', `add ${component} under products`),
        });
      }
    });
  });
  return problems;
}

function ruleProblems(merged: MergedCatalog): Problem[] {
  const problems: Problem[] = [];
  const productCodes = merged.catalog.products.map((p) => p.code);
  const destinationCodes = merged.catalog.fulfillmentProducts.map((p) => p.code);
  merged.catalog.decompositionRules.forEach((rule, i) => {
    if (!productCodes.includes(rule.source)) {
      problems.push({
        path: at(merged, 'decompositionRules', i, 'source'),
        message: `unknown product "${rule.source}"`,
        fix: suggestName(rule.source, productCodes, 'products', `add ${rule.source} under products`),
      });
    }
    if (!destinationCodes.includes(rule.destination)) {
      const isCommercial = productCodes.includes(rule.destination);
      problems.push({
        path: at(merged, 'decompositionRules', i, 'destination'),
        message: isCommercial
          ? `"${rule.destination}" is a commercial product; a destination must be a fulfillment product`
          : `unknown fulfillment product "${rule.destination}"`,
        fix: suggestName(rule.destination, destinationCodes, 'fulfillment products', `add ${rule.destination} under fulfillmentProducts`),
      });
    }
    if (rule.when) {
      const hasIn = rule.when.in !== undefined;
      const hasEquals = rule.when.equals !== undefined;
      if (hasIn === hasEquals) {
        problems.push({
          path: at(merged, 'decompositionRules', i, 'when'),
          message: hasIn ? 'gives both "in" and "equals"' : 'gives neither "in" nor "equals"',
          fix: `use { attribute: ${rule.when.attribute}, in: [a, b] } or { attribute: ${rule.when.attribute}, equals: a }`,
        });
      } else if (hasIn && rule.when.in!.length === 0) {
        problems.push({ path: at(merged, 'decompositionRules', i, 'when', 'in'), message: 'is empty, so the rule never applies', fix: 'list at least one value' });
      }
    }
  });
  return problems;
}

function scenarioProblems(merged: MergedCatalog): Problem[] {
  const problems: Problem[] = [];
  const destinationCodes = merged.catalog.fulfillmentProducts.map((p) => p.code);
  const workspaceIds = merged.catalog.workspaces.map((w) => w.id);
  merged.catalog.scenarios.forEach((scenario, i) => {
    if (!destinationCodes.includes(scenario.fulfillmentProduct)) {
      problems.push({
        path: at(merged, 'scenarios', i, 'fulfillmentProduct'),
        message: `unknown fulfillment product "${scenario.fulfillmentProduct}"`,
        fix: suggestName(scenario.fulfillmentProduct, destinationCodes, 'fulfillment products', `add ${scenario.fulfillmentProduct} under fulfillmentProducts`),
      });
    }
    if (!workspaceIds.includes(scenario.workspace)) {
      problems.push({
        path: at(merged, 'scenarios', i, 'workspace'),
        message: `unknown workspace "${scenario.workspace}"`,
        fix: suggestName(scenario.workspace, workspaceIds, 'workspaces', `add a workspace with id ${scenario.workspace}`),
      });
    }
  });
  return problems;
}

function workspaceProblems(merged: MergedCatalog, checks: { dependencies: boolean }): Problem[] {
  const problems: Problem[] = [];
  const { catalog } = merged;
  catalog.workspaces.forEach((workspace, w) => {
    const firstSeen = new Map<string, string>();
    for (const { step, groupIndex, stepIndex } of stepsOf(workspace, w)) {
      const stepAt = (...rest: PropertyKey[]) => at(merged, 'workspaces', w, 'groups', groupIndex, 'steps', stepIndex, ...rest);
      const first = firstSeen.get(step.id);
      if (first) {
        problems.push({ path: stepAt('id'), message: `step id "${step.id}" is used twice in workspace ${workspace.id}: first at ${first}`, fix: 'give every step of a workspace its own id' });
      } else {
        firstSeen.set(step.id, stepAt('id'));
      }
      if (checks.dependencies) {
        for (const { index, message, fix } of danglingDependencies(catalog, { workspace, step })) problems.push({ path: stepAt('dependsOn', index), message, fix });
      }
      problems.push(...stepFieldProblems(step, stepAt));
    }
  });
  return problems;
}

/** Fields a step's type needs, and durations and retry policies that contradict themselves. */
function stepFieldProblems(step: StepDefinition, stepAt: (...rest: PropertyKey[]) => string): Problem[] {
  const problems: Problem[] = [];
  if (step.type === 'callout' && !step.call) {
    problems.push({ path: stepAt('call'), message: `callout step ${step.id} has no call`, fix: 'add call: { system: name, operation: name }' });
  }
  if (step.type === 'autoTask' && !step.handler) {
    problems.push({ path: stepAt('handler'), message: `auto task ${step.id} has no handler`, fix: 'add handler: <name of a registered TypeScript handler>' });
  }
  if (step.type === 'pause' && !step.resumeOn) {
    problems.push({ path: stepAt('resumeOn'), message: `pause step ${step.id} has no resumeOn`, fix: 'add resumeOn: { signal: name } or resumeOn: { condition: { field: name, equals: value } }' });
  }
  if (step.type === 'manualTask' && !step.queue) {
    problems.push({ path: stepAt('queue'), message: `manual task ${step.id} has no queue, so no operator would see it`, fix: 'add queue: <a queue from temporal-config.yaml>' });
  }
  if (step.resumeOn && 'condition' in step.resumeOn && !FIELD_PATTERN.test(step.resumeOn.condition.field)) {
    problems.push({
      path: stepAt('resumeOn', 'condition', 'field'),
      message: `"${step.resumeOn.condition.field}" is not a field a condition can read`,
      fix: 'use lineItem.attributes.<name>, lineItem.<field>, orderItem.attributes.<name> or orderItem.<field>',
    });
  }
  if (step.jeopardyThreshold !== undefined) {
    if (step.estimatedDuration === undefined) {
      problems.push({ path: stepAt('jeopardyThreshold'), message: 'a jeopardy threshold needs an estimatedDuration to count back from', fix: 'add estimatedDuration, or remove jeopardyThreshold' });
    } else if (step.jeopardyThreshold >= step.estimatedDuration) {
      problems.push({
        path: stepAt('jeopardyThreshold'),
        message: `jeopardyThreshold (${step.jeopardyThreshold} ms) must be shorter than estimatedDuration (${step.estimatedDuration} ms): the step would be in jeopardy the moment it starts`,
        fix: 'make jeopardyThreshold smaller than estimatedDuration',
      });
    }
  }
  const retry = step.fallout?.retry;
  if (retry?.policy === 'staggered' && !retry.intervals?.length) {
    problems.push({ path: stepAt('fallout', 'retry', 'intervals'), message: 'a staggered retry policy needs its list of waits', fix: 'add intervals: [10s, 1m, 5m]' });
  }
  if (retry?.policy === 'fixed' && retry.interval === undefined) {
    problems.push({ path: stepAt('fallout', 'retry', 'interval'), message: 'a fixed retry policy needs its wait between attempts', fix: 'add interval: 30s' });
  }
  return problems;
}
