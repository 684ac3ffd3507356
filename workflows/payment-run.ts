import type { SchedulerRunInput, SchedulerRunResult } from './payment-messages';

/** The payment scheduler's run (the Schedule's action): starts the payment of every payable invoice. */
export async function PaymentRunWorkflow(input: SchedulerRunInput): Promise<SchedulerRunResult> {
  void input;
  throw new Error('PaymentRunWorkflow is not implemented yet');
}
