import type { SubscriptionActivities } from '../types';
import type { BillingDependencies } from './dependencies';

function notYet(name: string): never {
  throw new Error(`${name} is not implemented yet`);
}

export function subscriptionActivities(deps: BillingDependencies): SubscriptionActivities {
  void deps;
  return new Proxy({} as SubscriptionActivities, { get: (_target, name) => () => notYet(String(name)) });
}
