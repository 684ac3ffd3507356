import assert from 'node:assert/strict';
import { bundleWorkflowCode } from '@temporalio/worker';
import { dataConverter } from '../../config/connection';
import { currentVersion } from '../../workflows/patches';
import { quietRuntime } from '../quiet-runtime';
import { MISREGISTERED } from './later-patch/workflows';
import { historyFiles, recordedBehaviourVersion, replayFailures } from './recorded';

/**
 * The point of the patch registry (workflows/patches.ts, docs/versioning.md): a patch added later, at the
 * next behaviour version, cannot change what any recorded history does, even when its branch issues a
 * command (a one-millisecond timer) before anything else.
 */
describe('a patch added later (test/replay/later-patch/workflows.ts)', function () {
  this.timeout(180_000);

  let failures: { rightly: string[]; wrongly: string[] };
  before(async () => {
    quietRuntime();
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./later-patch/workflows'),
      payloadConverterPath: dataConverter.payloadConverterPath,
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    failures = { rightly: await replayFailures(workflowBundle), wrongly: await replayFailures(workflowBundle, MISREGISTERED) };
  });

  it('registered at the next behaviour version, leaves every recorded history replaying', () => {
    assert.deepEqual(failures.rightly, []);
  });

  it('registered at the current version, breaks every history recorded at it, and only those', () => {
    // Histories recorded before versions (version 0) ask every patch by name and are safe either way; histories of an
    // older version ask it (newer than theirs) and their history answers false, so they replay too.
    const current = historyFiles().filter((file) => recordedBehaviourVersion(file) === currentVersion()).length;
    assert.ok(current > 0, 'some recorded histories have the current behaviour version');
    assert.equal(failures.wrongly.length, current, failures.wrongly.join('\n'));
    for (const failure of failures.wrongly) assert.match(failure, /nondetermin/i);
  });
});
