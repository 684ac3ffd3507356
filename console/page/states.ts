/**
 * The colour of each step state (docs/console.md "Order page"), shared by the swimlanes, the legends and the
 * dashboards: one place, so a state looks the same everywhere. Jeopardy and late are marked on top (a ring).
 */
import type { StepState } from '../../workflows/types';

/** Ordo's step states (workflows/types.ts). */
export type StepStateName = StepState;

export const STATE_COLOURS: Record<StepStateName, string> = {
  Pending: '#c9ced6',
  Scheduled: '#8fb8e8',
  Ready: '#a5c8f0',
  Failed: '#f08c8c',
  InProgress: '#2f7ed8',
  Completed: '#2e9e5b',
  FatallyFailed: '#d64545',
  Skipped: '#b59ad6',
  Cancelled: '#6b7280',
  Discarded: '#9c7b5b',
  Amended: '#e0a526',
};

export const JEOPARDY_COLOURS = { inJeopardy: '#f59e0b', late: '#b91c1c' } as const;

export const STEP_STATE_NAMES = Object.keys(STATE_COLOURS) as StepStateName[];

export function stateColour(state: string): string {
  return (STATE_COLOURS as Record<string, string>)[state] ?? '#999999';
}
