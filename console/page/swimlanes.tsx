import type { ReactNode } from 'react';

/**
 * A plan drawn as swimlanes (docs/console.md "Order page"): one lane per workspace (and group within it), the steps
 * as a dependency graph laid out by dagre, coloured by state (states.ts), jeopardy and late marked. Used by the
 * order page (one split's plan, live) and the dashboards' heatmap (a catalog's plan with a count per step).
 * STUB: the order-page helper builds it; the props are the contract.
 */

export interface SwimlaneStep {
  id: string;
  /** What the box says (the step definition's name). */
  label: string;
  workspace: string;
  group?: string;
  dependsOn: string[];
  /** A step state (states.ts STATE_COLOURS); absent for a step with no state (the heatmap colours by count instead). */
  state?: string;
  jeopardy?: 'none' | 'inJeopardy' | 'late';
  pointOfNoReturn?: boolean;
}

export interface SwimlanesProps {
  steps: SwimlaneStep[];
  /** Something to show on a step's box (the heatmap's count); nothing by default. */
  badge?: (step: SwimlaneStep) => ReactNode;
  /** A fill colour per step instead of its state's (the heatmap's intensity). */
  fill?: (step: SwimlaneStep) => string | undefined;
  onSelect?: (step: SwimlaneStep) => void;
  selectedId?: string;
}

export function Swimlanes(_props: SwimlanesProps) {
  return <svg data-testid="swimlanes" />;
}
