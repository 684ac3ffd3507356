import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundle } from '@temporalio/worker';
import { readCredentialFile, signRequest } from '../client/operator-credentials';
import { OrdoClient } from '../client/ordo-client';
import { createOperatorKeys, privateKeyFile } from '../config/operator-keys';
import type { LoadedConfig } from '../config/load';
import type { Catalog } from '../domain/catalog';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../workflows/ids';
import { completeManualTaskUpdate, fulfillmentOrderPlanQuery, summaryQuery } from '../workflows/messages';
import { createOrdoWorker } from '../workers/create';
import { exposeGc } from './decompose-bench';
import { runPool } from './pool';
import { ProgressBar } from './progress';
import { median, round } from './stats';

/** The catalog of parked orders: one manual task per order (bench/catalogs/parked.yaml). */
export const PARKED_CATALOG = path.resolve(__dirname, 'catalogs', 'parked.yaml');
const PARKED_QUEUE = 'parked-desk';
/** The split of a parked order (its one fulfillment order, fulfilled by the provisioning system). */
const PARKED_SPLIT = 'FO-provisioning';
const PARKED_STEP = 'parked.wait';
/** The step's runAs identity: the bench completes tasks as it, signed as every operator message is by default. */
const PARKED_OPERATOR = 'parked-bench';

/** Issue 15's targets: at most 20 KiB of worker memory per parked order, 10,000 of them in under 1 GiB. */
export const KIB_PER_PARKED_ORDER_TARGET = 20;
export const RSS_AT_10K_TARGET_BYTES = 1024 ** 3;

export interface ParkedFigures {
  /** Orders parked after the cache was full (each is an order workflow and its split, both waiting). */
  orders: number;
  /** Orders parked first to fill the worker's cache, not counted. */
  warmup: number;
  cache: number;
  parkSeconds: number;
  /** Process RSS and V8 heap (main thread) with the cache full, before the counted orders; then after them, settled. */
  rssBeforeBytes: number;
  rssAfterBytes: number;
  peakRssBytes: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  /** RSS when half the counted orders were parked. */
  rssMiddleBytes: number;
  /** (RSS after − before) ÷ orders: what one more parked order costs the worker once the cache is full. */
  kibPerParkedOrder: number;
  /**
   * The same over the second half only: memory the process only grew into (allocator arenas, a workflow thread's
   * heap that its own collector has not shrunk yet) shows in the first half; what each order keeps shows in both.
   */
  kibPerParkedOrderSecondHalf: number;
  /**
   * (heap after − before) ÷ orders, after full collections. Only with `workflowsInMainThread` does it see the workflows'
   * memory: then it is what each parked order keeps in JS, with no garbage a workflow thread has not collected yet.
   */
  heapKibPerParkedOrder: number;
  workflowsInMainThread: boolean;
  /**
   * RSS with 10,000 parked: measured when this run parked that many (warm-up included), else RSS after plus the
   * orders missing times the second half's slope (the first half's includes the process growing into its arenas).
   */
  projectedRssAt10kBytes: number;
  /**
   * The cost of a cache miss at this size: orders parked first (long evicted) queried (`summary`), their splits
   * queried (`plan`), and each split's manual task completed by update (a replay, then a workflow task), median
   * ms; and the same order queried again at once (cached now).
   */
  cacheMiss: { probes: number; orderQueryEvictedMs: number; orderQueryCachedMs: number; splitQueryEvictedMs: number; completeEvictedMs: number };
}

export interface ParkedOptions {
  connection: NativeConnection;
  temporal: Client;
  config: LoadedConfig;
  /** The repository's catalog and the parked catalog (PARKED_CATALOG), loaded together. */
  catalog: Catalog;
  bundle: WorkflowBundle;
  orders: number;
  cache: number;
  /** Orders parked before measuring (default the cache size + 50, so the cache is full and its runs are warm). */
  warmup?: number;
  /** Evicted orders probed for the cache-miss cost (default 20). */
  probes?: number;
  concurrency?: number;
  /** How long the worker is left quiet before each memory reading (default 3 s). */
  settleMs?: number;
  /**
   * Runs the workflows on the main thread (the SDK's debug mode), so the full collections before each reading reach
   * them and the heap figures are what parked orders keep, not what a workflow thread has yet to collect.
   */
  workflowsInMainThread?: boolean;
  tag?: string;
  quiet?: boolean;
}

