import type { BillingOverTimeActivities } from '../types';
import type { BillingDependencies } from './dependencies';
import { paymentActivities } from './payments';
import { schedulerActivities } from './schedulers';
import { subscriptionActivities } from './subscriptions';

/** Billing over time: subscriptions, payments and the schedulers' runs (activities/types.ts BillingOverTimeActivities). */
export function createBillingActivities(deps: BillingDependencies): BillingOverTimeActivities {
  return {
    ...subscriptionActivities(deps),
    ...paymentActivities(deps),
    ...schedulerActivities(deps),
  };
}
