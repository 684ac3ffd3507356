import assert from 'node:assert/strict';
import { loadCatalogFiles } from '../../config/catalog-files';
import { fractionOfCeiling, runCeilingProbe } from '../../bench/probe';
import { PARKED_CATALOG, parkedOrder, runParkedBench } from '../../bench/parked';
import { getHarness } from '../e2e/harness';

/**
 * The ceiling probe and the parked-orders bench on the shared test server, at a few seconds' size: they must keep
 * producing figures of the expected shape. No figure is asserted here; `npm run bench:probe` and
 * `npm run bench:parked` measure (docs/benchmarks-more.md).
 */
describe('bench: the ceiling probe and memory per parked order (smoke)', function () {
  this.timeout(300_000);

  it('probe: runs omes’s single-no-op-activity workflow at a fixed concurrency and counts its events and workflow tasks', async () => {
    const h = await getHarness();
    const ceiling = await runCeilingProbe({ connection: h.env.nativeConnection, client: h.env.client, namespace: h.config.temporal.namespace, concurrency: 2, seconds: 2, warmup: 2, quiet: true });
    assert.equal(ceiling.scenario, 'workflow_with_single_noop_activity');
    assert.ok(ceiling.workflows >= 2);
    // One activity: scheduled, started, completed, and the workflow's own start, tasks and completion.
    assert.equal(ceiling.history.activitiesPerOrder, 1);
    assert.ok(ceiling.history.eventsPerOrder >= 11 && ceiling.history.workflowTasksPerOrder >= 2, JSON.stringify(ceiling.history));
    assert.ok(ceiling.eventsPerSecond > 0 && ceiling.workflowTasksPerSecond > 0);
    const fraction = fractionOfCeiling({ throughput: 1, history: { eventsPerOrder: 100, workflowTasksPerOrder: 10 } }, { eventsPerSecond: 200, workflowTasksPerSecond: 40 });
    assert.deepEqual(fraction, { eventsPerSecond: 100, workflowTasksPerSecond: 10, ofCeilingEvents: 0.5, ofCeilingWorkflowTasks: 0.25 });
  });

  it('parked: parks orders past a tiny cache, measures RSS per order and the cost of a cache miss', async () => {
    const h = await getHarness();
    const catalog = loadCatalogFiles([...h.config.catalogFiles, PARKED_CATALOG]);
    const figures = await runParkedBench({ connection: h.env.nativeConnection, temporal: h.env.client, config: h.config, catalog, bundle: h.bundle, orders: 6, cache: 2, warmup: 4, probes: 2, settleMs: 300, quiet: true });
    assert.equal(figures.orders, 6);
    assert.ok(figures.rssBeforeBytes > 0 && figures.rssAfterBytes > 0 && Number.isFinite(figures.kibPerParkedOrder));
    for (const ms of Object.values(figures.cacheMiss)) assert.ok(ms > 0, JSON.stringify(figures.cacheMiss));
    assert.deepEqual(parkedOrder('X').items, [{ id: 'P1', product: 'PARKED-ITEM', quantity: 1, unitPrice: '10.00' }]);
  });
});
