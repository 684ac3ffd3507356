import type { Client } from '@temporalio/client';
import { orderEntries, splitEntries } from '../client/audit';
import { mapConcurrently } from '../client/concurrency';
import { awaitedBy, upstreamSteps, type KnownSplit } from '../client/cross-plan-view';
import { OrdoError } from '../client/errors';
import { visibilityLiteral } from '../client/worklists';
import type { AuditEntry } from '../domain/audit-chain';
import type { Plan } from '../domain/plan';
import { orderIdOfWorkflowId, orderWorkflowId } from '../workflows/ids';
import { AccountIdKey, ChannelKey, OrderStateKey } from '../workflows/search-attributes';
import { FINAL_ORDER_STATES, ORDER_STATES, type FulfillmentOrderPlan, type FulfillmentOrderSummary, type OrderSummary } from '../workflows/types';
import type { ConsoleContext } from './context';
import type { DocumentRow, OrderListAnswer, OrderListRow, OrderView, PonrItem, SplitView, TimelineEntry } from './page/order-types';
import { QUERY_CONCURRENCY, readOrderPlan, readSplitPlan } from './plan-reads';

/**
 * The order page's data, read from Temporal when asked (docs/console.md "Order page"): the order list from
 * visibility, the order view from the order's summary, its splits' plan queries and client/audit.ts's entries.
 * Nothing is kept between requests except what can no longer change (ViewCache: a closed split's plan).
 */

export const ORDER_LIST_LIMIT = 100;

export interface OrderListFilter {
  state?: string;
  channel?: string;
  account?: string;
  /** An order id, or the start of one. */
  q?: string;
}

/** The visibility query of the order list: OrderWorkflow executions with the given search attributes. */
export function orderListQuery(filter: OrderListFilter): string {
  const terms = ['WorkflowType = "OrderWorkflow"'];
  if (filter.state) {
    if (!(ORDER_STATES as readonly string[]).includes(filter.state)) {
      throw new OrdoError('invalid', `state ${JSON.stringify(filter.state)} is not an order state; use one of ${ORDER_STATES.join(', ')}`, [
        { path: 'state', message: 'not an order state', fix: `one of ${ORDER_STATES.join(', ')}` },
      ]);
    }
    terms.push(`OrderState = ${visibilityLiteral(filter.state, 'state')}`);
  }
  if (filter.channel) terms.push(`Channel = ${visibilityLiteral(filter.channel, 'channel')}`);
  if (filter.account) terms.push(`AccountId = ${visibilityLiteral(filter.account, 'account')}`);
  if (filter.q) terms.push(`WorkflowId STARTS_WITH ${visibilityLiteral(orderWorkflowId(filter.q), 'q')}`);
  return terms.join(' AND ');
}

/** Recent orders, newest first, at most ORDER_LIST_LIMIT. */
export async function listOrders(temporal: Client, filter: OrderListFilter): Promise<OrderListAnswer> {
  const query = orderListQuery(filter);
  const orders: OrderListRow[] = [];
  for await (const execution of temporal.workflow.list({ query, pageSize: ORDER_LIST_LIMIT })) {
    const orderId = orderIdOfWorkflowId(execution.workflowId);
    if (orderId === undefined) continue;
    const attributes = execution.typedSearchAttributes;
    orders.push({
      orderId,
      workflowId: execution.workflowId,
      state: attributes.get(OrderStateKey) ?? '',
      channel: attributes.get(ChannelKey) ?? '',
      accountId: attributes.get(AccountIdKey) ?? '',
      startedAt: execution.startTime.toISOString(),
      ...(execution.closeTime ? { closedAt: execution.closeTime.toISOString() } : {}),
    });
    if (orders.length >= ORDER_LIST_LIMIT) break;
  }
  // Visibility answers newest first already; sorting again keeps the list stable when start times tie.
  orders.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || a.orderId.localeCompare(b.orderId));
  return { orders, query, limit: ORDER_LIST_LIMIT };
}

/**
 * What a live view may keep between its polls: the plans of closed splits (final: they cannot change), the list of
 * splits (to read their plans while the summary is read), and the order's decomposition (which order item each line
 * comes from), read again only when the order's actions change.
 */
export interface ViewCache {
  closedSplits: Map<string, FulfillmentOrderPlan>;
  /** The splits as the last poll's summary listed them. */
  splits?: FulfillmentOrderSummary[];
  lineSources?: { actions: number; bySplitLine: Map<string, string[]> };
}

