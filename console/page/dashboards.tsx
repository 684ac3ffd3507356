import { useMemo, useState } from 'react';
import type { ChartConfiguration } from 'chart.js';
import { useJson } from './api';
import { ChartBox } from './chart';
import { Heatmap } from './dashboard-heatmap';
import { DASHBOARD_WINDOWS, type AdherenceRow, type CountRow, type DashboardFigures, type DashboardWindow } from './dashboard-types';
import { LoadStatus } from './load-status';
import { JEOPARDY_COLOURS, STATE_COLOURS } from './states';

/**
 * Dashboards with charts (docs/console.md "Dashboards"): every figure from GET /api/dashboard, which reads Temporal
 * when asked (visibility, closed workflows' results, running splits' plans). Refreshed every few seconds; the
 * server keeps a reading for a few seconds, so open dashboards share it.
 */

const REFRESH_MS = 10_000;

/** Order states (TMF622) as the dashboards colour them: the steps' colours where a state means the same. */
const ORDER_STATE_COLOURS: Record<string, string> = {
  acknowledged: STATE_COLOURS.Pending,
  inProgress: STATE_COLOURS.InProgress,
  held: JEOPARDY_COLOURS.inJeopardy,
  pendingCancellation: STATE_COLOURS.Amended,
  completed: STATE_COLOURS.Completed,
  cancelled: STATE_COLOURS.Cancelled,
  rejected: STATE_COLOURS.Discarded,
  failed: STATE_COLOURS.FatallyFailed,
};
const CHANNEL_COLOURS = ['#2f7ed8', '#7c5cc4', '#999999'];
const SLA_COLOURS = { beforeJeopardy: STATE_COLOURS.Completed, inJeopardy: JEOPARDY_COLOURS.inJeopardy, late: JEOPARDY_COLOURS.late };
const BAR = '#2f7ed8';

export function Dashboards() {
  const [shown, setShown] = useState<DashboardWindow>('24h');
  const figures = useJson<DashboardFigures>(`/api/dashboard?window=${shown}`, REFRESH_MS);
  return (
    <div className="dashboards" data-testid="dashboards">
      <div className="dashboard-toolbar">
        <h2>Dashboards</h2>
        <div className="dashboard-windows" role="group" aria-label="Time window">
          {DASHBOARD_WINDOWS.map((w) => (
            <button key={w} type="button" className={w === shown ? 'active' : ''} onClick={() => setShown(w)} data-testid={`dashboard-window-${w}`}>
              {w}
            </button>
          ))}
        </div>
        {figures.data && (
          <span className="dashboard-asof" data-testid="dashboard-asof">
            as of {new Date(figures.data.asOf).toLocaleTimeString()}
          </span>
        )}
      </div>
      <LoadStatus of={figures} loading="Reading Temporal…" />
      {figures.data && <Figures figures={figures.data} />}
    </div>
  );
}

