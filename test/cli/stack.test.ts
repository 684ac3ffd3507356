import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureLogFolder } from '../log-capture';
import { cleanEnv, describeRun, jsonOf, ordo, REPO_ROOT } from './run-ordo';

/**
 * `ordo stack` counts a part up when it answers: the worker when its process lives and Temporal lists it polling.
 * A SIGKILLed worker (left a zombie where nothing reaps it) is not taken for alive: `stack up --detach` again
 * starts a new one and returns only once that one polls.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

describe('ordo stack: a part is up when it answers', function () {
  this.timeout(600_000);
  let dir: string;
  let configFile: string;
  const run = (...args: string[]) => ordo([...args, '--config', configFile], { env: cleanEnv(), timeoutMs: 300_000 });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-stack-'));
    const [temporalPort, uiPort, simulatorsPort, codecPort, consolePort, apiPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    configFile = path.join(dir, 'temporal-config.yaml');
    fs.writeFileSync(
      configFile,
      [
        'temporal:',
        `  address: 127.0.0.1:${temporalPort}`,
        '  namespace: default',
        '  taskQueue: ordo-stack-test',
        'catalog:',
        `  - ${path.join(REPO_ROOT, 'catalog', 'laptop.yaml')}`,
        'queues:',
        '  stack-desk: { members: [stack-alice, stack-bob] }',
        'stack:',
        `  temporalPort: ${temporalPort}`,
        `  temporalUiPort: ${uiPort}`,
        `  simulatorsPort: ${simulatorsPort}`,
        `  codecServerPort: ${codecPort}`,
        `  consolePort: ${consolePort}`,
        `  dataDir: ${path.join(dir, 'data')}`,
        `  apiPort: ${apiPort}`,
        'api:',
        '  keys: [{ name: stack-cos, keyEnv: ORDO_API_KEY }]',
      ].join('\n'),
    );
  });
  after(async () => {
    await run('stack', 'down');
    captureLogFolder(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restarts a SIGKILLed worker instead of taking it for alive, and reports it up only once it polls', async () => {
    const first = await run('stack', 'up', '--detach');
    assert.equal(first.code, 0, describeRun(first));
    // The console is a part too, with a development account for every queue member (one password, in a 0600 file).
    assert.match(first.stdout, /Console: http:\/\/localhost:\d+ \(sign in as stack-alice, password in .*console-passwords\.txt\)/);
    const passwords = path.join(dir, 'data', 'console-passwords.txt');
    assert.equal(fs.statSync(passwords).mode & 0o777, 0o600);
    const consoleStatus = jsonOf<{ console: { answering: boolean } }>(await run('stack', 'status', '--json')).console;
    assert.equal(consoleStatus.answering, true);
    // The order API is a part too, with a development key for ORDO_API_KEY (unset here) in a 0600 file.
    assert.match(first.stdout, /API: http:\/\/localhost:\d+\/tmf-api\/productOrderingManagement\/v4 \(send X-API-Key: the key in .*api-key\.txt/);
    const apiKeyFile = path.join(dir, 'data', 'api-key.txt');
    assert.equal(fs.statSync(apiKeyFile).mode & 0o777, 0o600);
    const apiStatus = jsonOf<{ api: { url: string; answering: boolean } }>(await run('stack', 'status', '--json')).api;
    assert.equal(apiStatus.answering, true);
    const listed = await fetch(`${apiStatus.url}/productOrder`, { headers: { 'x-api-key': fs.readFileSync(apiKeyFile, 'utf8').trim() } });
    assert.equal(listed.status, 200, await listed.clone().text());
    assert.equal((await fetch(`${apiStatus.url}/productOrder`)).status, 401);
    const healthFile = path.join(dir, 'data', 'worker.json');
    const before = JSON.parse(fs.readFileSync(healthFile, 'utf8')) as { pid: number; identity: string };
    // The worker runs with a heap cap, so parked orders' garbage is collected (docs/benchmarks-more.md).
    if (fs.existsSync(`/proc/${before.pid}/environ`)) {
      const environ = fs.readFileSync(`/proc/${before.pid}/environ`, 'utf8').split('\0');
      assert.ok(environ.some((entry) => entry.startsWith('NODE_OPTIONS=') && /--max-old-space-size=\d+/.test(entry)), 'the worker has a heap cap in NODE_OPTIONS');
    }
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'data', 'stack.json'), 'utf8')) as { pids: { worker: number } };

    // Kill the worker the hard way: tsx's whole process group, the worker's node process included.
    for (const target of [-record.pids.worker, before.pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const down = await run('stack', 'status', '--json');
    assert.equal(down.code, 1, describeRun(down));
    assert.equal(jsonOf<{ worker: { running: boolean } }>(down).worker.running, false);

    const second = await run('stack', 'up', '--detach');
    assert.equal(second.code, 0, describeRun(second));
    assert.doesNotMatch(second.stdout, /Worker: already running/);
    assert.match(second.stdout, /Worker: starting/);
    const after = JSON.parse(fs.readFileSync(healthFile, 'utf8')) as { pid: number; identity: string };
    assert.notEqual(after.pid, before.pid);

    const up = await run('stack', 'status', '--json');
    assert.equal(up.code, 0, describeRun(up));
    assert.deepEqual(jsonOf<{ worker: { running: boolean; pid: number } }>(up).worker, { running: true, pid: after.pid });

    const third = await run('stack', 'up', '--detach');
    assert.equal(third.code, 0, describeRun(third));
    assert.match(third.stdout, new RegExp(`Worker: already running \\(pid ${after.pid}\\)`));
  });
});
