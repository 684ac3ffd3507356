import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { createActivities } from '../activities';
import { catalogGuardProblems } from '../domain/catalog-guards';
import { orderLimitProblems } from '../domain/limits';
import { payloadCodecsWith } from '../config/connection';
import { inMemoryKeys } from '../config/keyring';
import type { LoadedConfig } from '../config/load';
import { startSimulators } from '../simulators';
import { payloadConverter } from '../workflows/payload-converter';
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
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

// ---- The full path: what an order of that size costs from submission to the plan in the order's hands ----

/**
 * One order size through everything between submission and the order workflow holding its plan, each part timed
 * on its own (median of the runs, in ms):
 * - `clientCheck`: what `OrdoClient.startOrder` runs before starting the workflow (limits, validation, catalog
 *   guards, a trial decomposition: client/check-order.ts);
 * - `activity`: the decomposeOrder local activity as the worker runs it (validation again, catalog guards, the
 *   stock call to the inventory simulator over HTTP, decomposition, the plan's extras: activities/index.ts);
 * - `toPayload`/`encode`: the plan through Ordo's payload converter, then the codecs (gzip from 128 KiB, AES-256-GCM),
 *   as the worker records the local activity's result; `decode`/`fromPayload`: back, as the workflow reads it.
 * `fullPath` = activity + toPayload + encode + decode + fromPayload: the local activity's full path, which the
 * target (< 150 ms at 10,000 items) is judged on; `withClientCheck` adds the submission's checks.
 */
export interface FullPathFigures {
  shape: DecomposeShape;
  items: number;
  clientCheckMs: number;
  activityMs: number;
  toPayloadMs: number;
  encodeMs: number;
  decodeMs: number;
  fromPayloadMs: number;
  fullPathMs: number;
  withClientCheckMs: number;
  /** The plan as stored in history: after gzip and encryption. */
  storedBytes: number;
  /** Why `OrdoClient.startOrder` refuses the order at submission (domain/limits.ts), if it does: its checks are timed all the same. */
  refusedAtSubmission?: string;
  runs: number;
}

/** The target of issue 15: a 10,000-item order validated and decomposed, full path, in under 150 ms. */
export const FULL_PATH_TARGET_MS = 150;

/**
 * Times the full path (see FullPathFigures) for each case, against in-process simulators on a free port (no
 * latency, unlimited stock, in memory) and the codecs with a key of this run's own. Warm-up of 2 runs per size.
 */
