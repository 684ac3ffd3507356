import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { INVOICE_SCHEDULE_ID, PAYMENT_SCHEDULE_ID } from '../../workflows/payment-messages';
import { cleanEnv, REPO_ROOT } from '../cli/run-ordo';
import { eventually } from './eventually';
import { getHarness, type Harness } from './harness';

/**
 * The real `npm run worker` (workers/main.ts), twice at once, against the shared dev server: both make the
 * schedulers at start-up, and there is one of each, as configured (billing.schedulers in the worker's
 * temporal-config.yaml). Its channel intake is switched off, so the other tests' intake is left alone.
 */

const TASK_QUEUE = 'schedulers-worker';

describe('workers/main.ts makes the schedulers at start-up', function () {
  this.timeout(240_000);
  let h: Harness;
  let client: Client;
  let configFile: string;
  const workers: ChildProcess[] = [];

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    client = h.env.client;
    await deleteSchedules(client);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-sched-worker-'));
    configFile = path.join(dir, 'temporal-config.yaml');
    const text = fs
      .readFileSync(path.join(REPO_ROOT, 'temporal-config.yaml'), 'utf8')
      .replace(/- catalog\//g, `- ${REPO_ROOT}/catalog/`)
      .replace(/intake: \{ enabled: true[^\n]*/, 'intake: { enabled: false }')
      .replace(/(\n {2}defaultTaxCode: STANDARD\n)/, '$1  schedulers:\n    invoice: { every: week, targetDays: 2, paused: true }\n    payment: { every: day }\n');
    assert.match(text, /schedulers:/, 'the test config has its schedulers');
    assert.match(text, /intake: \{ enabled: false \}/);
    fs.writeFileSync(configFile, text);
  });

  after(async () => {
    await Promise.all(workers.map((worker) => stop(worker)));
    await deleteSchedules(client);
    fs.rmSync(path.dirname(configFile), { recursive: true, force: true });
  });

  it('two workers starting at once: one schedule of each, as configured', async () => {
    const env = cleanEnv({ ORDO_CONFIG: configFile, TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: 'default', ORDO_TASK_QUEUE: TASK_QUEUE });
    const logs = await Promise.all([startWorker(env), startWorker(env)]);
    const outcomes = logs.flatMap((line) => [...line.matchAll(/(ordo-\w+-scheduler) (created|updated)/g)].map((m) => `${m[1]} ${m[2]}`)).sort();
    assert.deepEqual(outcomes, [
      `${INVOICE_SCHEDULE_ID} created`,
      `${INVOICE_SCHEDULE_ID} updated`,
      `${PAYMENT_SCHEDULE_ID} created`,
      `${PAYMENT_SCHEDULE_ID} updated`,
    ], logs.join('\n'));

    const ids: string[] = await eventually('both schedules to be listed', async () => {
      const listed: string[] = [];
      for await (const schedule of client.schedule.list()) if (schedule.scheduleId.startsWith('ordo-')) listed.push(schedule.scheduleId);
      return listed.length >= 2 ? listed.sort() : undefined;
    });
    assert.deepEqual(ids, [INVOICE_SCHEDULE_ID, PAYMENT_SCHEDULE_ID]);
    const invoice = await client.schedule.getHandle(INVOICE_SCHEDULE_ID).describe();
    assert.equal(invoice.action.taskQueue, TASK_QUEUE);
    assert.deepEqual(invoice.action.args, [{ targetDays: 2 }]);
    assert.deepEqual(invoice.spec.calendars![0].dayOfWeek, [{ start: 'MONDAY', end: 'MONDAY', step: 1 }]);
    assert.equal(invoice.state.paused, true);
    const payment = await client.schedule.getHandle(PAYMENT_SCHEDULE_ID).describe();
    assert.equal(payment.state.paused, false);
    assert.deepEqual(payment.action.args, [{ targetDays: 0 }]);
  });

  /** Starts `npm run worker`'s program and answers its `schedulers:` line, once it has made them. */
  function startWorker(env: NodeJS.ProcessEnv): Promise<string> {
    const worker = spawn(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ['workers/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    workers.push(worker);
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the worker made no schedules in 180 s:\n${output}`)), 180_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const line = /^schedulers: .*$/m.exec(output);
        if (line) {
          clearTimeout(timer);
          resolve(line[0]);
        }
      };
      worker.stdout!.on('data', read);
      worker.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      worker.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the worker exited (${code}) before making the schedules:\n${output}`));
      });
    });
  }
});

async function stop(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGTERM');
  const timer = setTimeout(() => worker.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function deleteSchedules(client: Client): Promise<void> {
  for (const scheduleId of [INVOICE_SCHEDULE_ID, PAYMENT_SCHEDULE_ID]) {
    await client.schedule.getHandle(scheduleId).delete().catch((error) => {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    });
  }
}
