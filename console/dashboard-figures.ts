import type { Catalog, StepDefinition } from '../domain/catalog';
import type { FulfillmentOrderPlan, OrderSummary, StepStatus } from '../workflows/types';
import type { AdherenceRow, CountRow, CycleTimeBucket, DashboardWindow, HeatPlan, HeatStep, ThroughputBucket } from './page/dashboard-types';

/**
 * The dashboards' figures (docs/console.md "Dashboards"), computed from what console/dashboard-sources.ts read from
 * Temporal. Pure: no I/O and no clock (the caller passes `now`), so each figure is tested on fixed inputs.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A window's span and the bucket sizes of its series: enough buckets to show a shape, few enough to read. */
export interface WindowSpan {
  sinceMs: number;
  untilMs: number;
  throughputBucketMs: number;
  cycleBucketMs: number;
}

const SPANS: Record<DashboardWindow, { length: number; throughputBucketMs: number; cycleBucketMs: number }> = {
  '1h': { length: HOUR, throughputBucketMs: 5 * MINUTE, cycleBucketMs: 15 * MINUTE },
  '24h': { length: DAY, throughputBucketMs: HOUR, cycleBucketMs: HOUR },
  '7d': { length: 7 * DAY, throughputBucketMs: HOUR, cycleBucketMs: DAY },
};

export function windowSpan(window: DashboardWindow, nowMs: number): WindowSpan {
  const { length, ...buckets } = SPANS[window];
  return { sinceMs: nowMs - length, untilMs: nowMs, ...buckets };
}

/** The starts of the buckets covering [sinceMs, untilMs], aligned on multiples of bucketMs (UTC), oldest first. */
export function bucketStarts(sinceMs: number, untilMs: number, bucketMs: number): number[] {
  const starts: number[] = [];
  for (let start = Math.floor(sinceMs / bucketMs) * bucketMs; start <= untilMs; start += bucketMs) starts.push(start);
  return starts;
}

/**
 * The p-th percentile (0 < p ≤ 100) of `values` by the nearest-rank method: an actual observed value, the smallest
 * one with at least p% of the values at or below it. Undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

/** Orders completed per bucket, from the close times of completed OrderWorkflows. */
export function throughputSeries(closeTimesMs: readonly number[], span: WindowSpan): ThroughputBucket[] {
  const starts = bucketStarts(span.sinceMs, span.untilMs, span.throughputBucketMs);
  const counts = new Map(starts.map((start) => [start, 0]));
  for (const at of closeTimesMs) {
    if (at < span.sinceMs || at > span.untilMs) continue;
    const start = Math.floor(at / span.throughputBucketMs) * span.throughputBucketMs;
    counts.set(start, (counts.get(start) ?? 0) + 1);
  }
  return starts.map((start) => ({ start: new Date(start).toISOString(), completed: counts.get(start) ?? 0 }));
}

/** One invoiced order's order-to-invoice cycle: submitted at, invoiced (completed) at. */
export interface OrderCycle {
  invoicedAtMs: number;
  cycleMs: number;
}

/**
 * An order's cycle from its result (the Order Summary it returns): from submission (the workflow's start when the
 * summary has no submittedAt) to completion, which comes right after its invoice is issued. Undefined for an order
 * that did not complete, or completed without an invoice of its own (a change order that only credited, an order
 * whose recurring items a subscription bills).
 */
export function orderCycle(summary: Pick<OrderSummary, 'state' | 'submittedAt' | 'completedAt' | 'invoices'>, startTimeMs: number): OrderCycle | undefined {
  if (summary.state !== 'completed' || !summary.completedAt) return undefined;
  if (!summary.invoices.some((document) => document.kind === 'invoice')) return undefined;
  const invoicedAtMs = Date.parse(summary.completedAt);
  const submittedMs = summary.submittedAt ? Date.parse(summary.submittedAt) : startTimeMs;
  if (Number.isNaN(invoicedAtMs) || Number.isNaN(submittedMs)) return undefined;
  return { invoicedAtMs, cycleMs: Math.max(0, invoicedAtMs - submittedMs) };
}

/** p50 and p95 of the cycle times per bucket (by invoice time), and over the whole window. */
export function cycleTimeSeries(cycles: readonly OrderCycle[], span: WindowSpan): { series: CycleTimeBucket[]; overall: { orders: number; p50Ms?: number; p95Ms?: number } } {
  const inWindow = cycles.filter((cycle) => cycle.invoicedAtMs >= span.sinceMs && cycle.invoicedAtMs <= span.untilMs);
  const byBucket = new Map<number, number[]>();
  for (const cycle of inWindow) {
    const start = Math.floor(cycle.invoicedAtMs / span.cycleBucketMs) * span.cycleBucketMs;
    byBucket.set(start, [...(byBucket.get(start) ?? []), cycle.cycleMs]);
  }
  const series = bucketStarts(span.sinceMs, span.untilMs, span.cycleBucketMs).map((start) => {
    const values = byBucket.get(start) ?? [];
    return { start: new Date(start).toISOString(), orders: values.length, p50Ms: percentile(values, 50), p95Ms: percentile(values, 95) };
  });
  const all = inWindow.map((cycle) => cycle.cycleMs);
  return { series, overall: { orders: all.length, p50Ms: percentile(all, 50), p95Ms: percentile(all, 95) } };
}

