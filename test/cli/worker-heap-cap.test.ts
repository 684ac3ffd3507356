import assert from 'node:assert/strict';
import { WORKER_HEAP_CAP_MIB, withWorkerHeapCap } from '../../scripts/stack';

describe('the stack starts its worker with a heap cap (docs/benchmarks-more.md, memory per parked order)', () => {
  it('adds the cap when NODE_OPTIONS sets none, keeping what else it sets', () => {
    assert.equal(withWorkerHeapCap(undefined), `--max-old-space-size=${WORKER_HEAP_CAP_MIB}`);
    assert.equal(withWorkerHeapCap(''), `--max-old-space-size=${WORKER_HEAP_CAP_MIB}`);
    assert.equal(withWorkerHeapCap('--enable-source-maps'), `--enable-source-maps --max-old-space-size=${WORKER_HEAP_CAP_MIB}`);
  });

  it("leaves the operator's own cap alone", () => {
    assert.equal(withWorkerHeapCap('--max-old-space-size=2048'), '--max-old-space-size=2048');
    assert.equal(withWorkerHeapCap('--inspect --max-old-space-size 1024'), '--inspect --max-old-space-size 1024');
  });
});
