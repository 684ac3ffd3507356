import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { NextBillingDateKey } from '../../../workflows/search-attributes';
import { subscriptionWorkflowId } from '../../../workflows/subscription-messages';
import { atEndOfRun } from '../../hooks';
import { eventually } from '../eventually';
import type { Harness } from '../harness';
import { standInQuery, type StandInSubscriptionInput, type StandInView } from './messages';

/**
 * A worker for the schedulers' tests: the real invoice run and activities, with stand-in subscriptions
 * (schedulers/workflows.ts), on a task queue of its own. One per task queue for the whole mocha run; at its end
 * every workflow on the queue is terminated and deleted, so no stand-in's history is recorded for replay.
 */
const workers = new Map<string, Promise<Worker>>();

export function startStandInWorker(h: Harness, taskQueue: string): Promise<Worker> {
  let worker = workers.get(taskQueue);
  if (!worker) {
    worker = createStandInWorker(h, taskQueue);
    workers.set(taskQueue, worker);
  }
  return worker;
}

async function createStandInWorker(h: Harness, taskQueue: string): Promise<Worker> {
  const worker = await h.startWorker({ taskQueue, workflowsPath: require.resolve('./workflows') });
  // Registered after the worker's own stop (teardowns run newest first): the workflows go while it still runs.
  atEndOfRun(() => deleteEverythingOn(h.env.client, h.config.temporal.namespace, taskQueue));
  return worker;
}

/** Terminates and deletes every workflow on the task queue until visibility lists none (deletion is asynchronous). */
async function deleteEverythingOn(client: Client, namespace: string, taskQueue: string): Promise<void> {
  await eventually(`the workflows on ${taskQueue} to be deleted`, async () => {
    const left: string[] = [];
    for await (const execution of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) left.push(execution.workflowId);
    for (const workflowId of new Set(left)) {
      await client.workflowService.deleteWorkflowExecution({ namespace, workflowExecution: { workflowId } }).catch(() => undefined);
    }
    return left.length === 0 ? true : undefined;
  }, 60_000);
}

/** Starts a stand-in subscription (`subscription-<orderId>`), searchable by its next bill date when it has one. */
export async function startStandIn(client: Client, taskQueue: string, input: StandInSubscriptionInput): Promise<string> {
  const workflowId = subscriptionWorkflowId(input.orderId);
  await client.workflow.start('SubscriptionWorkflow', {
    workflowId,
    taskQueue,
    args: [input],
    typedSearchAttributes: input.nextBillDate ? [{ key: NextBillingDateKey, value: new Date(`${input.nextBillDate}T00:00:00Z`) }] : [],
  });
  return workflowId;
}

export function standInView(client: Client, workflowId: string): Promise<StandInView> {
  return client.workflow.getHandle(workflowId).query(standInQuery);
}

/** Waits until visibility lists exactly `workflowIds` among the running subscriptions of the queue due by `date`. */
export async function visibleAsDue(client: Client, taskQueue: string, date: string, workflowIds: string[]): Promise<void> {
  const query = `WorkflowType = "SubscriptionWorkflow" AND ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}" AND NextBillingDate <= "${date}T23:59:59.999Z"`;
  const wanted = [...workflowIds].sort().join(',');
  await eventually(`visibility to list ${wanted} as due by ${date}`, async () => {
    const listed: string[] = [];
    for await (const execution of client.workflow.list({ query })) listed.push(execution.workflowId);
    return listed.sort().join(',') === wanted ? true : undefined;
  });
}

export async function terminateQuietly(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).terminate('schedulers test').catch((error) => {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  });
}
