import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { IntakeSettings } from '../config/schema';
import { CHANNEL_INTAKE_WORKFLOW_ID, newOrderSyncWorkflowId, reorderSyncWorkflowId } from '../workflows/ids';
import { CHANNEL_INTAKE_WORKFLOW_TYPE, type ChannelIntakeInput, type SyncStartResult, type SyncTrigger } from '../workflows/channel-intake-messages';
import type { NewOrderSyncInput, ReorderSyncInput } from '../workflows/sync-messages';

/**
 * Starting channel syncs and the intake: the one place that does, for the intake's activity, the worker and the
 * CLI (`ordo checkout --sync`). A sync's workflow id is its source record's, so every trigger of one sale (the
 * outbox, the webhook, the CLI, a retried activity) finds the same workflow and none starts it twice.
 */

/**
 * A sync whose previous run completed (synced, or given up by an operator) is not started again; one that failed
 * or was terminated may be: the new run finds the records the old one made by their source ids and goes on.
 */
const SYNC_ID_REUSE = 'ALLOW_DUPLICATE_FAILED_ONLY' as const;

/** Starts the new order sync of a storefront order (`sync-new-order-<id>`), unless it runs or ran already. */
export function startNewOrderSync(client: Client, taskQueue: string, storefrontOrderId: string, trigger: string): Promise<SyncStartResult> {
  const input: NewOrderSyncInput = { storefrontOrderId, trigger };
  return startOnce(client, 'NewOrderSyncWorkflow', newOrderSyncWorkflowId(storefrontOrderId), taskQueue, input);
}

/** Starts the reorder sync of an activated CPQ order (`sync-reorder-<id>`), unless it runs or ran already. */
export function startReorderSync(client: Client, taskQueue: string, cpqOrderId: string, trigger: string): Promise<SyncStartResult> {
  const input: ReorderSyncInput = { cpqOrderId, trigger };
  return startOnce(client, 'ReorderSyncWorkflow', reorderSyncWorkflowId(cpqOrderId), taskQueue, input);
}

/** An `order-created` event of the storefront's outbox, as polled (`GET /storefront/events`) or pushed to the webhook. */
export interface StorefrontOrderEvent {
  seq: number;
  type: string;
  orderId: string;
  origin?: string;
  syncToCPQ?: boolean;
}

/**
 * The new order sync an outbox event calls for, or undefined: only a buyer's checkout that asked for it. The
 * storefront twins of CPQ orders (origin "cpq") already have their CPQ side. `via` names the path it came by.
 */
export function newOrderSyncOfEvent(event: StorefrontOrderEvent, via: 'storefront-outbox' | 'storefront-webhook'): SyncTrigger | undefined {
  if (event.type !== 'order-created' || event.origin !== 'checkout' || event.syncToCPQ !== true) return undefined;
  return { process: 'NewOrderSync', sourceId: event.orderId, trigger: `${via}#${event.seq}` };
}

/** Either sync, by process. */
export function startSync(client: Client, taskQueue: string, sync: SyncTrigger): Promise<SyncStartResult> {
  return sync.process === 'NewOrderSync'
    ? startNewOrderSync(client, taskQueue, sync.sourceId, sync.trigger)
    : startReorderSync(client, taskQueue, sync.sourceId, sync.trigger);
}

async function startOnce(client: Client, workflowType: string, workflowId: string, taskQueue: string, input: object): Promise<SyncStartResult> {
  try {
    await client.workflow.start(workflowType, { workflowId, taskQueue, args: [input], workflowIdReusePolicy: SYNC_ID_REUSE });
    return { workflowId, started: true };
  } catch (error) {
    // Running, or completed: the sale is (being) synced, which is what the trigger asked for.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw error;
  }
}

/**
 * Starts the intake (`channel-intake`) on the task queue, or finds the one running: every worker may call it at
 * start-up and one intake runs. A running intake keeps its own poll interval (a new one applies to the next
 * start after it stops).
 */
export async function startChannelIntake(client: Client, taskQueue: string, settings: IntakeSettings, options: Partial<ChannelIntakeInput> = {}): Promise<{ workflowId: string; runId: string }> {
  const input: ChannelIntakeInput = { pollIntervalMs: settings.pollInterval, ...options };
  const handle = await client.workflow.start(CHANNEL_INTAKE_WORKFLOW_TYPE, {
    workflowId: CHANNEL_INTAKE_WORKFLOW_ID,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
}
