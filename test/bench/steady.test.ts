import assert from 'node:assert/strict';
import { baselineContender, ordoContender } from '../../bench/contenders';
import { backlogOf, GROWTH_TOLERANCE, slope } from '../../bench/open-loop';
import { steadyTable } from '../../bench/report';
import { spreadOf } from '../../bench/spread';
import { autoRates, kneeOf, runSteady, type SteadyResult } from '../../bench/steady';
import { steadyTargets } from '../../bench/targets';
import type { BenchWorkers } from '../../bench/workers';
import { getHarness } from '../e2e/harness';
import { startHarnessBenchWorkers } from './harness-workers';

describe('bench: steady load, figures', () => {
  it('rebuilds the backlog second by second and calls it growing when it rises faster than the tolerance allows', () => {
    // 2 orders/s for 10 s, each done 1 s after it came: the backlog holds at 2.
    const arrivals = Array.from({ length: 20 }, (_, i) => i * 500);
    const steady = backlogOf(arrivals, arrivals.map((t) => t + 1000), 0, 10_000, 2);
    assert.deepEqual(steady.perSecond, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    assert.equal(steady.grows, false);
    // Done at 1 order/s only: the backlog rises by 1 each second.
    const slow = backlogOf(arrivals, arrivals.map((_, i) => 1000 + i * 1000), 0, 10_000, 2);
    assert.ok(slow.slopePerSecond > GROWTH_TOLERANCE * 2);
    assert.equal(slow.grows, true);
    assert.equal(slope([1, 2, 3, 4]), 1);
    assert.equal(slope([5]), 0);
  });

  it('takes the knee as the highest rate sustained with every lower rate sustained too', () => {
    const at = (rate: number, baselineGrows: boolean, ordoGrows: boolean) => ({ rate, baseline: { grows: baselineGrows }, ordo: { grows: ordoGrows } }) as never;
    const rows = [at(1, false, false), at(2, false, false), at(3, false, true), at(4, true, false), at(5, true, true)];
    assert.equal(kneeOf(rows, 'baseline'), 3);
    assert.equal(kneeOf(rows, 'ordo'), 2, 'a rate sustained above one that was not does not count');
    assert.equal(kneeOf([at(1, true, true)], 'ordo'), null);
  });

  it('spreads the round ratios: median, min, max; automatic rates around the baseline’s burst throughput', () => {
    assert.deepEqual(spreadOf([0.9, 0.7, Number.NaN, 0.8]), { median: 0.8, min: 0.7, max: 0.9, n: 3 });
    assert.deepEqual(autoRates(3), [1.2, 1.8, 2.1, 2.4, 2.7, 3, 3.3, 3.75]);
  });
});

/** The steady-load code path on the shared test server, one short rate: it must keep producing a report. */
describe('bench: steady load, a short sweep on the test server', function () {
  this.timeout(180_000);
  let workers: BenchWorkers | undefined;
  let result: SteadyResult;

  before(async function () {
    this.timeout(600_000);
    const h = await getHarness();
    const tag = `s${Date.now().toString(36)}`;
    workers = await startHarnessBenchWorkers(tag);
    result = await runSteady({
      ordo: ordoContender({ temporal: h.env.client, taskQueue: workers.ordoTaskQueue, catalog: h.catalog, shape: 'laptop' }),
      baseline: baselineContender({ temporal: h.env.client, taskQueue: workers.baselineTaskQueue, shape: 'laptop' }),
      temporal: h.env.client,
      rates: [1],
      windowMs: 2000,
      settleMs: 10,
      rounds: 1,
      warmup: 0,
      runTag: `STEADYTEST-${tag}`,
      quiet: true,
    });
  });
  after(async () => workers?.stop());

  it('measures both sides at the rate, completes every order, and alternates the side that goes first', () => {
    assert.equal(result.rows.length, 1);
    const [row] = result.rows;
    for (const side of [row.baseline, row.ordo]) {
      assert.equal(side.failed, 0);
      assert.equal(side.rounds[0].submitted, 2);
      assert.ok(side.latencyMs.p95 > 0);
      assert.equal(side.rounds[0].backlog.perSecond.length, 2);
    }
    assert.deepEqual(row.firstSides, ['baseline']);
    const targets = steadyTargets(result);
    assert.equal(targets.length, 2);
    if (result.halfKnee) assert.equal(result.halfKnee.rate, 0.5);
    assert.match(steadyTable(result), /knee: baseline/);
  });

  it('says where the cores went at each rate: per kind of process, and the workers’ CPU per order', function () {
    if (process.platform !== 'linux') this.skip();
    for (const side of [result.rows[0].baseline, result.rows[0].ordo]) {
      assert.ok(side.cpu, 'a CPU reading per rate');
      assert.equal(side.cpu.msPerOrder.workersIn, 'benchProcess');
      assert.ok(side.cpu.msPerOrder.workers > 0 && side.cpu.coresBusy.temporalServer > 0, JSON.stringify(side.cpu));
    }
    assert.match(steadyTable(result), /Cores busy per rate/);
  });
});
