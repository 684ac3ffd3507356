import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { SteadyBenchArgs } from './args';
import { baselineContender, ordoContender } from './contenders';
import { commandLine, loadAverage, machineInfo } from './machine';
import { writeReport } from './output';
import { machineLine, steadyTable, targetsTable } from './report';
import { withBenchStack } from './stack';
import { GROWTH_TOLERANCE } from './open-loop';
import { runSteady } from './steady';
import { steadyTargets } from './targets';
import { describeTuning, tuningWith } from './tuning';
import { describeCpuUsage, startCpuUsage } from './cpu-usage';
import { serverInfo } from './server-info';
import { startContenderWorkers } from './contender-workers';

/** `npm run bench -- --steady`: both sides under open-loop load, a sweep of rates. Answers the exit code. */
export async function runSteadyBench(args: SteadyBenchArgs): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const loadBefore = loadAverage();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  return withBenchStack(log, async (stack) => {
    const tuning = tuningWith(stack.config.worker, args.tuning);
    const workers = await startContenderWorkers(stack, tuning, args.workerProcesses, 'steady');
    // Which process held the cores over the whole sweep (docs/production-temporal.md).
    const cpuUsage = startCpuUsage();
    let result;
    let cpu;
    try {
      log(`${describeTuning(tuning)}; ${args.windowSeconds} s per rate and side, ${args.rounds} round(s) per rate, ${args.settle} s settle`);
      result = await runSteady({
        ordo: ordoContender({ temporal: stack.ordoClient, taskQueue: workers.ordoTaskQueue, catalog: stack.catalog, shape: args.shape }),
        baseline: baselineContender({ temporal: stack.baselineClient, taskQueue: workers.baselineTaskQueue, shape: args.shape }),
        temporal: stack.ordoClient,
        rates: args.rates,
        windowMs: args.windowSeconds * 1000,
        settleMs: args.settle * 1000,
        rounds: args.rounds,
        warmup: args.warmup,
        runTag: `STEADY-${Date.now().toString(36)}`,
        quiet: args.quiet,
        log,
      });
      cpu = cpuUsage.stop();
    } finally {
      await workers.stop();
      if (workers.peakRssBytes) log(`Worker processes' peak RSS: ${workers.peakRssBytes().map((b) => `${Math.round(b / 2 ** 20)} MiB`).join(', ')}`);
    }
    const targets = steadyTargets(result);
    console.log(`\n${describeTuning(tuning)}\n${steadyTable(result)}${cpu ? `\n${describeCpuUsage(cpu)}` : ''}\n\nTargets\n${targetsTable(targets)}`);
    const machine = machineInfo(loadBefore);
    const command = commandLine();
    const file = writeReport(
      {
        kind: 'steady',
        at: new Date().toISOString(),
        command,
        machine,
        server: { ...(stack.dbFile ? { devServer: true, dbFile: 'temp file (file-backed SQLite)' } : { address: process.env.TEMPORAL_ADDRESS }), ...(await serverInfo(stack.ordoClient)) },
        settings: { shape: args.shape, rates: args.rates, windowSeconds: args.windowSeconds, settleSeconds: args.settle, rounds: args.rounds, warmup: args.warmup, growthTolerance: GROWTH_TOLERANCE, tuning, workerProcesses: args.workerProcesses },
        result,
        cpu,
        targets,
      },
      'steady-latest',
      args.out,
      args.commit,
    );
    console.log(`\n${machineLine(machine)}\n${command}\nReport: ${file}`);
    const failed = [...result.rows, ...(result.halfKnee ? [result.halfKnee] : [])].some((r) => r.baseline.failed > 0 || r.ordo.failed > 0);
    if (failed) console.error('Some orders did not complete: the figures above are not comparable.');
    return failed ? 1 : 0;
  });
}
