import type { Client } from '@temporalio/client';
import type { OrdoClient } from '../client/ordo-client';
import { orderWorkflowId } from '../workflows/ids';
import type { OrderSummary } from '../workflows/types';
import { ProgressBar } from './progress';

/** Temporal's defaults: a history warns at 10,240 events or 10 MB; one workflow may have 1,000 pending activities or children. */
export const HISTORY_EVENTS_WARNING = 10_240;
export const HISTORY_BYTES_WARNING = 10 * 1024 * 1024;
export const PENDING_LIMIT = 1_000;
/** Temporal's default cap on the signals one workflow execution may receive (`limit.maximumSignalsPerExecution`). */
export const SIGNALS_PER_EXECUTION_LIMIT = 10_000;

export interface LargeOrderFigures {
  orderId: string;
  items: number;
  state: OrderSummary['state'];
  fulfillmentOrders: number;
  steps: number;
  seconds: number;
  /** Every workflow of the order, with its history length and size. */
  workflows: Array<{ workflowId: string; events: number; historyBytes: number }>;
  eventsPerStep: number;
  maxEvents: number;
  maxHistoryBytes: number;
  /** The most pending activities seen in one split, and pending children in the order, sampled while it ran. */
  maxPendingActivities: number;
  maxPendingChildren: number;
  /** From the histories: the most signals one workflow had sent and not yet seen delivered, and the most it received. */
  maxPendingSignals: number;
  maxSignalsReceived: number;
}

/**
 * Submits one large order, follows it to the end while sampling what each of its workflows has pending, and
 * reads every history it wrote: is any workflow near Temporal's limits?
 */
export async function runLargeOrder(options: {
  ordo: OrdoClient;
  temporal: Client;
  order: Record<string, unknown>;
  sampleEveryMs?: number;
  quiet?: boolean;
}): Promise<LargeOrderFigures> {
  const { ordo, temporal, order } = options;
  const orderId = String(order.id);
  const items = (order.items as unknown[]).length;
  const startedAt = Date.now();
  await ordo.startOrder(order);
  const handle = temporal.workflow.getHandle(orderWorkflowId(orderId));
  const pending = { activities: 0, children: 0 };
  let done = false;
  const finished = handle.result().finally(() => (done = true)) as Promise<OrderSummary>;
  const progress = new ProgressBar(`order of ${items} items`, 1, options.quiet);
  while (!done) {
    await samplePending(temporal, handle, pending).catch(() => undefined); // a closing workflow may vanish between calls
    const summary = await ordo.getSummary(orderId).catch(() => undefined); // with the live counts of running splits
    if (summary) {
      const total = summary.fulfillmentOrders.reduce((n, fo) => n + fo.steps.total, 0);
      const completed = summary.fulfillmentOrders.reduce((n, fo) => n + fo.steps.completed, 0);
      progress.update(total ? completed / total : 0, `${summary.fulfillmentOrders.length} fulfillment orders, ${pending.activities} pending activities at most`);
    }
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, options.sampleEveryMs ?? 1000))]);
  }
  const summary = await finished;
  const seconds = (Date.now() - startedAt) / 1000;
  progress.update(1);
  const ids = [handle.workflowId, ...summary.fulfillmentOrders.map((fo) => fo.workflowId)];
  const workflows = await Promise.all(
    ids.map(async (workflowId) => {
      const info = (await temporal.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo;
      return { workflowId, events: Number(info?.historyLength ?? 0), historyBytes: Number(info?.historySizeBytes ?? 0) };
    }),
  );
  const signals = await Promise.all(ids.map(async (workflowId) => signalsOf(await temporal.workflow.getHandle(workflowId).fetchHistory())));
  const steps = summary.fulfillmentOrders.reduce((n, fo) => n + fo.steps.total, 0);
  return {
    orderId,
    items,
    state: summary.state,
    fulfillmentOrders: summary.fulfillmentOrders.length,
    steps,
    seconds,
    workflows,
    eventsPerStep: workflows.reduce((n, w) => n + w.events, 0) / Math.max(1, steps),
    maxEvents: Math.max(...workflows.map((w) => w.events)),
    maxHistoryBytes: Math.max(...workflows.map((w) => w.historyBytes)),
    maxPendingActivities: pending.activities,
    maxPendingChildren: pending.children,
    maxPendingSignals: Math.max(...signals.map((s) => s.maxPending)),
    maxSignalsReceived: Math.max(...signals.map((s) => s.received)),
  };
}

