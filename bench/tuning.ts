import type { LoadedConfig } from '../config/load';

/** The worker settings of temporal-config.yaml (`worker:`), as the bench names them on its command line. */
export type Tuning = LoadedConfig['worker'];

export const TUNING_FLAGS = {
  'max-activities': 'maxConcurrentActivityTaskExecutions',
  'max-workflow-tasks': 'maxConcurrentWorkflowTaskExecutions',
  cache: 'maxCachedWorkflows',
} as const satisfies Record<string, keyof Tuning>;
export type TuningFlag = keyof typeof TUNING_FLAGS;

export function describeTuning(tuning: Tuning): string {
  return `activities ${tuning.maxConcurrentActivityTaskExecutions}, workflow tasks ${tuning.maxConcurrentWorkflowTaskExecutions}, cache ${tuning.maxCachedWorkflows}`;
}

/** The configuration's worker settings with the command line's tuning flags laid over them. */
export function tuningWith(configured: Tuning, flags: Partial<Record<TuningFlag, number>>): Tuning {
  const tuning: Tuning = { ...configured };
  for (const [flag, value] of Object.entries(flags)) tuning[TUNING_FLAGS[flag as TuningFlag]] = value;
  return tuning;
}
