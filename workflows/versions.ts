import { patched } from '@temporalio/workflow';

/**
 * Which behaviour a workflow's history was recorded with.
 *
 * Every `patched()` call writes a marker and a `TemporalChangeVersion` search-attribute upsert into the
 * history: two events per patch per workflow. So the order asks once, and tells its splits which behaviour
 * to run in their input (`behaviourVersion`); a split started that way asks nothing. A history recorded
 * before this scheme has neither the marker nor the input field, and every workflow falls back to asking
 * `patched()` for each patch it knows, as it did when the history was recorded.
 *
 * Version 1 ("lean-history") is everything up to and including redo-reopens-at-once, plus: the order
 * decomposes and bills in local activities, a split's search attributes start with the split, and a
 * split's SLA timer is not cancelled when the split finishes (Temporal drops it with the workflow).
 *
 * A later behaviour gets version 2 and a marker of its own, asked before this one (newest first), so a new
 * order still writes one marker and a replayed one finds the marker its history has.
 *
 * Workers of one task queue should run one build at a time (or use worker versioning): a split started by
 * a newer order and run by an older worker would record the older behaviour under a newer input.
 */
export const BEHAVIOUR_VERSION = 1;
const LEAN_HISTORY = 'lean-history';

/** The order's version: one marker for new orders; 0 when replaying a history recorded before it. */
export function orderBehaviourVersion(): number {
  return patched(LEAN_HISTORY) ? BEHAVIOUR_VERSION : 0;
}

/** A patch in force: given by the version the workflow was started with, or asked of the history (version 0). */
export function hasBehaviour(version: number, patchId: string): boolean {
  return version >= 1 || patched(patchId);
}
