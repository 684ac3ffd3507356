import assert from 'node:assert/strict';
import { runFullPathBench, fullPathTable, fullPathTarget } from '../../bench/decompose-bench';
import { loadCatalogFiles } from '../../config/catalog-files';
import { loadConfig } from '../../config/load';
import { LIMITS } from '../../domain/limits';
import { largeOrder } from '../../bench/large-order';

/** The full-path row of `npm run bench:decompose`: every part is timed, against real simulators. No timing asserted. */
describe('bench: decomposition, full path (client checks, the decomposeOrder activity, payload converter and codecs)', function () {
  this.timeout(60_000);
  const config = loadConfig();
  const catalog = loadCatalogFiles(config.catalogFiles);

  it('times each part of the path for each size, the plan stored gzipped and encrypted', async () => {
    const rows = await runFullPathBench(catalog, config, [{ shape: 'large', items: 10 }, { shape: 'fleet', items: 400 }], 1);
    assert.equal(rows.length, 2);
    for (const row of rows) {
      for (const part of [row.clientCheckMs, row.activityMs, row.toPayloadMs, row.encodeMs, row.decodeMs, row.fromPayloadMs]) assert.ok(part > 0 && Number.isFinite(part));
      assert.ok(Math.abs(row.fullPathMs - (row.activityMs + row.toPayloadMs + row.encodeMs + row.decodeMs + row.fromPayloadMs)) < 1e-9);
      assert.ok(row.storedBytes > 0);
      assert.equal(row.refusedAtSubmission, undefined);
    }
    assert.match(fullPathTable(rows), /full path/);
    assert.match(fullPathTarget(rows)!.target, /10-item order validated and decomposed, full path, < 150 ms/);
  });

  it('says when the generated order is one the client would refuse (the 10,000-item order is over 1 MiB of JSON)', () => {
    assert.ok(Buffer.byteLength(JSON.stringify(largeOrder(10_000))) > LIMITS.orderBytes);
  });
});
