import type { DecomposeReport } from './decompose-bench';
import { formatBytes, type MachineInfo } from './machine';
import type { Comparison } from './side-by-side';
import { spreadText } from './spread';
import { ratio } from './stats';
import type { SideAtRate, SteadyResult } from './steady';
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
    ['history events / order', f(b.history.eventsPerOrder), f(o.history.eventsPerOrder), x(r.eventsPerOrder)],
    ['history events / step', f(b.eventsPerStep, 2), f(o.eventsPerStep, 2), x(r.eventsPerStep)],
    ['max orders in flight', String(b.maxInFlight), String(o.maxInFlight), ''],
    ['peak RSS (process)', formatBytes(b.peakRssBytes), formatBytes(o.peakRssBytes), ''],
    ...cpuRows(c),
  ]) +
    `\nthroughput, p50 and p95 ratios: the median of the rounds' (pooled over all rounds: throughput ${x(c.pooled.throughput)}, p95 ${x(c.pooled.p95)})` +
    `\nround by round, Ordo ÷ baseline: throughput ${c.roundRatios.map((r) => x(r.throughput)).join(' ')}; p95 ${c.roundRatios.map((r) => x(r.p95)).join(' ')}` +
    `\nspread: throughput ${spreadText(c.spread.throughput)}; p95 ${spreadText(c.spread.p95)}` +
    `\none order at a time (median of ${c.solo.orders}): baseline ${f(c.solo.baselineMs, 0)} ms, Ordo ${f(c.solo.ordoMs, 0)} ms, ${x(c.solo.ratio)}` +
    `\nprocess RSS with both workers idle, before the first order: ${formatBytes(c.idleRssBytes)}`;
}

/** CPU per order, per kind of process, when the phases could read it (Linux). */
function cpuRows(c: Comparison): string[][] {
  const { ordo: o, baseline: b } = c;
  if (!o.cpuMsPerOrder || !b.cpuMsPerOrder) return [];
  const where = o.cpuMsPerOrder.workersIn === 'workerProcesses' ? 'worker processes' : 'bench process, workers and submitter';
  return [
    [`CPU / order: ${where} (ms)`, f(b.cpuMsPerOrder.workers), f(o.cpuMsPerOrder.workers), x(c.ratios.workerCpuPerOrder ?? NaN)],
    ['CPU / order: Temporal server (ms)', f(b.cpuMsPerOrder.temporalServer), f(o.cpuMsPerOrder.temporalServer), x(c.ratios.serverCpuPerOrder ?? NaN)],
    ...(o.cpuMsPerOrder.postgres > 0 || b.cpuMsPerOrder.postgres > 0 ? [['CPU / order: PostgreSQL (ms)', f(b.cpuMsPerOrder.postgres), f(o.cpuMsPerOrder.postgres), x(ratio(o.cpuMsPerOrder.postgres, b.cpuMsPerOrder.postgres))]] : []),
  ];
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

/** One row per rate of a steady-load sweep, both sides, then the knees and the half-knee phases. */
export function steadyTable(result: SteadyResult): string {
  const side = (s: SideAtRate) => [f(s.latencyMs.p50, 0), f(s.latencyMs.p95, 0), f(s.latencyMs.p99, 0), f(s.completedPerSecond, 2), `${s.backlogAtEnd} (${s.backlogSlopePerSecond >= 0 ? '+' : ''}${f(s.backlogSlopePerSecond, 2)}/s)${s.grows ? ' grows' : ''}`];
  const rows = result.rows.map((r) => [String(r.rate), ...side(r.baseline), ...side(r.ordo), x(r.p95Ratio.median), r.firstSides.map((s) => s[0].toUpperCase()).join(' ')]);
  const half = result.halfKnee;
  if (half) rows.push([`${half.rate} (½ knee)`, ...side(half.baseline), ...side(half.ordo), x(half.p95Ratio), '']);
  const { knee } = result;
  return table([
    ['rate/s', 'B p50', 'B p95', 'B p99', 'B done/s', 'B backlog', 'O p50', 'O p95', 'O p99', 'O done/s', 'O backlog', 'p95 O÷B', 'first'],
    ...rows,
  ]) +
    `\n(latency in ms; backlog: orders submitted and not closed at the window's end, and its slope over the window's second half)` +
    `\nknee: baseline ${knee.atLeast.baseline ? '≥ ' : ''}${knee.baseline ?? 'none'} orders/s, Ordo ${knee.atLeast.ordo ? '≥ ' : ''}${knee.ordo ?? 'none'} orders/s: ${x(knee.ratio)}` +
    (half ? `\np95 at half the baseline's knee (${half.rate}/s): ${x(half.p95Ratio)}` : '') +
    (result.stoppedAt !== undefined ? `\nstopped at ${result.stoppedAt} orders/s: both backlogs grew` : '') +
    steadyCpuTable(result);
}

/** Per rate and side: the cores each kind kept busy (median of the rounds) and the workers' CPU per order. */
function steadyCpuTable(result: SteadyResult): string {
  const phases = [...result.rows.map((r) => ({ label: String(r.rate), baseline: r.baseline, ordo: r.ordo })), ...(result.halfKnee ? [{ label: `${result.halfKnee.rate} (½ knee)`, baseline: result.halfKnee.baseline, ordo: result.halfKnee.ordo }] : [])];
  if (phases.some((p) => !p.baseline.cpu || !p.ordo.cpu)) return '';
  const cores = (s: SideAtRate) => {
    const { temporalServer, postgres, workerProcesses, bench } = s.cpu!.coresBusy;
    return [f(temporalServer, 2), f(postgres, 2), f(s.cpu!.msPerOrder.workersIn === 'workerProcesses' ? workerProcesses : bench, 2), f(s.cpu!.msPerOrder.workers, 0)];
  };
  return `\n\nCores busy per rate (median of the rounds) and the workers' CPU per order (ms${phases[0].ordo.cpu!.msPerOrder.workersIn === 'benchProcess' ? ', the bench process with its submitter' : ''}):\n` +
    table([
      ['rate/s', 'B server', 'B PostgreSQL', 'B workers', 'B ms/order', 'O server', 'O PostgreSQL', 'O workers', 'O ms/order'],
      ...phases.map((p) => [p.label, ...cores(p.baseline), ...cores(p.ordo)]),
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
  return table([['target', 'measured', ''], ...checks.map((c) => [c.target, c.measured, c.met === undefined ? 'not measured' : c.met ? 'met' : 'NOT met'])]);
}

export function machineLine(m: MachineInfo): string {
  const load = m.load ? `; load average ${m.load.before.oneMinute} before, ${m.load.after.oneMinute} after (1 min)` : '';
  return `${m.cpuModel}, ${m.nproc} cores, ${formatBytes(m.totalMemoryBytes)}, Node ${m.node}${load}`;
}
