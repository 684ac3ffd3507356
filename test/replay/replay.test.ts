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

  it('has recorded histories of every workflow type the worker registers', () => {
    const files = historyFiles();
    const registered = Object.keys(require('../../workflows') as Record<string, unknown>);
    const unrecorded = registered.filter((type) => !files.some((f) => f.startsWith(`${type}-`)));
    assert.deepEqual(unrecorded, [], 'record them with `npm run record-histories`');
  });

  it('replays every recorded history without a determinism error', async () => {
    quietRuntime();
    assert.deepEqual(await replayFailures(await bundleOrdoWorkflows()), []);
  });
});
