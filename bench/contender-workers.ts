import type { BenchStack } from './stack';
import type { Tuning } from './tuning';
import { startWorkerProcesses, type WorkerProcesses } from './worker-processes';
import { startBenchWorkers, type BenchWorkers } from './workers';

/**
 * The two contenders' workers for one phase: in this process, or in N processes of their own with
 * `--worker-processes N` (bench/worker-processes.ts). The one place the side-by-side and steady runs start them.
 */
export function startContenderWorkers(stack: BenchStack, tuning: Tuning, workerProcesses: number | undefined, tag: string): Promise<BenchWorkers & Partial<Pick<WorkerProcesses, 'peakRssBytes'>>> {
  if (workerProcesses) return startWorkerProcesses({ count: workerProcesses, config: stack.config, tuning, tag });
  return startBenchWorkers({
    connection: stack.env.nativeConnection,
    client: stack.ordoClient,
    config: stack.config,
    catalog: stack.catalog,
    tuning,
    ordoBundle: stack.ordoBundle,
    baselineBundle: stack.baselineBundle,
    tag,
  });
}
