import type { Client } from '@temporalio/client';
import type { Contender } from './contenders';
import { startCpuUsage, type CpuUsage } from './cpu-usage';
import { runPool } from './pool';
import { ProgressBar } from './progress';
import { percentile } from './stats';

/**
 * One open-loop phase: orders of one contender arrive at a fixed rate for a fixed window, each on its schedule
 * whether or not the earlier ones are done (a closed loop would slow its arrivals down as the system slows, and
 * hide the queue). Afterwards every order is waited for, and the backlog (submitted − closed) is rebuilt second
 * by second from the submission times and the server's close times, so watching it costs the phase nothing.
 */
export interface OpenLoopResult {
  contender: Contender['name'];
  /** Arrivals per second asked for. */
  rate: number;
  windowMs: number;
  submitted: number;
  completed: number;
  failed: number;
  /** Orders closed within the window ÷ the window: what the side got through while the load lasted. */
  completedPerSecond: number;
  /** Submission (client clock) → close (server), over every order of the window, the ones drained after it too. */
  latencyMs: { p50: number; p95: number; p99: number };
  backlog: Backlog;
  /** How late the submitter was against its schedule, 99th percentile (ms): large, and the rate offered was not the rate asked. */
  submitLagMsP99: number;
  /** From the window's end to the last close: how long the queue left behind took to drain. */
  drainMs: number;
  /** CPU each kind of process spent from the first arrival to the last close; undefined without /proc. */
  cpu?: CpuUsage;
}

export interface Backlog {
  /** Orders submitted and not closed, at the end of each second of the window. */
  perSecond: number[];
  /** Least-squares slope of the second half of `perSecond`, in orders per second: ~0 when the side keeps up. */
  slopePerSecond: number;
  /** The slope is more than GROWTH_TOLERANCE of the arrival rate: the side completes fewer orders than arrive. */
  grows: boolean;
}

/**
 * A backlog grows when it rises by more than this share of the arrival rate per second over the window's second
 * half (the first half is the queue filling up to its steady level, rate × latency by Little's law). At 0.1 a side
 * that completes 90 % of what arrives is at its limit; the noise of a few-order backlog stays well under it.
 */
export const GROWTH_TOLERANCE = 0.1;

export async function runOpenLoop(options: {
  contender: Contender;
  temporal: Client;
  rate: number;
  windowMs: number;
  /** Prefix of fresh order ids, unique on the server. */
  idPrefix: string;
  label: string;
  quiet?: boolean;
}): Promise<OpenLoopResult> {
  const { contender, rate, windowMs } = options;
  const count = Math.max(1, Math.round((rate * windowMs) / 1000));
  const bar = new ProgressBar(options.label, count, options.quiet);
  const submittedAt: number[] = new Array(count);
  const lag: number[] = new Array(count);
  const ids: Array<string | undefined> = new Array(count);
  const starts: Array<Promise<void>> = [];
  const cpuUsage = startCpuUsage();
  const t0 = Date.now() + 20;
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    submittedAt[i] = Date.now();
    lag[i] = submittedAt[i] - due;
    // Not awaited: the next arrival keeps its schedule however long this start call takes.
    starts.push(contender.start(`${options.idPrefix}-${i}`).then(
      (id) => void (ids[i] = id),
      () => undefined, // counted as failed below
    ));
    bar.update(i + 1, '(submitting)');
  }
  await Promise.all(starts);

  const closedAt: number[] = new Array(count);
  const ok: boolean[] = new Array(count).fill(false);
  let closed = 0;
  await runPool(count, 64, async (i) => {
    const id = ids[i];
    if (id !== undefined) {
      ok[i] = (await contender.finish(id).catch(() => ({ ok: false }))).ok;
      const description = await options.temporal.workflow.getHandle(id).describe();
      closedAt[i] = description.closeTime?.getTime() ?? Date.now();
    } else closedAt[i] = submittedAt[i];
    bar.update(++closed, '(closed)');
  });
  bar.finish();
  const cpu = cpuUsage.stop();

  const windowEnd = t0 + windowMs;
  const completed = ok.filter(Boolean).length;
  const latencies = submittedAt.map((t, i) => closedAt[i] - t).filter((_, i) => ok[i]);
  return {
    contender: contender.name,
    rate,
    windowMs,
    submitted: count,
    completed,
    failed: count - completed,
    completedPerSecond: closedAt.filter((t, i) => ok[i] && t <= windowEnd).length / (windowMs / 1000),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    backlog: backlogOf(submittedAt, closedAt, t0, windowMs, rate),
    submitLagMsP99: percentile(lag, 99),
    drainMs: Math.max(0, Math.max(...closedAt) - windowEnd),
    ...(cpu ? { cpu } : {}),
  };
}

/** The backlog at the end of each second of the window, and whether its second half rises. */
export function backlogOf(submittedAt: readonly number[], closedAt: readonly number[], t0: number, windowMs: number, rate: number): Backlog {
  const seconds = Math.max(1, Math.floor(windowMs / 1000));
  const perSecond = Array.from({ length: seconds }, (_, s) => {
    // Just before the second ends: an arrival due on the boundary belongs to the next second (or after the window).
    const at = t0 + (s + 1) * 1000;
    return submittedAt.filter((t) => t < at).length - closedAt.filter((t) => t < at).length;
  });
  const half = perSecond.slice(Math.floor(seconds / 2));
  const slopePerSecond = slope(half);
  return { perSecond, slopePerSecond, grows: slopePerSecond > GROWTH_TOLERANCE * rate };
}

/** Least-squares slope of values taken one second apart (0 for fewer than two). */
export function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}
