import type { PaymentActivities } from '../types';
import type { BillingDependencies } from './dependencies';

function notYet(name: string): never {
  throw new Error(`${name} is not implemented yet`);
}

export function paymentActivities(deps: BillingDependencies): PaymentActivities {
  void deps;
  return new Proxy({} as PaymentActivities, { get: (_target, name) => () => notYet(String(name)) });
}
