import * as fs from 'node:fs';
import * as os from 'node:os';

export interface MachineInfo {
  nproc: number;
  totalMemoryBytes: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** The load averages when the run started and when it ended: a busy machine shows here, and its figures are suspect. */
  load?: { before: LoadAverage; after: LoadAverage };
}

/** `/proc/loadavg`'s three figures: runnable processes averaged over 1, 5 and 15 minutes. */
export interface LoadAverage {
  oneMinute: number;
  fiveMinutes: number;
  fifteenMinutes: number;
}

export function loadAverage(): LoadAverage {
  const [oneMinute, fiveMinutes, fifteenMinutes] = os.loadavg().map((n) => Math.round(n * 100) / 100);
  return { oneMinute, fiveMinutes, fifteenMinutes };
}

/** What a figure was measured on: it goes in every report, next to the exact command. `loadBefore`: taken when the run started. */
export function machineInfo(loadBefore?: LoadAverage): MachineInfo {
  return {
    nproc: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    cpuModel: cpuModel(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    ...(loadBefore ? { load: { before: loadBefore, after: loadAverage() } } : {}),
  };
}

function cpuModel(): string {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** The command as the user typed it: `npm run bench -- …` when npm started us. */
export function commandLine(argv: readonly string[] = process.argv.slice(2)): string {
  const script = process.env.npm_lifecycle_event;
  // bench:decompose runs `bench/main.ts --decompose`: that flag is the script's, not the user's.
  const args = (script === 'bench:decompose' && argv[0] === '--decompose' ? argv.slice(1) : argv).join(' ');
  if (script === 'bench' || script === 'bench:decompose') return `npm run ${script}${args ? ` -- ${args}` : ''}`;
  return `npx tsx bench/main.ts${args ? ` ${args}` : ''}`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}
