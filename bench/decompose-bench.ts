import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Catalog } from '../domain/catalog';
import { decompose } from '../domain/decompose';
import type { Order } from '../domain/order';
import { validateOrder } from '../domain/validate-order';
import { largeOrder } from './large-order';
import { median, ratio } from './stats';

/** One order size through validation and decomposition (which builds every split's plan). */
export interface DecomposeFigures {
  items: number;
  fulfillmentOrders: number;
  steps: number;
  /** Median of the timed runs, in ms. */
  validateMs: number;
  decomposeMs: number;
  /** Heap the plan keeps alive, after a full collection before and after. */
  planHeapBytes: number;
  /** The plan as it is recorded in workflow history (JSON). */
  planJsonBytes: number;
  runs: number;
}

export interface DecomposeReport {
  sizes: DecomposeFigures[];
  /** decompose time of the largest size ÷ the next smaller (1,000 → 10,000: linear would be ~10×). */
  growth?: { from: number; to: number; itemsRatio: number; timeRatio: number };
}

/**
 * Times `decompose` (matching, routing, grouping and plan building) on generated orders of each size: a
 * warm-up, then `runs` timed runs, reporting the median. No server, no I/O.
 */
export function runDecomposeBench(catalog: Catalog, sizes: number[], runs: number, onSize?: (figures: DecomposeFigures) => void): DecomposeReport {
  const gc = exposeGc();
  const figures = sizes.map((items) => {
    const input = largeOrder(items);
    const order = validateOrder(input);
    for (let i = 0; i < 2; i++) decompose(order, catalog);
    const validateTimes = timeRuns(runs, () => validateOrder(input));
    const decomposeTimes = timeRuns(runs, () => decompose(order, catalog));
    const measured = { items, ...planSize(order, catalog, gc), validateMs: median(validateTimes), decomposeMs: median(decomposeTimes), runs };
    onSize?.(measured);
    return measured;
  });
  const [from, to] = [...figures].sort((a, b) => a.items - b.items).slice(-2);
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

function planSize(order: Order, catalog: Catalog, gc: () => void) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const plan = decompose(order, catalog);
  gc();
  const planHeapBytes = Math.max(0, process.memoryUsage().heapUsed - before);
  return {
    fulfillmentOrders: plan.fulfillmentOrders.length + (plan.accountFulfillmentOrders?.length ?? 0),
    steps: plan.fulfillmentOrders.reduce((n, fo) => n + fo.steps.length, 0),
    planHeapBytes,
    planJsonBytes: Buffer.byteLength(JSON.stringify(plan)),
  };
}

/** `global.gc` without needing `--expose-gc` on the command line (the flag set at run time, read from a fresh context). */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
