import type { SyncLogRecord } from '../../domain/sync-log';
import type { CheckoutResult } from '../storefront-checkout';
import type { Twins } from '../twins';

/** Human renderings of the commerce channel verbs (checkout, reorder, sync-log, twins). */

export function formatPlaced(placed: CheckoutResult, how: { cartId?: string; reorderOf?: string }): string {
  const { order, payment } = placed;
  const lead = placed.alreadyCheckedOut
    ? `Cart ${order.cartId ?? how.cartId} was already checked out as storefront order ${order.id}; nothing was bought twice.`
    : how.reorderOf
      ? `Reordered ${how.reorderOf}: new cart ${how.cartId} checked out as storefront order ${order.id}.`
      : `Checked out cart ${order.cartId ?? how.cartId} as storefront order ${order.id}.`;
  const paidWith = payment.method === 'card' ? `card …${payment.last4 ?? '????'}` : `account ${payment.reference ?? ''}`.trim();
  return [
    lead,
    `  account ${order.accountId}${order.buyer ? `, buyer ${order.buyer}` : ''}, ${order.currency}`,
    `  subtotal ${order.subtotal}  discount ${order.discountTotal}  tax ${order.tax}  total ${order.total}`,
    `  payment ${payment.id}: ${paidWith}, ${payment.status} ${payment.amount}`,
    order.syncToCPQ ? `  Its twins: ordo twins ${order.id}    its sync: ordo sync-log --order ${order.id}` : '  syncToCPQ is false: no CPQ twin is made and Ordo does not orchestrate it.',
  ].join('\n');
}

export function formatSyncStart(sync: { workflowId: string; started: boolean }): string {
  return sync.started ? `New order sync ${sync.workflowId} started.` : `New order sync ${sync.workflowId} was already started (by the intake or an earlier run); nothing started twice.`;
}

const missing = '(none yet)';

export function formatTwins(id: string, twins: Twins): string {
  const row = (what: string, value: string) => `  ${what.padEnd(18)}${value}`;
  const { storefrontOrder: so, opportunity, quote, cpqOrder, ordoOrder } = twins;
  return [
    `Twins of ${id}`,
    row('storefront order', so ? `${so.id.padEnd(20)} total ${so.total}` : missing),
    row('CPQ opportunity', opportunity ? opportunity.id : missing),
    row('CPQ quote', quote ? `${quote.id.padEnd(20)} total ${quote.total}  ${[quote.primary ? 'primary' : 'not primary', quote.ordered ? 'ordered' : 'not ordered'].join(', ')}` : missing),
    row('CPQ order', cpqOrder ? `${cpqOrder.id.padEnd(20)} total ${cpqOrder.total}  ${cpqOrder.status}${cpqOrder.b2bSourceOrder ? `  from ${cpqOrder.b2bSourceOrder}` : ''}` : missing),
    row('Ordo order', ordoOrder ? `${ordoOrder.id.padEnd(20)} ${ordoOrder.state}` : missing),
    row('invoices', twins.invoices.length ? twins.invoices.map((invoice) => `${invoice.id} total ${invoice.total}`).join(', ') : missing),
  ].join('\n');
}

export function formatSyncLog(records: SyncLogRecord[], filter: { orderId?: string; process?: string }): string {
  const scope = [filter.process, filter.orderId && `order ${filter.orderId}`].filter(Boolean).join(', ');
  if (records.length === 0) return `No sync-log records${scope ? ` (${scope})` : ''}.`;
  // Each column at least one space wider than its text, however long a step name gets.
  const row = (at: string, process: string, step: string, outcome: string, rest: string) => `${col(at, 25)}${col(process, 14)}${col(step, 16)}${col(outcome, 13)}${rest}`;
  const lines = [row('AT', 'PROCESS', 'STEP', 'OUTCOME', 'SOURCE → TARGET  (TRIGGER)')];
  for (const record of records) {
    const target = record.targetRecord ? ` → ${record.targetRecord}` : '';
    const outcome = record.outcome === 'Retrying' && record.attempts ? `${record.outcome} ×${record.attempts}` : record.outcome;
    lines.push(row(record.at, record.process, record.step, outcome, `${record.sourceRecord}${target}  (${record.trigger})`));
    if (record.errorMessage) lines.push(`${''.padEnd(68)}${record.outcome === 'Error' ? 'error' : 'last error'}: ${record.errorMessage}`);
  }
  return lines.join('\n');
}

const col = (text: string, width: number) => `${text.padEnd(width - 1)} `;