export type SlaOutcome = 'beforeJeopardy' | 'inJeopardy' | 'late' | 'withoutSla';

/**
 * When a finished step finished against its SLA: before its jeopardy time, in jeopardy (after it, before the
 * estimate ran out), or late. A step without a jeopardy threshold goes from in time straight to late. A step
 * without an estimate (no lateAt) has no SLA. Undefined for a step that has not completed.
 */
export function slaOutcome(step: Pick<StepStatus, 'state' | 'completedAt' | 'jeopardyAt' | 'lateAt' | 'jeopardy'>): SlaOutcome | undefined {
  if (step.state !== 'Completed' || !step.completedAt) return undefined;
  if (!step.lateAt) return 'withoutSla';
  const done = Date.parse(step.completedAt);
  if (done >= Date.parse(step.lateAt)) return 'late';
  if (step.jeopardyAt && done >= Date.parse(step.jeopardyAt)) return 'inJeopardy';
  // The split's own marking counts too: a step it marked late or in jeopardy was (clocks of one workflow agree).
  return step.jeopardy === 'none' ? 'beforeJeopardy' : step.jeopardy;
}

/** The step definitions of a catalog, by their key `<workspace>.<step>` (what a plan step's `definition` says). */
export function catalogDefinitions(catalog: Pick<Catalog, 'workspaces'>): Map<string, StepDefinition> {
  const definitions = new Map<string, StepDefinition>();
  for (const workspace of catalog.workspaces) for (const group of workspace.groups) for (const step of group.steps) definitions.set(`${workspace.id}.${step.id}`, step);
  return definitions;
}

export const NO_QUEUE = '(no queue)';

/** The queue a step answers to: its manual task's queue, else where it fell out, else its definition's fallout queue. */
export function queueOfStep(step: Pick<StepStatus, 'queue' | 'falloutQueue' | 'fallouts'>, definition: StepDefinition | undefined): string {
  return step.queue ?? step.falloutQueue ?? step.fallouts?.at(-1)?.queue ?? definition?.queue ?? definition?.fallout?.queue ?? NO_QUEUE;
}

/**
 * SLA adherence of the steps that completed in the window, by queue and by step definition. A step is counted once,
 * in the plan it was read from; callers pass each split once (closed splits' results, running splits' plans).
 */
export function slaAdherence(plans: readonly Pick<FulfillmentOrderPlan, 'steps'>[], span: WindowSpan, definitions: Map<string, StepDefinition>): { byQueue: AdherenceRow[]; byDefinition: AdherenceRow[] } {
  const byQueue = new Map<string, AdherenceRow>();
  const byDefinition = new Map<string, AdherenceRow>();
  const add = (rows: Map<string, AdherenceRow>, key: string, outcome: SlaOutcome) => {
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { key, finished: 0, beforeJeopardy: 0, inJeopardy: 0, late: 0, withoutSla: 0 }));
    row[outcome]++;
    if (outcome !== 'withoutSla') row.finished++;
  };
  for (const plan of plans) {
    for (const step of plan.steps) {
      const outcome = slaOutcome(step);
      if (!outcome || !inSpan(step.completedAt, span)) continue;
      add(byQueue, queueOfStep(step, definitions.get(step.definition)), outcome);
      add(byDefinition, step.definition, outcome);
    }
  }
  return { byQueue: sortedRows(byQueue), byDefinition: sortedRows(byDefinition) };
}

/** The share (0…1) of a row's finished steps with `outcome`; 0 when none finished with an SLA. */
export function adherenceShare(row: AdherenceRow, outcome: 'beforeJeopardy' | 'inJeopardy' | 'late'): number {
  return row.finished === 0 ? 0 : row[outcome] / row.finished;
}

/** The system a step calls (callouts), else its handler (auto tasks), else its type: where its fallout comes from. */
export function systemOfStep(step: Pick<StepStatus, 'type'>, definition: StepDefinition | undefined): string {
  if (definition?.call) return definition.call.system;
  if (definition?.handler) return `handler ${definition.handler}`;
  return step.type;
}

export const NO_CODE = '(no code)';

/** Fallout entries (each time a step fell out, from its `fallouts` history) in the window, by system and error code. */
export function falloutVolume(plans: readonly Pick<FulfillmentOrderPlan, 'steps'>[], span: WindowSpan, definitions: Map<string, StepDefinition>): { bySystem: CountRow[]; byCode: CountRow[]; total: number } {
  const bySystem = new Map<string, number>();
  const byCode = new Map<string, number>();
  let total = 0;
  for (const plan of plans) {
    for (const step of plan.steps) {
      // Older histories have no `fallouts`: a step in fallout now counts once, at its start.
      const entries = step.fallouts ?? (step.state === 'FatallyFailed' ? [{ at: step.startedAt ?? '', code: step.error?.code }] : []);
      for (const entry of entries) {
        if (!inSpan(entry.at, span)) continue;
        total++;
        increment(bySystem, systemOfStep(step, definitions.get(step.definition)));
        increment(byCode, entry.code ?? NO_CODE);
      }
    }
  }
  return { bySystem: countRows(bySystem), byCode: countRows(byCode), total };
}

