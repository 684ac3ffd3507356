import { COMPRESS_FROM_BYTES } from '../config/payload-codec';
import { TEMPORAL_PAYLOAD_LIMIT_BYTES, type DecomposeReport } from './decompose-bench';
import { formatBytes } from './machine';
import type { Comparison } from './side-by-side';
import type { SteadyResult } from './steady';

/** One target of the issue, and whether this run met it. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** `undefined`: this run cannot tell (e.g. too few orders in flight for the memory target). */
  met: boolean | undefined;
}

const GiB = 1024 ** 3;

/**
 * Issue 15's targets a side-by-side run can judge: history events and workflow tasks per order against the like-for-like
 * baseline (on a server that saturates, these are the throughput ratio), and the worker's memory. Throughput and p95
 * are judged at a steady load (steadyTargets): a burst's p95 is the burst's length, not a latency.
 */
export function serverTargets(comparison: Comparison): TargetCheck[] {
  const { ratios, ordo, baseline } = comparison;
  const perOrder = (o: number, b: number) => `${o.toFixed(1)} ÷ ${b.toFixed(1)}`;
  return [
    {
      target: 'history events per order ≤ 1.1× the like-for-like baseline',
      measured: `${ratios.eventsPerOrder.toFixed(2)}× (${perOrder(ordo.history.eventsPerOrder, baseline.history.eventsPerOrder)})`,
      met: ratios.eventsPerOrder <= 1.1,
    },
    {
      target: 'workflow tasks per order ≤ 1.1× the like-for-like baseline',
      measured: `${ratios.workflowTasksPerOrder.toFixed(2)}× (${perOrder(ordo.history.workflowTasksPerOrder, baseline.history.workflowTasksPerOrder)})`,
      met: ratios.workflowTasksPerOrder <= 1.1,
    },
    {
      target: 'worker RSS < 1 GiB (1,000 orders in flight)',
      measured: `${formatBytes(ordo.peakRssBytes)} with up to ${ordo.maxInFlight} orders in flight`,
      // Over 1 GiB with fewer in flight already misses it; under it, only a run with 1,000 in flight can tell.
      met: ordo.peakRssBytes >= GiB ? false : ordo.maxInFlight >= 1000 ? true : undefined,
    },
  ];
}

/** The steady-load headlines: knee ÷ knee ≥ 0.9, and p95 ÷ p95 at half the baseline's knee ≤ 1.3. */
export function steadyTargets(result: SteadyResult): TargetCheck[] {
  const { knee, halfKnee } = result;
  return [
    {
      target: 'throughput knee ≥ 0.9× the like-for-like baseline’s',
      measured: `${Number.isFinite(knee.ratio) ? knee.ratio.toFixed(2) : 'n/a'}× (Ordo ${knee.atLeast.ordo ? '≥ ' : ''}${knee.ordo ?? 'none'} ÷ baseline ${knee.atLeast.baseline ? '≥ ' : ''}${knee.baseline ?? 'none'} orders/s)`,
      met: kneeMet(knee),
    },
    {
      target: 'p95 latency at half the baseline’s knee ≤ 1.3×',
      measured: halfKnee ? `${halfKnee.p95Ratio.toFixed(2)}× at ${halfKnee.rate} orders/s (Ordo ${Math.round(halfKnee.ordo.latencyMs.p95)} ms, baseline ${Math.round(halfKnee.baseline.latencyMs.p95)} ms)` : 'not measured (no knee)',
      met: halfKnee && Number.isFinite(halfKnee.p95Ratio) ? halfKnee.p95Ratio <= 1.3 : undefined,
    },
  ];
}

/** A knee the sweep did not reach is a bound: Ordo's a lower one (met if already ≥ 0.9), the baseline's an upper one. */
function kneeMet(knee: SteadyResult['knee']): boolean | undefined {
  if (!Number.isFinite(knee.ratio)) return undefined;
  const met = knee.ratio >= 0.9;
  if (knee.atLeast.baseline && knee.atLeast.ordo) return undefined;
  if (knee.atLeast.ordo) return met ? true : undefined;
  if (knee.atLeast.baseline) return met ? undefined : false;
  return met;
}

/** Temporal's pending-activity limit per workflow: no split may have more steps than this run at once. */
const PENDING_ACTIVITIES_LIMIT = 1000;

/**
 * Linear growth, allowing for noise: at most 1.3× the items ratio. For a fleet order of 2,000 items or more (5 steps
 * each): no split over Temporal's 1,000 pending activities, and whether its plan, as stored (gzipped from 128 KiB by
 * Ordo's payload codec), fits one 2 MiB payload.
 */
export function decomposeTargets(report: DecomposeReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const largest = report.sizes.filter((s) => s.shape === 'large').sort((a, b) => b.items - a.items)[0];
  if (largest && largest.items >= 10_000) {
    checks.push({ target: `decomposition of a ${largest.items.toLocaleString('en-US')}-item order < 100 ms`, measured: `${largest.decomposeMs.toFixed(1)} ms`, met: largest.decomposeMs < 100 });
  }
  const fleet = report.sizes.filter((s) => s.shape === 'fleet' && s.items >= 2000).sort((a, b) => b.items - a.items)[0];
  if (fleet) {
    const name = `${fleet.items.toLocaleString('en-US')}-item fleet order`;
    checks.push({
      target: `${name}: no split over ${PENDING_ACTIVITIES_LIMIT.toLocaleString('en-US')} steps`,
      measured: `${fleet.steps.toLocaleString('en-US')} steps in ${fleet.fulfillmentOrders} splits, the largest ${fleet.largestSplitSteps.toLocaleString('en-US')}`,
      met: fleet.largestSplitSteps <= PENDING_ACTIVITIES_LIMIT,
    });
    const stored = fleet.planJsonBytes >= COMPRESS_FROM_BYTES ? fleet.planGzipBytes : fleet.planJsonBytes;
    checks.push({
      target: `${name}: plan as stored in one payload < ${formatBytes(TEMPORAL_PAYLOAD_LIMIT_BYTES)}`,
      measured: `${formatBytes(stored)} (${formatBytes(fleet.planJsonBytes)} of JSON${stored < fleet.planJsonBytes ? ', gzipped' : ''})`,
      met: stored < TEMPORAL_PAYLOAD_LIMIT_BYTES,
    });
  }
  if (report.growth) {
    const { from, to, itemsRatio, timeRatio } = report.growth;
    checks.push({
      target: `linear growth ${from.toLocaleString('en-US')} → ${to.toLocaleString('en-US')} items (~${itemsRatio}×)`,
      measured: `${timeRatio.toFixed(1)}×`,
      met: timeRatio <= itemsRatio * 1.3,
    });
  }
  return checks;
}
