import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { ServerBenchArgs } from './args';
import { baselineContender, ordoContender } from './contenders';
import { commandLine, loadAverage, machineInfo } from './machine';
import { writeReport } from './output';
import { comparisonTable, machineLine, sweepTable, targetsTable } from './report';
import { planSteps } from './shapes';
import { runSideBySide, type Comparison } from './side-by-side';
import { withBenchStack, type BenchStack } from './stack';
import { serverTargets, type TargetCheck } from './targets';
import { describeTuning, TUNING_FLAGS, tuningWith, type Tuning } from './tuning';
import { describeCpuUsage, startCpuUsage, type CpuUsage } from './cpu-usage';
import { serverInfo } from './server-info';
import { startContenderWorkers } from './contender-workers';
import { fractionOfCeiling, runCeilingProbe, type CeilingFigures } from './probe';
import { probeTable } from './probe-main';

/** Distinguishes this run's order ids from an earlier run's on a server that keeps its data (TEMPORAL_ADDRESS, PostgreSQL). */
const RUN = Date.now().toString(36);

/** `npm run bench`: Ordo and the like-for-like baseline side by side, once per tuning setting. Answers the exit code. */
export async function runServerBench(args: ServerBenchArgs): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const loadBefore = loadAverage();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  return withBenchStack(log, async (stack) => {
    const base = tuningWith(stack.config.worker, args.tuning);
    const settings = args.sweep
      ? args.sweep.values.map((value) => ({ value, tuning: { ...base, [TUNING_FLAGS[args.sweep!.flag]]: value } }))
      : [{ value: undefined, tuning: base }];
    const steps = planSteps(args.shape, stack.catalog);
    const runs: Array<{ value?: number; tuning: Tuning; comparison: Comparison; targets: TargetCheck[]; cpu?: CpuUsage; ofCeiling?: { ordo: CeilingFraction; baseline: CeilingFraction } }> = [];
    for (const [i, setting] of settings.entries()) {
      log(`\nSetting ${i + 1}/${settings.length}: ${describeTuning(setting.tuning)}; ${args.orders} ${args.shape} orders per contender in ${args.rounds} rounds`);
      const { comparison, cpu } = await runSetting(stack, args, setting.tuning, steps, `s${i + 1}`);
      // Every target judged on every setting: a sweep that meets them at one setting only says so.
      const targets = serverTargets(comparison);
      runs.push({ ...setting, comparison, targets, cpu });
      console.log(`\n${describeTuning(setting.tuning)}\n${comparisonTable(comparison)}${cpu ? `\n${describeCpuUsage(cpu)}` : ''}\n\nTargets\n${targetsTable(targets)}`);
    }
    if (args.sweep) console.log(`\nSweep of ${args.sweep.flag}\n${sweepTable(args.sweep.flag, runs.map((r) => ({ value: r.value!, comparison: r.comparison })))}`);
    const targets = runs.flatMap((r) => r.targets.map((t) => (args.sweep ? { ...t, target: `${t.target} (${args.sweep.flag} ${r.value})` } : t)));

    // The server's ceiling in the same run, on the same server: each contender's events/s as a fraction of it.
    const ceiling = args.probeSeconds ? await probeCeiling(stack, args) : undefined;
    if (ceiling) {
      for (const run of runs) run.ofCeiling = { ordo: fractionOfCeiling(run.comparison.ordo, ceiling), baseline: fractionOfCeiling(run.comparison.baseline, ceiling) };
      console.log(`\n${probeTable(ceiling)}\n${runs.map((r) => `of the ceiling's events/s: Ordo ${r.ofCeiling!.ordo.ofCeilingEvents}, baseline ${r.ofCeiling!.baseline.ofCeilingEvents}`).join('\n')}`);
    }

    const machine = machineInfo(loadBefore);
    const command = commandLine();
    const file = writeReport(
      {
        kind: 'side-by-side',
        at: new Date().toISOString(),
        command,
        machine,
        server: { ...(stack.dbFile ? { devServer: true, dbFile: 'temp file (file-backed SQLite)' } : { address: process.env.TEMPORAL_ADDRESS }), ...(await serverInfo(stack.ordoClient)) },
        settings: { orders: args.orders, shape: args.shape, concurrency: args.concurrency, rounds: args.rounds, settleSeconds: args.settle, warmup: args.warmup, solo: args.solo, workerProcesses: args.workerProcesses, stepsPerOrder: steps },
        runs,
        ...(ceiling ? { ceiling } : {}),
        targets,
      },
      'latest',
      args.out,
      args.commit,
    );
    console.log(`\n${machineLine(machine)}\n${command}\nReport: ${file}`);
    const failed = runs.some((r) => r.comparison.ordo.failed > 0 || r.comparison.baseline.failed > 0);
    if (failed) console.error('Some orders did not complete: the figures above are not comparable.');
    return failed ? 1 : 0;
  });
}

async function runSetting(stack: BenchStack, args: ServerBenchArgs, tuning: Tuning, steps: number, tag: string): Promise<{ comparison: Comparison; cpu?: CpuUsage }> {
  const workers = await startContenderWorkers(stack, tuning, args.workerProcesses, tag);
  // Which process held the cores (server, PostgreSQL, workers): measured from the workers polling to the last order.
  const cpuUsage = startCpuUsage();
  try {
    const comparison = await runSideBySide({
      ordo: ordoContender({ temporal: stack.ordoClient, taskQueue: workers.ordoTaskQueue, catalog: stack.catalog, shape: args.shape }),
      baseline: baselineContender({ temporal: stack.baselineClient, taskQueue: workers.baselineTaskQueue, shape: args.shape }),
      temporal: stack.ordoClient,
      orders: args.orders,
      rounds: args.rounds,
      warmup: args.warmup,
      solo: args.solo,
      concurrency: args.concurrency,
      stepsPerOrder: steps,
      runTag: `BENCH-${RUN}-${tag}`,
      settleMs: args.settle * 1000,
      historySample: args.historySample,
      quiet: args.quiet,
    });
    return { comparison, cpu: cpuUsage.stop() };
  } finally {
    await workers.stop();
    if (workers.peakRssBytes) process.stderr.write(`Worker processes' peak RSS: ${workers.peakRssBytes().map((b) => `${Math.round(b / 2 ** 20)} MiB`).join(', ')}\n`);
  }
}

type CeilingFraction = ReturnType<typeof fractionOfCeiling>;

/** The ceiling probe (bench/probe.ts) against the run's server, after both contenders' phases. */
function probeCeiling(stack: BenchStack, args: ServerBenchArgs): Promise<CeilingFigures> {
  process.stderr.write(`\nCeiling probe: omes's workflow_with_single_noop_activity for ${args.probeSeconds} s…\n`);
  return runCeilingProbe({ connection: stack.env.nativeConnection, client: stack.baselineClient, namespace: stack.config.temporal.namespace, seconds: args.probeSeconds, quiet: args.quiet, tag: `${RUN}-probe` });
}
