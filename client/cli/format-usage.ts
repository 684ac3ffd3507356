import type { ReceivedUsage, UsagePostAnswer } from '../usage-postings';
import { table } from './format-billing';

/** Human renderings of usage posted to billing and listed from it. */

export function formatUsagePosted(answer: UsagePostAnswer): string {
  const known = answer.records.filter((record) => record.duplicate).map((record) => record.id);
  const counted = answer.records.length - known.length;
  const head = `Usage posted to billing: ${counted} record${counted === 1 ? '' : 's'} counted`;
  return known.length ? `${head}; already received, counted once: ${[...new Set(known)].join(', ')}` : head;
}

export function formatUsageList(usage: ReceivedUsage[], accountId: string, itemId?: string): string {
  const scope = `of account ${accountId}${itemId ? `, item ${itemId}` : ''}`;
  if (usage.length === 0) return `No usage ${scope}.`;
  const columns = [{ title: 'USAGE' }, { title: 'ITEM' }, { title: 'SUBSCRIPTION' }, { title: 'DATE' }, { title: 'QUANTITY', right: true }, { title: 'RECEIVED' }];
  const rows = usage.map((record) => [record.id, record.itemId, record.subscriptionId ?? '-', record.date, String(record.quantity), record.receivedAt]);
  // Units of different items do not add: a total only for one item.
  const total = itemId ? [`Total ${usage.reduce((sum, record) => sum + record.quantity, 0)} units`] : [];
  return [`Usage ${scope}`, ...table(columns, rows), ...total].join('\n');
}
