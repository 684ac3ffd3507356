import type { SubscriptionView } from '../../workflows/subscription-messages';
import type { SubscriptionRow } from '../subscriptions';
import { table } from './format-billing';

/** Human renderings of subscriptions: the list, one subscription, a renewal. */

export function formatSubscriptionList(rows: SubscriptionRow[], accountId?: string): string {
  const scope = accountId ? ` of account ${accountId}` : '';
  if (rows.length === 0) return `No subscriptions${scope}.`;
  const columns = [{ title: 'SUBSCRIPTION' }, { title: 'ORDER' }, { title: 'ACCOUNT' }, { title: 'STATE' }, { title: 'NEXT BILL' }];
  return [`Subscriptions${scope}`, ...table(columns, rows.map((r) => [r.subscriptionId, r.orderId, r.accountId ?? '-', r.state, r.nextBillDate ?? '-']))].join('\n');
}

export function formatSubscription(view: SubscriptionView): string {
  const term = `${view.anchorDate} .. ${view.termEnd ?? '(evergreen)'}`;
  const lines = [
    `Subscription ${view.subscriptionId} of order ${view.orderId} (account ${view.accountId}, ${view.currency}): ${view.state}`,
    `  term ${term}; next bill date ${view.nextBillDate ?? 'none (everything is billed)'}${view.renewalOrderId ? `; renewed by ${view.renewalOrderId}` : ''}`,
    '',
    ...table(
      [{ title: 'ITEM' }, { title: 'PRODUCT' }, { title: 'QTY', right: true }, { title: 'UNIT PRICE', right: true }, { title: 'BILLING' }, { title: 'FROM' }, { title: 'TO' }, { title: 'BILLED', right: true }],
      view.items.map((item) => [
        item.itemId,
        item.product,
        String(item.quantity),
        item.usagePrice ? 'catalog' : item.unitPrice,
        typeof item.billing === 'object' ? `per ${item.billing.period}` : item.billing,
        item.startDate,
        item.endDate ?? '-',
        `${item.billedThrough} period${item.billedThrough === 1 ? '' : 's'}`,
      ]),
    ),
    '',
  ];
  if (view.documents.length === 0) return [...lines, 'Nothing billed yet.'].join('\n');
  return [
    ...lines,
    ...table(
      [{ title: 'DOCUMENT' }, { title: 'KIND' }, { title: 'DATE' }, { title: 'TOTAL', right: true }, { title: 'BY' }],
      view.documents.map((d) => [d.id, d.kind, d.date, d.total, d.trigger]),
    ),
  ].join('\n');
}

export function formatRenewal(answer: { subscriptionId: string; renewalOrderId: string }, effectiveDate?: string): string {
  const from = effectiveDate ? `; the rest of the term is credited from ${effectiveDate}` : '';
  return `Subscription ${answer.subscriptionId} renewed by order ${answer.renewalOrderId}${from}. Follow it with: ordo status ${answer.renewalOrderId}`;
}
