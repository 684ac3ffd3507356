import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { SchedulerActivities } from '../activities/types';
import { parseIsoDate } from '../domain/civil-date';
import { InvalidInput } from '../domain/problems';
import { today } from './clock';
import type { SchedulerRunInput, SchedulerRunResult } from './payment-messages';

// One activity for the whole run: it heartbeats the subscriptions it has billed, so a retry after a killed worker
// goes on from there instead of asking every subscription again (asking again would bill nothing twice, only slower).
const { billDueSubscriptions } = proxyActivities<SchedulerActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/**
 * The invoice scheduler's run (the Schedule `ordo-invoice-scheduler` starts one per day, week or month; `ordo
 * schedules trigger invoice` one now): bills every running subscription whose next bill date is on or before the
 * target date. The target date is the input's, or today (workflow time, UTC) plus `targetDays`.
 */
export async function InvoiceRunWorkflow(input: SchedulerRunInput = {}): Promise<SchedulerRunResult> {
  const targetDate = input.targetDate ?? today(input.targetDays ?? 0);
  // Checked here, so a bad date given to `temporal workflow start` fails the run at once (not its workflow task,
  // retried for ever) with the field named.
  try {
    parseIsoDate(targetDate, 'targetDate');
  } catch (error) {
    if (error instanceof InvalidInput) throw ApplicationFailure.nonRetryable(error.message, 'InvalidInput');
    throw error;
  }
  // The subscriptions record `invoiceRun:<workflow id>`: a scheduled run's id names the schedule's time.
  const { picked, issued, skipped } = await billDueSubscriptions({ targetDate, runId: workflowInfo().workflowId });
  return { targetDate, picked, issued, skipped };
}

