import type { Client } from '@temporalio/client';
import type { Contender } from './contenders';
import { cpuPerOrder, type CpuPerOrder, type ProcessKind } from './cpu-usage';
import { runOpenLoop, type OpenLoopResult } from './open-loop';
import { runPhase } from './phase';
import { spreadOf, type Spread } from './spread';
import { percentile, ratio, round } from './stats';

/**
 * Steady load (issue 15, point 3): for each rate of a sweep, both sides in turn take orders arriving at that rate for
 * a fixed window (bench/open-loop.ts); the side that goes first alternates from one pair of phases to the next,
 * always, and every phase starts after a settle pause. A side sustains a rate when its backlog does not grow; its
 * knee is the highest rate it sustains with every lower rate sustained too. The headlines: knee ÷ knee, and p95 ÷ p95
 * at half the baseline's knee, measured in phases of their own after the sweep.
 */

export interface SteadyOptions {
  ordo: Contender;
  baseline: Contender;
  temporal: Client;
  /** Arrival rates (orders/s), ascending; or 'auto': fractions of the baseline's burst throughput (AUTO_FRACTIONS). */
  rates: number[] | 'auto';
  windowMs: number;
  settleMs: number;
  /** Pairs of phases per rate; their first side alternates from pair to pair. */
  rounds: number;
  warmup: number;
  runTag: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

/** One side at one rate, over its rounds. */
export interface SideAtRate {
  rounds: OpenLoopResult[];
  /** Over every order of the rounds. */
  latencyMs: { p50: number; p95: number; p99: number };
  completedPerSecond: number;
  /** Median over the rounds of the backlog's slope in the window's second half (orders/s). */
  backlogSlopePerSecond: number;
  /** The backlog at the window's end, the largest over the rounds. */
  backlogAtEnd: number;
  /** The backlog grew in at least half the rounds: this side does not sustain this rate. */
  grows: boolean;
  failed: number;
  /**
   * Where the cores went at this rate, from the first arrival to the last close: the median over the rounds of the
   * cores each kind kept busy, and CPU per completed order over all rounds. Undefined without /proc.
   */
  cpu?: { coresBusy: Record<ProcessKind | 'other', number>; msPerOrder: CpuPerOrder };
}

export interface SteadyRow {
  rate: number;
  baseline: SideAtRate;
  ordo: SideAtRate;
  /** Ordo ÷ baseline p95 at this rate: the median of the rounds' ratios, and their spread. */
  p95Ratio: Spread;
  /** Which side went first in each round. */
  firstSides: Array<Contender['name']>;
}

export interface SteadyResult {
  /** When the rates were chosen automatically: the baseline burst they were chosen from. */
  probe?: { orders: number; baselineThroughput: number; fractions: number[] };
  rates: number[];
  rows: SteadyRow[];
  /**
   * Highest rate each side sustains (every lower rate sustained too); null when it sustains none of them. `atLeast`:
   * the side kept up at the highest rate run, so its knee is that rate or more (the ratio is then only a bound).
   */
  knee: { baseline: number | null; ordo: number | null; ratio: number; atLeast: { baseline: boolean; ordo: boolean } };
  /** The phases at half the baseline's knee, run after the sweep; absent when the baseline has no knee. */
  halfKnee?: { rate: number; baseline: SideAtRate; ordo: SideAtRate; p95Ratio: number; p95Spread: Spread };
  /** The rate at which the sweep ended early because both sides had stopped keeping up (the rates past it were not run). */
  stoppedAt?: number;
}

/** Rates of an automatic sweep, as fractions of the baseline's burst throughput: fine steps around the knee, up to past it. */
export const AUTO_FRACTIONS = [0.4, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25];
const PROBE_ORDERS = 30;
/** Rates an automatic sweep may add past its list (each 1.2× the last) while a side still keeps up. */
const MAX_EXTRA_RATES = 3;

export async function runSteady(options: SteadyOptions): Promise<SteadyResult> {
  const log = options.log ?? (() => undefined);
  const settle = () => new Promise((resolve) => setTimeout(resolve, options.settleMs));
  let pair = 0;
  /** Both sides at `rate`, `rounds` times, the first side alternating from pair to pair across the whole run. */
  const measure = async (rate: number, label: string) => {
    const results: Record<Contender['name'], OpenLoopResult[]> = { baseline: [], ordo: [] };
    const firstSides: Array<Contender['name']> = [];
    for (let r = 0; r < options.rounds; r++, pair++) {
      const sides = pair % 2 === 0 ? [options.baseline, options.ordo] : [options.ordo, options.baseline];
      firstSides.push(sides[0].name);
      for (const side of sides) {
        await settle();
        results[side.name].push(await runOpenLoop({
          contender: side,
          temporal: options.temporal,
          rate,
          windowMs: options.windowMs,
          idPrefix: `${options.runTag}-${label}-${r + 1}-${side.name}`,
          label: `${rate}/s ${side.name} ${r + 1}/${options.rounds}`,
          quiet: options.quiet,
        }));
      }
    }
    const ratios = results.ordo.map((o, r) => ratio(o.latencyMs.p95, results.baseline[r].latencyMs.p95));
    return { baseline: summarise(results.baseline), ordo: summarise(results.ordo), p95Ratio: spreadOf(ratios), firstSides };
  };

  if (options.warmup > 0) {
    for (const side of [options.baseline, options.ordo]) {
      await runPhase({ contender: side, temporal: options.temporal, count: options.warmup, concurrency: 8, idPrefix: `${options.runTag}-warmup-${side.name}`, label: `warm-up ${side.name}`, quiet: options.quiet });
    }
  }
  let probe: SteadyResult['probe'];
  let rates: number[];
  if (options.rates === 'auto') {
    await settle();
    const burst = await runPhase({ contender: options.baseline, temporal: options.temporal, count: PROBE_ORDERS, concurrency: 32, idPrefix: `${options.runTag}-probe`, label: 'probe baseline', quiet: options.quiet });
    const baselineThroughput = burst.completed / (burst.elapsedMs / 1000);
    probe = { orders: PROBE_ORDERS, baselineThroughput: round(baselineThroughput, 2), fractions: AUTO_FRACTIONS };
    rates = autoRates(baselineThroughput);
    log(`Baseline burst: ${baselineThroughput.toFixed(2)} orders/s; rates ${rates.join(', ')} orders/s`);
  } else rates = options.rates;

  const rows: SteadyRow[] = [];
  let stoppedAt: number | undefined;
  for (let i = 0; i < rates.length; i++) {
    const rate = rates[i];
    log(`Rate ${rate} orders/s (${i + 1}/${rates.length}), ${options.windowMs / 1000} s per phase`);
    const row = { rate, ...(await measure(rate, `r${i + 1}`)) };
    rows.push(row);
    log(`  baseline ${describe(row.baseline)}; Ordo ${describe(row.ordo)}`);
    // Past saturation for both: higher rates only lengthen the drain.
    if (row.baseline.grows && row.ordo.grows) {
      if (i < rates.length - 1) stoppedAt = rate;
      break;
    }
    // Automatic rates go on past the list until both sides stop keeping up, so that each knee is found, not capped.
    if (options.rates === 'auto' && i === rates.length - 1 && rates.length < AUTO_FRACTIONS.length + MAX_EXTRA_RATES) rates.push(round(rate * 1.2, 2));
  }

  const lastRow = rows[rows.length - 1];
  const knee = {
    baseline: kneeOf(rows, 'baseline'),
    ordo: kneeOf(rows, 'ordo'),
    ratio: Number.NaN,
    // A side that kept up at the highest rate run has a knee of at least that: the sweep did not reach it.
    atLeast: { baseline: !lastRow.baseline.grows, ordo: !lastRow.ordo.grows },
  };
  knee.ratio = knee.baseline !== null && knee.ordo !== null ? ratio(knee.ordo, knee.baseline) : knee.baseline !== null ? 0 : Number.NaN;
  let halfKnee: SteadyResult['halfKnee'];
  if (knee.baseline !== null) {
    const rate = round(knee.baseline / 2, 2);
    log(`Half the baseline's knee: ${rate} orders/s`);
    const half = await measure(rate, 'half');
    halfKnee = { rate, baseline: half.baseline, ordo: half.ordo, p95Ratio: half.p95Ratio.median, p95Spread: half.p95Ratio };
  }
  return { probe, rates, rows, knee, halfKnee, stoppedAt };
}

export function autoRates(baselineThroughput: number): number[] {
  return [...new Set(AUTO_FRACTIONS.map((f) => Math.max(0.05, round(f * baselineThroughput, 2))))];
}

/** The highest rate a side sustains with every lower rate of the sweep sustained too. */
export function kneeOf(rows: readonly Pick<SteadyRow, 'rate' | 'baseline' | 'ordo'>[], side: Contender['name']): number | null {
  let knee: number | null = null;
  for (const row of [...rows].sort((a, b) => a.rate - b.rate)) {
    if (row[side].grows) break;
    knee = row.rate;
  }
  return knee;
}

function summarise(rounds: OpenLoopResult[]): SideAtRate {
  const slope = percentile(rounds.map((r) => r.backlog.slopePerSecond), 50);
  return {
    rounds,
    // Each round's own percentiles, the median over the rounds (with one round: that round's).
    latencyMs: {
      p50: percentile(rounds.map((r) => r.latencyMs.p50), 50),
      p95: percentile(rounds.map((r) => r.latencyMs.p95), 50),
      p99: percentile(rounds.map((r) => r.latencyMs.p99), 50),
    },
    completedPerSecond: percentile(rounds.map((r) => r.completedPerSecond), 50),
    backlogSlopePerSecond: slope,
    backlogAtEnd: Math.max(...rounds.map((r) => r.backlog.perSecond.at(-1) ?? 0)),
    grows: rounds.filter((r) => r.backlog.grows).length * 2 >= rounds.length,
    failed: rounds.reduce((n, r) => n + r.failed, 0),
    ...cpuAtRate(rounds),
  };
}

function cpuAtRate(rounds: OpenLoopResult[]): Pick<SideAtRate, 'cpu'> {
  const msPerOrder = cpuPerOrder(rounds.map((r) => r.cpu), rounds.reduce((n, r) => n + r.completed, 0));
  if (!msPerOrder) return {};
  const kinds = Object.keys(rounds[0].cpu!.coresBusy) as Array<ProcessKind | 'other'>;
  const coresBusy = Object.fromEntries(kinds.map((kind) => [kind, percentile(rounds.map((r) => r.cpu!.coresBusy[kind]), 50)])) as Record<ProcessKind | 'other', number>;
  return { cpu: { coresBusy, msPerOrder } };
}

function describe(side: SideAtRate): string {
  return `p95 ${Math.round(side.latencyMs.p95)} ms, ${side.completedPerSecond.toFixed(2)}/s done, backlog ${side.backlogAtEnd} (${side.backlogSlopePerSecond >= 0 ? '+' : ''}${side.backlogSlopePerSecond.toFixed(2)}/s)${side.grows ? ' GROWS' : ''}`;
}
