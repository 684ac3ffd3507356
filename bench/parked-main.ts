import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadCatalogFiles } from '../config/catalog-files';
import { formatBytes, machineInfo } from './machine';
import { writeReport } from './output';
import { KIB_PER_PARKED_ORDER_TARGET, PARKED_CATALOG, RSS_AT_10K_TARGET_BYTES, runParkedBench, type ParkedFigures } from './parked';
import { machineLine, table } from './report';
import { runBenchEntry, scriptCommand } from './script-command';
import { startBenchStack } from './stack';

const USAGE = `usage: npm run bench:parked -- [--orders 2000] [--cache 100] [--probes 20] [--concurrency 32] [--out FILE] [--quiet]

Memory per in-flight order: parks orders (each waiting on a manual task: bench/catalogs/parked.yaml) well past the
worker's cache, measures the process RSS before and after (KiB per parked order, uncached), then the cost of a
cache miss at that size (a query and an update on orders the cache evicted). Report: .ordo/bench/parked-latest.json.

  --orders N       orders parked and counted, after the cache is full (default 2000; the target is judged at 10000)
  --cache N        the worker's maxCachedWorkflows (default 100)
  --probes N       evicted orders queried, and as many completed, for the cache-miss cost (default 20)
  --concurrency N  start calls in flight (default 32)
  --workflows-in-main-thread
                   run the workflows on the main thread (the SDK's debug mode): the heap figure is then what
                   parked orders keep, after full collections (a workflow thread collects when V8 pleases)
  --out FILE       where the JSON report goes
  --quiet          no progress bar`;

interface ParkedArgs {
  orders: number;
  cache: number;
  probes: number;
  concurrency: number;
  workflowsInMainThread: boolean;
  out?: string;
  quiet: boolean;
}

function parse(argv: string[]): ParkedArgs | string {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { orders: { type: 'string' }, cache: { type: 'string' }, probes: { type: 'string' }, concurrency: { type: 'string' }, 'workflows-in-main-thread': { type: 'boolean' }, out: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return 'help';
    const whole = (text: string | undefined, flag: string, fallback: number, min: number) => {
      if (text === undefined) return fallback;
      if (!/^\d+$/.test(text) || Number(text) < min) throw new Error(`${flag} must be a whole number, ${min} or more (got ${JSON.stringify(text)})`);
      return Number(text);
    };
    return {
      orders: whole(values.orders, '--orders', 2000, 1),
      cache: whole(values.cache, '--cache', 100, 0),
      probes: whole(values.probes, '--probes', 20, 1),
      concurrency: whole(values.concurrency, '--concurrency', 32, 1),
      workflowsInMainThread: !!values['workflows-in-main-thread'],
      out: values.out,
      quiet: !!values.quiet,
    };
  } catch (error) {
    return `${(error as Error).message}\n\n${USAGE}`;
  }
}

export function parkedTable(f: ParkedFigures): string {
  return table([
    ['parked orders', `${f.orders.toLocaleString('en-US')} after ${f.warmup} to fill the cache of ${f.cache} (2 workflows each), in ${f.parkSeconds.toFixed(0)} s`],
    ['process RSS, cache full → half → all parked', `${formatBytes(f.rssBeforeBytes)} → ${formatBytes(f.rssMiddleBytes)} → ${formatBytes(f.rssAfterBytes)} (peak ${formatBytes(f.peakRssBytes)})`],
    ['V8 heap (main thread)', `${formatBytes(f.heapBeforeBytes)} → ${formatBytes(f.heapAfterBytes)}: ${f.heapKibPerParkedOrder.toFixed(2)} KiB per order${f.workflowsInMainThread ? ' (workflows on this thread)' : ' (workflows on their own threads: not seen)'}`],
    ['per parked order (uncached)', `${f.kibPerParkedOrder.toFixed(2)} KiB; second half alone ${f.kibPerParkedOrderSecondHalf.toFixed(2)} KiB (target ≤ ${KIB_PER_PARKED_ORDER_TARGET} KiB)`],
    ['RSS with 10,000 parked', `${formatBytes(f.projectedRssAt10kBytes)}${f.orders + f.warmup >= 10_000 ? '' : ' (projected from this run)'} (target < ${formatBytes(RSS_AT_10K_TARGET_BYTES)})`],
    ['cache miss: order query', `${f.cacheMiss.orderQueryEvictedMs} ms evicted, ${f.cacheMiss.orderQueryCachedMs} ms cached (median of ${f.cacheMiss.probes})`],
    ['cache miss: split query', `${f.cacheMiss.splitQueryEvictedMs} ms evicted`],
    ['cache miss: complete its task', `${f.cacheMiss.completeEvictedMs} ms evicted (update: replay, then a workflow task)`],
  ]);
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') return console.log(USAGE), 0;
  if (typeof args === 'string') return console.error(args), 2;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  process.stderr.write('Starting a file-backed Temporal dev server, the simulators (no latency) and the workflow bundle…\n');
  const stack = await startBenchStack();
  try {
    const catalog = loadCatalogFiles([...stack.config.catalogFiles, PARKED_CATALOG]);
    const figures = await runParkedBench({ connection: stack.env.nativeConnection, temporal: stack.ordoClient, config: stack.config, catalog, bundle: stack.ordoBundle, orders: args.orders, cache: args.cache, probes: args.probes, concurrency: args.concurrency, workflowsInMainThread: args.workflowsInMainThread, quiet: args.quiet });
    const targets = [
      { target: `worker memory per parked order (uncached) ≤ ${KIB_PER_PARKED_ORDER_TARGET} KiB`, measured: `${figures.kibPerParkedOrder} KiB`, met: figures.kibPerParkedOrder <= KIB_PER_PARKED_ORDER_TARGET },
      { target: '10,000 orders parked in one worker under 1 GiB RSS', measured: formatBytes(figures.projectedRssAt10kBytes) + (figures.orders + figures.warmup >= 10_000 ? '' : ' (projected)'), met: figures.projectedRssAt10kBytes < RSS_AT_10K_TARGET_BYTES },
    ];
    const machine = machineInfo();
    const command = scriptCommand('bench/parked-main.ts', argv);
    const file = writeReport({ kind: 'parked-orders', at: new Date().toISOString(), command, machine, loadAverage: os.loadavg(), nodeOptions: process.env.NODE_OPTIONS ?? '', execArgv: process.execArgv, figures, targets }, 'parked-latest', args.out);
    console.log(`\n${parkedTable(figures)}\n\n${targets.map((t) => `${t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.measured}`).join('\n')}\n\n${machineLine(machine)}\n${command}\nReport: ${file}`);
    return 0;
  } finally {
    await stack.stop();
  }
}

runBenchEntry(main);