/**
 * Parks orders well past the worker's cache and measures what each costs the worker: an Ordo worker in this
 * process (nothing else polling), `warmup` orders to fill its cache, RSS with a full collection; then `orders` more,
 * RSS again once they are all parked (counted through visibility: their splits list the manual queue). Then the
 * cost of a cache miss on the first orders parked, which the cache evicted long ago.
 */
export async function runParkedBench(options: ParkedOptions): Promise<ParkedFigures> {
  const tag = options.tag ?? Date.now().toString(36);
  const taskQueue = `bench-parked-${tag}`;
  // Operators sign (the default): a key of this run's own for the bench's operator, recorded with every plan.
  const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-parked-keys-'));
  createOperatorKeys(keysDir, [PARKED_OPERATOR]);
  const signer = readCredentialFile(privateKeyFile(keysDir, PARKED_OPERATOR));
  const config: LoadedConfig = {
    ...options.config,
    operators: { ...options.config.operators, authentication: 'signed' },
    operatorKeysDir: keysDir,
    worker: { ...options.config.worker, maxCachedWorkflows: options.cache },
    temporal: { ...options.config.temporal, taskQueue },
  };
  // The SDK reads TEMPORAL_DEBUG when the worker is made: debug mode runs workflows on this thread.
  const debugBefore = process.env.TEMPORAL_DEBUG;
  if (options.workflowsInMainThread) process.env.TEMPORAL_DEBUG = '1';
  const worker = await createOrdoWorker({
    connection: options.connection,
    client: options.temporal,
    config,
    catalog: options.catalog,
    workflowBundle: options.bundle,
  });
  if (options.workflowsInMainThread) {
    if (debugBefore === undefined) delete process.env.TEMPORAL_DEBUG;
    else process.env.TEMPORAL_DEBUG = debugBefore;
  }
  const running = worker.run();
  const gc = exposeGc();
  const ordo = new OrdoClient(options.temporal, taskQueue, options.catalog);
  const concurrency = options.concurrency ?? 32;
  const warmup = options.warmup ?? options.cache + 50;
  const idOf = (i: number) => `PARK-${tag}-${i}`;
  const alreadyParked = await parkedCount(options.temporal);
  let parkedSoFar = 0;
  const park = async (from: number, count: number, label: string) => {
    const progress = new ProgressBar(label, count, options.quiet);
    parkedSoFar = Math.max(parkedSoFar, from + count);
    await runPool(count, concurrency, async (i) => {
      await ordo.startOrder(parkedOrder(idOf(from + i)));
    });
    for (;;) {
      const parked = (await parkedCount(options.temporal)) - alreadyParked - from;
      progress.update(Math.min(parked, count), 'parked');
      if (parked >= count) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    progress.finish();
  };
  try {
    await park(0, warmup, `warm-up (cache ${options.cache})`);
    const before = await settledMemory(gc, options.settleMs ?? 3000);
    const startedAt = Date.now();
    let peakRssBytes = before.rss;
    const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss())), 250);
    const half = Math.floor(options.orders / 2);
    let middle = before;
    try {
      await park(warmup, half, `parking ${half} of ${options.orders}`);
      middle = await settledMemory(gc, options.settleMs ?? 3000);
      await park(warmup + half, options.orders - half, `parking ${options.orders - half} more`);
    } finally {
      clearInterval(sampler);
    }
    const parkSeconds = (Date.now() - startedAt) / 1000;
    const after = await settledMemory(gc, options.settleMs ?? 3000);
    const perOrder = (after.rss - before.rss) / options.orders;
    const perOrderSecondHalf = (after.rss - middle.rss) / Math.max(1, options.orders - half);

    const probes = Math.min(options.probes ?? 20, warmup);
    const orderEvicted: number[] = [];
    const orderCached: number[] = [];
    const splitEvicted: number[] = [];
    const completeEvicted: number[] = [];
    for (let i = 0; i < probes; i++) {
      // The first orders parked: evicted, since thousands of runs went through the cache after them.
      const order = options.temporal.workflow.getHandle(orderWorkflowId(idOf(i)));
      const split = options.temporal.workflow.getHandle(fulfillmentOrderWorkflowId(idOf(i), PARKED_SPLIT));
      orderEvicted.push(await timed(() => order.query(summaryQuery)));
      orderCached.push(await timed(() => order.query(summaryQuery)));
      splitEvicted.push(await timed(() => split.query(fulfillmentOrderPlanQuery)));
    }
    for (let i = probes; i < 2 * probes && i < warmup; i++) {
      const split = options.temporal.workflow.getHandle(fulfillmentOrderWorkflowId(idOf(i), PARKED_SPLIT));
      const request = signRequest(signer, 'completeManualTask', split.workflowId, { stepId: PARKED_STEP, actor: PARKED_OPERATOR });
      completeEvicted.push(await timed(() => split.executeUpdate(completeManualTaskUpdate, { args: [request] })));
    }
    return {
      orders: options.orders,
      warmup,
      cache: options.cache,
      parkSeconds: round(parkSeconds),
      rssBeforeBytes: before.rss,
      rssAfterBytes: after.rss,
      peakRssBytes,
      heapBeforeBytes: before.heap,
      heapAfterBytes: after.heap,
      rssMiddleBytes: middle.rss,
      kibPerParkedOrder: round(perOrder / 1024, 2),
      kibPerParkedOrderSecondHalf: round(perOrderSecondHalf / 1024, 2),
      heapKibPerParkedOrder: round((after.heap - before.heap) / options.orders / 1024, 2),
      workflowsInMainThread: !!options.workflowsInMainThread || !!debugBefore,
      projectedRssAt10kBytes: Math.round(after.rss + Math.max(0, 10_000 - warmup - options.orders) * Math.max(0, perOrderSecondHalf)),
      cacheMiss: {
        probes,
        orderQueryEvictedMs: round(median(orderEvicted), 1),
        orderQueryCachedMs: round(median(orderCached), 1),
        splitQueryEvictedMs: round(median(splitEvicted), 1),
        completeEvictedMs: round(median(completeEvicted), 1),
      },
    };
  } finally {
    // The parked orders would wait forever on a task queue no worker polls: terminated (their splits with them), so a
    // server that keeps its data, and the test suite's shared one, are not left with orders nobody can run.
    await runPool(parkedSoFar, concurrency, (i) => options.temporal.workflow.getHandle(orderWorkflowId(idOf(i))).terminate('parked-order benchmark done').then(() => undefined, () => undefined));
    worker.shutdown();
    await running;
    fs.rmSync(keysDir, { recursive: true, force: true });
  }
}

/** An order of one PARKED-ITEM: it plans one split whose only step is a manual task. */
export function parkedOrder(id: string): Record<string, unknown> {
  return { id, accountId: 'BENCH-PARKED', channel: 'cpq', currency: 'USD', effectiveDate: '2026-11-23', items: [{ id: 'P1', product: 'PARKED-ITEM', quantity: 1, unitPrice: '10.00' }] };
}

/** Splits waiting on the parked queue, from visibility (the split lists the queue once its task is open). */
async function parkedCount(temporal: Client): Promise<number> {
  return (await temporal.workflow.count(`ManualQueues = '${PARKED_QUEUE}' AND ExecutionStatus = 'Running'`)).count;
}

/** RSS and heap after the worker has gone quiet: a few seconds, then full collections, the lowest of three readings. */
async function settledMemory(gc: () => void, settleMs: number): Promise<{ rss: number; heap: number }> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  let rss = Infinity;
  let heap = Infinity;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, settleMs / 6));
    rss = Math.min(rss, process.memoryUsage.rss());
    heap = Math.min(heap, process.memoryUsage().heapUsed);
  }
  return { rss, heap };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}