/** Counts as rows, largest first (then by key, so the order is stable). */
export function countRows(counts: Map<string, number>): CountRow[] {
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/**
 * The catalog's plans as the heatmap shows them: per commercial product sold on its own (a bundle, or a simple
 * product that is no bundle's component), the workspaces its decomposition rules and scenarios lead to. Products
 * leading to the same workspaces are one plan (named after the first). Steps are the workspaces' step definitions
 * in catalog order, with dependencies inside the plan.
 */
export function catalogPlans(catalog: Pick<Catalog, 'products' | 'decompositionRules' | 'scenarios' | 'workspaces'>): Array<{ product: string; workspaces: string[]; steps: Omit<HeatStep, 'inProgress' | 'waiting' | 'fallout'>[] }> {
  const components = new Set(catalog.products.flatMap((product) => product.components ?? []));
  const plans = new Map<string, { product: string; workspaces: string[] }>();
  for (const product of catalog.products) {
    if (components.has(product.code) && product.kind !== 'bundle') continue;
    const sources = new Set([product.code, ...(product.components ?? [])]);
    const destinations = new Set(catalog.decompositionRules.filter((rule) => sources.has(rule.source) && rule.action === 'Add').map((rule) => rule.destination));
    const linked = new Set(catalog.scenarios.filter((scenario) => destinations.has(scenario.fulfillmentProduct)).map((scenario) => scenario.workspace));
    const workspaces = catalog.workspaces.map((workspace) => workspace.id).filter((id) => linked.has(id));
    if (workspaces.length === 0) continue;
    const key = workspaces.join(' ');
    if (!plans.has(key)) plans.set(key, { product: product.code, workspaces });
  }
  return [...plans.values()].map(({ product, workspaces }) => {
    const steps = catalog.workspaces
      .filter((workspace) => workspaces.includes(workspace.id))
      .flatMap((workspace) => workspace.groups.flatMap((group) => group.steps.map((step) => ({ workspace: workspace.id, group: group.name, step }))));
    const ids = new Set(steps.map(({ workspace, step }) => `${workspace}.${step.id}`));
    return {
      product,
      workspaces,
      steps: steps.map(({ workspace, group, step }) => ({
        id: `${workspace}.${step.id}`,
        label: step.name ?? step.id,
        workspace,
        group,
        // `step` is the same workspace's, `workspace.step` another's; the catalog's lint keeps them resolvable.
        dependsOn: step.dependsOn.map((dependency) => (dependency.includes('.') ? dependency : `${workspace}.${dependency}`)).filter((id) => ids.has(id)),
        pointOfNoReturn: step.pointOfNoReturn,
      })),
    };
  });
}

const WORKING = new Set(['InProgress']);
const WAITING = new Set(['Ready', 'Failed', 'FatallyFailed']);

/**
 * The live count per step definition: how many running orders have an instance of it in progress, waiting to run
 * or retry, or in fallout (an order with several instances there counts once), on each catalog plan.
 */
export function heatmap(plans: ReturnType<typeof catalogPlans>, running: readonly Pick<FulfillmentOrderPlan, 'orderId' | 'steps'>[]): HeatPlan[] {
  const at = { inProgress: new Map<string, Set<string>>(), waiting: new Map<string, Set<string>>(), fallout: new Map<string, Set<string>>() };
  const mark = (which: keyof typeof at, definition: string, orderId: string) => {
    let orders = at[which].get(definition);
    if (!orders) at[which].set(definition, (orders = new Set()));
    orders.add(orderId);
  };
  for (const plan of running) {
    for (const step of plan.steps) {
      if (WORKING.has(step.state)) mark('inProgress', step.definition, plan.orderId);
      if (WAITING.has(step.state)) mark('waiting', step.definition, plan.orderId);
      if (step.state === 'FatallyFailed') mark('fallout', step.definition, plan.orderId);
    }
  }
  return plans.map((plan) => {
    const orders = new Set<string>();
    const steps = plan.steps.map((step) => {
      for (const which of ['inProgress', 'waiting'] as const) for (const orderId of at[which].get(step.id) ?? []) orders.add(orderId);
      return { ...step, inProgress: at.inProgress.get(step.id)?.size ?? 0, waiting: at.waiting.get(step.id)?.size ?? 0, fallout: at.fallout.get(step.id)?.size ?? 0 };
    });
    return { product: plan.product, workspaces: plan.workspaces, steps, orders: orders.size };
  });
}

function inSpan(at: string | undefined, span: WindowSpan): boolean {
  if (!at) return false;
  const ms = Date.parse(at);
  return ms >= span.sinceMs && ms <= span.untilMs;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function sortedRows(rows: Map<string, AdherenceRow>): AdherenceRow[] {
  return [...rows.values()].sort((a, b) => b.finished + b.withoutSla - (a.finished + a.withoutSla) || a.key.localeCompare(b.key));
}
