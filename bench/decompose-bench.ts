import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { Catalog } from '../domain/catalog';
import { decompose, type DecomposeOptions } from '../domain/decompose';
import type { Plan } from '../domain/plan';
import { validateOrder } from '../domain/validate-order';
import type { DecomposeShape } from './args';
import { fleetOrder, largeOrder } from './large-order';
import { median, ratio } from './stats';

/** One order size through validation and decomposition (which builds every split's plan). */
export interface DecomposeFigures {
  /** Which generated order: `large` (laptop bundles and SaaS seats) or `fleet` (sensor kits, 5 steps each). */
  shape: DecomposeShape;
  items: number;
  /** Splits, account splits included, after partitioning (each is one workflow). */
  fulfillmentOrders: number;
  /** Of those, parts of a partitioned split (`partOf` set). */
  parts: number;
  steps: number;
  /** The most steps in one split: what one workflow runs (`maxStepsPerFulfillmentOrder` caps it, bar an oversized bundle). */
  largestSplitSteps: number;
  /** The largest split as JSON: what a fulfillment-order workflow is started with. */
  largestSplitJsonBytes: number;
  /** Median of the timed runs, in ms. */
  validateMs: number;
  decomposeMs: number;
  /** Heap the plan keeps alive, after a full collection before and after. */
  planHeapBytes: number;
  /** The plan as it is recorded in workflow history (JSON): Temporal refuses payloads over 2 MiB by default. */
  planJsonBytes: number;
  /** The same JSON gzipped: what Ordo's payload codec stores when the JSON is 128 KiB or more (config/payload-codec.ts). */
  planGzipBytes: number;
  runs: number;
}

/** Temporal's default limit on one payload (an activity result such as the decomposition's plan). */
export const TEMPORAL_PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024;

export interface DecomposeBenchOptions {
  /** Sizes of the fleet order to run after the large ones (none by default). */
  fleetSizes?: number[];
  /** Passed to decompose, e.g. the configured maxStepsPerFulfillmentOrder. */
  decompose?: DecomposeOptions;
}

export interface DecomposeReport {
  sizes: DecomposeFigures[];
  /** decompose time of the largest size of the large order ÷ the next smaller (1,000 → 10,000: linear would be ~10×). */
  growth?: { from: number; to: number; itemsRatio: number; timeRatio: number };
}

/**
 * Times `decompose` (matching, routing, grouping and plan building) on generated orders of each size: a
 * warm-up, then `runs` timed runs, reporting the median. No server, no I/O.
 */
export function runDecomposeBench(
  catalog: Catalog,
  sizes: number[],
  runs: number,
  onSize?: (figures: DecomposeFigures) => void,
  options: DecomposeBenchOptions = {},
): DecomposeReport {
  const gc = exposeGc();
  const cases = [...sizes.map((items) => ({ shape: 'large' as const, items })), ...(options.fleetSizes ?? []).map((items) => ({ shape: 'fleet' as const, items }))];
  const figures = cases.map(({ shape, items }) => {
    const input = shape === 'fleet' ? fleetOrder(items) : largeOrder(items);
    const order = validateOrder(input);
    const run = () => decompose(order, catalog, undefined, options.decompose);
    for (let i = 0; i < 2; i++) run();
    const validateTimes = timeRuns(runs, () => validateOrder(input));
    const decomposeTimes = timeRuns(runs, run);
    const measured: DecomposeFigures = { shape, items, ...planSize(run, gc), validateMs: median(validateTimes), decomposeMs: median(decomposeTimes), runs };
    onSize?.(measured);
    return measured;
  });
  const [from, to] = figures.filter((f) => f.shape === 'large').sort((a, b) => a.items - b.items).slice(-2);
  return {
    sizes: figures,
    ...(from && to && from !== to ? { growth: { from: from.items, to: to.items, itemsRatio: to.items / from.items, timeRatio: ratio(to.decomposeMs, from.decomposeMs) } } : {}),
  };
}

function timeRuns(runs: number, work: () => unknown): number[] {
  return Array.from({ length: runs }, () => {
    const started = process.hrtime.bigint();
    work();
    return Number(process.hrtime.bigint() - started) / 1e6;
  });
}

function planSize(run: () => Plan, gc: () => void) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const plan = run();
  gc();
  const planHeapBytes = Math.max(0, process.memoryUsage().heapUsed - before);
  const splits = [...plan.fulfillmentOrders, ...(plan.accountFulfillmentOrders ?? [])];
  const json = JSON.stringify(plan);
  return {
    fulfillmentOrders: splits.length,
    parts: splits.filter((fo) => fo.partOf !== undefined).length,
    steps: plan.fulfillmentOrders.reduce((n, fo) => n + fo.steps.length, 0),
    largestSplitSteps: Math.max(0, ...splits.map((fo) => fo.steps.length)),
    largestSplitJsonBytes: Math.max(0, ...splits.map((fo) => Buffer.byteLength(JSON.stringify(fo)))),
    planHeapBytes,
    planJsonBytes: Buffer.byteLength(json),
    planGzipBytes: gzipSync(json).length,
  };
}

/** `global.gc` without needing `--expose-gc` on the command line (the flag set at run time, read from a fresh context). */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
