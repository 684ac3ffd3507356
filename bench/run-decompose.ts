import { loadCatalogFiles } from '../config/catalog-files';
import { loadConfig } from '../config/load';
import type { DecomposeBenchArgs } from './args';
import { runDecomposeBench } from './decompose-bench';
import { commandLine, formatBytes, machineInfo } from './machine';
import { writeReport } from './output';
import { decomposeTable, machineLine, targetsTable } from './report';
import { decomposeTargets } from './targets';

/** `npm run bench:decompose`: generated orders through decomposition and plan building, no server. */
export function runDecomposeCommand(args: DecomposeBenchArgs): number {
  const catalog = loadCatalogFiles(loadConfig().catalogFiles);
  const report = runDecomposeBench(catalog, args.sizes, args.runs, (s) => {
    if (!args.quiet) process.stderr.write(`${s.items} items: decompose ${s.decomposeMs.toFixed(2)} ms (median of ${s.runs}), plan ${formatBytes(s.planJsonBytes)}\n`);
  });
  const targets = decomposeTargets(report);
  console.log(`\n${decomposeTable(report)}`);
  if (report.growth) console.log(`\nGrowth ${report.growth.from} → ${report.growth.to} items (${report.growth.itemsRatio}×): ${report.growth.timeRatio.toFixed(1)}× the time`);
  if (targets.length) console.log(`\n${targetsTable(targets)}`);
  const machine = machineInfo();
  const command = commandLine();
  const file = writeReport({ kind: 'decompose', at: new Date().toISOString(), command, machine, ...report, targets }, 'decompose-latest', args.out);
  console.log(`\n${machineLine(machine)}\n${command}\nReport: ${file}`);
  return 0;
}
