import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMPORAL_TEST_SERVER_VERSION } from '../../scripts/temporal-test-server';

/**
 * ensureTemporalTestServer() installs the time-skipping test server once with Maven, and otherwise says in one
 * line what to install. Each case runs in a child process with PATH and ORDO_CACHE_DIR built from scratch, with
 * stand-in tools that do nothing, so no case ever runs Maven.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(REPO_ROOT, 'node_modules/tsx/dist/cjs/index.cjs');
const FIXTURE = path.join(__dirname, 'fixtures/ensure-temporal-test-server.ts');

type Outcome = { path?: string; error?: { name: string; message: string }; log: string[] };

describe('ensureTemporalTestServer', function () {
  this.timeout(30_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-test-server-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A folder for PATH with stand-ins (exit 0) for the named tools, and nothing else. */
  const binWith = (name: string, tools: string[]) => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const tool of tools) fs.writeFileSync(path.join(dir, tool), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    return dir;
  };
  const emptyDir = (name: string) => fs.mkdirSync(path.join(tmp, name), { recursive: true })!;
  const serverDir = (cacheDir: string) => path.join(cacheDir, 'temporal-test-server', TEMPORAL_TEST_SERVER_VERSION);

  function ensure(env: Record<string, string>): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      execFile(process.execPath, ['--no-warnings', '--require', TSX, FIXTURE], { cwd: REPO_ROOT, env: { HOME: tmp, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`fixture failed: ${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
        try {
          resolve(JSON.parse(stdout) as Outcome);
        } catch {
          reject(new Error(`fixture printed no JSON\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      });
    });
  }

  it('says in one line to install a JDK and Maven when there is no java, and leaves the cache empty', async () => {
    const cacheDir = emptyDir('cache-no-java');
    const outcome = await ensure({ PATH: binWith('bin-empty', []), ORDO_CACHE_DIR: cacheDir });
    assert.equal(outcome.error?.name, 'MissingToolchain', JSON.stringify(outcome));
    assert.equal(outcome.error!.message.split('\n').length, 1, 'one line');
    assert.match(outcome.error!.message, /`java` is not on the PATH/);
    assert.match(outcome.error!.message, /apt-get install default-jdk-headless maven/);
    assert.deepEqual(fs.readdirSync(cacheDir), []);
  });

  it('names Maven when java is there but Maven is not and nothing is installed yet', async () => {
    const cacheDir = emptyDir('cache-no-mvn');
    const outcome = await ensure({ PATH: binWith('bin-java', ['java']), ORDO_CACHE_DIR: cacheDir });
    assert.equal(outcome.error?.name, 'MissingToolchain', JSON.stringify(outcome));
    assert.match(outcome.error!.message, /needs Maven to install it, and `mvn` is not on the PATH/);
    assert.match(outcome.error!.message, /apt-get install default-jdk-headless maven/);
    assert.deepEqual(outcome.log, [], 'no install was started');
    assert.deepEqual(fs.readdirSync(cacheDir), []);
  });

  it('uses the cached install without Maven; an install without Ordo’s main class is installed again', async () => {
    const cacheDir = emptyDir('cache-installed');
    const launcher = path.join(serverDir(cacheDir), 'temporal-test-server');
    fs.mkdirSync(path.join(serverDir(cacheDir), 'lib'), { recursive: true });
    fs.writeFileSync(launcher, '#!/bin/sh\n', { mode: 0o755 });
    const javaOnly = binWith('bin-java-only', ['java']);

    // An install from before the main class: Maven is needed again.
    const stale = await ensure({ PATH: javaOnly, ORDO_CACHE_DIR: cacheDir });
    assert.match(stale.error?.message ?? '', /`mvn` is not on the PATH/, JSON.stringify(stale));

    fs.writeFileSync(path.join(serverDir(cacheDir), 'lib', 'ordo-test-server.jar'), '');
    assert.deepEqual(await ensure({ PATH: javaOnly, ORDO_CACHE_DIR: cacheDir }), { path: launcher, log: [] });
  });
});
