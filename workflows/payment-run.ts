import { ActivityFailure, ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PaymentActivities } from '../activities/types';
import { today } from './clock';
import type { SchedulerRunInput, SchedulerRunResult } from './payment-messages';

/**
 * The payment scheduler's run (the Schedule's action, and `ordo simulate`'s daily tick): starts the payment workflow
 * of every payable invoice (Posted, open, billed on or before the target date, of an auto-pay account), each once
 * (`payment-<invoiceId>`; a second run for the same date finds them started), then refunds the credit memos
 * billed by then that card money can be returned for (billing.creditMemos: refund; with `credit` there are none).
 *
 * Result: `picked` the invoices whose payment started in this run, `issued` the credit memos refunded, `skipped`
 * the invoices whose payment had started before, and the credit memos whose refund was refused (with why).
 */

const payments = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function PaymentRunWorkflow(input: SchedulerRunInput): Promise<SchedulerRunResult> {
  const targetDate = input.targetDate ?? today(input.targetDays ?? 0);
  const invoices = await payments.listPayableInvoices({ targetDate });
  const started = invoices.length > 0 ? await payments.startInvoicePayments({ taskQueue: workflowInfo().taskQueue, invoices }) : [];

  const issued: string[] = [];
  const refusedRefunds: SchedulerRunResult['skipped'] = [];
  for (const { creditMemoId } of await payments.listRefundableCreditMemos({ targetDate })) {
    try {
      const { refunded } = await payments.refundCreditMemo({ creditMemoId, date: targetDate });
      if (!/^0+(\.0+)?$/.test(refunded)) issued.push(creditMemoId);
    } catch (error) {
      // A refund the gateway or billing refuses is one credit memo for an operator, not a reason to stop the run.
      const cause = error instanceof ActivityFailure ? error.cause : undefined;
      if (!(cause instanceof ApplicationFailure && cause.nonRetryable)) throw error;
      refusedRefunds.push({ id: creditMemoId, reason: `its refund was refused: ${cause.message}` });
    }
  }

  return {
    targetDate,
    picked: started.filter((each) => each.started).map((each) => each.invoiceId),
    issued,
    skipped: [
      ...started.filter((each) => !each.started).map((each) => ({ id: each.invoiceId, reason: 'its payment workflow was started by an earlier run' })),
      ...refusedRefunds,
    ],
  };
}
