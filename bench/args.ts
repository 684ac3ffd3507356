import { parseArgs } from 'node:util';
import { SHAPES, type ShapeName } from './shapes';
import { TUNING_FLAGS, type TuningFlag } from './tuning';

export const USAGE = `usage: npm run bench -- [options]
       npm run bench -- --steady [--rates auto|A,B,…] [--window 30] [--settle 5] [--rounds 1]
       npm run bench -- --large [--items 2000]
       npm run bench -- --decompose [--shape large|fleet] [--sizes 10,1000,10000] [--runs 7]   (also: npm run bench:decompose)

Runs Ordo and a like-for-like baseline (the laptop order written by hand on Temporal: bench/baseline-workflows.ts)
side by side against a file-backed Temporal dev server, simulators with no latency and one in-process worker each,
and reports Ordo ÷ baseline: the median of the rounds' ratios, with their spread.

  --orders N               orders per contender (default 240), split over the rounds; each round's orders come as one burst
  --shape laptop           the reference order (laptop: 3 fulfillment orders, 8 steps, 1 invoice; the only one with a
                           like-for-like baseline)
  --concurrency N          start calls in flight at once (default 32)
  --rounds N               rounds; they alternate which contender goes first (default 8; with --steady 1: pairs of
                           phases per rate)
  --settle S               seconds of pause before every measured phase (default 2; with --steady 5)
  --steady                 steady load instead: orders arrive at fixed rates (open loop) for --window seconds per rate
                           and side; p50/p95/p99 and backlog per rate, each side's knee (highest rate without a growing
                           backlog), and p95 at half the baseline's knee
  --rates auto|A,B,…       arrival rates in orders/s for --steady (default auto: 0.4–1.25× a burst probe of the baseline)
  --window S               seconds each --steady phase offers its rate (default 30)
  --warmup N               orders per contender before measuring, not counted (default 5)
  --solo N                 orders per contender run one at a time, for latency with no queue (default 3)
  --max-activities N       worker.maxConcurrentActivityTaskExecutions (default from temporal-config.yaml)
  --max-workflow-tasks N   worker.maxConcurrentWorkflowTaskExecutions (default from temporal-config.yaml)
  --cache N                worker.maxCachedWorkflows (default from temporal-config.yaml)
  --sweep KEY=V1,V2,…      one side-by-side run per value of cache, max-activities or max-workflow-tasks
  --history-sample N       orders per contender whose histories are counted (default 50)
  --probe-seconds N        after the side-by-side run, the ceiling probe (omes's single-no-op-activity workflow) on the
                           same server for N seconds, so both contenders' events/s are reported as fractions of the
                           server's ceiling (default 15; 0: no probe)
  --worker-processes N     the workers in N processes of their own (default 0: in the bench's process); for a
                           server that scales, e.g. TEMPORAL_ADDRESS at the PostgreSQL-backed one (docs/production-temporal.md)
  --large                  one large order instead (sensor kits, 5 steps each): does it complete within Temporal's
                           history and pending limits? (also: npm run bench:large)
  --items N                items of the --large order (default 2000)
  --decompose              the decomposition micro-benchmark instead (no server)
  --shape large|fleet      with --decompose, only that generated order: large (laptop bundles and SaaS seats over four
                           delivery groups) or fleet (IoT sensor kits, 5 steps each, one delivery group); without it
                           both: large at --sizes and fleet at 2,000 items
  --sizes A,B,…            order sizes in items for --decompose (default 10,1000,10000; with --shape fleet 2000)
  --runs N                 timed runs per size for --decompose, after warm-up (default 7)
  --out FILE               where the JSON report goes (default .ordo/bench/latest.json, steady-latest.json, …)
  --commit NAME            also write the report to docs/bench/NAME.json, to be committed with the docs that quote it
  --quiet                  no progress bar
  -h, --help               this text`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ServerBenchArgs {
  mode: 'server';
  orders: number;
  shape: ShapeName;
  concurrency: number;
  rounds: number;
  /** Seconds of pause before every measured phase. */
  settle: number;
  commit?: string;
  warmup: number;
  solo: number;
  tuning: Partial<Record<TuningFlag, number>>;
  sweep?: { flag: TuningFlag; values: number[] };
  historySample: number;
  /** Worker processes of their own (bench/worker-processes.ts); 0: the workers run in the bench's process. */
  workerProcesses: number;
  /** Seconds of the ceiling probe after the run (bench/probe.ts); 0: none. */
  probeSeconds: number;
  out?: string;
  quiet: boolean;
}

/** The generated orders of the decomposition benchmark (bench/large-order.ts). */
export const DECOMPOSE_SHAPES = ['large', 'fleet'] as const;
export type DecomposeShape = (typeof DECOMPOSE_SHAPES)[number];
/** The fleet order of the benchmark issue: 2,000 items of 5 steps each. */
export const DEFAULT_FLEET_SIZES = [2000];

