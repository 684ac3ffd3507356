/**
 * The workflow bundle of the schedulers' end-to-end tests: the real InvoiceRunWorkflow, and stand-ins for the
 * workflows it and the schedules reach (their own modules are others' work, and a test wants to choose each
 * subscription's bill date). The stand-in subscription answers `billNow` as the contract says: it bills every
 * monthly period due by `asOf` once, keeps what it billed (so a second ask issues nothing), and moves its
 * NextBillingDate on. It can be made slow (to catch a run mid-way) or to refuse.
 */
import { ApplicationFailure, condition, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { addMonths, formatIsoDate, parseIsoDate } from '../../../domain/civil-date';
import type { SchedulerRunInput, SchedulerRunResult } from '../../../workflows/payment-messages';
import { NextBillingDateKey } from '../../../workflows/search-attributes';
import { billNowUpdate, type IssuedDocument } from '../../../workflows/subscription-messages';
import { standInQuery, type StandInSubscriptionInput, type StandInView } from './messages';

export { InvoiceRunWorkflow } from '../../../workflows/invoice-run';

export async function SubscriptionWorkflow(input: StandInSubscriptionInput): Promise<StandInView> {
  const view: StandInView = { nextBillDate: input.nextBillDate, documents: [], asked: [] };
  setHandler(standInQuery, () => view);
  setHandler(billNowUpdate, async ({ asOf, trigger }) => {
    view.asked.push(trigger);
    if (input.refuse) throw ApplicationFailure.nonRetryable(input.refuse, 'Refused');
    // Billed at once, before the (simulated) slow answer: two asks at the same time bill a period once.
    const until = asOf ?? new Date().toISOString().slice(0, 10); // the workflow clock's today
    const issued: IssuedDocument[] = [];
    while (view.nextBillDate && view.nextBillDate <= until) {
      issued.push({ id: `INV-${input.orderId}-${view.nextBillDate}`, kind: 'invoice', date: view.nextBillDate, total: '10.00', trigger });
      view.nextBillDate = formatIsoDate(addMonths(parseIsoDate(view.nextBillDate, 'nextBillDate'), 1));
    }
    view.documents.push(...issued);
    if (issued.length) upsertSearchAttributes([{ key: NextBillingDateKey, value: new Date(`${view.nextBillDate}T00:00:00Z`) }]);
    if (input.answerDelayMs) await sleep(input.answerDelayMs);
    return { issued, nextBillDate: view.nextBillDate };
  });
  await condition(() => false);
  return view;
}

/** The payment scheduler's run, standing in for PaymentRunWorkflow: what a trigger of its schedule starts. */
export async function PaymentRunWorkflow(input: SchedulerRunInput): Promise<SchedulerRunResult> {
  return { targetDate: input.targetDate ?? `today+${input.targetDays ?? 0}`, picked: [], issued: [], skipped: [] };
}
