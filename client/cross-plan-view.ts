import { parseCrossPlanRef } from '../domain/cross-plan';

/**
 * How `ordo plan`, `ordo decompose` and the console show a cross-plan dependency (DESIGN.md "Decomposition" step 5):
 * a `dependsOn` entry `FO-ID/step-id` names a step of another split of the same order. This module finds that
 * step among the splits a reader already has (the order's live plan), so a printout can say what it waits for and
 * how far that step is, without another query.
 */

/** A `dependsOn` entry split into the other fulfillment order and its step (domain/cross-plan.ts parseCrossPlanRef). */
export type CrossPlanRef = NonNullable<ReturnType<typeof parseCrossPlanRef>>;

/** What a reader knows of one split: its id and its steps (with their states once it runs). */
export interface KnownSplit {
  id: string;
  steps: ReadonlyArray<{ id: string; state?: string }>;
}

/** The upstream step of a cross-plan dependency, as found among the known splits. */
export interface UpstreamView extends CrossPlanRef {
  /** The `dependsOn` entry itself (`FO-ID/step-id`): the key a drawing or a printout matches on. */
  ref: string;
  /** The split that holds the step: the named one, or the part `FO-ID-P<n>` of a partitioned one; absent when none does. */
  splitId?: string;
  /** Its state, when that split's live plan is known (a split that has not started has none yet). */
  state?: string;
}

/**
 * The upstream step `entry` names, looked up in `splits`; undefined for a same-plan entry. A split of the order that
 * is gone (an amendment removed it) or not started leaves `splitId` or `state` out: the reader says so, never fails.
 */
export function upstreamStep(entry: string, splits: readonly KnownSplit[]): UpstreamView | undefined {
  const ref = parseCrossPlanRef(entry);
  if (!ref) return undefined;
  const candidates = splits.filter((split) => split.id === ref.fulfillmentOrderId || split.id.startsWith(`${ref.fulfillmentOrderId}-P`));
  for (const split of candidates) {
    const step = split.steps.find((s) => s.id === ref.stepId);
    if (step) return { ...ref, ref: entry, splitId: split.id, ...(step.state !== undefined ? { state: step.state } : {}) };
  }
  const named = candidates.find((split) => split.id === ref.fulfillmentOrderId);
  return { ...ref, ref: entry, ...(named ? { splitId: named.id } : {}) };
}

/** Every distinct upstream step a split's steps wait for, in the order they first appear. */
export function upstreamSteps(steps: ReadonlyArray<{ dependsOn: readonly string[] }>, splits: readonly KnownSplit[]): UpstreamView[] {
  const found = new Map<string, UpstreamView>();
  for (const step of steps) {
    for (const entry of step.dependsOn) {
      if (found.has(entry)) continue;
      const upstream = upstreamStep(entry, splits);
      if (upstream) found.set(entry, upstream);
    }
  }
  return [...found.values()];
}

/**
 * The other side of the same edges: `<split id>/<step id>` → the splits (ids, in the splits' order) whose steps wait
 * for that step. Only upstream steps found in a known split are keyed.
 */
export function awaitedBy(splits: ReadonlyArray<{ id: string; steps: ReadonlyArray<{ id: string; state?: string; dependsOn: readonly string[] }> }>): Map<string, string[]> {
  const waiting = new Map<string, string[]>();
  for (const split of splits) {
    for (const { splitId, stepId } of upstreamSteps(split.steps, splits)) {
      if (splitId === undefined) continue;
      const key = `${splitId}/${stepId}`;
      const ids = waiting.get(key) ?? [];
      if (!ids.includes(split.id)) waiting.set(key, [...ids, split.id]);
    }
  }
  return waiting;
}

/** `FO-WH-EAST-DG-1/device-delivery.ship[…] (Completed)`: how a printout names an upstream step and its state. */
export function describeUpstream(upstream: UpstreamView): string {
  const where = upstream.splitId && upstream.splitId !== upstream.fulfillmentOrderId ? `${upstream.splitId}/${upstream.stepId}` : upstream.ref;
  const state = upstream.state ?? (upstream.splitId ? 'not started' : 'no such split in the order');
  return `${where} (${state})`;
}
