import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { currentVersion, PATCHES, versionMarker, type PatchRegistry } from '../../workflows/patches';
import { Behaviour, givenBehaviour, ownBehaviour } from '../../workflows/versions';

const WORKFLOWS = path.join(__dirname, '../../workflows');
/** The registry and the one module that asks it: the only places allowed to compare versions or call patched(). */
const ALLOWED = new Set(['patches.ts', 'versions.ts']);
/** A comparison with anything named *version* on either side. */
const comparison = /version\w*\s*(?:[<>]=?|[!=]==?)|(?:[<>]=?|[!=]==?)\s*[\w.]*version\b/i;

/** A registry with one patch per version 1..3 and a deprecated one, and a history that records what is asked. */
function fixture(version: number) {
  const registry = {
    one: { since: 1, why: 'test' },
    two: { since: 2, why: 'test' },
    three: { since: 3, why: 'test' },
    retired: { since: 2, deprecated: true, why: 'test' },
  } as const satisfies PatchRegistry;
  const asked: string[] = [];
  const deprecated: string[] = [];
  const history = { patched: (id: string) => (asked.push(id), false), deprecatePatch: (id: string) => void deprecated.push(id) };
  return { behaviour: new Behaviour(version, registry, history), asked, deprecated };
}

describe('workflows/versions.ts: the patch registry', () => {
  it('answers patches at or below the started version from the version, without asking the history', () => {
    const { behaviour, asked } = fixture(2);
    assert.equal(behaviour.has('one'), true);
    assert.equal(behaviour.has('two'), true);
    assert.deepEqual(asked, []);
  });

  it('asks the history for a patch newer than the started version (a replayed history answers false)', () => {
    const { behaviour, asked } = fixture(2);
    assert.equal(behaviour.has('three'), false);
    assert.deepEqual(asked, ['three']);
  });

  it('asks every patch by name for a history recorded before versions (version 0)', () => {
    const { behaviour, asked } = fixture(0);
    for (const id of ['one', 'two', 'three'] as const) behaviour.has(id);
    assert.deepEqual(asked, ['one', 'two', 'three']);
  });

  it('writes deprecatePatch for a deprecated patch newer than the version, and takes its branch', () => {
    const { behaviour, asked, deprecated } = fixture(1);
    assert.equal(behaviour.has('retired'), true);
    assert.deepEqual([asked, deprecated], [[], ['retired']]);
  });

  it('startedWith answers from the version alone, and version 0 started with nothing', () => {
    assert.equal(fixture(2).behaviour.startedWith('two'), true);
    assert.equal(fixture(2).behaviour.startedWith('three'), false);
    assert.equal(fixture(0).behaviour.startedWith('one'), false);
  });

  it('passes its version on to workflows it starts, and nothing at version 0', () => {
    assert.deepEqual(fixture(2).behaviour.toInput(), { behaviourVersion: 2 });
    assert.deepEqual(fixture(0).behaviour.toInput(), {});
  });

  it('runs a carried version without asking, and fails the workflow task (a plain Error) for a version newer than this build', () => {
    assert.equal(ownBehaviour(currentVersion()).startedWith('lean-history'), true);
    for (const start of [() => ownBehaviour(currentVersion() + 1), () => givenBehaviour(currentVersion() + 1)]) {
      assert.throws(start, (error: Error) => error.constructor === Error && /newer than this worker's .*deploy the build that started it/.test(error.message));
    }
  });

  it('refuses a patch that is not registered', () => {
    const { behaviour } = fixture(1);
    assert.throws(() => behaviour.has('unregistered' as 'one'), /not in the registry/);
  });

  it('keeps version 1 as recorded: its marker is lean-history and it holds the five patches of that release', () => {
    assert.equal(versionMarker(1), 'lean-history');
    assert.ok(currentVersion() >= 1);
    assert.deepEqual(
      Object.entries(PATCHES).filter(([, entry]) => entry.since === 1).map(([id]) => id).sort(),
      ['changes-in-flight', 'lean-history', 'operator-trail', 'people-and-time', 'redo-reopens-at-once'],
    );
  });

  it('is the only place in workflows/ that compares behaviour versions or calls patched()', () => {
    const offences: string[] = [];
    const askingHistory = /\b(?:patched|deprecatePatch)\s*\(/;
    for (const file of sourceFiles(WORKFLOWS)) {
      if (ALLOWED.has(path.relative(WORKFLOWS, file))) continue;
      fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (/^\s*(\*|\/\/|\/\*)/.test(line)) return; // comments may talk about versions
        if (comparison.test(line) || askingHistory.test(line)) offences.push(`${path.relative(WORKFLOWS, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offences, [], 'ask workflows/versions.ts (behaviour.has / startedWith) instead');
  });

  it('the check above finds a raw comparison when there is one', () => {
    for (const line of ['if (version >= 1) {', 'input.behaviourVersion !== undefined', '1 <= behaviourVersion']) assert.match(line, comparison);
  });
});

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}
