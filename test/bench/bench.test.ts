import assert from 'node:assert/strict';
import { baselineContender, ordoContender } from '../../bench/contenders';
import { planSteps } from '../../bench/shapes';
import { runSideBySide, type Comparison } from '../../bench/side-by-side';
import { serverTargets } from '../../bench/targets';
import { comparisonTable } from '../../bench/report';
import type { BenchWorkers } from '../../bench/workers';
import { getHarness } from '../e2e/harness';
import { startHarnessBenchWorkers } from './harness-workers';

/**
 * The bench's code path on the shared test server, with a handful of orders: it must keep producing a
 * report of the expected shape. No timing is asserted here; figures come from `npm run bench`.
 */
describe('bench: Ordo and the like-for-like baseline side by side', function () {
  this.timeout(180_000);
  let workers: BenchWorkers | undefined;
  let comparison: Comparison;

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    const h = await getHarness();
    const tag = `t${Date.now().toString(36)}`;
    workers = await startHarnessBenchWorkers(tag);
    comparison = await runSideBySide({
      ordo: ordoContender({ temporal: h.env.client, taskQueue: workers.ordoTaskQueue, catalog: h.catalog, shape: 'laptop' }),
      baseline: baselineContender({ temporal: h.env.client, taskQueue: workers.baselineTaskQueue, shape: 'laptop' }),
      temporal: h.env.client,
      orders: 3,
      rounds: 2,
      warmup: 0,
      solo: 1,
      concurrency: 3,
      stepsPerOrder: planSteps('laptop', h.catalog),
      runTag: `BENCHTEST-${tag}`,
      settleMs: 10,
      quiet: true,
    });
  });
  after(async () => workers?.stop());

  it('completes every order of both contenders and counts their histories', () => {
    for (const figures of [comparison.ordo, comparison.baseline]) {
      assert.equal(figures.orders, 3);
      assert.equal(figures.completed, 3);
      assert.equal(figures.failed, 0);
      assert.equal(figures.rounds.length, 2, 'the orders are split over the rounds');
      assert.ok(figures.throughput > 0);
      assert.ok(figures.latencyMs.p50 > 0 && figures.latencyMs.p95 >= figures.latencyMs.p50);
      assert.ok(figures.history.eventsPerOrder > 0);
      assert.ok(figures.history.workflowTasksPerOrder > 0);
      assert.ok(figures.peakRssBytes > 0);
      assert.ok(figures.maxInFlight >= 1 && figures.maxInFlight <= 3);
    }
    assert.equal(comparison.baseline.history.activitiesPerOrder, 6, 'the callouts and auto tasks, as Ordo');
    // Ordo: 4 callouts and 2 auto tasks; decompose, prepareSubscription and invoice are local activities, milestones need none.
    assert.equal(comparison.ordo.history.activitiesPerOrder, 6);
    assert.equal(comparison.ordo.history.localActivitiesPerOrder, 3);
    assert.equal(comparison.baseline.history.localActivitiesPerOrder, 2, 'planning and the invoice');
  });

  it('reports finite Ordo ÷ baseline ratios, the targets and a table', () => {
    for (const value of [...Object.values(comparison.ratios), comparison.solo.ratio]) assert.ok(Number.isFinite(value) && value > 0, `ratio ${value}`);
    assert.equal(comparison.roundRatios.length, 2);
    // The headline is the median of the rounds' ratios, within their spread.
    assert.equal(comparison.spread.throughput.n, 2);
    assert.ok(comparison.spread.throughput.min <= comparison.ratios.throughput && comparison.ratios.throughput <= comparison.spread.throughput.max);
    const targets = serverTargets(comparison);
    assert.deepEqual(targets.map((t) => typeof t.met), ['boolean', 'boolean', comparison.ordo.peakRssBytes >= 1024 ** 3 ? 'boolean' : 'undefined']);
    assert.match(comparisonTable(comparison), /throughput \(orders\/s\)/);
  });

  it('reads each side’s CPU per order, phase by phase: its workers and the Temporal server', function () {
    if (process.platform !== 'linux') this.skip();
    for (const side of [comparison.ordo, comparison.baseline]) {
      const cpu = side.cpuMsPerOrder!;
      assert.equal(cpu.workersIn, 'benchProcess', 'the workers run in the bench process here');
      assert.ok(cpu.workers > 0 && cpu.temporalServer > 0, JSON.stringify(cpu));
    }
    assert.match(comparisonTable(comparison), /CPU \/ order: bench process, workers and submitter \(ms\)/);
    assert.match(comparisonTable(comparison), /CPU \/ order: Temporal server \(ms\)/);
  });
});
