import type { Client } from '@temporalio/client';
import type { Contender } from './contenders';
import { cpuPerOrder, type CpuPerOrder } from './cpu-usage';
import { countHistories, type HistoryCounts } from './histories';
import { runPhase, type PhaseResult } from './phase';
import { spreadOf, type Spread } from './spread';
import { percentile, ratio } from './stats';

/** One contender's figures over every round of a side-by-side run. */
export interface ContenderFigures {
  orders: number;
  completed: number;
  failed: number;
  /** Completed orders per second: orders ÷ the summed phase times (first submission → last close). */
  throughput: number;
  latencyMs: { p50: number; p95: number; p99: number };
  maxInFlight: number;
  peakRssBytes: number;
  history: HistoryCounts;
  /** History events per order ÷ plan steps per order. */
  eventsPerStep: number;
  rounds: Array<{ orders: number; throughput: number; p50: number; p95: number }>;
  /**
   * CPU per completed order, in ms, summed over the measured phases of this contender (only one contender runs at a
   * time, so a phase's CPU is its own): the workers (the worker processes, or the bench process when the workers run
   * in it, its submitter included), the Temporal server and PostgreSQL. Undefined without /proc.
   */
  cpuMsPerOrder?: CpuPerOrder;
}

export interface Comparison {
  ordo: ContenderFigures;
  baseline: ContenderFigures;
  /**
   * Ordo ÷ baseline, from phases run alternately in one process against one server. Throughput, p50 and p95 are the
   * medians of the round-by-round ratios (`spread`): a round's two phases ran back to back, so a round's ratio is the
   * one least touched by the machine's drift. p99 is over all orders pooled; history counts are per order.
   */
  ratios: { throughput: number; p50: number; p95: number; p99: number; eventsPerStep: number; eventsPerOrder: number; workflowTasksPerOrder: number; workerCpuPerOrder?: number; serverCpuPerOrder?: number };
  /** The same ratios round by round: how much the machine's noise moves them. */
  roundRatios: Array<{ throughput: number; p50: number; p95: number }>;
  /** Median, min and max of the round ratios: the headline is the median, the spread says how far to trust it. */
  spread: { throughput: Spread; p50: Spread; p95: Spread };
  /** Ordo ÷ baseline over all rounds pooled (throughput from the summed phase times), for comparison with the medians. */
  pooled: { throughput: number; p50: number; p95: number };
  /** Latency of orders run one at a time (no queueing): the critical path alone, median and Ordo ÷ baseline. */
  solo: { orders: number; baselineMs: number; ordoMs: number; ratio: number };
  /** Process RSS with both workers started and idle, before the first order: what every peak starts from. */
  idleRssBytes: number;
}

export interface SideBySideOptions {
  ordo: Contender;
  baseline: Contender;
  /** A client that can describe and read the histories of both contenders' workflows. */
  temporal: Client;
  orders: number;
  /** Orders are split over this many rounds; rounds alternate which contender goes first (B O, O B, …). */
  rounds: number;
  /** Orders each contender runs before measuring starts (caches, JIT, bundles), not counted. */
  warmup: number;
  /** Orders each contender runs one at a time, alternating, for the latency of an order with no queue (default 3). */
  solo?: number;
  concurrency: number;
  /** Plan steps per order of the shape (the same for both: one baseline activity per Ordo step). */
  stepsPerOrder: number;
  /** Unique per run on the server: order ids are `<runTag>-<round>-<i>`. */
  runTag: string;
  /** Pause before every measured phase (ms), so one phase's leftovers (history writes, timers) do not land on the next. */
  settleMs?: number;
  historySample?: number;
  quiet?: boolean;
}