function Figures({ figures }: { figures: DashboardFigures }) {
  const charts = useMemo(() => chartsOf(figures), [figures]);
  const completed = figures.throughput.reduce((n, bucket) => n + bucket.completed, 0);
  const active = figures.ordersByState.reduce((n, row) => n + row.count, 0);
  const cycle = figures.cycleTimeOverall;
  const none = (rows: unknown[], what: string) => (rows.length === 0 ? `No ${what} in ${figures.window}` : undefined);
  const sla = (rows: { finished: number }[]) => none(rows.filter((row) => row.finished > 0), 'finished step with an estimate');
  return (
    <>
      <dl className="dashboard-totals">
        <div>
          <dt>Orders open or closed in {figures.window}</dt>
          <dd data-testid="dashboard-orders-total">{active}</dd>
        </div>
        <div>
          <dt>Completed in {figures.window}</dt>
          <dd data-testid="dashboard-completed-count">{completed}</dd>
        </div>
        <div>
          <dt>Order to invoice, p50 / p95</dt>
          <dd data-testid="dashboard-cycle-overall">
            {cycle.orders ? `${formatDuration(cycle.p50Ms!)} / ${formatDuration(cycle.p95Ms!)}` : '–'}
          </dd>
        </div>
        <div>
          <dt>Fallout in {figures.window}</dt>
          <dd data-testid="dashboard-fallout-total">{figures.fallout.total}</dd>
        </div>
      </dl>
      <div className="dashboard-grid">
        <ChartBox name="orders-by-state" title="Orders by state" note="visibility: OrderState" config={charts.byState} empty={none(figures.ordersByState, 'order')} />
        <ChartBox name="orders-by-channel" title="Orders by channel" note="visibility: Channel" config={charts.byChannel} empty={none(figures.ordersByChannel, 'order')} />
        <ChartBox name="throughput" title={`Orders completed per ${bucketName(figures.throughputBucketMs)}`} note="visibility: close time of completed orders" config={charts.throughput} empty={completed ? undefined : `No order completed in ${figures.window}`} />
        <ChartBox name="cycle-time" title={`Order to invoice, p50 and p95 per ${bucketName(figures.cycleBucketMs)}`} note="completed orders' results" config={charts.cycleTime} empty={cycle.orders ? undefined : `No invoiced order in ${figures.window}`} />
        <ChartBox name="sla-by-queue" title="SLA adherence by queue" note="finished steps with an estimate" config={charts.slaByQueue} empty={sla(figures.slaAdherence.byQueue)} />
        <ChartBox name="sla-by-definition" title="SLA adherence by step" note="finished steps with an estimate" config={charts.slaByDefinition} empty={sla(figures.slaAdherence.byDefinition)} />
        <ChartBox name="fallout-by-system" title="Fallout by system" note="steps' fallout history" config={charts.falloutBySystem} empty={none(figures.fallout.bySystem, 'fallout')} />
        <ChartBox name="fallout-by-code" title="Fallout by error code" note="steps' fallout history" config={charts.falloutByCode} empty={none(figures.fallout.byCode, 'fallout')} />
      </div>
      <Heatmap plans={figures.heatmap} />
      <p className="dashboard-reads" data-testid="dashboard-reads">{readsNote(figures)}</p>
    </>
  );
}

function chartsOf(figures: DashboardFigures) {
  const throughputLabels = figures.throughput.map((bucket) => timeLabel(bucket.start, figures.throughputBucketMs));
  const unit = durationUnit(Math.max(0, ...figures.cycleTime.map((bucket) => bucket.p95Ms ?? 0)));
  return {
    byState: doughnut(figures.ordersByState, (row) => ORDER_STATE_COLOURS[row.key] ?? '#999999'),
    byChannel: doughnut(figures.ordersByChannel, (_, i) => CHANNEL_COLOURS[i % CHANNEL_COLOURS.length]),
    throughput: {
      type: 'bar',
      data: { labels: throughputLabels, datasets: [{ label: 'completed', data: figures.throughput.map((bucket) => bucket.completed), backgroundColor: BAR }] },
      options: { ...BASE_OPTIONS, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    } satisfies ChartConfiguration<'bar'>,
    cycleTime: {
      type: 'line',
      data: {
        labels: figures.cycleTime.map((bucket) => timeLabel(bucket.start, figures.cycleBucketMs)),
        datasets: [
          { label: `p50 (${unit.name})`, data: figures.cycleTime.map((bucket) => scaled(bucket.p50Ms, unit.ms)), borderColor: STATE_COLOURS.InProgress, backgroundColor: STATE_COLOURS.InProgress, spanGaps: true },
          { label: `p95 (${unit.name})`, data: figures.cycleTime.map((bucket) => scaled(bucket.p95Ms, unit.ms)), borderColor: JEOPARDY_COLOURS.late, backgroundColor: JEOPARDY_COLOURS.late, spanGaps: true },
        ],
      },
      options: { ...BASE_OPTIONS, scales: { y: { beginAtZero: true, title: { display: true, text: unit.name } } } },
    } satisfies ChartConfiguration<'line'>,
    slaByQueue: adherence(figures.slaAdherence.byQueue),
    slaByDefinition: adherence(figures.slaAdherence.byDefinition.slice(0, 15)),
    falloutBySystem: bars(figures.fallout.bySystem, STATE_COLOURS.FatallyFailed),
    falloutByCode: bars(figures.fallout.byCode, STATE_COLOURS.FatallyFailed),
  } as Record<string, ChartConfiguration>;
}

const BASE_OPTIONS = { animation: false, responsive: true, maintainAspectRatio: false } as const;

function doughnut(rows: CountRow[], colour: (row: CountRow, index: number) => string): ChartConfiguration<'doughnut'> {
  return {
    type: 'doughnut',
    data: { labels: rows.map((row) => row.key), datasets: [{ data: rows.map((row) => row.count), backgroundColor: rows.map(colour) }] },
    options: { ...BASE_OPTIONS, plugins: { legend: { position: 'right' } } },
  };
}

function bars(rows: CountRow[], colour: string): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: { labels: rows.map((row) => row.key), datasets: [{ label: 'fallouts', data: rows.map((row) => row.count), backgroundColor: colour }] },
    options: { ...BASE_OPTIONS, indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  };
}