export interface DecomposeBenchArgs {
  mode: 'decompose';
  /** Sizes of the large order (laptop bundles and SaaS seats). */
  sizes: number[];
  /** Sizes of the fleet order (sensor kits, 5 steps each). */
  fleetSizes: number[];
  runs: number;
  out?: string;
  commit?: string;
  quiet: boolean;
}

export interface LargeBenchArgs {
  mode: 'large';
  items: number;
  tuning: Partial<Record<TuningFlag, number>>;
  out?: string;
  commit?: string;
  quiet: boolean;
}

/** Steady load (bench/steady.ts): open-loop arrivals at each rate, both sides in turn. */
export interface SteadyBenchArgs {
  mode: 'steady';
  shape: ShapeName;
  rates: number[] | 'auto';
  windowSeconds: number;
  settle: number;
  rounds: number;
  warmup: number;
  tuning: Partial<Record<TuningFlag, number>>;
  /** As ServerBenchArgs.workerProcesses. */
  workerProcesses: number;
  out?: string;
  commit?: string;
  quiet: boolean;
}

export type BenchArgs = ServerBenchArgs | DecomposeBenchArgs | LargeBenchArgs | SteadyBenchArgs | { mode: 'help' };

/** Parses the command line; anything unknown or malformed is a UsageError naming the flag. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        orders: { type: 'string' },
        shape: { type: 'string' },
        concurrency: { type: 'string' },
        rounds: { type: 'string' },
        warmup: { type: 'string' },
        solo: { type: 'string' },
        'max-activities': { type: 'string' },
        'max-workflow-tasks': { type: 'string' },
        cache: { type: 'string' },
        sweep: { type: 'string' },
        'history-sample': { type: 'string' },
        'worker-processes': { type: 'string' },
        'probe-seconds': { type: 'string' },
        decompose: { type: 'boolean' },
        large: { type: 'boolean' },
        items: { type: 'string' },
        sizes: { type: 'string' },
        runs: { type: 'string' },
        out: { type: 'string' },
        commit: { type: 'string' },
        steady: { type: 'boolean' },
        rates: { type: 'string' },
        window: { type: 'string' },
        settle: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { mode: 'help' };
  const out = values.out as string | undefined;
  const commit = commitName(values.commit);
  const quiet = !!values.quiet;
  if ([values.large, values.decompose, values.steady].filter(Boolean).length > 1) throw new UsageError('--large, --decompose and --steady are separate benchmarks: choose one');
  if (!values.steady) refuseFlags(values, ['rates', 'window'], 'applies only to --steady');
  if (values.steady || values.large || values.decompose) refuseFlags(values, ['probe-seconds'], 'applies only to the side-by-side run');
  if (values.steady) {
    refuseFlags(values, ['orders', 'concurrency', 'solo', 'sweep', 'history-sample', 'items', 'sizes', 'runs'], 'does not apply to --steady');
    const shape = (values.shape as string | undefined) ?? 'laptop';
    if (!(shape in SHAPES)) throw new UsageError(`--shape must be one of ${Object.keys(SHAPES).join(', ')} (got ${JSON.stringify(shape)})`);
    return {
      mode: 'steady',
      shape: shape as ShapeName,
      rates: ratesOf(values.rates as string | undefined),
      windowSeconds: whole(values.window, '--window', 30, 1),
      settle: whole(values.settle, '--settle', 5, 0),
      rounds: whole(values.rounds, '--rounds', 1, 1),
      warmup: whole(values.warmup, '--warmup', 5, 0),
      tuning: tuningOf(values),
      workerProcesses: whole(values['worker-processes'], '--worker-processes', 0, 0),
      out,
      commit,
      quiet,
    };
  }
  if (values.large || values.decompose) refuseFlags(values, ['settle'], 'applies only to the side-by-side and --steady runs');
  if (!values.large) refuseFlags(values, ['items'], 'applies only to --large');
  if (values.large) {
    refuseFlags(values, ['orders', 'shape', 'concurrency', 'rounds', 'warmup', 'solo', 'sweep', 'history-sample', 'sizes', 'runs', 'worker-processes'], 'does not apply to --large');
    return { mode: 'large', items: whole(values.items, '--items', 2000, 1), tuning: tuningOf(values), out, ...(commit ? { commit } : {}), quiet };
  }
  if (values.decompose) {
    refuseFlags(values, ['orders', 'concurrency', 'rounds', 'warmup', 'solo', 'sweep', 'history-sample', 'worker-processes', ...Object.keys(TUNING_FLAGS)], 'does not apply to --decompose');
    const shape = values.shape as string | undefined;
    if (shape !== undefined && !(DECOMPOSE_SHAPES as readonly string[]).includes(shape)) {
      throw new UsageError(`--shape with --decompose must be one of ${DECOMPOSE_SHAPES.join(', ')} (got ${JSON.stringify(shape)})`);
    }
    const sizes = values.sizes === undefined ? undefined : list(values.sizes as string, '--sizes', 1);
    return {
      mode: 'decompose',
      sizes: shape === 'fleet' ? [] : (sizes ?? [10, 1000, 10_000]),
      fleetSizes: shape === 'fleet' ? (sizes ?? DEFAULT_FLEET_SIZES) : shape === 'large' ? [] : DEFAULT_FLEET_SIZES,
      runs: whole(values.runs, '--runs', 7, 1),
      out,
      ...(commit ? { commit } : {}),
      quiet,
    };
  }
  refuseFlags(values, ['sizes', 'runs'], 'applies only to --decompose');
  const shape = (values.shape as string | undefined) ?? 'laptop';
  if (!(shape in SHAPES)) throw new UsageError(`--shape must be one of ${Object.keys(SHAPES).join(', ')} (got ${JSON.stringify(shape)})`);
  const tuning = tuningOf(values);
  const orders = whole(values.orders, '--orders', 240, 1);
  const rounds = whole(values.rounds, '--rounds', 8, 1);
  if (rounds > orders) throw new UsageError(`--rounds (${rounds}) cannot exceed --orders (${orders}): every round runs at least one order`);
  return {
    mode: 'server',
    orders,
    shape: shape as ShapeName,
    concurrency: whole(values.concurrency, '--concurrency', 32, 1),
    rounds,
    settle: whole(values.settle, '--settle', 2, 0),
    ...(commit ? { commit } : {}),
    warmup: whole(values.warmup, '--warmup', 5, 0),
    solo: whole(values.solo, '--solo', 3, 0),
    tuning,
    sweep: values.sweep === undefined ? undefined : sweepOf(values.sweep as string, tuning),
    historySample: whole(values['history-sample'], '--history-sample', 50, 1),
    workerProcesses: whole(values['worker-processes'], '--worker-processes', 0, 0),
    probeSeconds: whole(values['probe-seconds'], '--probe-seconds', 15, 0),
    out,
    quiet,
  };
}

/** `--commit NAME`: a file name under docs/bench/, so letters, digits and dashes only. */
function commitName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const name = String(value);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new UsageError(`--commit takes a report name of lower-case letters, digits and dashes, e.g. side-by-side (got ${JSON.stringify(name)})`);
  return name;
}

