import type { SchedulerRunInput, SchedulerRunResult } from './payment-messages';

/** The invoice scheduler's run (the Schedule's action): bills every subscription due by the target date. */
export async function InvoiceRunWorkflow(input: SchedulerRunInput): Promise<SchedulerRunResult> {
  void input;
  throw new Error('InvoiceRunWorkflow is not implemented yet');
}
