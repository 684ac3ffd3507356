import assert from 'node:assert/strict';
import { parseBenchArgs, UsageError } from '../../bench/args';
import { startWorkerProcesses } from '../../bench/worker-processes';
import { OrdoClient } from '../../client/ordo-client';
import { exampleOrder } from '../e2e/examples';
import { getHarness } from '../e2e/harness';

/**
 * `npm run bench -- --worker-processes N` (docs/production-temporal.md): the bench's workers in processes of their
 * own. The flag is parsed and refused where it means nothing; one worker process runs a real order on the
 * shared dev server and reports its peak RSS when stopped.
 */
describe('bench: --worker-processes', function () {
  this.timeout(120_000);

  it('takes a whole number (0: the workers stay in the bench process) and only for the side-by-side and steady runs', () => {
    const args = parseBenchArgs(['--worker-processes', '4']);
    assert.equal(args.mode === 'server' && args.workerProcesses, 4);
    const steady = parseBenchArgs(['--steady', '--worker-processes', '2']);
    assert.equal(steady.mode === 'steady' && steady.workerProcesses, 2);
    assert.throws(() => parseBenchArgs(['--worker-processes', 'two']), (e: Error) => e instanceof UsageError && /--worker-processes must be a whole number/.test(e.message));
    assert.throws(() => parseBenchArgs(['--large', '--worker-processes', '2']), (e: Error) => e instanceof UsageError && /--worker-processes does not apply to --large/.test(e.message));
  });

  it('runs an order in a worker process of its own, polling the run’s task queue', async function () {
    this.timeout(600_000); // the first run of the suite may build the Temporal CLI
    const h = await getHarness();
    const processes = await startWorkerProcesses({ count: 1, config: h.config, tuning: h.config.worker, tag: `wp-${process.pid}` });
    try {
      const client = new OrdoClient(h.env.client, processes.ordoTaskQueue, h.catalog);
      const order = exampleOrder('laptop-bundle.json', 'wp');
      await client.startOrder(order);
      assert.equal((await client.waitForCompletion(order.id)).state, 'completed');
    } finally {
      await processes.stop();
    }
    const [peak] = processes.peakRssBytes();
    assert.ok(peak > 50 * 2 ** 20, `a worker process reports its peak RSS (got ${peak})`);
  });
});
