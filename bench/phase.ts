import type { Client } from '@temporalio/client';
import type { Contender } from './contenders';
import { startCpuUsage, type CpuUsage } from './cpu-usage';
import { runPool } from './pool';
import { ProgressBar } from './progress';
import { sampleRss } from './rss';

/** What one phase measured: `count` orders of one contender, submitted as fast as the submitter can. */
export interface PhaseResult {
  contender: Contender['name'];
  orders: number;
  completed: number;
  failed: number;
  /** First submission to last close, in ms: the denominator of throughput. */
  elapsedMs: number;
  /** Submission (client clock, just before the start call) → workflow close time (server), per order. */
  latenciesMs: number[];
  /** The most orders submitted and not yet closed at any moment. */
  maxInFlight: number;
  peakRssBytes: number;
  /** Workflow ids of the orders and their children, for counting history events afterwards. */
  workflows: Array<{ id: string; childIds: string[] }>;
  /** CPU each kind of process spent during the phase (one contender runs at a time): undefined without /proc. */
  cpu?: CpuUsage;
}

/** Waiting for results is limited too: a long poll per open order would be a load of its own. */
const WAIT_CONCURRENCY = 64;

export async function runPhase(options: {
  contender: Contender;
  temporal: Client;
  count: number;
  concurrency: number;
  /** Prefix of fresh order ids, unique on the server. */
  idPrefix: string;
  label: string;
  quiet?: boolean;
}): Promise<PhaseResult> {
  const { contender, count } = options;
  const submittedAt: number[] = new Array(count);
  const closedAt: number[] = new Array(count);
  const outcomes: Array<{ ok: boolean; childIds: string[] }> = new Array(count);
  // Each order's workflow id, once its start call answers: the waiters follow the submitter.
  const started = Array.from({ length: count }, () => deferred<string>());
  const ids: string[] = new Array(count);
  const bar = new ProgressBar(options.label, count, options.quiet);
  let submitted = 0;
  let finished = 0;
  const rss = sampleRss(100);
  const cpuUsage = startCpuUsage();

  const submitting = runPool(count, options.concurrency, async (i) => {
    submittedAt[i] = Date.now();
    try {
      ids[i] = await contender.start(`${options.idPrefix}-${i}`);
    } catch (error) {
      started[i].reject(error);
      throw error;
    }
    started[i].resolve(ids[i]);
    submitted++;
    bar.update(finished, `(${submitted} submitted)`);
  });
  const waiting = runPool(count, WAIT_CONCURRENCY, async (i) => {
    const id = await started[i].promise;
    // A failed order is counted as failed, not thrown: the report says how many did not complete.
    outcomes[i] = await contender.finish(id).catch(() => ({ ok: false, childIds: [] }));
    const description = await options.temporal.workflow.getHandle(id).describe();
    closedAt[i] = description.closeTime?.getTime() ?? Date.now();
    finished++;
    bar.update(finished, `(${submitted} submitted)`);
  });
  await Promise.all([submitting, waiting]);
  const cpu = cpuUsage.stop();
  const memory = rss.stop();
  bar.finish();

  const first = Math.min(...submittedAt);
  const last = Math.max(...closedAt);
  const completed = outcomes.filter((o) => o.ok).length;
  return {
    contender: contender.name,
    orders: count,
    completed,
    failed: count - completed,
    elapsedMs: last - first,
    latenciesMs: submittedAt.map((t, i) => closedAt[i] - t),
    maxInFlight: maxInFlight(submittedAt, closedAt),
    peakRssBytes: memory.peakBytes,
    workflows: ids.map((id, i) => ({ id, childIds: outcomes[i].childIds })),
    ...(cpu ? { cpu } : {}),
  };
}

/** The most intervals [submitted, closed) open at once. */
function maxInFlight(starts: number[], ends: number[]): number {
  const edges = [...starts.map((t) => [t, 1] as const), ...ends.map((t) => [t, -1] as const)].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of edges) most = Math.max(most, (open += delta));
  return most;
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // the submitter reports the failure; the waiter must not crash the process first
  return { promise, resolve, reject };
}
