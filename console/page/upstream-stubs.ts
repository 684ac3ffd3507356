import type { UpstreamView } from './order-types';
import type { LayoutStep } from './swimlane-layout';

/** A stub as swimlanes.tsx draws it (a SwimlaneStep with `stub: true`). */
export interface StubStep extends LayoutStep {
  label: string;
  stub: true;
  state?: string;
}

/**
 * A split's cross-plan dependencies as swimlane stubs (DESIGN.md "Decomposition" step 5): each step of another split
 * that this one waits for becomes a box whose id is the `dependsOn` entry itself (`FO-ID/step-id`), so the layout
 * draws the edge to the waiting steps like any other; its lane is the other split, its colour that step's state.
 * Splits are drawn as separate diagrams, so the stub stands in for the box over there; a click goes to it.
 */

/** The stubs to draw before the split's own steps; `label` names a step as its own box would. */
export function upstreamStubs(upstream: readonly UpstreamView[] | undefined, label: (stepId: string) => string): StubStep[] {
  return (upstream ?? []).map((step) => ({
    id: step.ref,
    label: `⇢ ${label(step.stepId)}`,
    workspace: step.splitId ?? step.fulfillmentOrderId,
    dependsOn: [],
    stub: true as const,
    ...(step.state ? { state: step.state } : {}),
  }));
}

/** Where a stub leads: the split that holds the upstream step and its id there; undefined for a step of the plan itself. */
export function stubTarget(step: { id: string; stub?: boolean }, upstream: readonly UpstreamView[] | undefined): { splitId: string; stepId: string } | undefined {
  if (!step.stub) return undefined;
  const found = upstream?.find((u) => u.ref === step.id);
  return found?.splitId ? { splitId: found.splitId, stepId: found.stepId } : undefined;
}
