import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { fleetOrder } from '../../bench/large-order';
import { OrdoClient } from '../../client/ordo-client';
import { dataConverterFor, payloadCodecsFor } from '../../config/connection';
import type { LoadedConfig } from '../../config/load';
import { privateKeyFile, readPublicKeys } from '../../config/operator-keys';
import { codecToken, startCodecServer, type RunningCodecServer } from '../../console/codec-server';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { createOrdoWorker } from '../../workers/create';
import { orderWorkflowId } from '../../workflows/ids';
import { ORDO_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { getHarness, type Harness } from '../e2e/harness';
import { browserMissing, getBrowser } from './harness';

/**
 * Issue 13's "opens a fleet order's part in the Temporal Web UI with its plan readable as JSON", for real: the shared
 * test server has no Web UI, so this file runs its own Temporal dev server WITH the Web UI, configured as `ordo stack
 * up` configures it (`--ui-codec-endpoint` naming the codec server), and a worker on it. A fleet order of 120 sensor
 * kits (600 steps) is partitioned into two parts; part 1's plan (500 steps) is stored gzip-compressed, then encrypted.
 *
 * The codec server decodes it for a signed-in operator only: through its HTTP API with a bearer token, and in Chromium
 * after its sign-in link, with the Web UI's Codec Server setting "Include cross-origin credentials" on (the dev server
 * has no flag for it; without it the UI sends no cookie to another port and shows the payload encrypted: checked too).
 */

const ITEMS = 120;
const TASK_QUEUE = 'ordo-web-ui';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}
const text = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

