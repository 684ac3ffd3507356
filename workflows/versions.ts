import { deprecatePatch, patched } from '@temporalio/workflow';
import { currentVersion, PATCHES, versionMarker, type PatchEntry, type PatchId, type PatchRegistry } from './patches';

/**
 * Which behaviour a workflow runs: the only place in workflows/ that compares versions or calls patched().
 *
 * Every `patched()` call writes a marker and a `TemporalChangeVersion` search-attribute upsert into the
 * history: two events per patch per workflow. So a workflow that starts on its own (an order, an account's
 * work, a queue rotation) asks one marker, its version's, and a split gets its order's version in its input
 * (`behaviourVersion`) and asks nothing. A workflow started at version N takes every patch registered with
 * `since <= N` without asking, and asks `patched()` only for patches newer than N: in a new run those are
 * none (N is the current version); in a replayed history they answer false, as the history was recorded.
 * A history recorded before versions (version 0) asks every patch by name, as it did when it was recorded.
 *
 * Workers of one task queue should run one build at a time (or use worker versioning): a split started by
 * a newer order and run by an older worker would record the older behaviour under a newer input.
 */
export class Behaviour<Id extends string = PatchId> {
  constructor(
    /** The version the workflow was started with; 0 for histories recorded before versions. */
    private readonly version: number,
    private readonly registry: PatchRegistry<Id> = PATCHES as unknown as PatchRegistry<Id>,
    private readonly history: { patched: (id: string) => boolean; deprecatePatch: (id: string) => void } = { patched, deprecatePatch },
  ) {}

  /** Whether the workflow takes the patch's branch: known from its version, or asked of its history when newer. */
  has(patch: Id): boolean {
    if (this.startedWith(patch)) return true;
    if (this.entry(patch).deprecated) {
      this.history.deprecatePatch(patch);
      return true;
    }
    return this.history.patched(patch);
  }

  /**
   * Whether whoever started the workflow already did what the patch says (e.g. the order set a split's
   * quiet search attributes): decided by the input alone, never asked of the history.
   */
  startedWith(patch: Id): boolean {
    const { since } = this.entry(patch);
    return this.version > 0 && since <= this.version;
  }

  private entry(patch: Id): PatchEntry {
    const entry = this.registry[patch];
    if (!entry) throw new Error(`patch "${patch}" is not in the registry (workflows/patches.ts): register it with the next behaviour version`);
    return entry;
  }

  /** What to pass to a workflow this one starts (or to its own next run), so it runs the same behaviour without asking. */
  toInput(): { behaviourVersion: number } | Record<string, never> {
    return this.version > 0 ? { behaviourVersion: this.version } : {};
  }
}

/**
 * The behaviour of a workflow that decides its own version (an order, account work, a queue rotation):
 * the version it carries (continued as new, or started by a parent), else one marker: a new run writes
 * the current version's; a replayed one finds the marker its history has, newest first; 0 when none.
 */
export function ownBehaviour<Id extends string = PatchId>(carried?: number, registry?: PatchRegistry<Id>): Behaviour<Id> {
  if (carried !== undefined) return new Behaviour(knownVersion(carried, registry), registry);
  for (let version = currentVersion(registry); version >= 1; version--) {
    if (patched(versionMarker(version))) return new Behaviour(version, registry);
  }
  return new Behaviour(0, registry);
}

/** The behaviour of a split: the version its starter passed, or 0 (ask each patch) when it passed none. */
export function givenBehaviour<Id extends string = PatchId>(behaviourVersion: number | undefined, registry?: PatchRegistry<Id>): Behaviour<Id> {
  return new Behaviour(knownVersion(behaviourVersion ?? 0, registry), registry);
}

/**
 * A version passed in an input (by a client or parent of a newer build) that this build does not know must not
 * run as an older one: a newer worker replaying it later would take other branches. A plain Error fails the
 * workflow task, not the workflow, so the task is retried until a worker that knows the version takes it.
 */
function knownVersion<Id extends string>(version: number, registry?: PatchRegistry<Id>): number {
  const newest = currentVersion(registry);
  if (version > newest) throw new Error(`behaviour version ${version} is newer than this worker's (${newest}): deploy the build that started it (docs/versioning.md)`);
  return version;
}

