import { DefaultLogger, Runtime } from '@temporalio/worker';
import { OrdoClient } from '../client/ordo-client';
import type { LargeBenchArgs } from './args';
import { fleetOrder } from './large-order';
import { largeOrderProblems, largeOrderTable, runLargeOrder } from './large-run';
import { commandLine, loadAverage, machineInfo } from './machine';
import { writeReport } from './output';
import { machineLine } from './report';
import { sampleRss } from './rss';
import { withBenchStack } from './stack';
import { describeTuning, tuningWith } from './tuning';
import { startBenchWorkers } from './workers';

/** `npm run bench -- --large`: one fleet order of --items sensor kits on the bench stack. Answers the exit code. */
export async function runLargeBench(args: LargeBenchArgs): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const loadBefore = loadAverage();
  return withBenchStack((line) => process.stderr.write(`${line}\n`), async (stack) => {
    const tuning = tuningWith(stack.config.worker, args.tuning);
    const workers = await startBenchWorkers({ connection: stack.env.nativeConnection, client: stack.ordoClient, config: stack.config, catalog: stack.catalog, tuning, ordoBundle: stack.ordoBundle, baselineBundle: stack.baselineBundle, tag: 'large' });
    try {
      const rss = sampleRss();
      const figures = await runLargeOrder({
        ordo: new OrdoClient(stack.ordoClient, workers.ordoTaskQueue, stack.catalog),
        temporal: stack.ordoClient,
        order: fleetOrder(args.items, `FLEET-${args.items}-${Date.now()}`),
        quiet: args.quiet,
      });
      const peakRssBytes = rss.stop().peakBytes;
      const problems = largeOrderProblems(figures);
      console.log(`\n${describeTuning(tuning)}; decomposition.maxStepsPerFulfillmentOrder ${stack.config.decomposition.maxStepsPerFulfillmentOrder}`);
      console.log(`${largeOrderTable(figures)}\npeak RSS (process)  ${(peakRssBytes / 1024 / 1024).toFixed(0)} MiB`);
      console.log(problems.length ? `\nNOT within the limits: ${problems.join('; ')}` : '\nCompleted within every limit.');
      const machine = machineInfo(loadBefore);
      const command = commandLine();
      const file = writeReport({ kind: 'large-order', at: new Date().toISOString(), command, machine, tuning, figures, peakRssBytes, problems }, 'large-latest', args.out, args.commit);
      console.log(`\n${machineLine(machine)}\n${command}\nReport: ${file}`);
      return problems.length ? 1 : 0;
    } finally {
      await workers.stop();
    }
  });
}
