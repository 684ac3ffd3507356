import assert from 'node:assert/strict';
import { bundleOrdoWorkflows } from '../../workers/create';
import { quietRuntime } from '../quiet-runtime';
import { historyFiles, replayFailures } from './recorded';

/**
 * Recorded histories of real runs replayed against today's workflow code: a change that would break an
 * order in flight fails here. Record new ones with `npm run record-histories` when a workflow gains a patch.
 */
describe('replay of recorded workflow histories', function () {
  this.timeout(120_000);

  it('has recorded histories of both workflow types', () => {
    const files = historyFiles();
    assert.ok(files.some((f) => f.startsWith('OrderWorkflow')), 'an OrderWorkflow history');
    assert.ok(files.some((f) => f.startsWith('FulfillmentOrderWorkflow')), 'a FulfillmentOrderWorkflow history');
  });

  it('replays every recorded history without a determinism error', async () => {
    quietRuntime();
    assert.deepEqual(await replayFailures(await bundleOrdoWorkflows()), []);
  });
});