/**
 * Signals in one history: those received, and the most sent signals outstanding at once (initiated, not yet
 * signaled or failed), which Temporal limits like pending activities.
 */
function signalsOf(history: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>): { received: number; maxPending: number } {
  let received = 0;
  let pending = 0;
  let maxPending = 0;
  for (const event of history.events ?? []) {
    if (event.workflowExecutionSignaledEventAttributes) received++;
    if (event.signalExternalWorkflowExecutionInitiatedEventAttributes) maxPending = Math.max(maxPending, ++pending);
    if (event.externalWorkflowExecutionSignaledEventAttributes || event.signalExternalWorkflowExecutionFailedEventAttributes) pending--;
  }
  return { received, maxPending };
}

/** What the order and its running splits have pending right now; keeps the maxima. */
async function samplePending(temporal: Client, handle: ReturnType<Client['workflow']['getHandle']>, seen: { activities: number; children: number }): Promise<void> {
  const described = await handle.describe();
  const children = described.raw.pendingChildren ?? [];
  seen.children = Math.max(seen.children, children.length);
  const splits = await Promise.all(children.map((child) => temporal.workflow.getHandle(child.workflowId!).describe().catch(() => undefined)));
  for (const split of splits) seen.activities = Math.max(seen.activities, split?.raw.pendingActivities?.length ?? 0);
}

/** The figures as a table, each limit beside what was measured. */
export function largeOrderTable(f: LargeOrderFigures): string {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  const rows: Array<[string, string, string]> = [
    ['order', `${f.items} items → ${f.fulfillmentOrders} fulfillment orders, ${f.steps} steps`, ''],
    ['outcome', `${f.state} in ${f.seconds.toFixed(1)} s`, ''],
    ['history events / step', f.eventsPerStep.toFixed(2), ''],
    ['most events in one workflow', String(f.maxEvents), `limit ${HISTORY_EVENTS_WARNING}`],
    ['largest history', mib(f.maxHistoryBytes), `limit ${mib(HISTORY_BYTES_WARNING)}`],
    ['most pending activities in one workflow', String(f.maxPendingActivities), `limit ${PENDING_LIMIT}`],
    ['most pending children in one workflow', String(f.maxPendingChildren), `limit ${PENDING_LIMIT}`],
    ['most pending signals sent by one workflow', String(f.maxPendingSignals), `limit ${PENDING_LIMIT}`],
    ['most signals received by one workflow', String(f.maxSignalsReceived), `limit ${SIGNALS_PER_EXECUTION_LIMIT}`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v, limit]) => `${k.padEnd(width)}  ${v}${limit ? `  (${limit})` : ''}`).join('\n');
}

/** Whether the order completed within every limit, and if not, why. */
export function largeOrderProblems(f: LargeOrderFigures): string[] {
  const problems: string[] = [];
  if (f.state !== 'completed') problems.push(`the order ended ${f.state}`);
  if (f.maxEvents > HISTORY_EVENTS_WARNING) problems.push(`a workflow wrote ${f.maxEvents} events`);
  if (f.maxHistoryBytes > HISTORY_BYTES_WARNING) problems.push(`a history reached ${f.maxHistoryBytes} bytes`);
  if (f.maxPendingActivities > PENDING_LIMIT) problems.push(`${f.maxPendingActivities} activities were pending in one workflow`);
  if (f.maxPendingChildren > PENDING_LIMIT) problems.push(`${f.maxPendingChildren} children were pending in one workflow`);
  if (f.maxPendingSignals > PENDING_LIMIT) problems.push(`${f.maxPendingSignals} signals sent by one workflow were pending at once`);
  if (f.maxSignalsReceived > SIGNALS_PER_EXECUTION_LIMIT) problems.push(`a workflow received ${f.maxSignalsReceived} signals`);
  return problems;
}
