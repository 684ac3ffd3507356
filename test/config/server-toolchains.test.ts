import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Without Go or PostgreSQL, the production-shaped server's scripts (docs/production-temporal.md) say in one line
 * what to install, as a MissingToolchain (the test of that server then skips with it), and start no build.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(REPO_ROOT, 'node_modules/tsx/dist/cjs/index.cjs');
const FIXTURE = path.join(__dirname, 'fixtures/missing-server-toolchains.ts');

type Outcome = { name: string; message: string };

describe('the PostgreSQL-backed Temporal server on a machine without Go or PostgreSQL', function () {
  this.timeout(30_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-server-toolchains-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('names what to install, in one line each, and builds nothing', async () => {
    const emptyBin = fs.mkdirSync(path.join(tmp, 'empty-bin'), { recursive: true })!;
    const cacheDir = fs.mkdirSync(path.join(tmp, 'cache'), { recursive: true })!;
    const env = { HOME: tmp, PATH: emptyBin, ORDO_CACHE_DIR: cacheDir, GOPROXY: 'off' };
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--no-warnings', '--require', TSX, FIXTURE], { cwd: REPO_ROOT, env, timeout: 20_000 }, (error, out, err) =>
        error ? reject(new Error(`fixture failed: ${error.message}\n${out}\n${err}`)) : resolve(out),
      ),
    );
    const { server, postgres, log } = JSON.parse(stdout) as { server: Outcome; postgres: Outcome; log: string[] };
    assert.equal(server.name, 'MissingToolchain', JSON.stringify(server));
    assert.match(server.message, /^Go is not installed to build the Temporal server: install Go 1\.\d+\+ .*apt-get install golang-go/);
    assert.equal(postgres.name, 'MissingToolchain', JSON.stringify(postgres));
    assert.match(postgres.message, /^PostgreSQL is not installed: install Debian's package as root \(apt-get install -y postgresql\)/);
    for (const message of [server.message, postgres.message]) assert.equal(message.split('\n').length, 1, message);
    assert.deepEqual(log, [], 'no build or install was started');
    assert.deepEqual(fs.readdirSync(cacheDir), [], 'nothing was left in the cache folder');
  });
});
