import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { dataConverter } from '../../config/connection';
import { bundleOrdoWorkflows } from '../../workers/create';
import { quietRuntime } from '../quiet-runtime';
import { WORKFLOW_IDS_FILE, readWorkflowIds } from './history-dump';

/**
 * Recorded histories of real runs replayed against today's workflow code: a change that would break an
 * order in flight fails here. Record new ones with `npm run record-histories` when a workflow gains a patch.
 */
const HISTORIES = path.join(__dirname, 'histories');

describe('replay of recorded workflow histories', function () {
  this.timeout(120_000);

  const workflowIds = readWorkflowIds(HISTORIES);
  const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json') && f !== WORKFLOW_IDS_FILE).sort();

  it('has recorded histories of every workflow type the worker registers', () => {
    const registered = Object.keys(require('../../workflows') as Record<string, unknown>);
    const unrecorded = registered.filter((type) => !files.some((f) => f.startsWith(`${type}-`)));
    assert.deepEqual(unrecorded, [], 'record them with `npm run record-histories`');
  });

  it('replays every recorded history without a determinism error', async () => {
    quietRuntime();
    const workflowBundle = await bundleOrdoWorkflows();
    const histories = files.map((file) => ({
      // Histories recorded before the id file ran workflows that never read their own id.
      workflowId: workflowIds[file] ?? file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.deepEqual(failures, []);
  });
});
