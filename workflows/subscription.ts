import type { SubscriptionInput, SubscriptionView } from './subscription-messages';

/** Bills one subscription over time (workflows/subscription-messages.ts). */
export async function SubscriptionWorkflow(input: SubscriptionInput): Promise<SubscriptionView> {
  void input;
  throw new Error('SubscriptionWorkflow is not implemented yet');
}
