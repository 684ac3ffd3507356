import { loadCatalogFiles } from '../config/catalog-files';
import { loadConfig } from '../config/load';
import type { DecomposeBenchArgs } from './args';
import { fullPathTable, fullPathTarget, runDecomposeBench, runFullPathBench, TEMPORAL_PAYLOAD_LIMIT_BYTES, type DecomposeFigures } from './decompose-bench';
import { commandLine, formatBytes, loadAverage, machineInfo } from './machine';
import { writeReport } from './output';
import { decomposeTable, machineLine, targetsTable } from './report';
import { decomposeTargets } from './targets';

/**
 * `npm run bench:decompose`: generated orders through decomposition and plan building, no server; then the same
 * sizes through the full path (client checks, the decomposeOrder activity with its stock call to in-process
 * simulators, the payload converter and codecs both ways: bench/decompose-bench.ts runFullPathBench).
 */
export async function runDecomposeCommand(args: DecomposeBenchArgs): Promise<number> {
  const loadBefore = loadAverage();
  const config = loadConfig();
  const catalog = loadCatalogFiles(config.catalogFiles);
  const onSize = (s: DecomposeFigures) => {
    if (!args.quiet) process.stderr.write(`${s.shape} ${s.items} items: decompose ${s.decomposeMs.toFixed(2)} ms (median of ${s.runs}), plan ${formatBytes(s.planJsonBytes)}\n`);
  };
  // Partitioned as the worker partitions: with the configured maxStepsPerFulfillmentOrder.
  const report = runDecomposeBench(catalog, args.sizes, args.runs, onSize, { fleetSizes: args.fleetSizes, decompose: config.decomposition });
  const cases = report.sizes.map(({ shape, items }) => ({ shape, items }));
  const fullPath = await runFullPathBench(catalog, config, cases, args.runs, (r) => {
    if (!args.quiet) process.stderr.write(`${r.shape} ${r.items} items: full path ${r.fullPathMs.toFixed(2)} ms (median of ${r.runs})\n`);
  });
  const fullTarget = fullPathTarget(fullPath);
  const targets = [...decomposeTargets(report), ...(fullTarget ? [fullTarget] : [])];
  console.log(`\n${decomposeTable(report)}`);
  console.log(`(splits: workflows, parts of partitioned splits included; largest split: steps / JSON; plan: the decomposition activity's result, Temporal's payload limit is ${formatBytes(TEMPORAL_PAYLOAD_LIMIT_BYTES)})`);
  console.log(`\nFull path (validation, the decomposeOrder activity with its stock call, payload converter and codecs):\n${fullPathTable(fullPath)}`);
  if (report.growth) console.log(`\nGrowth ${report.growth.from} → ${report.growth.to} items (${report.growth.itemsRatio}×): ${report.growth.timeRatio.toFixed(1)}× the time`);
  if (targets.length) console.log(`\n${targetsTable(targets)}`);
  const machine = machineInfo(loadBefore);
  const command = commandLine();
  const file = writeReport({ kind: 'decompose', at: new Date().toISOString(), command, machine, ...report, fullPath, targets }, 'decompose-latest', args.out, args.commit);
  console.log(`\n${machineLine(machine)}\n${command}\nReport: ${file}`);
  return 0;
}
