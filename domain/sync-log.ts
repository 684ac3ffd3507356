import { z } from 'zod';

/**
 * The sync log of DESIGN.md ("A sync-log record"): every step of a channel sync (storefront ↔ CPQ ↔ Ordo)
 * writes one record, so a person can see what each sale's twins are, where a sync stands, and why one failed.
 *
 * Records name the systems' records as `<system>/<kind>/<id>`: `storefront/order/SO-12`,
 * `cpq/opportunity/OPP-3`, `cpq/quote/Q-4`, `cpq/order/ORD-5`, `cpq/account/ACC-1`, `ordo/order/SO-12`.
 */

export const SyncProcess = z.enum(['NewOrderSync', 'ReorderSync']);
export type SyncProcess = z.infer<typeof SyncProcess>;

export const SyncOutcome = z.enum(['Success', 'Error', 'Retrying']);
export type SyncOutcome = z.infer<typeof SyncOutcome>;

export const SyncLogRecord = z.object({
  /** `<sync workflow id>#<n>`: unique, and in the order the steps ran. */
  id: z.string(),
  process: SyncProcess,
  /** The sync step: `opportunity`, `quote`, `cpqOrder`, `activate`, `storefrontTwin`, `ordoOrder`, … */
  step: z.string(),
  sourceRecord: z.string(),
  /** The record the step made or found; absent until it exists (an Error or Retrying record). */
  targetRecord: z.string().optional(),
  /** What started the sync: `storefront-outbox#12`, `ordo checkout`, `cpq-poll`, … */
  trigger: z.string(),
  outcome: SyncOutcome,
  errorMessage: z.string().optional(),
  /** Retrying: how many attempts have failed so far (one record per step is kept up to date, not one per attempt). */
  attempts: z.number().int().positive().optional(),
  at: z.string(),
});
export type SyncLogRecord = z.infer<typeof SyncLogRecord>;

/** The kinds of record a sync links; `<system>/<kind>/<id>` in the log. */
export type SyncRecordKind = 'storefrontOrder' | 'cpqAccount' | 'opportunity' | 'quote' | 'cpqOrder' | 'ordoOrder';

const RECORD_PATHS: Record<SyncRecordKind, string> = {
  storefrontOrder: 'storefront/order',
  cpqAccount: 'cpq/account',
  opportunity: 'cpq/opportunity',
  quote: 'cpq/quote',
  cpqOrder: 'cpq/order',
  ordoOrder: 'ordo/order',
};

/** `storefront/order/SO-12` for (`storefrontOrder`, `SO-12`). */
export function recordRef(kind: SyncRecordKind, id: string): string {
  return `${RECORD_PATHS[kind]}/${id}`;
}

/** The id at the end of a record reference (ids hold no `/`: storefront, CPQ and Ordo ids are identifiers). */
export function idOfRecordRef(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

const KEY_PREFIXES: Record<SyncProcess, string> = { NewOrderSync: 'new-order-sync', ReorderSync: 'reorder-sync' };

/**
 * The Idempotency-Key of one sync step's create: `new-order-sync:SO-12:quote`, `reorder-sync:ORD-5:storefrontTwin`.
 * The same for every run of the step (a retry, a duplicated trigger, another worker), so a create whose answer
 * was lost is answered again rather than done again.
 */
export function syncStepKey(process: SyncProcess, sourceId: string, step: string): string {
  return `${KEY_PREFIXES[process]}:${sourceId}:${step}`;
}
