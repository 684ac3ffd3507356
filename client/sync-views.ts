import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { idOfRecordRef, type SyncLogRecord, type SyncProcess } from '../domain/sync-log';
import { syncQuery, type SyncView } from '../workflows/sync-messages';
import { mapConcurrently } from './concurrency';
import { OrdoError } from './errors';
import { visibilityLiteral, type FalloutFilter, type FalloutStep } from './worklists';

/**
 * Reading channel syncs (NewOrderSyncWorkflow, ReorderSyncWorkflow): found through visibility, by process and by
 * any record id of the sale (the SyncRecords search attribute); a running sync answers its `sync` query, a
 * completed one is read from its result, so the log of a closed sync needs no worker.
 */

export const SYNC_WORKFLOW_TYPES: Record<SyncProcess, string> = {
  NewOrderSync: 'NewOrderSyncWorkflow',
  ReorderSync: 'ReorderSyncWorkflow',
};

export interface SyncFilter {
  /** Any record id of the sale: storefront order, CPQ account/opportunity/quote/order, Ordo order. */
  orderId?: string;
  process?: SyncProcess;
}

/** How many syncs are read at once. */
const READ_CONCURRENCY = 8;

export async function listSyncViews(temporal: Client, filter: SyncFilter = {}): Promise<SyncView[]> {
  const types = filter.process ? [SYNC_WORKFLOW_TYPES[filter.process]] : Object.values(SYNC_WORKFLOW_TYPES);
  const where = [`WorkflowType IN (${types.map((t) => `"${t}"`).join(', ')})`];
  if (filter.orderId !== undefined) where.push(`SyncRecords = ${visibilityLiteral(filter.orderId, 'order id')}`);
  const ids: string[] = [];
  for await (const execution of temporal.workflow.list({ query: where.join(' AND ') })) ids.push(execution.workflowId);
  const views = await mapConcurrently(ids, READ_CONCURRENCY, (workflowId) => readSyncView(temporal, workflowId));
  // SyncRecords is a Text attribute (the dev server's store has no room for another keyword list), matched by
  // words: `SO-12` could match a sale holding `SO` and `12` apart. Only a sync that holds the id itself counts.
  return views.filter((view): view is SyncView => view !== undefined && (filter.orderId === undefined || Object.values(view.records).includes(filter.orderId)));
}

/**
 * Syncs waiting in fallout, as steps of `ordo fallout`: listed under their sync workflow id (in the order column),
 * which is also what `ordo fallout retry|skip` takes to resolve one. `--order` finds them by any id of the sale.
 */
export async function listSyncFallout(temporal: Client, filter: FalloutFilter = {}): Promise<FalloutStep[]> {
  const types = Object.values(SYNC_WORKFLOW_TYPES).map((type) => `"${type}"`).join(', ');
  const where = [`ExecutionStatus = "Running" AND WorkflowType IN (${types})`, filter.queue === undefined ? 'FalloutQueues IS NOT NULL' : `FalloutQueues = ${visibilityLiteral(filter.queue, 'queue')}`];
  if (filter.orderId !== undefined) where.push(`SyncRecords = ${visibilityLiteral(filter.orderId, 'order id')}`);
  const ids: string[] = [];
  for await (const execution of temporal.workflow.list({ query: where.join(' AND ') })) ids.push(execution.workflowId);
  const views = await mapConcurrently(ids, READ_CONCURRENCY, (workflowId) => readSyncView(temporal, workflowId));
  return views
    .filter((view): view is SyncView & { fallout: NonNullable<SyncView['fallout']> } => view?.fallout !== undefined)
    .filter((view) => filter.orderId === undefined || Object.values(view.records).includes(filter.orderId))
    .map((view) => ({
      orderId: view.workflowId,
      fulfillmentOrderId: 'sync',
      workflowId: view.workflowId,
      stepId: view.fallout.step,
      type: view.process,
      falloutQueue: view.fallout.queue,
      error: { message: view.fallout.errorMessage, attempts: 1 },
      startedAt: view.fallout.since,
      jeopardy: 'none' as const,
    }));
}

/** Every log record of the syncs, oldest first (a sync's own records keep their order). */
export function syncLogOf(views: SyncView[]): SyncLogRecord[] {
  return views
    .flatMap((view) => view.log)
    .map((record, index) => ({ record, index }))
    .sort((a, b) => a.record.at.localeCompare(b.record.at) || a.index - b.index)
    .map(({ record }) => record);
}

/** One sync's view; undefined when there is no such workflow (yet). */
export async function readSyncView(temporal: Client, workflowId: string): Promise<SyncView | undefined> {
  const handle = temporal.workflow.getHandle(workflowId);
  try {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return (await handle.result()) as SyncView;
    // Running, or closed without a result (terminated, failed): the query replays its history on a worker.
    return await handle.query(syncQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Waits until the sync completed and answers its view. A sync in fallout waits for an operator, so this does not
 * wait with it: it is refused, naming the step and why. `appearWithinMs` bounds the wait for a sync someone else
 * (the intake) is to start.
 */
export async function waitForSync(temporal: Client, workflowId: string, options: { appearWithinMs: number; pollMs?: number }): Promise<SyncView> {
  const startedWaiting = Date.now();
  for (;;) {
    const view = await readSyncView(temporal, workflowId);
    if (view === undefined && Date.now() - startedWaiting > options.appearWithinMs) {
      throw new OrdoError('timeout', `no sync ${workflowId} started within ${Math.round(options.appearWithinMs / 1000)} s: is a worker running the channel intake? \`--sync\` starts the sync at once`);
    }
    if (view?.state === 'completed') return view;
    if (view?.state === 'abandoned') throw new OrdoError('refused', `sync ${workflowId} was given up (skipped by an operator); \`ordo sync-log --order ${idOf(view)}\` shows its steps`);
    if (view?.state === 'fallout' && view.fallout) {
      throw new OrdoError(
        'refused',
        `sync ${workflowId} is in fallout at step ${view.fallout.step}: ${view.fallout.errorMessage}. It waits on queue ${view.fallout.queue} for retry (once the cause is fixed) or skip; \`ordo sync-log --order ${idOf(view)}\` shows its steps`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}

const idOf = (view: SyncView) => idOfRecordRef(view.sourceRecord);
