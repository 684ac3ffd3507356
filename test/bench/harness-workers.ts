import type { BenchWorkers } from '../../bench/workers';
import { bundleBaselineWorkflows, startBenchWorkers } from '../../bench/workers';
import { getHarness } from '../e2e/harness';

/**
 * Both contenders' workers on the test run's shared dev server (test/e2e/harness.ts), on task queues of their own
 * (`tag`), with the configuration's worker tuning: what the bench tests run their orders on.
 */
export async function startHarnessBenchWorkers(tag: string): Promise<BenchWorkers> {
  const h = await getHarness();
  return startBenchWorkers({
    connection: h.env.nativeConnection,
    client: h.env.client,
    config: h.config,
    catalog: h.catalog,
    tuning: h.config.worker,
    ordoBundle: h.bundle,
    baselineBundle: await bundleBaselineWorkflows(),
    tag,
  });
}
