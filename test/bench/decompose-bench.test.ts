import assert from 'node:assert/strict';
import { loadCatalogFiles } from '../../config/catalog-files';
import { loadConfig } from '../../config/load';
import { runDecomposeBench } from '../../bench/decompose-bench';
import { fleetOrder, largeOrder } from '../../bench/large-order';
import { decomposeTargets } from '../../bench/targets';
import { validateOrder } from '../../domain/validate-order';

describe('bench: decomposition micro-benchmark', () => {
  const catalog = loadCatalogFiles(loadConfig().catalogFiles);

  it('generates valid orders of exactly the asked number of items', () => {
    for (const items of [1, 7, 10, 1000]) assert.equal(validateOrder(largeOrder(items)).items.length, items);
    for (const items of [1, 9, 10, 2000]) assert.equal(validateOrder(fleetOrder(items)).items.length, items);
  });

  it('generates the fleet order deterministically: sensor kits in one delivery group, ids in listing order', () => {
    // Everything is derived from the index: a small fleet is exactly this, on every run.
    assert.deepEqual(fleetOrder(2), {
      id: 'FLEET-2',
      accountId: 'BENCH-FLEET',
      channel: 'b2b',
      currency: 'USD',
      effectiveDate: '2026-11-23',
      deliveryGroups: [{ id: 'DG-FLEET', address: { line1: '1 Depot Rd', city: 'Austin', country: 'US' } }],
      items: [
        { id: 'S1', product: 'SENSOR-KIT', quantity: 1, unitPrice: '149.00', deliveryGroupId: 'DG-FLEET', attributes: { band: 'lte-m' } },
        { id: 'S2', product: 'SENSOR-KIT', quantity: 1, unitPrice: '149.00', deliveryGroupId: 'DG-FLEET', attributes: { band: 'nb-iot' } },
      ],
    });
    const order = validateOrder(fleetOrder(2000));
    assert.equal(order.id, 'FLEET-2000');
    assert.deepEqual(order.deliveryGroups?.map((g) => g.id), ['DG-FLEET']);
    assert.ok(order.items.every((item) => item.product === 'SENSOR-KIT' && item.deliveryGroupId === 'DG-FLEET' && item.quantity === 1));
    assert.deepEqual([order.items[0].id, order.items[1999].id], ['S0001', 'S2000']);
    assert.deepEqual(order.items.map((item) => item.id), [...order.items.map((item) => item.id)].sort());
  });

  it('reports each size and the growth between the two largest (no timing asserted)', () => {
    const report = runDecomposeBench(catalog, [10, 100], 2);
    assert.deepEqual(report.sizes.map((s) => s.items), [10, 100]);
    for (const size of report.sizes) {
      assert.ok(size.steps > 0 && size.fulfillmentOrders > 0);
      assert.ok(size.decomposeMs > 0 && size.planJsonBytes > 0);
      // planHeapBytes is not asserted: a heap delta at these sizes is noise (0 after clamping is common).
    }
    assert.equal(report.growth?.itemsRatio, 10);
    assert.ok(Number.isFinite(report.growth?.timeRatio));
    assert.equal(decomposeTargets(report).length, 1, 'no 10,000-item target without a 10,000-item size');
  });

  it('reports the fleet order with its parts, its largest split and its plan size, and the fleet targets from 2,000 items', () => {
    const report = runDecomposeBench(catalog, [10], 1, undefined, { fleetSizes: [300], decompose: { maxStepsPerFulfillmentOrder: 500 } });
    assert.deepEqual(report.sizes.map((s) => [s.shape, s.items]), [['large', 10], ['fleet', 300]]);
    const fleet = report.sizes[1];
    assert.deepEqual([fleet.steps, fleet.fulfillmentOrders, fleet.parts, fleet.largestSplitSteps], [1500, 3, 3, 500]);
    assert.ok(fleet.largestSplitJsonBytes > 0 && fleet.largestSplitJsonBytes < fleet.planJsonBytes);
    assert.ok(fleet.planGzipBytes > 0 && fleet.planGzipBytes < fleet.planJsonBytes);
    assert.equal(report.growth, undefined, 'growth compares sizes of the large order only');
    assert.deepEqual(decomposeTargets(report), [], 'fleet targets need a fleet order of 2,000 items');

    const at2000 = { ...fleet, items: 2000, steps: 10_000, fulfillmentOrders: 20, parts: 20, planJsonBytes: 3_000_000, planGzipBytes: 150_000 };
    const targets = decomposeTargets({ sizes: [at2000] });
    assert.deepEqual(targets.map((t) => t.met), [true, true], 'the plan is stored gzipped: 150,000 bytes');
    assert.match(targets[0].target, /2,000-item fleet order: no split over 1,000 steps/);
    assert.match(targets[1].target, /plan as stored in one payload < 2\.0 MiB/);
    const incompressible = decomposeTargets({ sizes: [{ ...at2000, planGzipBytes: 2_500_000 }] });
    assert.equal(incompressible[1].met, false, 'a plan that stays over the limit gzipped misses it');
  });
});
