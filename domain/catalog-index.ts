import type { Catalog, StepDefinition, Workspace } from './catalog';

/**
 * Lookups over a Catalog shared by loading, linting, decomposition and plan building,
 * so that all of them agree on what a reference means.
 */

/** A step definition located in the catalog. */
export interface StepLocation {
  workspace: Workspace;
  workspaceIndex: number;
  groupName: string;
  groupIndex: number;
  step: StepDefinition;
  stepIndex: number;
}

/** The key of a step definition across the catalog: `<workspace>.<step>`. */
export function stepKey(workspaceId: string, stepId: string): string {
  return `${workspaceId}.${stepId}`;
}

/** Every step of a workspace, in group order then step order. */
export function stepsOf(workspace: Workspace, workspaceIndex = 0): StepLocation[] {
  const out: StepLocation[] = [];
  workspace.groups.forEach((group, groupIndex) =>
    group.steps.forEach((step, stepIndex) =>
      out.push({ workspace, workspaceIndex, groupName: group.name, groupIndex, step, stepIndex }),
    ),
  );
  return out;
}

/** Every step of the catalog, in workspace order, group order, step order. */
export function allSteps(catalog: Catalog): StepLocation[] {
  return catalog.workspaces.flatMap((workspace, index) => stepsOf(workspace, index));
}

/**
 * Resolves a `dependsOn` entry written in `from`: `step` names a step of the same workspace,
 * `workspace.step` a step of another one. Step and workspace ids may themselves contain dots,
 * so a same-workspace step id wins, then every split point is tried from the left.
 */
export function resolveDependency(catalog: Catalog, from: Workspace, entry: string): StepLocation | undefined {
  const local = findStep(catalog, from.id, entry);
  if (local) return local;
  for (let dot = entry.indexOf('.'); dot > 0; dot = entry.indexOf('.', dot + 1)) {
    const found = findStep(catalog, entry.slice(0, dot), entry.slice(dot + 1));
    if (found) return found;
  }
  return undefined;
}

/** A `dependsOn` entry that names no step: where it is in the list, and what to write instead. */
export interface DanglingDependency {
  index: number;
  message: string;
  fix: string;
}

/**
 * The step's `dependsOn` entries that resolve to no step. The one check behind parseCatalog's refusal, lint's
 * `dangling-dependency` rule and plan building's guard: each of them only says where the entry is.
 */
export function danglingDependencies(catalog: Catalog, location: Pick<StepLocation, 'workspace' | 'step'>): DanglingDependency[] {
  const { workspace, step } = location;
  const dangling: DanglingDependency[] = [];
  step.dependsOn.forEach((entry, index) => {
    if (resolveDependency(catalog, workspace, entry)) return;
    const known = [...stepsOf(workspace).map((s) => s.step.id), ...allSteps(catalog).map((s) => stepKey(s.workspace.id, s.step.id))];
    dangling.push({
      index,
      message: `step ${step.id} depends on "${entry}", which is neither a step of workspace ${workspace.id} nor a workspace.step of another workspace`,
      fix: suggestName(entry, known, 'steps', 'name a step id of this workspace, or workspace.step for another workspace'),
    });
  });
  return dangling;
}

/** Where a step is, in the catalog's own terms: `workspaces[<id>].steps[<id>]`. */
export function stepPath(location: Pick<StepLocation, 'workspace' | 'step'>): string {
  return `workspaces[${location.workspace.id}].steps[${location.step.id}]`;
}

function findStep(catalog: Catalog, workspaceId: string, stepId: string): StepLocation | undefined {
  const workspaceIndex = catalog.workspaces.findIndex((w) => w.id === workspaceId);
  if (workspaceIndex < 0) return undefined;
  return stepsOf(catalog.workspaces[workspaceIndex], workspaceIndex).find((s) => s.step.id === stepId);
}

/** Groups values by a key, keeping first-seen order inside each group. */
export function groupBy<T>(values: readonly T[], keyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}

/**
 * The candidate closest to a misspelt name, for "did you mean" fixes; undefined when nothing is close
 * (more than a third of the name would have to change).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** A fix for an unknown name: the closest known one, or the list of known ones when short. */
export function suggestName(name: string, known: readonly string[], what: string, otherwise: string): string {
  const close = closestName(name, known);
  if (close) return `did you mean "${close}"? (or ${otherwise})`;
  if (known.length > 0 && known.length <= 8) return `use one of the known ${what}: ${known.join(', ')} (or ${otherwise})`;
  return otherwise;
}