describe('the Temporal Web UI shows a fleet order part’s plan as JSON, through the codec server', function () {
  this.timeout(180_000);
  let h: Harness;
  let config: LoadedConfig;
  let web: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let codec: RunningCodecServer;
  let uiUrl: string;
  let codecUrl: string;
  const orderId = `CONSOLE-demo-fleet-${process.pid}`;
  let part: { workflowId: string; runId: string; fulfillmentOrderId: string };
  const tokenOf = (operator: string) => codecToken(operator, crypto.createPrivateKey(fs.readFileSync(privateKeyFile(config.operatorKeysDir, operator), 'utf8')));

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
    const uiPort = await freePort();
    uiUrl = `http://localhost:${uiPort}`;
    codec = await startCodecServer({
      port: 0,
      codecs: payloadCodecsFor(h.config),
      publicKeys: () => readPublicKeys(h.config.operatorKeysDir),
      allowedOrigins: [uiUrl],
    });
    // localhost, as the stack names it to the Web UI: the same site as the UI, so the sign-in cookie goes along.
    codecUrl = `http://localhost:${codec.port}`;
    web = await TestWorkflowEnvironment.createLocal({
      client: { dataConverter: dataConverterFor(h.config) },
      server: {
        executable: { type: 'existing-path', path: await ensureTemporalCli() },
        searchAttributes: ORDO_SEARCH_ATTRIBUTES,
        ui: true,
        uiPort,
        extraArgs: ['--ui-codec-endpoint', codecUrl],
        log: { format: 'pretty', level: 'error' },
      },
    });
    config = { ...h.config, temporal: { ...h.config.temporal, address: web.address, namespace: web.namespace ?? 'default', taskQueue: TASK_QUEUE } };
    worker = await createOrdoWorker({ connection: web.nativeConnection, config, catalog: h.catalog, workflowBundle: h.bundle, client: web.client });
    running = worker.run();

    const client = new OrdoClient(web.client, TASK_QUEUE, h.catalog);
    await client.startOrder(fleetOrder(ITEMS, orderId));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const summary = await client.getSummary(orderId).catch(() => undefined);
      const first = summary?.fulfillmentOrders.find((fo) => fo.id.endsWith('-P1'));
      if (first) {
        const { runId } = await web.client.workflow.getHandle(first.workflowId).describe();
        part = { workflowId: first.workflowId, runId, fulfillmentOrderId: first.id };
        break;
      }
      if (Date.now() > deadline) throw new Error(`the fleet order ${orderId} has no part P1 after 60 s: ${JSON.stringify(summary?.fulfillmentOrders ?? 'no summary')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  after(async () => {
    await web?.client.workflow.getHandle(orderWorkflowId(orderId)).terminate('test done').catch(() => undefined);
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await web?.teardown();
    await codec?.close();
  });

  /** The part's input (its plan) as stored in its history, in the JSON form the Web UI posts to /decode. */
  async function storedInput(): Promise<JsonPayload[]> {
    const history = await web.client.workflow.getHandle(part.workflowId, part.runId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payloads = started?.input?.payloads ?? [];
    assert.ok(payloads.length > 0, `${part.workflowId} was started with an input`);
    return payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    }));
  }

  const decode = (payloads: JsonPayload[], headers: Record<string, string> = {}) =>
    fetch(`${codecUrl}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': config.temporal.namespace, Origin: uiUrl, ...headers },
      body: JSON.stringify({ payloads }),
    });

  it('decodes the part’s encrypted, gzip-compressed plan to JSON through the HTTP API, for a signed-in operator only', async () => {
    const stored = await storedInput();
    const encodings = stored.map((p) => text(p.metadata.encoding));
    assert.ok(encodings.every((e) => e === 'binary/encrypted'), `the history holds the plan encrypted (encodings: ${encodings.join(', ')})`);
    assert.ok(!text(stored[0].data).includes('reserve'), 'nothing of the plan is readable as stored');

    const refused = await decode(stored);
    assert.equal(refused.status, 401);

    const answer = await decode(stored, { Authorization: `Bearer ${tokenOf('alice')}` });
    assert.equal(answer.status, 200, await answer.clone().text());
    const [plain] = ((await answer.json()) as { payloads: JsonPayload[] }).payloads;
    assert.equal(text(plain.metadata.encoding), 'json/plain', 'decoded all the way: decrypted, then gunzipped');
    const input = JSON.parse(text(plain.data)) as { orderId: string; fulfillmentOrder: { id: string; steps: Array<{ id: string }> } };
    assert.equal(input.orderId, orderId);
    assert.equal(input.fulfillmentOrder.id, part.fulfillmentOrderId);
    assert.equal(input.fulfillmentOrder.steps.length, 500, 'part 1 holds the first 500 of 600 steps');
  });

  it('shows the plan as JSON on the part’s page in the Web UI once the operator has signed in to the codec server and the UI sends credentials', async function () {
    const browser = await getBrowser();
    if (!browser) this.skip();
    if (!browser) throw new Error(browserMissing);
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      // The sign-in link `ordo codec-server token --link` prints: it sets the codec server's session cookie.
      const signIn = await page.goto(`${codecUrl}/sign-in?token=${tokenOf('alice')}`);
      assert.equal(signIn?.status(), 200);
      const workflowPage = `${uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(part.workflowId)}/${part.runId}/history`;
      // As the stack configures the UI (the endpoint, no credentials): the cookie stays home, the Input stays encrypted.
      await page.goto(workflowPage);
      await page.getByText(Buffer.from('binary/encrypted').toString('base64')).first().waitFor({ timeout: 45_000 });
      // The Web UI's Codec Server settings, as an operator sets them once in its dialog (kept in the browser).
      const settings = { endpoint: codecUrl, includeCredentials: true, overrideRemoteCodecConfiguration: true };
      await page.evaluate(`for (const [key, value] of Object.entries(${JSON.stringify(settings)})) localStorage.setItem(key, JSON.stringify(value))`);
      await page.goto(workflowPage);
      // The Input shows the decoded plan: its order id and its part's id as JSON text.
      const deadline = Date.now() + 45_000;
      let shown = '';
      for (;;) {
        shown = await page.locator('body').innerText();
        if (shown.includes(`"fulfillmentOrder"`) && shown.includes(part.fulfillmentOrderId)) break;
        if (Date.now() > deadline) {
          await page.screenshot({ path: `${h.dataDir}/web-ui-fleet.png`, fullPage: true }).catch(() => undefined);
          assert.fail(`the Web UI did not show ${part.workflowId}'s plan as JSON within 45 s (screenshot: ${h.dataDir}/web-ui-fleet.png); it shows:\n${shown.slice(0, 1500)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      assert.ok(shown.includes(orderId), 'the plan names its order');
    } finally {
      await context.close();
    }
  });
});
