import * as fs from 'node:fs';

/**
 * Which process held the cores while a setting ran: the average cores busy per kind of process (the Temporal
 * server, PostgreSQL, the bench's worker processes, the bench process itself) and the rest of the machine, read
 * from /proc before and after. On a server that scales, this is what says what saturates
 * (docs/production-temporal.md). Linux only; elsewhere it measures nothing. Processes that start and end
 * between the two readings are missed (PostgreSQL's pooled connections and the workers live throughout).
 */

export type ProcessKind = 'temporalServer' | 'postgres' | 'workerProcesses' | 'bench';

export interface CpuUsage {
  wallSeconds: number;
  /** Cores of the machine. */
  cores: number;
  /** Average cores busy over the interval, per kind, and `other`: everything else on the machine (other jobs). */
  coresBusy: Record<ProcessKind | 'other', number>;
  /** CPU time over the interval, per kind, in seconds (user + system): what a phase's orders cost each kind. */
  cpuSeconds: Record<ProcessKind, number>;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux Node.js runs on

function kindOf(pid: number): ProcessKind | undefined {
  if (pid === process.pid) return 'bench';
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
  if (/temporal-server |temporal server start-dev/.test(cmdline)) return 'temporalServer';
  if (/^postgres[: ]|\/postgres /.test(cmdline)) return 'postgres';
  if (cmdline.includes('bench/worker-processes.ts')) return 'workerProcesses';
  return undefined;
}

/** CPU ticks so far: per kind, and the machine's busy total. */
function snapshot(): { perKind: Record<ProcessKind, number>; machineBusy: number } {
  const perKind: Record<ProcessKind, number> = { temporalServer: 0, postgres: 0, workerProcesses: 0, bench: 0 };
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const kind = kindOf(Number(entry));
    if (!kind) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      perKind[kind] += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // gone meanwhile
    }
  }
  const [, ...times] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = times[3] + (times[4] ?? 0); // idle, iowait
  return { perKind, machineBusy: times.reduce((a, b) => a + b, 0) - idle };
}

/** Starts measuring; stop() answers the usage since, or undefined where there is no /proc. */
export function startCpuUsage(): { stop(): CpuUsage | undefined } {
  if (!fs.existsSync('/proc/stat')) return { stop: () => undefined };
  const started = Date.now();
  const before = snapshot();
  return {
    stop() {
      const after = snapshot();
      const wallSeconds = (Date.now() - started) / 1000;
      const cores = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / wallSeconds) * 100) / 100;
      const kinds = Object.keys(before.perKind) as ProcessKind[];
      const busy = Object.fromEntries(kinds.map((kind) => [kind, cores(after.perKind[kind] - before.perKind[kind])])) as Record<ProcessKind, number>;
      const ours = kinds.reduce((sum, kind) => sum + (after.perKind[kind] - before.perKind[kind]), 0);
      return {
        wallSeconds: Math.round(wallSeconds * 10) / 10,
        cores: (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm) ?? []).length,
        coresBusy: { ...busy, other: Math.max(0, cores(after.machineBusy - before.machineBusy - ours)) },
        cpuSeconds: Object.fromEntries(kinds.map((kind) => [kind, (after.perKind[kind] - before.perKind[kind]) / TICKS_PER_SECOND])) as Record<ProcessKind, number>,
      };
    },
  };
}

/** One line for the console: `cores busy (of 2, over 41.2 s): Temporal server 0.81, PostgreSQL 0.40, …`. */
export function describeCpuUsage(cpu: CpuUsage): string {
  const { temporalServer, postgres, workerProcesses, bench, other } = cpu.coresBusy;
  const parts = [`Temporal server ${temporalServer}`, `PostgreSQL ${postgres}`, `worker processes ${workerProcesses}`, `bench process ${bench}`, `rest of the machine ${other}`];
  return `cores busy (of ${cpu.cores}, over ${cpu.wallSeconds} s): ${parts.join(', ')}`;
}

/**
 * CPU per completed order, in ms, over some runs of one contender (only one contender runs at a time, so a run's
 * CPU is its own): the workers (the worker processes, or the bench process when the workers run in it, its
 * submitter included), the Temporal server and PostgreSQL.
 */
export interface CpuPerOrder {
  workers: number;
  /** Where `workers` was read: `workerProcesses`, or `benchProcess` (workers in the bench's process, with its submitter). */
  workersIn: 'workerProcesses' | 'benchProcess';
  temporalServer: number;
  postgres: number;
}

/** The runs' CPU per completed order; undefined when a run has no reading (no /proc) or nothing completed. */
export function cpuPerOrder(readings: ReadonlyArray<CpuUsage | undefined>, completed: number): CpuPerOrder | undefined {
  if (completed === 0 || readings.some((cpu) => cpu === undefined)) return undefined;
  const perOrder = (pick: (cpu: CpuUsage) => number) => ((readings as CpuUsage[]).reduce((total, cpu) => total + pick(cpu), 0) * 1000) / completed;
  const inProcesses = perOrder((cpu) => cpu.cpuSeconds.workerProcesses) > 0;
  return {
    workers: perOrder((cpu) => (inProcesses ? cpu.cpuSeconds.workerProcesses : cpu.cpuSeconds.bench)),
    workersIn: inProcesses ? 'workerProcesses' : 'benchProcess',
    temporalServer: perOrder((cpu) => cpu.cpuSeconds.temporalServer),
    postgres: perOrder((cpu) => cpu.cpuSeconds.postgres),
  };
}
