import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { OrdoClient } from '../client/ordo-client';
import { loadCatalogFiles } from '../config/catalog-files';
import { orderWorkflowId } from '../workflows/ids';
import { largeOrderProblems, largeOrderTable, runLargeOrder } from './large-run';
import { machineInfo } from './machine';
import { writeReport } from './output';
import { ponrOrder, PONR_CATALOG } from './ponr-order';
import { countPonrSignals } from './ponr-signals';
import { machineLine } from './report';
import { sampleRss } from './rss';
import { runBenchEntry, scriptCommand } from './script-command';
import { startBenchStack } from './stack';
import { describeTuning } from './tuning';
import { startBenchWorkers } from './workers';

const USAGE = `usage: npm run bench:ponr -- [--items 2000] [--out FILE] [--quiet]

One large order with a point of no return per bundle (bench/catalogs/ponr-kits.yaml: each kit its own bundle,
prepare → commit (PONR) → done) on the bench stack: does it complete within Temporal's history, pending and signal
limits, and what does the order↔split PONR handshake cost? Report: .ordo/bench/ponr-latest.json.

  --items N   kits in the order (default 2000: 6,000 steps, 2,000 PONR steps)
  --out FILE  where the JSON report goes
  --quiet     no progress bar`;

function parse(argv: string[]): { items: number; out?: string; quiet: boolean } | string {
  try {
    const { values } = parseArgs({ args: argv, strict: true, options: { items: { type: 'string' }, out: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) return 'help';
    const items = values.items ?? '2000';
    if (!/^\d+$/.test(items) || Number(items) < 1 || Number(items) > 5000) throw new Error(`--items must be a whole number from 1 to 5,000, the most items one order may have (got ${JSON.stringify(items)})`);
    return { items: Number(items), out: values.out, quiet: !!values.quiet };
  } catch (error) {
    return `${(error as Error).message}\n\n${USAGE}`;
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') return console.log(USAGE), 0;
  if (typeof args === 'string') return console.error(args), 2;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  process.stderr.write('Starting a file-backed Temporal dev server, the simulators (no latency) and the workflow bundles…\n');
  const stack = await startBenchStack();
  const catalog = loadCatalogFiles([...stack.config.catalogFiles, PONR_CATALOG]);
  const tuning = { ...stack.config.worker };
  const workers = await startBenchWorkers({ connection: stack.env.nativeConnection, client: stack.ordoClient, config: stack.config, catalog, tuning, ordoBundle: stack.ordoBundle, baselineBundle: stack.baselineBundle, tag: 'ponr' });
  try {
    const rss = sampleRss();
    const order = ponrOrder(args.items, `PONR-${args.items}-${Date.now()}`);
    const figures = await runLargeOrder({ ordo: new OrdoClient(stack.ordoClient, workers.ordoTaskQueue, catalog), temporal: stack.ordoClient, order, quiet: args.quiet });
    const peakRssBytes = rss.stop().peakBytes;
    const ponr = await countPonrSignals(stack.ordoClient, orderWorkflowId(figures.orderId));
    const orderEvents = figures.workflows.find((w) => w.workflowId === orderWorkflowId(figures.orderId))?.events ?? 0;
    // Before batched-ponr every PONR step cost a request and a decision: three events in the order's history per step.
    const unbatched = { requests: args.items, decisions: args.items, orderEvents: 3 * args.items };
    const problems = largeOrderProblems(figures);
    console.log(`\n${describeTuning(tuning)}; decomposition.maxStepsPerFulfillmentOrder ${stack.config.decomposition.maxStepsPerFulfillmentOrder}`);
    console.log(`${largeOrderTable(figures)}\npeak RSS (process)  ${(peakRssBytes / 1024 / 1024).toFixed(0)} MiB`);
    console.log(`\nPONR handshake, ${args.items} PONR steps: ${ponr.requests} requests, ${ponr.decisions} decisions, ${ponr.orderEvents} of the order's ${orderEvents} history events`);
    console.log(`(one signal each way per step, as before batched-ponr, would be ${unbatched.requests} + ${unbatched.decisions} signals and ${unbatched.orderEvents} events in the order's history)`);
    console.log(problems.length ? `\nNOT within the limits: ${problems.join('; ')}` : '\nCompleted within every limit.');
    const machine = machineInfo();
    const command = scriptCommand('bench/ponr-main.ts', argv);
    const file = writeReport({ kind: 'ponr-order', at: new Date().toISOString(), command, machine, loadAverage: os.loadavg(), tuning, figures, ponr: { ...ponr, ponrSteps: args.items, orderHistoryEvents: orderEvents, unbatchedEstimate: unbatched }, peakRssBytes, problems }, 'ponr-latest', args.out);
    console.log(`\n${machineLine(machine)}\n${command}\nReport: ${file}`);
    return problems.length ? 1 : 0;
  } finally {
    await workers.stop();
    await stack.stop();
  }
}

runBenchEntry(main);