export const newViewCache = (): ViewCache => ({ closedSplits: new Map() });

const CLOSED_SPLIT_STATES = new Set(['completed', 'failed', 'cancelled']);

/** The order view (OrderView): throws OrdoError 'not-found' naming the id when Temporal knows no such order. */
export async function buildOrderView(context: ConsoleContext, orderId: string, cache: ViewCache = newViewCache()): Promise<OrderView> {
  const temporal = context.client.temporal;
  // A live view knows the splits from its last poll: their plans are read alongside the summary, not after it.
  // The decomposition (for PONR per item) is read alongside the summary too, once per live view.
  const decomposition = cache.lineSources ? undefined : readOrderPlan(temporal, orderId);
  decomposition?.catch(() => undefined);
  const early = new Map((cache.splits ?? []).filter((fo) => fo.state !== 'pending').map((fo) => [fo.workflowId, readSplit(temporal, fo, cache)]));
  for (const read of early.values()) read.catch(() => undefined);
  const summary = await context.client.getSummary(orderId);
  cache.splits = summary.fulfillmentOrders;
  // The final view is the last one a live view sends: its plans are read after the summary, so none is older.
  if (FINAL_ORDER_STATES.has(summary.state)) early.clear();
  const plans = await mapConcurrently(summary.fulfillmentOrders, QUERY_CONCURRENCY, (fo) => early.get(fo.workflowId) ?? readSplit(temporal, fo, cache));
  // An amendment may change the decomposition: read it again when the order's actions change.
  if (cache.lineSources?.actions !== summary.actions.length) {
    cache.lineSources = { actions: summary.actions.length, bySplitLine: lineSourcesOf(await (decomposition ?? readOrderPlan(temporal, orderId))) };
  }
  const lineSources = cache.lineSources.bySplitLine;
  const webUi = (workflowId: string) => `${context.webUiUrl}/namespaces/${encodeURIComponent(context.config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  const splits: SplitView[] = summary.fulfillmentOrders.map((fo, i) => ({
    id: fo.id,
    workflowId: fo.workflowId,
    webUiUrl: webUi(fo.workflowId),
    state: plans[i]?.state ?? fo.state,
    ...(fo.location ? { location: fo.location } : {}),
    ...(fo.system ? { system: fo.system } : {}),
    counts: plans[i]?.counts ?? fo.steps,
    steps: plans[i]?.steps ?? [],
  }));
  withUpstream(splits);
  const entries = [...orderEntries(summary), ...plans.flatMap((plan, i) => (plan ? splitEntries(plan, summary.fulfillmentOrders[i].workflowId) : []))];
  return {
    orderId: summary.orderId,
    accountId: summary.accountId,
    channel: summary.channel,
    currency: summary.currency,
    state: summary.state,
    final: FINAL_ORDER_STATES.has(summary.state),
    ...(summary.reason ? { reason: summary.reason } : {}),
    ...(summary.submittedAt ? { submittedAt: summary.submittedAt } : {}),
    ...(summary.completedAt ? { completedAt: summary.completedAt } : {}),
    ...(summary.changeOf ? { changeOf: summary.changeOf } : {}),
    ...(summary.approval ? { approval: { ...summary.approval, members: Object.fromEntries(summary.approval.queues.map((queue) => [queue, context.config.queues[queue]?.members ?? []])) } } : {}),
    webUiUrl: webUi(orderWorkflowId(summary.orderId)),
    splits,
    unfulfilledItems: summary.unfulfilledItems.map(({ itemId, product, reason }) => ({ itemId, product, reason })),
    ponr: ponrItems(summary, splits, lineSources),
    actions: timeline(entries),
    documents: documentRows(summary),
    changeOrders: summary.changeOrders.map(({ orderId: id, state }) => ({ orderId: id, state })),
  };
}

/** A split's plan: from the cache once it closed, else its query; undefined before it starts or once its history is gone. */
async function readSplit(temporal: Client, fo: FulfillmentOrderSummary, cache: ViewCache): Promise<FulfillmentOrderPlan | undefined> {
  if (fo.state === 'pending') return undefined;
  const kept = cache.closedSplits.get(fo.workflowId);
  if (kept) return kept;
  const plan = await readSplitPlan(temporal, fo.workflowId);
  if (plan && CLOSED_SPLIT_STATES.has(plan.state)) cache.closedSplits.set(fo.workflowId, plan);
  return plan;
}

/**
 * Gives each split that waits for steps of other splits (cross-plan dependencies, DESIGN.md "Decomposition" step 5)
 * its `upstream`: those steps, where they are and their state, from the splits' plans already read; and each split
 * holding such a step its `awaitedBy`: which splits wait for which of its steps.
 */
export function withUpstream(splits: SplitView[]): void {
  const known: KnownSplit[] = splits;
  for (const split of splits) {
    const upstream = upstreamSteps(split.steps, known);
    if (upstream.length > 0) split.upstream = upstream;
  }
  const waiting = awaitedBy(splits);
  if (waiting.size === 0) return;
  for (const split of splits) {
    for (const step of split.steps) {
      const ids = waiting.get(`${split.id}/${step.id}`);
      if (ids) (split.awaitedBy ??= {})[step.id] = ids;
    }
  }
}

/** `<split>/<line>` → the order items passing a point of no return on the line takes. */
export function lineSourcesOf(plan: Plan | undefined): Map<string, string[]> {
  // Passing a point of no return takes the whole bundle with it (the order workflow's itemsOfBundles): a line of a
  // bundle stands for every item of that bundle, which its lines name by their bundleId (the bundle's root item).
  const splits = [...(plan?.fulfillmentOrders ?? []), ...(plan?.accountFulfillmentOrders ?? [])];
  const bundles = new Map<string, Set<string>>();
  for (const line of splits.flatMap((fo) => fo.lineItems)) {
    if (line.bundleId === undefined) continue;
    const members = bundles.get(line.bundleId) ?? new Set([line.bundleId]);
    for (const id of line.sourceItemIds) members.add(id);
    bundles.set(line.bundleId, members);
  }
  const bySplitLine = new Map<string, string[]>();
  for (const fo of splits) {
    for (const line of fo.lineItems) bySplitLine.set(`${fo.id}/${line.id}`, line.bundleId !== undefined ? [...bundles.get(line.bundleId)!] : line.sourceItemIds);
  }
  return bySplitLine;
}

/**
 * Each order item's point of no return: passed (the order's own record: which step, when), or the PONR steps of
 * its lines still ahead. Items with no PONR step and none passed are left out: they can be changed until the end.
 */
export function ponrItems(summary: Pick<OrderSummary, 'pointOfNoReturn'>, splits: Pick<SplitView, 'id' | 'steps'>[], lineSources: Map<string, string[]>): PonrItem[] {
  const items = new Map<string, PonrItem>();
  for (const record of summary.pointOfNoReturn ?? []) {
    items.set(record.orderItemId, { itemId: record.orderItemId, passed: true, stepId: record.stepId, fulfillmentOrderId: record.fulfillmentOrderId, at: record.at, ahead: [] });
  }
  for (const split of splits) {
    for (const step of split.steps) {
      if (!step.pointOfNoReturn || step.state === 'Completed') continue;
      const itemIds = new Set(step.lineItemIds.flatMap((line) => lineSources.get(`${split.id}/${line}`) ?? []));
      for (const itemId of itemIds) {
        const item = items.get(itemId) ?? { itemId, passed: false, ahead: [] };
        if (!item.passed) item.ahead.push({ fulfillmentOrderId: split.id, stepId: step.id, state: step.state });
        items.set(itemId, item);
      }
    }
  }
  return [...items.values()].sort((a, b) => a.itemId.localeCompare(b.itemId, undefined, { numeric: true }));
}

/** client/audit.ts's entries, oldest first, without the credential's signature (the page says only whether it was checked). */
function timeline(entries: AuditEntry[]): TimelineEntry[] {
  return entries
    .filter((entry) => entry.at)
    .sort((a, b) => a.at.localeCompare(b.at))
    .map(({ at, actor, action, target, outcome, detail, source, verified }) => ({ at, actor, action, target, outcome, ...(detail ? { detail } : {}), source, ...(verified !== undefined ? { verified } : {}) }));
}

/** The order's invoices and credit memos as it recorded them, then its change orders'. */
function documentRows(summary: OrderSummary): DocumentRow[] {
  const own = summary.invoices.map((d) => ({ id: d.id, kind: d.kind, orderId: d.orderId, currency: d.currency, subtotal: d.subtotal, tax: d.tax, total: d.total, lines: d.lines.length }));
  const changes = summary.changeOrders.flatMap((change) => change.documents.map((d) => ({ id: d.id, kind: d.kind, orderId: change.orderId, total: d.total })));
  return [...own, ...changes];
}