export async function runSideBySide(options: SideBySideOptions): Promise<Comparison> {
  const phase = async (contender: Contender, count: number, id: string, label: string) => {
    if (options.settleMs) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    return runPhase({ contender, temporal: options.temporal, count, concurrency: options.concurrency, idPrefix: `${options.runTag}-${id}`, label, quiet: options.quiet });
  };

  const idleRssBytes = process.memoryUsage.rss();
  if (options.warmup > 0) {
    for (const contender of [options.baseline, options.ordo]) await phase(contender, options.warmup, `warmup-${contender.name}`, `warm-up ${contender.name}`);
  }
  const soloLatencies: Record<Contender['name'], number[]> = { ordo: [], baseline: [] };
  for (let i = 0; i < (options.solo ?? 3); i++) {
    // Alternating which side goes first, as the rounds do.
    for (const contender of i % 2 === 0 ? [options.baseline, options.ordo] : [options.ordo, options.baseline]) {
      const alone = await phase(contender, 1, `solo-${contender.name}-${i + 1}`, `solo ${contender.name} ${i + 1}`);
      soloLatencies[contender.name].push(...alone.latenciesMs);
    }
  }
  const results: Record<Contender['name'], PhaseResult[]> = { ordo: [], baseline: [] };
  const sizes = splitEvenly(options.orders, options.rounds);
  for (const [r, size] of sizes.entries()) {
    const order = r % 2 === 0 ? [options.baseline, options.ordo] : [options.ordo, options.baseline];
    for (const contender of order) {
      results[contender.name].push(await phase(contender, size, `${contender.name}-${r + 1}`, `round ${r + 1}/${sizes.length} ${contender.name}`));
    }
  }
  const ordo = await figures(options, results.ordo);
  const baseline = await figures(options, results.baseline);
  const roundRatios = ordo.rounds.map((o, r) => {
    const b = baseline.rounds[r];
    return { throughput: ratio(o.throughput, b.throughput), p50: ratio(o.p50, b.p50), p95: ratio(o.p95, b.p95) };
  });
  const spread = {
    throughput: spreadOf(roundRatios.map((r) => r.throughput)),
    p50: spreadOf(roundRatios.map((r) => r.p50)),
    p95: spreadOf(roundRatios.map((r) => r.p95)),
  };
  return {
    ordo,
    baseline,
    ratios: {
      throughput: spread.throughput.median,
      p50: spread.p50.median,
      p95: spread.p95.median,
      p99: ratio(ordo.latencyMs.p99, baseline.latencyMs.p99),
      eventsPerStep: ratio(ordo.eventsPerStep, baseline.eventsPerStep),
      eventsPerOrder: ratio(ordo.history.eventsPerOrder, baseline.history.eventsPerOrder),
      workflowTasksPerOrder: ratio(ordo.history.workflowTasksPerOrder, baseline.history.workflowTasksPerOrder),
      ...(ordo.cpuMsPerOrder && baseline.cpuMsPerOrder
        ? {
            workerCpuPerOrder: ratio(ordo.cpuMsPerOrder.workers, baseline.cpuMsPerOrder.workers),
            serverCpuPerOrder: ratio(ordo.cpuMsPerOrder.temporalServer, baseline.cpuMsPerOrder.temporalServer),
          }
        : {}),
    },
    roundRatios,
    spread,
    pooled: {
      throughput: ratio(ordo.throughput, baseline.throughput),
      p50: ratio(ordo.latencyMs.p50, baseline.latencyMs.p50),
      p95: ratio(ordo.latencyMs.p95, baseline.latencyMs.p95),
    },
    solo: {
      orders: soloLatencies.ordo.length,
      baselineMs: percentile(soloLatencies.baseline, 50),
      ordoMs: percentile(soloLatencies.ordo, 50),
      ratio: ratio(percentile(soloLatencies.ordo, 50), percentile(soloLatencies.baseline, 50)),
    },
    idleRssBytes,
  };
}

async function figures(options: SideBySideOptions, phases: PhaseResult[]): Promise<ContenderFigures> {
  const latencies = phases.flatMap((p) => p.latenciesMs);
  const orders = sum(phases, (p) => p.orders);
  const completed = sum(phases, (p) => p.completed);
  const history = await countHistories(options.temporal, phases.flatMap((p) => p.workflows), options.historySample);
  const cpuMsPerOrder = cpuPerOrder(phases.map((p) => p.cpu), completed);
  return {
    orders,
    completed,
    failed: orders - completed,
    throughput: completed / (sum(phases, (p) => p.elapsedMs) / 1000),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    maxInFlight: Math.max(...phases.map((p) => p.maxInFlight)),
    peakRssBytes: Math.max(...phases.map((p) => p.peakRssBytes)),
    history,
    eventsPerStep: history.eventsPerOrder / options.stepsPerOrder,
    rounds: phases.map((p) => ({ orders: p.orders, throughput: p.completed / (p.elapsedMs / 1000), p50: percentile(p.latenciesMs, 50), p95: percentile(p.latenciesMs, 95) })),
    ...(cpuMsPerOrder ? { cpuMsPerOrder } : {}),
  };
}

/** `total` split into `parts` near-equal whole parts, larger ones first. */
export function splitEvenly(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0)).filter((n) => n > 0);
}

function sum<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