/** `--rates auto` or ascending positive rates in orders/s, decimals allowed (`0.5,1,1.5`). */
function ratesOf(text: string | undefined): number[] | 'auto' {
  if (text === undefined || text === 'auto') return 'auto';
  const rates = text.split(',').map((part) => part.trim());
  if (rates.some((r) => !/^\d+(\.\d+)?$/.test(r) || Number(r) <= 0)) throw new UsageError(`--rates takes auto or positive numbers of orders per second, comma-separated (got ${JSON.stringify(text)})`);
  const numbers = rates.map(Number);
  if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1])) throw new UsageError(`--rates must go up, each rate higher than the one before (got ${JSON.stringify(text)})`);
  return numbers;
}

/** The first of `flags` given on the command line is a UsageError: `--<flag> <why>`. */
function refuseFlags(values: Record<string, string | boolean | undefined>, flags: string[], why: string): void {
  const given = flags.find((flag) => values[flag] !== undefined);
  if (given) throw new UsageError(`--${given} ${why}`);
}

function tuningOf(values: Record<string, string | boolean | undefined>): ServerBenchArgs['tuning'] {
  const tuning: ServerBenchArgs['tuning'] = {};
  for (const flag of Object.keys(TUNING_FLAGS) as TuningFlag[]) {
    if (values[flag] !== undefined) tuning[flag] = whole(values[flag], `--${flag}`, 0, minimumOf(flag));
  }
  return tuning;
}

function sweepOf(text: string, tuning: ServerBenchArgs['tuning']): ServerBenchArgs['sweep'] {
  const match = /^([a-z-]+)=(.+)$/.exec(text);
  const keys = Object.keys(TUNING_FLAGS);
  if (!match || !keys.includes(match[1])) throw new UsageError(`--sweep takes KEY=V1,V2,… with KEY one of ${keys.join(', ')} (got ${JSON.stringify(text)})`);
  const flag = match[1] as TuningFlag;
  if (tuning[flag] !== undefined) throw new UsageError(`--sweep ${flag}=… and --${flag} cannot be used together`);
  return { flag, values: list(match[2], `--sweep ${flag}`, minimumOf(flag)) };
}

/** The SDK refuses fewer than 2 concurrent workflow tasks when the cache is on; a cache of 0 turns it off. */
function minimumOf(flag: TuningFlag): number {
  return flag === 'cache' ? 0 : flag === 'max-workflow-tasks' ? 2 : 1;
}

function whole(value: unknown, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const text = String(value);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number, ${min} or more (got ${JSON.stringify(text)})`);
  return n;
}

function list(text: string, flag: string, min: number): number[] {
  const parts = text.split(',');
  if (parts.some((p) => p.trim() === '')) throw new UsageError(`${flag} takes comma-separated whole numbers (got ${JSON.stringify(text)})`);
  return parts.map((p) => whole(p.trim(), flag, 0, min));
}
