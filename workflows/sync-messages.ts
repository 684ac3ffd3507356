import { defineQuery } from '@temporalio/workflow';
import type { SyncLogRecord, SyncProcess, SyncRecordKind } from '../domain/sync-log';
import type { OperatorCredential } from '../domain/operator-signature';

/**
 * What a channel sync workflow (NewOrderSyncWorkflow, ReorderSyncWorkflow) shows: shared by the workflows, the
 * client and the CLI. A sync in fallout also takes the fulfillment order's `resolveFallout` update and signal
 * (workflows/messages.ts), with `retry` (after fixing the cause) or `skip` (give the sync up); `complete` is
 * refused: a twin cannot be made by hand on the sync's behalf.
 */

/** `running` → `completed`; `fallout` while a step waits for an operator; `abandoned` when one skipped it. */
export const SYNC_STATES = ['running', 'fallout', 'completed', 'abandoned'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export interface SyncView {
  process: SyncProcess;
  workflowId: string;
  /** The record the sync starts from: `storefront/order/SO-12` or `cpq/order/ORD-5`. */
  sourceRecord: string;
  trigger: string;
  state: SyncState;
  /** The twins found or made so far, by kind: ids, not references. */
  records: Partial<Record<SyncRecordKind, string>>;
  /** The step waiting for an operator, and why. */
  fallout?: { step: string; errorMessage: string; since: string; queue: string };
  log: SyncLogRecord[];
  /** Operators' resolutions of the sync's fallout (retry, skip), oldest first: the audit trail. Absent until one is made. */
  operatorActions?: Array<{ at: string; actor: string; action: string; step: string; note?: string; credential?: OperatorCredential; verified?: boolean }>;
}

/** The sync's view; also what the workflow returns, so a closed sync is read without a worker. */
export const syncQuery = defineQuery<SyncView>('sync');

/** The queue a sync's fallout goes to (FalloutQueues search attribute), unless the config names another. */
export const SYNC_FALLOUT_QUEUE = 'sync-desk';

/** NewOrderSyncWorkflow's input (id `sync-new-order-<storefrontOrderId>`, workflows/ids.ts). */
export interface NewOrderSyncInput {
  storefrontOrderId: string;
  /** What noticed the order: `storefront-outbox#12`, `ordo checkout`, … (kept in every log record). */
  trigger: string;
}

/** ReorderSyncWorkflow's input (id `sync-reorder-<cpqOrderId>`). */
export interface ReorderSyncInput {
  cpqOrderId: string;
  trigger: string;
}
