import assert from 'node:assert/strict';
import { bundleWorkflowCode } from '@temporalio/worker';
import { dataConverter } from '../../config/connection';
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

  it('registered at the version histories were recorded with, breaks every one of them that has a version', () => {
    // Histories recorded before versions (version 0) ask every patch by name and are safe either way.
    const versioned = historyFiles().filter((file) => recordedBehaviourVersion(file) > 0).length;
    assert.ok(versioned > 0, 'some recorded histories have a behaviour version');
    assert.equal(failures.wrongly.length, versioned, failures.wrongly.join('\n'));
    for (const failure of failures.wrongly) assert.match(failure, /nondetermin/i);
  });
});
