import { parseBenchArgs, USAGE, UsageError } from './args';
import { runDecomposeCommand } from './run-decompose';
import { runLargeBench } from './run-large';
import { runServerBench } from './run-server';
import { runSteadyBench } from './run-steady';
import { runBenchEntry } from './script-command';

/** `npm run bench` (side by side, `--steady`, `--large`) and `npm run bench:decompose`. Exit 0 done, 1 failed, 2 usage error. */
async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.mode === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (args.mode === 'decompose') return runDecomposeCommand(args);
  if (args.mode === 'large') return runLargeBench(args);
  if (args.mode === 'steady') return runSteadyBench(args);
  return runServerBench(args);
}

runBenchEntry(main);
