import assert from 'node:assert/strict';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startSimulators } from '../../simulators/index';
import { callout, calloutBody, invoice, request, setFault, startTestSimulators, tempDataDir, type TestSimulators } from './harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('simulators: fault injection', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  const ship = (key: string) => callout(sims.url, 'shipping', 'ship', calloutBody(), key);

  it('failNext fails exactly the next N calls, then the system answers again', async () => {
    assert.equal((await setFault(sims.url, 'shipping', { failNext: 2 })).status, 200);
    const first = await ship('k');
    assert.equal(first.status, 503);
    assert.equal(first.body.error.code, 'injected-fault');
    assert.deepEqual((await request(sims.url, 'GET', '/_faults')).body, { shipping: [{ failNext: 1 }] });
    assert.equal((await ship('k')).status, 503);
    const third = await ship('k');
    assert.equal(third.status, 200);
    assert.equal(third.headers.get('idempotent-replay'), null, 'failed attempts did no work');

    const { body } = await request(sims.url, 'GET', '/shipping/calls');
    assert.deepEqual(
      body.calls.map((c: any) => [c.status, c.fault]),
      [
        [503, 'injected-fault'],
        [503, 'injected-fault'],
        [200, null],
      ],
    );
  });

  it('errorRate 1 fails every call, with the chosen status and code', async () => {
    await setFault(sims.url, 'provisioning', { errorRate: 1, errorStatus: 500, errorCode: 'license-server-down' });
    for (let i = 0; i < 3; i++) {
      const response = await callout(sims.url, 'provisioning', 'activate', calloutBody(), `k${i}`);
      assert.equal(response.status, 500);
      assert.equal(response.body.error.code, 'license-server-down');
    }
  });

  it('an outage answers 503 outage until its window ends', async () => {
    await setFault(sims.url, 'warranty', { outageMs: 150 });
    const during = await callout(sims.url, 'warranty', 'register', calloutBody(), 'k');
    assert.equal(during.status, 503);
    assert.equal(during.body.error.code, 'outage');
    assert.equal(during.headers.get('retry-after'), '1');
    await sleep(200);
    const after = await callout(sims.url, 'warranty', 'register', calloutBody(), 'k');
    assert.equal(after.status, 200);
  });

  it('latency delays the answer by at least the configured time', async () => {
    const latencyMs = 120;
    await setFault(sims.url, 'shipping', { latencyMs, latencyJitterMs: 30 });
    const started = performance.now();
    const response = await ship('k');
    const elapsed = performance.now() - started;
    assert.equal(response.status, 200);
    // Node's timers run on a millisecond loop clock and may fire a fraction of a millisecond early.
    assert.ok(elapsed >= latencyMs - 1, `answered after ${elapsed.toFixed(1)} ms`);
  });

  it('a per-operation fault covers only that operation, and wins over the system-wide one', async () => {
    await setFault(sims.url, 'shipping', { operation: 'ship', errorRate: 1, errorStatus: 502 });
    assert.equal((await ship('k')).status, 502);
    assert.equal((await callout(sims.url, 'shipping', 'cancel-shipment', calloutBody(), 'k')).status, 200);

    await setFault(sims.url, 'shipping', { errorRate: 1 });
    assert.equal((await ship('k2')).status, 502, 'the operation fault applies to its operation');
    assert.equal((await callout(sims.url, 'shipping', 'schedule-visit', calloutBody(), 'k')).status, 503);

    assert.equal((await request(sims.url, 'DELETE', '/_faults/shipping?operation=ship')).status, 204);
    assert.equal((await ship('k3')).status, 503, 'now the system-wide fault applies to ship too');
    await request(sims.url, 'DELETE', '/_faults/shipping');
    assert.equal((await ship('k4')).status, 200);
    assert.deepEqual((await request(sims.url, 'GET', '/_faults')).body, {});
  });

  it('failAfterWork does the work but loses the answer; the retry gets the stored response', async () => {
    await setFault(sims.url, 'inventory', { failNext: 1, failAfterWork: true });
    const lost = await callout(sims.url, 'inventory', 'reserve', calloutBody(), 'k');
    assert.equal(lost.status, 503);
    const retry = await callout(sims.url, 'inventory', 'reserve', calloutBody(), 'k');
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get('idempotent-replay'), 'true');
    const stock = await request(sims.url, 'GET', '/inventory/availability?products=LAPTOP-14');
    assert.equal(stock.body['WH-EAST']['LAPTOP-14'], 998, 'reserved once');
  });

  it('applies to billing invoices and webhook deliveries, never to reads or admin routes', async () => {
    await setFault(sims.url, 'billing', { outageMs: 60_000 });
    const refused = await request(sims.url, 'POST', '/billing/invoices', {
      body: invoice(),
      headers: { 'Idempotency-Key': 'k' },
    });
    assert.equal(refused.status, 503);
    assert.equal((await request(sims.url, 'GET', '/billing/invoices')).status, 200);
    assert.equal((await request(sims.url, 'GET', '/billing/calls')).status, 200);

    await setFault(sims.url, 'inventory', { errorRate: 1 });
    assert.equal((await request(sims.url, 'GET', '/inventory/availability?products=LAPTOP-14')).status, 200);
    assert.equal((await request(sims.url, 'PUT', '/inventory/stock', { body: { 'WH-EAST': {} } })).status, 200);

    await setFault(sims.url, 'webhook', { operation: 'alerts/sla', failNext: 1 });
    assert.equal((await request(sims.url, 'POST', '/webhook/alerts/sla', { body: { n: 1 } })).status, 503);
    assert.equal((await request(sims.url, 'POST', '/webhook/alerts/sla', { body: { n: 2 } })).status, 200);
  });

  it('refuses an invalid fault, an unknown system, and an unknown operation', async () => {
    const badRate = await setFault(sims.url, 'shipping', { errorRate: 2 });
    assert.equal(badRate.status, 400);
    assert.equal(badRate.body.error.field, 'errorRate');
    assert.equal((await setFault(sims.url, 'shipping', { latencyMS: 5 })).status, 400);
    const system = await setFault(sims.url, 'teleporter', { failNext: 1 });
    assert.equal(system.status, 404);
    assert.equal(system.body.error.code, 'unknown-system');
    const operation = await setFault(sims.url, 'shipping', { operation: 'teleport', failNext: 1 });
    assert.equal(operation.status, 400);
    assert.equal(operation.body.error.field, 'operation');
  });

  it('takes faults at start, and refuses bad ones', async () => {
    const dataDir = tempDataDir();
    after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const started = await startSimulators({ port: 0, dataDir, faults: { billing: [{ failNext: 1 }] } });
    try {
      const first = await request(started.url, 'POST', '/billing/invoices', {
        body: invoice(),
        headers: { 'Idempotency-Key': 'k' },
      });
      assert.equal(first.status, 503);
    } finally {
      await started.stop();
    }
    await assert.rejects(startSimulators({ port: 0, dataDir, faults: { nowhere: { failNext: 1 } } }), /unknown|no simulated system/);
    await assert.rejects(startSimulators({ port: 0, dataDir, faults: { billing: { errorRate: -1 } } }), /faults: billing\.errorRate/);
  });
});
