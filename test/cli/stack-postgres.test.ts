import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { portAnswers } from '../../scripts/postgres';
import { PORTS_PER_SERVER } from '../../scripts/temporal-server';
import { freePortRange } from '../e2e/free-ports';
import { captureLogFolder } from '../log-capture';
import { requireProductionServer } from '../production-server';
import { cleanEnv, describeRun, jsonOf, ordo, REPO_ROOT } from './run-ordo';

/**
 * `ordo stack up --persistence postgres` (docs/production-temporal.md): PostgreSQL and the real Temporal server
 * instead of the dev server, the other parts as ever; `status` says which Temporal runs; `down` stops PostgreSQL too.
 */
describe('ordo stack up --persistence postgres', function () {
  this.timeout(600_000);
  let dir: string;
  let configFile: string;
  let postgresPort: number;
  const run = (...args: string[]) => ordo([...args, '--config', configFile], { env: cleanEnv(), timeoutMs: 300_000 });

  before(async function () {
    await requireProductionServer(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-stack-pg-'));
    fs.chmodSync(dir, 0o755); // PostgreSQL runs as its own user when the tests run as root: it must reach its folder
    const temporalPort = await freePortRange(PORTS_PER_SERVER);
    const [uiPort, simulatorsPort, codecPort, consolePort, apiPort] = [1, 2, 3, 4, 5].map((i) => temporalPort + PORTS_PER_SERVER + i);
    postgresPort = await freePortRange(1);
    configFile = path.join(dir, 'temporal-config.yaml');
    fs.writeFileSync(
      configFile,
      [
        'temporal:',
        `  address: 127.0.0.1:${temporalPort}`,
        '  namespace: default',
        '  taskQueue: ordo-stack-pg-test',
        'catalog:',
        `  - ${path.join(REPO_ROOT, 'catalog', 'laptop.yaml')}`,
        'stack:',
        `  temporalPort: ${temporalPort}`,
        `  temporalUiPort: ${uiPort}`,
        `  simulatorsPort: ${simulatorsPort}`,
        `  codecServerPort: ${codecPort}`,
        `  consolePort: ${consolePort}`,
        `  apiPort: ${apiPort}`,
        `  postgresPort: ${postgresPort}`,
        `  dataDir: ${path.join(dir, 'data')}`,
      ].join('\n'),
    );
  });
  after(async function () {
    if (!configFile) return;
    await run('stack', 'down');
    captureLogFolder(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the stack on the server backed by PostgreSQL, and stops PostgreSQL with the rest', async () => {
    const up = await run('stack', 'up', '--detach', '--persistence', 'postgres');
    assert.equal(up.code, 0, describeRun(up));
    assert.match(up.stdout, /Temporal server: starting v[\d.]+ on 127\.0\.0\.1:\d+ \(PostgreSQL on 127\.0\.0\.1:\d+, 4 history shards\)/);
    const status = jsonOf<{ temporal: { reachable: boolean; persistence?: string; webUi?: string }; worker: { running: boolean } }>(await run('stack', 'status', '--json'));
    assert.deepEqual([status.temporal.reachable, status.temporal.persistence, status.temporal.webUi, status.worker.running], [true, 'postgres', undefined, true]);
    // Asking for the dev server while the PostgreSQL-backed one runs is refused, naming the way out.
    const other = await run('stack', 'up', '--detach', '--persistence', 'sqlite');
    assert.equal(other.code, 1, describeRun(other));
    assert.match(other.stderr, /the stack's postgres server already runs .* stop the stack \(ordo stack down\)/);

    const down = await run('stack', 'down');
    assert.equal(down.code, 0, describeRun(down));
    assert.match(down.stdout, /temporal: stopped/);
    assert.match(down.stdout, /postgres: stopped/);
    assert.equal(await portAnswers(postgresPort), false, 'PostgreSQL no longer listens');
  });
});
