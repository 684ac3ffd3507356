import { COMPRESS_FROM_BYTES } from '../config/payload-codec';
import { TEMPORAL_PAYLOAD_LIMIT_BYTES, type DecomposeReport } from './decompose-bench';
import { formatBytes } from './machine';
import type { Comparison } from './side-by-side';

/** One target of the issue, and whether this run met it. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** `undefined`: this run cannot tell (e.g. too few orders in flight for the memory target). */
  met: boolean | undefined;
}

const GiB = 1024 ** 3;

export function serverTargets(comparison: Comparison): TargetCheck[] {
  const { ratios, ordo } = comparison;
  return [
    { target: 'Ordo throughput ≥ 0.8× baseline', measured: `${ratios.throughput.toFixed(2)}×`, met: ratios.throughput >= 0.8 },
    { target: 'p95 latency ≤ 1.5× baseline', measured: `${ratios.p95.toFixed(2)}×`, met: ratios.p95 <= 1.5 },
    { target: 'history events per step ≤ 1.3× a bare activity', measured: `${ratios.eventsPerStep.toFixed(2)}×`, met: ratios.eventsPerStep <= 1.3 },
    {
      target: 'worker RSS < 1 GiB (1,000 orders in flight)',
      measured: `${formatBytes(ordo.peakRssBytes)} with up to ${ordo.maxInFlight} orders in flight`,
      // Over 1 GiB with fewer in flight already misses it; under it, only a run with 1,000 in flight can tell.
      met: ordo.peakRssBytes >= GiB ? false : ordo.maxInFlight >= 1000 ? true : undefined,
    },
  ];
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
