import type { DecomposeReport } from './decompose-bench';
import { formatBytes, type MachineInfo } from './machine';
import type { Comparison } from './side-by-side';
import type { TargetCheck } from './targets';

/** Plain-text tables for the terminal. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');

export function comparisonTable(c: Comparison): string {
  const { ordo: o, baseline: b, ratios: r } = c;
  return table([
    ['', 'baseline', 'Ordo', 'Ordo ÷ baseline'],
    ['orders completed', `${b.completed}/${b.orders}`, `${o.completed}/${o.orders}`, ''],
    ['throughput (orders/s)', f(b.throughput, 2), f(o.throughput, 2), x(r.throughput)],
    ['latency p50 (ms)', f(b.latencyMs.p50, 0), f(o.latencyMs.p50, 0), x(r.p50)],
    ['latency p95 (ms)', f(b.latencyMs.p95, 0), f(o.latencyMs.p95, 0), x(r.p95)],
    ['latency p99 (ms)', f(b.latencyMs.p99, 0), f(o.latencyMs.p99, 0), x(r.p99)],
    ['workflow tasks / order', f(b.history.workflowTasksPerOrder), f(o.history.workflowTasksPerOrder), x(r.workflowTasksPerOrder)],
    ['activities / order', f(b.history.activitiesPerOrder), f(o.history.activitiesPerOrder), ''],
    ['local activities / order', f(b.history.localActivitiesPerOrder), f(o.history.localActivitiesPerOrder), ''],
    ['history events / order', f(b.history.eventsPerOrder), f(o.history.eventsPerOrder), ''],
    ['history events / step', f(b.eventsPerStep, 2), f(o.eventsPerStep, 2), x(r.eventsPerStep)],
    ['max orders in flight', String(b.maxInFlight), String(o.maxInFlight), ''],
    ['peak RSS (process)', formatBytes(b.peakRssBytes), formatBytes(o.peakRssBytes), ''],
  ]) +
    `\nround by round, Ordo ÷ baseline: throughput ${c.roundRatios.map((r) => x(r.throughput)).join(' ')}; p95 ${c.roundRatios.map((r) => x(r.p95)).join(' ')}` +
    `\none order at a time (median of ${c.solo.orders}): baseline ${f(c.solo.baselineMs, 0)} ms, Ordo ${f(c.solo.ordoMs, 0)} ms, ${x(c.solo.ratio)}` +
    `\nprocess RSS with both workers idle, before the first order: ${formatBytes(c.idleRssBytes)}`;
}

/** One row per swept setting. */
export function sweepTable(flag: string, rows: Array<{ value: number; comparison: Comparison }>): string {
  return table([
    [flag, 'baseline/s', 'Ordo/s', 'throughput', 'p50', 'p95', 'Ordo p95 ms', 'peak RSS'],
    ...rows.map(({ value, comparison: c }) => [
      String(value),
      f(c.baseline.throughput, 2),
      f(c.ordo.throughput, 2),
      x(c.ratios.throughput),
      x(c.ratios.p50),
      x(c.ratios.p95),
      f(c.ordo.latencyMs.p95, 0),
      formatBytes(c.ordo.peakRssBytes),
    ]),
  ]);
}

export function decomposeTable(report: DecomposeReport): string {
  return table([
    ['order', 'items', 'splits', 'parts', 'steps', 'largest split', 'validate ms', 'decompose ms', 'plan heap', 'plan JSON', 'gzipped'],
    ...report.sizes.map((s) => [
      s.shape,
      s.items.toLocaleString('en-US'),
      String(s.fulfillmentOrders),
      String(s.parts),
      s.steps.toLocaleString('en-US'),
      `${s.largestSplitSteps.toLocaleString('en-US')} / ${formatBytes(s.largestSplitJsonBytes)}`,
      f(s.validateMs, 2),
      f(s.decomposeMs, 2),
      formatBytes(s.planHeapBytes),
      formatBytes(s.planJsonBytes),
      formatBytes(s.planGzipBytes),
    ]),
  ]);
}

export function targetsTable(checks: TargetCheck[]): string {
  return table([['target', 'measured', ''], ...checks.map((c) => [c.target, c.measured, c.met === undefined ? 'not measured (--orders 1000 --rounds 1)' : c.met ? 'met' : 'NOT met'])]);
}

export function machineLine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.nproc} cores, ${formatBytes(m.totalMemoryBytes)}, Node ${m.node}`;
}
