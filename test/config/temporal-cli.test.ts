import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMPORAL_CLI_VERSION } from '../../scripts/temporal-cli';

/**
 * ensureTemporalCli() finds a Temporal CLI without downloading a binary. Each case runs in a child process
 * with an environment built from scratch (PATH, ORDO_*), so the test never touches this process's env.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(REPO_ROOT, 'node_modules/tsx/dist/cjs/index.cjs');
const FIXTURE = path.join(__dirname, 'fixtures/ensure-temporal-cli.ts');

type Outcome = { path?: string; error?: { name: string; message: string }; log: string[] };

describe('ensureTemporalCli', function () {
  this.timeout(30_000);
  let tmp: string;
  /** A folder for PATH holding nothing executable (so neither `temporal` nor `go`). */
  let emptyBin: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-temporal-cli-'));
    emptyBin = fs.mkdirSync(path.join(tmp, 'empty-bin'), { recursive: true })!;
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const emptyDir = (name: string) => fs.mkdirSync(path.join(tmp, name), { recursive: true })!;
  const executable = (file: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    return file;
  };

  function ensure(env: Record<string, string>): Promise<Outcome> {
    const base = {
      HOME: tmp,
      // Should anything still try to build, it must fail at once instead of fetching modules for minutes.
      GOPROXY: 'off',
      GOTOOLCHAIN: 'local',
      GOMODCACHE: path.join(tmp, 'gomodcache'),
      GOCACHE: path.join(tmp, 'gocache'),
    };
    return new Promise((resolve, reject) => {
      execFile(process.execPath, ['--no-warnings', '--require', TSX, FIXTURE], { cwd: REPO_ROOT, env: { ...base, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`fixture failed: ${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
        try {
          resolve(JSON.parse(stdout) as Outcome);
        } catch {
          reject(new Error(`fixture printed no JSON\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      });
    });
  }

  it('uses ORDO_TEMPORAL_CLI as given, before anything on the PATH', async () => {
    const onPath = executable(path.join(tmp, 'path-bin/temporal'));
    const outcome = await ensure({ ORDO_TEMPORAL_CLI: '/opt/temporal/bin/temporal', PATH: path.dirname(onPath), ORDO_CACHE_DIR: emptyDir('cache-1') });
    assert.deepEqual(outcome, { path: '/opt/temporal/bin/temporal', log: [] });
  });

  it('uses a `temporal` on the PATH, then the cached build', async () => {
    const onPath = executable(path.join(tmp, 'path-bin-2/temporal'));
    const cacheDir = emptyDir('cache-2');
    const cached = executable(path.join(cacheDir, 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal'));
    const [fromPath, fromCache] = await Promise.all([
      ensure({ PATH: [emptyBin, path.dirname(onPath)].join(path.delimiter), ORDO_CACHE_DIR: cacheDir }),
      ensure({ PATH: emptyBin, ORDO_CACHE_DIR: cacheDir }),
    ]);
    assert.deepEqual(fromPath, { path: onPath, log: [] });
    assert.deepEqual(fromCache, { path: cached, log: [] });
  });

  it('rejects with MissingToolchain, saying what to install or set, when there is no CLI and no Go', async () => {
    const cacheDir = emptyDir('cache-empty');
    const outcome = await ensure({ PATH: emptyBin, ORDO_CACHE_DIR: cacheDir, ORDO_TEST_HIDE_GO_FALLBACKS: '1' });
    assert.equal(outcome.path, undefined, `found ${outcome.path}`);
    assert.equal(outcome.error?.name, 'MissingToolchain', JSON.stringify(outcome));
    const message = outcome.error!.message;
    assert.match(message, /`temporal` is not on the PATH/);
    assert.match(message, /install Go 1\.\d+\+/);
    assert.match(message, /apt-get install golang-go/);
    assert.match(message, /put the Temporal CLI on the PATH/);
    assert.match(message, /set TEMPORAL_ADDRESS to a running server/);
    assert.deepEqual(outcome.log, [], 'no build was started');
    assert.deepEqual(fs.readdirSync(cacheDir), [], 'nothing was left in the cache folder');
  });
});
