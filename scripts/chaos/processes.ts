import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadedConfig } from '../../config/load';
import { stackDown, stackUp, workerHealthFile, type WorkerHealth } from '../stack';

/**
 * The private stack's processes, started and brought back by scripts/stack.ts (the same code as `ordo stack up`), and
 * killed here the hard way: SIGKILL to the part's whole process group, nothing flushed, nothing said goodbye.
 */

export type Part = 'worker' | 'temporal';

export interface Kill {
  part: Part;
  /** When the SIGKILL went out, and how long after the run started. */
  at: string;
  afterMs: number;
  pids: number[];
  /** Orders still running (Temporal's visibility) just before the kill. */
  ordersInFlight?: number;
  /** How long until the part answered again (the worker polling; the server reachable and the worker polling again). */
  backInMs: number;
}

export class ChaosStack {
  private readonly startedAt = Date.now();
  readonly kills: Kill[] = [];

  constructor(readonly config: LoadedConfig, private readonly env: NodeJS.ProcessEnv, private readonly log: (line: string) => void) {}

  /** Starts whatever is not running (all of it, the first time) and returns once the worker polls. */
  async up(): Promise<void> {
    await stackUp(this.config, { detach: true, log: (line) => this.log(`  ${line}`), env: this.env });
  }

  /** SIGKILLs the part, then brings the stack back up (the server on the same database file). */
  async killAndRestart(part: Part, ordersInFlight?: number): Promise<Kill> {
    const pids = this.pidsOf(part);
    if (pids.length === 0) throw new Error(`no ${part} process is recorded in ${this.config.dataDir}: was the stack started?`);
    const at = new Date();
    for (const pid of pids) sigkill(pid);
    // Until the kernel has taken them down, a killed worker still counts as running (its pid lives, Temporal lists its
    // poller) and the stack would not start another: wait for them to be gone (or zombies nobody reaps).
    await gone(pids, 10_000);
    const inFlight = ordersInFlight === undefined ? '' : `, ${ordersInFlight} orders in flight`;
    this.log(`SIGKILL ${part} (pids ${pids.join(', ')}) at +${Math.round((at.getTime() - this.startedAt) / 1000)}s${inFlight}`);
    await this.up();
    const kill: Kill = {
      part,
      at: at.toISOString(),
      afterMs: at.getTime() - this.startedAt,
      pids,
      ...(ordersInFlight === undefined ? {} : { ordersInFlight }),
      backInMs: Date.now() - at.getTime(),
    };
    this.log(`  ${part} back after ${(kill.backInMs / 1000).toFixed(1)}s`);
    this.kills.push(kill);
    return kill;
  }

  /** Stops everything the run started (SIGTERM then SIGKILL to each part's process group). Safe to call twice. */
  async down(): Promise<void> {
    await stackDown(this.config, () => undefined).catch(() => undefined);
    // A start that failed half way recorded nothing: whatever still runs with this run's folder in its command line or
    // environment (the server's database, the simulators' data folder, the worker's ORDO_CONFIG) is this run's.
    for (const pid of processesMentioning(path.dirname(this.config.file))) sigkill(pid);
  }

  /** The part's process group (tsx in front of the worker, the CLI for the server) and, for the worker, its node process. */
  private pidsOf(part: Part): number[] {
    const record = readJson<{ pids: Partial<Record<'temporal' | 'simulators' | 'worker', number>> }>(path.join(this.config.dataDir, 'stack.json'));
    const pids = [record?.pids[part]];
    if (part === 'worker') pids.push(readJson<WorkerHealth>(workerHealthFile(this.config))?.pid);
    return pids.filter((pid): pid is number => typeof pid === 'number');
  }
}

async function gone(pids: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(running) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The process exists and is not a zombie (killed, waiting for a parent to reap it). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true; // no /proc (macOS): kill(pid, 0) is all there is
    } catch {
      return false;
    }
  }
}

/** Pids (other than this process) whose command line or environment names `text`; none where there is no /proc. */
function processesMentioning(text: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    if (pid === process.pid) return false;
    for (const file of ['cmdline', 'environ']) {
      try {
        if (fs.readFileSync(`/proc/${pid}/${file}`, 'utf8').includes(text)) return true;
      } catch {
        // gone, or not ours to read
      }
    }
    return false;
  });
}

function sigkill(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // not a group leader, or already gone
    }
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
