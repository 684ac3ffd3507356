import type { StepDefinition } from './catalog';
import type { PlanStep } from './plan';

export interface PlannedTimes {
  plannedStart: number;
  plannedCompletion: number;
}

/**
 * Planned start and completion of every step, from the moment the plan starts: a step is planned to
 * start when the last of its dependencies is planned to complete, and to take its estimated duration
 * (zero without one); a dated step not before its `notBefore`, and `startAfter` after its dependencies. Steps come in dependency order, as plan building emits them.
 */
export function plannedSchedule(steps: readonly PlanStep[], definitions: Record<string, StepDefinition>, startMs: number): Map<string, PlannedTimes> {
  const times = new Map<string, PlannedTimes>();
  for (const step of steps) {
    const afterDependencies = step.dependsOn.reduce((latest, id) => Math.max(latest, times.get(id)?.plannedCompletion ?? startMs), startMs) + (step.startAfter ?? 0);
    // A dated step (docs/decomposition.md "Dated steps") is planned to start no earlier than its date.
    const plannedStart = step.notBefore === undefined ? afterDependencies : Math.max(afterDependencies, Date.parse(step.notBefore));
    const duration = (definitions[step.definition]?.estimatedDuration as number | undefined) ?? 0;
    times.set(step.id, { plannedStart, plannedCompletion: plannedStart + duration });
  }
  return times;
}

/** When a step that started at `startedMs` goes into jeopardy and becomes late; undefined without an estimate. */
export function slaDeadlines(definition: StepDefinition, startedMs: number): { jeopardyAt?: number; lateAt: number } | undefined {
  const estimate = definition.estimatedDuration as number | undefined;
  if (estimate === undefined) return undefined;
  const threshold = (definition.jeopardyThreshold as number | undefined) ?? 0;
  return { jeopardyAt: threshold > 0 ? startedMs + estimate - threshold : undefined, lateAt: startedMs + estimate };
}
