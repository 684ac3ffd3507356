import type { SchedulerActivities } from '../types';
import type { BillingDependencies } from './dependencies';

function notYet(name: string): never {
  throw new Error(`${name} is not implemented yet`);
}

export function schedulerActivities(deps: BillingDependencies): SchedulerActivities {
  void deps;
  return new Proxy({} as SchedulerActivities, { get: (_target, name) => () => notYet(String(name)) });
}