export async function runFullPathBench(
  catalog: Catalog,
  config: Pick<LoadedConfig, 'systems' | 'billing' | 'queues' | 'decomposition'>,
  cases: Array<{ shape: DecomposeShape; items: number }>,
  runs: number,
  onSize?: (figures: FullPathFigures) => void,
): Promise<FullPathFigures[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-decompose-'));
  const unlimited = { 'LAPTOP-14': 1e9, 'LAPTOP-BUNDLE': 1e9, ROUTER: 1e9, 'SENSOR-KIT': 1e9 };
  const simulators = await startSimulators({ port: 0, dataDir: scratch, stock: { 'WH-EAST': unlimited, 'WH-WEST': unlimited }, inMemory: true });
  try {
    const systems = Object.fromEntries(Object.entries(config.systems).map(([name, endpoint]) => [name, { ...endpoint, url: `${simulators.url}/${name}` }]));
    const { decomposeOrder } = createActivities({ config: { ...config, systems }, catalog });
    const codecs = payloadCodecsWith(inMemoryKeys());
    const figures: FullPathFigures[] = [];
    for (const { shape, items } of cases) {
      const input = shape === 'fleet' ? fleetOrder(items) : largeOrder(items);
      const times: Record<'clientCheck' | 'activity' | 'toPayload' | 'encode' | 'decode' | 'fromPayload', number[]> = { clientCheck: [], activity: [], toPayload: [], encode: [], decode: [], fromPayload: [] };
      let storedBytes = 0;
      const tooLarge = orderLimitProblems(input);
      for (let run = 0; run < runs + 2; run++) {
        const keep = run >= 2;
        const order = timed(times.clientCheck, keep, () => submissionChecks(input, catalog));
        const plan = await timedAsync(times.activity, keep, () => decomposeOrder(order));
        const payload = timed(times.toPayload, keep, () => payloadConverter.toPayload(plan));
        const [stored] = await timedAsync(times.encode, keep, () => encodeAll(codecs, [payload]));
        storedBytes = stored.data?.length ?? 0;
        const [decoded] = await timedAsync(times.decode, keep, () => decodeAll(codecs, [stored]));
        timed(times.fromPayload, keep, () => payloadConverter.fromPayload(decoded));
      }
      const m = Object.fromEntries(Object.entries(times).map(([part, values]) => [part, median(values)])) as Record<keyof typeof times, number>;
      const fullPathMs = m.activity + m.toPayload + m.encode + m.decode + m.fromPayload;
      const measured: FullPathFigures = {
        shape,
        items,
        clientCheckMs: m.clientCheck,
        activityMs: m.activity,
        toPayloadMs: m.toPayload,
        encodeMs: m.encode,
        decodeMs: m.decode,
        fromPayloadMs: m.fromPayload,
        fullPathMs,
        withClientCheckMs: fullPathMs + m.clientCheck,
        storedBytes,
        ...(tooLarge.length ? { refusedAtSubmission: tooLarge.map((p) => p.message).join('; ') } : {}),
        runs,
      };
      onSize?.(measured);
      figures.push(measured);
    }
    return figures;
  } finally {
    await simulators.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The full path as a terminal table, one row per size. */
export function fullPathTable(rows: FullPathFigures[]): string {
  const f = (n: number) => n.toFixed(1);
  const header = ['order', 'items', 'client check', 'activity', 'toPayload', 'encode', 'decode', 'fromPayload', 'full path', '+ client', 'stored KiB'];
  const body = rows.map((r) => [r.shape, r.items.toLocaleString('en-US'), f(r.clientCheckMs), f(r.activityMs), f(r.toPayloadMs), f(r.encodeMs), f(r.decodeMs), f(r.fromPayloadMs), f(r.fullPathMs), f(r.withClientCheckMs), f(r.storedBytes / 1024)]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n(ms, median; full path = activity + toPayload + encode + decode + fromPayload)';
}

/** The full-path target, judged on the largest large-order size measured (10,000 items by default). */
export function fullPathTarget(rows: FullPathFigures[]): { target: string; measured: string; met: boolean } | undefined {
  const largest = rows.filter((r) => r.shape === 'large').sort((a, b) => b.items - a.items)[0];
  if (!largest) return undefined;
  return {
    target: `a ${largest.items.toLocaleString('en-US')}-item order validated and decomposed, full path, < ${FULL_PATH_TARGET_MS} ms`,
    measured: `${largest.fullPathMs.toFixed(1)} ms (${largest.withClientCheckMs.toFixed(1)} ms with the client's checks${largest.refusedAtSubmission ? '; the client refuses it: over its size limits' : ''})`,
    met: largest.fullPathMs < FULL_PATH_TARGET_MS,
  };
}

/**
 * What client/check-order.ts runs at submission, bar the size limits (timed apart, as a refusal): validation, the
 * catalog guards and a trial decomposition. An order over the limits is refused there before any of this runs.
 */
function submissionChecks(input: unknown, catalog: Catalog) {
  orderLimitProblems(input);
  const order = validateOrder(input);
  const outside = catalogGuardProblems(order, catalog);
  if (outside.length > 0) throw new Error(`the generated order breaks the catalog guards: ${outside.map((p) => p.message).join('; ')}`);
  decompose(order, catalog);
  return order;
}

async function encodeAll(codecs: PayloadCodec[], payloads: Parameters<PayloadCodec['encode']>[0]) {
  for (const codec of codecs) payloads = await codec.encode(payloads);
  return payloads;
}

async function decodeAll(codecs: PayloadCodec[], payloads: Parameters<PayloadCodec['decode']>[0]) {
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  return payloads;
}

function timed<T>(into: number[], keep: boolean, work: () => T): T {
  const started = process.hrtime.bigint();
  const result = work();
  if (keep) into.push(Number(process.hrtime.bigint() - started) / 1e6);
  return result;
}

async function timedAsync<T>(into: number[], keep: boolean, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await work();
  if (keep) into.push(Number(process.hrtime.bigint() - started) / 1e6);
  return result;
}
