import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { mapConcurrently } from '../../client/concurrency';
import { SUBSCRIPTION_WORKFLOW_TYPE, billNowUpdate, type BillNowResult } from '../../workflows/subscription-messages';
import { withTransientUpdateRetry } from '../../client/update-retry';
import type { SchedulerActivities } from '../types';
import type { BillingDependencies } from './dependencies';

/** Subscriptions asked at once: each answer is a billing run of its own (usage fetched, invoices sent). */
const CONCURRENT_SUBSCRIPTIONS = 4;
/** A subscription that has not answered by then is skipped (its worker may be down); the next run asks it again. */
const ANSWER_WITHIN_MS = 60_000;

type RunResult = Awaited<ReturnType<SchedulerActivities['billDueSubscriptions']>>;

/** What the run has done so far, heartbeated after each subscription so a retried attempt goes on from there. */
interface Progress extends RunResult {
  /** Every subscription asked, answered or skipped. */
  asked: string[];
}

export function schedulerActivities(deps: BillingDependencies): SchedulerActivities {
  return {
    /**
     * The invoice run's work: every running SubscriptionWorkflow on this worker's task queue whose NextBillingDate
     * is on or before the target date's end (UTC) gets `billNow({ asOf: targetDate })`. The subscription keeps what
     * it billed, so asking one twice (a retried attempt, a run started again, a Bill Now before) issues nothing twice.
     *
     * Visibility lags the workflows by up to a few seconds: a subscription whose bill date moved just now may be
     * listed with its old date (it answers "nothing issued") or missed until the next run, which then bills it
     * for every period due by its own target date. Nothing is lost; at worst it is a run late.
     */
    async billDueSubscriptions({ targetDate, runId }) {
      const temporal = deps.temporal;
      if (!temporal) {
        throw ApplicationFailure.nonRetryable('billDueSubscriptions needs a Temporal client: start the worker with one (createOrdoWorker({ client }))', 'Misconfigured');
      }
      const context = Context.current();
      const progress = resumedProgress(context.info.heartbeatDetails);
      const asked = new Set(progress.asked);
      // A long listing heartbeats too (throttled by the SDK), so it is not taken for a dead worker.
      const listed = await dueSubscriptions(temporal.client, temporal.taskQueue, targetDate, () => context.heartbeat(progress));
      const due = listed.filter((id) => !asked.has(id));
      await mapConcurrently(due, CONCURRENT_SUBSCRIPTIONS, async (workflowId) => {
        if (context.cancellationSignal.aborted) return; // the run was cancelled or terminated: ask no one more
        const answer = await askToBill(temporal.client, workflowId, targetDate, `invoiceRun:${runId}`);
        if ('reason' in answer) progress.skipped.push({ id: workflowId, reason: answer.reason });
        else {
          progress.picked.push(workflowId);
          progress.issued.push(...answer.issued.map((document) => document.id));
        }
        progress.asked.push(workflowId);
        context.heartbeat(progress);
      });
      return { picked: progress.picked, issued: progress.issued, skipped: progress.skipped };
    },
  };
}

/** The workflow ids of the running subscriptions due by the end of `targetDate` (UTC), every page. */
async function dueSubscriptions(client: Client, taskQueue: string, targetDate: string, alive: () => void): Promise<string[]> {
  const query = [
    `WorkflowType = "${SUBSCRIPTION_WORKFLOW_TYPE}"`,
    `ExecutionStatus = "Running"`,
    // The schedule's run bills the subscriptions of its own task queue (a lane, a deployment), not another's.
    `TaskQueue = "${taskQueue}"`,
    `NextBillingDate <= "${targetDate}T23:59:59.999Z"`,
  ].join(' AND ');
  const ids = new Set<string>(); // the listing pages on; a workflow that continued as new is one subscription
  for await (const execution of client.workflow.list({ query })) {
    ids.add(execution.workflowId);
    if (ids.size % 500 === 0) alive();
  }
  return [...ids].sort();
}

/** One subscription's billNow, or why it was skipped (it failed, ended in between, or did not answer in time). */
async function askToBill(client: Client, workflowId: string, asOf: string, trigger: string): Promise<BillNowResult | { reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ reason: `did not answer within ${ANSWER_WITHIN_MS / 1000} seconds (is a worker polling its task queue?); the next run asks it again` }), ANSWER_WITHIN_MS);
  });
  const handle = client.workflow.getHandle(workflowId);
  const update = withTransientUpdateRetry(() => handle.executeUpdate(billNowUpdate, { args: [{ asOf, trigger }] }))
    .catch((error: unknown): { reason: string } => {
      if (error instanceof WorkflowUpdateFailedError) return { reason: `refused: ${error.cause?.message ?? error.message}` };
      if (error instanceof WorkflowNotFoundError) return { reason: 'ended before it was asked (nothing left to bill)' };
      throw error; // Temporal unreachable: the attempt fails and is retried, going on from its heartbeat
    });
  try {
    return await Promise.race([update, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The heartbeated progress of an earlier attempt of this run, or a fresh start. */
function resumedProgress(details: unknown): Progress {
  const earlier = details as Partial<Progress> | undefined;
  return {
    asked: [...(earlier?.asked ?? [])],
    picked: [...(earlier?.picked ?? [])],
    issued: [...(earlier?.issued ?? [])],
    skipped: [...(earlier?.skipped ?? [])],
  };
}
