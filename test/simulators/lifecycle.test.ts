import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulators } from '../../simulators/index';
import { callout, calloutBody, request, setFault, startTestSimulators, tempDataDir, type TestSimulators } from './harness';

describe('simulators: lifecycle, health and webhook', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  it('reports health with every system, on 127.0.0.1', async () => {
    assert.match(sims.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, body } = await request(sims.url, 'GET', '/health');
    assert.equal(status, 200);
    assert.deepEqual(body, {
      ok: true,
      systems: ['inventory', 'shipping', 'provisioning', 'warranty', 'billing', 'webhook', 'cpq', 'storefront', 'payments'],
    });
  });

  it('stop() resolves promptly with a slow request in flight and an idle keep-alive connection', async () => {
    await request(sims.url, 'GET', '/health'); // leaves a keep-alive socket open
    await setFault(sims.url, 'shipping', { latencyMs: 30_000 });
    const slow = callout(sims.url, 'shipping', 'ship', calloutBody(), 'k').then(
      () => 'answered',
      () => 'cut off',
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // let it arrive and start waiting
    const started = Date.now();
    await sims.stop();
    assert.ok(Date.now() - started < 1000, `stop took ${Date.now() - started} ms`);
    assert.equal(await slow, 'cut off');
    await sims.stop(); // stopping twice is harmless
  });

  it('answers unknown paths with 404, wrong methods with 405, unknown systems with unknown-system', async () => {
    const notFound = await request(sims.url, 'GET', '/nowhere');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.body.error.code, 'not-found');
    assert.equal((await request(sims.url, 'GET', '/shipping/ship')).status, 405);
    const system = await callout(sims.url, 'payroll', 'run', calloutBody(), 'k');
    assert.equal(system.body.error.code, 'unknown-system');
  });

  it('the webhook keeps whatever is posted and lists it', async () => {
    const posted = await request(sims.url, 'POST', '/webhook/alerts/sla', { body: { stepId: 'ship', state: 'late' } });
    assert.equal(posted.status, 200);
    await request(sims.url, 'POST', '/webhook/other', { rawBody: 'plain text', headers: { 'content-type': 'text/plain' } });

    const all = (await request(sims.url, 'GET', '/webhook/received')).body.received;
    assert.deepEqual(
      all.map((d: any) => [d.path, d.body]),
      [
        ['alerts/sla', { stepId: 'ship', state: 'late' }],
        ['other', 'plain text'],
      ],
    );
    const sla = (await request(sims.url, 'GET', '/webhook/received?path=alerts/sla')).body.received;
    assert.equal(sla.length, 1);
    assert.ok(Date.parse(sla[0].receivedAt));

    assert.equal((await request(sims.url, 'DELETE', '/webhook/received')).status, 204);
    assert.deepEqual((await request(sims.url, 'GET', '/webhook/received')).body.received, []);
  });

  it('refuses to start on a damaged data file, naming it', async () => {
    const dataDir = tempDataDir();
    after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dataDir, 'billing.json'), '{ "version": 1, "system": "billing", "state": {');
    await assert.rejects(startSimulators({ port: 0, dataDir }), /billing\.json is not valid JSON/);
  });
});
