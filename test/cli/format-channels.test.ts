import assert from 'node:assert/strict';
import { formatSyncLog, formatTwins } from '../../client/cli/format-channels';
import { syncLogOf } from '../../client/sync-views';
import type { SyncLogRecord } from '../../domain/sync-log';
import type { SyncView } from '../../workflows/sync-messages';

/** The human output of `ordo sync-log` and `ordo twins`, and the sync log's order, from hand-built records: no server. */

const record = (fields: Partial<SyncLogRecord> & Pick<SyncLogRecord, 'id' | 'step' | 'outcome' | 'at'>): SyncLogRecord => ({
  process: 'NewOrderSync',
  sourceRecord: 'storefront/order/SO-1',
  trigger: 'ordo checkout',
  ...fields,
});

const view = (workflowId: string, log: SyncLogRecord[]): SyncView => ({
  process: 'NewOrderSync',
  workflowId,
  sourceRecord: 'storefront/order/SO-1',
  trigger: 'ordo checkout',
  state: 'running',
  records: {},
  log,
});

describe('channel verbs: human output and the sync log order', () => {
  it('lists the records of several syncs oldest first, each sync\'s own records in their order', () => {
    const a1 = record({ id: 'sync-new-order-SO-1#1', step: 'opportunity', outcome: 'Success', at: '2026-12-02T08:00:01.000Z' });
    const a2 = record({ id: 'sync-new-order-SO-1#2', step: 'quote', outcome: 'Success', at: '2026-12-02T08:00:03.000Z' });
    const b1 = record({ id: 'sync-new-order-SO-2#1', step: 'opportunity', outcome: 'Success', at: '2026-12-02T08:00:02.000Z' });
    const b2 = record({ id: 'sync-new-order-SO-2#2', step: 'quote', outcome: 'Success', at: '2026-12-02T08:00:02.000Z' });
    assert.deepEqual(syncLogOf([view('sync-new-order-SO-1', [a1, a2]), view('sync-new-order-SO-2', [b1, b2])]).map((r) => r.id), [a1.id, b1.id, b2.id, a2.id]);
  });

  it('shows each record on a line, a Retrying one with its attempts and last error, an Error with its message', () => {
    const text = formatSyncLog(
      [
        record({ id: 'x#1', step: 'opportunity', outcome: 'Success', at: '2026-12-02T08:00:01.000Z', targetRecord: 'cpq/opportunity/OPP-1' }),
        record({ id: 'x#2', step: 'quote', outcome: 'Retrying', attempts: 3, errorMessage: 'cpq answered 503', at: '2026-12-02T08:00:05.000Z' }),
        record({ id: 'x#3', step: 'quote', outcome: 'Error', errorMessage: 'lines[0].product: unknown product', at: '2026-12-02T08:00:09.000Z' }),
      ],
      {},
    ).split('\n');
    assert.match(text[0], /^AT +PROCESS +STEP +OUTCOME +SOURCE → TARGET {2}\(TRIGGER\)$/);
    assert.match(text[1], /NewOrderSync +opportunity +Success +storefront\/order\/SO-1 → cpq\/opportunity\/OPP-1 {2}\(ordo checkout\)$/);
    assert.match(text[2], /quote +Retrying ×3 +storefront\/order\/SO-1 {2}\(ordo checkout\)$/);
    assert.match(text[3], /^ +last error: cpq answered 503$/);
    assert.match(text[5], /^ +error: lines\[0\]\.product: unknown product$/);
  });

  it('says so when there are no records, naming the filter', () => {
    assert.equal(formatSyncLog([], { orderId: 'SO-9', process: 'ReorderSync' }), 'No sync-log records (ReorderSync, order SO-9).');
    assert.equal(formatSyncLog([], {}), 'No sync-log records.');
  });

  it('shows a twin not made yet as "(none yet)"', () => {
    const text = formatTwins('SO-1', { storefrontOrder: { id: 'SO-1', total: '10.83' }, opportunity: null, quote: null, cpqOrder: null, ordoOrder: null, invoices: [] });
    assert.match(text, /^Twins of SO-1\n {2}storefront order +SO-1 +total 10\.83\n {2}CPQ opportunity +\(none yet\)/);
    assert.equal(text.match(/\(none yet\)/g)?.length, 5);
  });
});
