import assert from 'node:assert/strict';
import { loadCatalogFiles } from '../../config/catalog-files';
import { loadConfig } from '../../config/load';
import { runDecomposeBench } from '../../bench/decompose-bench';
import { largeOrder } from '../../bench/large-order';
import { decomposeTargets } from '../../bench/targets';
import { validateOrder } from '../../domain/validate-order';

describe('bench: decomposition micro-benchmark', () => {
  const catalog = loadCatalogFiles(loadConfig().catalogFiles);

  it('generates valid orders of exactly the asked number of items', () => {
    for (const items of [1, 7, 10, 1000]) assert.equal(validateOrder(largeOrder(items)).items.length, items);
  });

  it('reports each size and the growth between the two largest (no timing asserted)', () => {
    const report = runDecomposeBench(catalog, [10, 100], 2);
    assert.deepEqual(report.sizes.map((s) => s.items), [10, 100]);
    for (const size of report.sizes) {
      assert.ok(size.steps > 0 && size.fulfillmentOrders > 0);
      assert.ok(size.decomposeMs > 0 && size.planJsonBytes > 0);
      assert.ok(size.planHeapBytes >= 0);
    }
    assert.equal(report.growth?.itemsRatio, 10);
    assert.ok(Number.isFinite(report.growth?.timeRatio));
    assert.equal(decomposeTargets(report).length, 1, 'no 10,000-item target without a 10,000-item size');
  });
});