/** Stacked shares (percent) of steps finished before jeopardy, in jeopardy and late; the tooltip has the counts. */
function adherence(rows: AdherenceRow[]): ChartConfiguration<'bar'> {
  const withSla = rows.filter((row) => row.finished > 0);
  const share = (row: AdherenceRow, outcome: keyof typeof SLA_COLOURS) => Math.round((1000 * row[outcome]) / row.finished) / 10;
  const dataset = (outcome: keyof typeof SLA_COLOURS, label: string) => ({ label, data: withSla.map((row) => share(row, outcome)), backgroundColor: SLA_COLOURS[outcome] });
  return {
    type: 'bar',
    data: {
      labels: withSla.map((row) => `${row.key} (${row.finished})`),
      datasets: [dataset('beforeJeopardy', 'before jeopardy %'), dataset('inJeopardy', 'in jeopardy %'), dataset('late', 'late %')],
    },
    options: { ...BASE_OPTIONS, indexAxis: 'y', scales: { x: { stacked: true, max: 100, beginAtZero: true }, y: { stacked: true } } },
  };
}

function scaled(ms: number | undefined, unitMs: number): number | null {
  return ms === undefined ? null : Math.round((100 * ms) / unitMs) / 100;
}

function durationUnit(maxMs: number): { name: string; ms: number } {
  if (maxMs >= 2 * 3_600_000) return { name: 'hours', ms: 3_600_000 };
  if (maxMs >= 2 * 60_000) return { name: 'minutes', ms: 60_000 };
  return { name: 'seconds', ms: 1000 };
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

function bucketName(ms: number): string {
  if (ms >= 86_400_000) return 'day';
  if (ms >= 3_600_000) return 'hour';
  return `${ms / 60_000} minutes`;
}

function timeLabel(iso: string, bucketMs: number): string {
  const at = new Date(iso);
  if (bucketMs >= 86_400_000) return at.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return at.toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

function readsNote(figures: DashboardFigures): string {
  const { reads } = figures;
  const cut = [
    reads.completedOrders.truncated && `the newest ${reads.completedOrders.read} of the completed orders were read`,
    reads.closedSplits.truncated && `the newest ${reads.closedSplits.read} closed splits`,
    reads.runningSplits.truncated && `${reads.runningSplits.read} running splits`,
  ].filter(Boolean);
  return (
    `Read from Temporal: ${reads.completedOrders.listed} completed orders listed, ${reads.completedOrders.read} results read; ` +
    `${reads.closedSplits.read} closed and ${reads.runningSplits.read} running splits (at most ${reads.maxWorkflows} of each kind).` +
    (cut.length ? ` Capped: ${cut.join('; ')}.` : '') +
    (reads.unreadable ? ` ${reads.unreadable} could not be read and are left out.` : '')
  );
}
