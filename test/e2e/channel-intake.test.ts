import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { startChannelIntake, startNewOrderSync, startReorderSync } from '../../client/channel-syncs';
import { startSimulators, type RunningSimulators } from '../../simulators';
import { registerStorefrontWebhook, startStorefrontWebhook } from '../../workers/storefront-webhook';
import { CHANNEL_INTAKE_WORKFLOW_ID, newOrderSyncWorkflowId, reorderSyncWorkflowId } from '../../workflows/ids';
import { channelIntakeQuery, type ChannelIntakeView } from '../../workflows/channel-intake-messages';
import { atEndOfRun } from '../hooks';
import { startOutageProxy, type OutageProxy } from './channel-intake/outage-proxy';
import { eventually } from './eventually';
import { getHarness, type Harness } from './harness';

/**
 * How syncs get started (issue 10, points 2–3 and 5): the channel intake on a real dev server, reading real
 * storefront and CPQ simulators. It runs on a lane of its own, with simulators of its own (so no other test's
 * orders reach it) behind a proxy that can take one system down, and with stand-ins for the sync workflows
 * (channel-intake/workflows.ts): what is asserted is that the right sync workflow exists, once, and what started it.
 */

const TASK_QUEUE = 'channel-intake-e2e';
const POLL_MS = 200;
/** Small, so the tests also see the intake continue as new with its cursor. */
const POLLS_PER_RUN = 15;

describe('channel intake: storefront and CPQ orders start their syncs, once', function () {
  this.timeout(90_000);
  let h: Harness;
  let client: Client;
  let sims: RunningSimulators;
  let proxy: OutageProxy;
  let worker: Worker;
  const syncIds = new Set<string>();
  let carts = 0;

  before(async function () {
    this.timeout(180_000);
    h = await getHarness();
    client = h.env.client;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-intake-'));
    sims = await startSimulators({ port: 0, dataDir });
    proxy = await startOutageProxy(sims.url);
    atEndOfRun(async () => {
      await proxy.close();
      await sims.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const systems = { ...h.config.systems, storefront: { ...h.config.systems.storefront, url: `${proxy.url}/storefront` }, cpq: { ...h.config.systems.cpq, url: `${proxy.url}/cpq` } };
    worker = await h.startWorker({ taskQueue: TASK_QUEUE, config: { systems }, workflowsPath: require.resolve('./channel-intake/workflows') });
    await stopIntake(); // one intake per namespace: none but this test's may run while it does
    await startChannelIntake(client, TASK_QUEUE, { enabled: true, pollInterval: POLL_MS }, { pollsPerRun: POLLS_PER_RUN });
  });

  after(async () => {
    await stopIntake();
    // The stand-ins are not the real sync workflows: their histories must not be recorded for replay. Every one on
    // this test's task queue goes (a late webhook retry may have started one no test named), until visibility,
    // which the history recorder lists, has none left; deletion is asynchronous.
    const standIns = `TaskQueue = "${TASK_QUEUE}" AND WorkflowType != "ChannelIntakeWorkflow"`;
    await eventually('the stand-in syncs to be deleted', async () => {
      const left: string[] = [];
      for await (const execution of client.workflow.list({ query: standIns })) left.push(execution.workflowId);
      for (const workflowId of new Set([...left, ...syncIds])) {
        await client.workflowService.deleteWorkflowExecution({ namespace: h.config.temporal.namespace, workflowExecution: { workflowId } }).catch(() => undefined);
      }
      return left.length === 0 ? true : undefined;
    }, 60_000);
  });

  async function stopIntake(): Promise<void> {
    await client.workflow.getHandle(CHANNEL_INTAKE_WORKFLOW_ID).terminate('channel intake test').catch((error) => {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    });
  }

  const intake = () => client.workflow.getHandle(CHANNEL_INTAKE_WORKFLOW_ID).query(channelIntakeQuery);

  async function send(method: 'POST' | 'GET', urlPath: string, body?: unknown, key?: string): Promise<any> {
    const response = await fetch(`${sims.url}${urlPath}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(`${method} ${urlPath}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  /** A buyer's cart checked out on the storefront: the storefront order and its outbox event's seq. */
  async function checkout(syncToCPQ = true): Promise<{ orderId: string; seq: number }> {
    const id = `CART-INTAKE-${++carts}`;
    await send('POST', '/storefront/carts', {
      id,
      accountId: 'ACME',
      buyer: 'pat@acme.example',
      currency: 'USD',
      items: [{ id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '1000.00', taxCode: 'STANDARD' }],
      payment: { method: 'card', token: 'tok_visa_4242' },
      syncToCPQ,
    }, `cart-${id}`);
    const { order } = await send('POST', `/storefront/carts/${id}/checkout`, {}, `checkout-${id}`);
    const { events } = await send('GET', '/storefront/events?after=0');
    return { orderId: order.id, seq: events.find((event: { orderId: string }) => event.orderId === order.id).seq };
  }

  /** A rep's sale in CPQ, activated: account → opportunity → primary ordered quote → order. */
  async function activatedCpqOrder(options: { syncToB2B: boolean; b2bSourceOrder?: string }): Promise<string> {
    const tag = `rep-${++carts}`;
    const account = await send('POST', '/cpq/accounts', { accountNumber: `ACCT-${tag}`, name: 'Acme Corp' }, `${tag}/account`);
    const opportunity = await send('POST', '/cpq/opportunities', { accountId: account.id, name: `Deal ${tag}`, closeDate: '2026-12-01' }, `${tag}/opportunity`);
    const quote = await send('POST', '/cpq/quotes', { opportunityId: opportunity.id, primary: true, ordered: true, lines: [{ product: 'SEATS', quantity: 5 }] }, `${tag}/quote`);
    const order = await send('POST', '/cpq/orders', { quoteId: quote.id, syncToB2B: options.syncToB2B, ...(options.b2bSourceOrder ? { b2bSourceOrder: options.b2bSourceOrder } : {}) }, `${tag}/order`);
    await send('POST', '/cpq/activate', { orderId: order.id }, `${tag}/activate`);
    return order.id;
  }

  /** The sync workflow once it exists: its run, type and the input its stand-in answered (what started it). */
  async function syncStarted(workflowId: string): Promise<{ workflowId: string; runId: string; type: string; taskQueue: string; input: { trigger: string } }> {
    syncIds.add(workflowId);
    return eventually(`${workflowId} to be started`, async () => {
      const handle = client.workflow.getHandle(workflowId);
      const described = await handle.describe();
      return { workflowId, runId: described.runId, type: described.type, taskQueue: described.taskQueue, input: await handle.result() };
    }, 15_000);
  }

  async function assertNoWorkflow(workflowId: string): Promise<void> {
    await assert.rejects(client.workflow.getHandle(workflowId).describe(), WorkflowNotFoundError, `${workflowId} must not exist`);
  }

  it('a storefront checkout with syncToCPQ starts its new order sync, triggered by its outbox event', async () => {
    const { orderId, seq } = await checkout();
    const sync = await syncStarted(newOrderSyncWorkflowId(orderId));
    assert.equal(sync.type, 'NewOrderSyncWorkflow');
    assert.equal(sync.taskQueue, TASK_QUEUE);
    assert.deepEqual(sync.input, { storefrontOrderId: orderId, trigger: `storefront-outbox#${seq}` });
    const view = await intake();
    assert.ok(view.storefrontCursor >= seq, `the cursor ${view.storefrontCursor} moved past ${seq}`);
  });

  it('a duplicated trigger starts nothing twice: the CLI, later rounds and an intake that reads the outbox again from the start', async () => {
    const { orderId } = await checkout();
    const workflowId = newOrderSyncWorkflowId(orderId);
    const first = await syncStarted(workflowId);

    assert.deepEqual(await startNewOrderSync(client, TASK_QUEUE, orderId, 'ordo checkout'), { workflowId, started: false });
    // A new intake with no cursor sees every event again (as after a lost cursor, or a webhook redelivery).
    await stopIntake();
    await startChannelIntake(client, TASK_QUEUE, { enabled: true, pollInterval: POLL_MS }, { pollsPerRun: POLLS_PER_RUN });
    const reread = await eventually('the new intake to read the whole outbox', async () => {
      const view = await intake();
      return view.polls >= 3 && view.storefrontCursor > 0 ? view : undefined;
    });
    assert.equal(reread.started, 0, 'the re-read outbox started no sync');
    const after = await client.workflow.getHandle(workflowId).describe();
    assert.equal(after.runId, first.runId, 'still the first run');
    assert.deepEqual(await client.workflow.getHandle(workflowId).result(), first.input, 'still started by the first trigger');
  });

  it('a checkout without syncToCPQ starts nothing', async () => {
    const skipped = await checkout(false);
    const synced = await checkout(true);
    // The outbox is read in order: once the later event's sync exists, the earlier event was read and skipped.
    await syncStarted(newOrderSyncWorkflowId(synced.orderId));
    await assertNoWorkflow(newOrderSyncWorkflowId(skipped.orderId));
  });

  it("an activated CPQ order with syncToB2B starts its reorder sync once, across rounds and the intake's continue-as-new; a storefront order's twin does not", async () => {
    const before = await client.workflow.getHandle(CHANNEL_INTAKE_WORKFLOW_ID).describe();
    const twinOfStorefront = await activatedCpqOrder({ syncToB2B: true, b2bSourceOrder: 'SO-ELSEWHERE-1' });
    const repOrder = await activatedCpqOrder({ syncToB2B: true });
    const notWanted = await activatedCpqOrder({ syncToB2B: false });
    const sync = await syncStarted(reorderSyncWorkflowId(repOrder));
    assert.equal(sync.type, 'ReorderSyncWorkflow');
    assert.deepEqual(sync.input, { cpqOrderId: repOrder, trigger: 'cpq-poll' });

    // CPQ lists the order until its storefront twin exists (a stand-in makes none): the next run asks again, and is refused.
    await eventually('the intake to continue as new', async () => {
      const now = await client.workflow.getHandle(CHANNEL_INTAKE_WORKFLOW_ID).describe();
      return now.runId !== before.runId ? now : undefined;
    }, 30_000);
    await eventually('a poll of the new run', async () => ((await intake()).polls >= 2 ? true : undefined));
    assert.equal((await client.workflow.getHandle(reorderSyncWorkflowId(repOrder)).describe()).runId, sync.runId);
    await assertNoWorkflow(reorderSyncWorkflowId(twinOfStorefront));
    await assertNoWorkflow(reorderSyncWorkflowId(notWanted));
  });

  it('survives a storefront outage, keeps serving CPQ meanwhile, and catches up when the storefront is back', async () => {
    proxy.down('storefront');
    try {
      const failing = await eventually('the intake to see the outage', async () => {
        const view = await intake();
        return (view.failures.storefront?.rounds ?? 0) >= 2 ? view : undefined;
      });
      assert.match(failing.failures.storefront!.message, /storefront answered 503.*outage/);
      // Orders placed while the intake cannot see them.
      const during = [await checkout(), await checkout()];
      const reorder = await activatedCpqOrder({ syncToB2B: true });
      await syncStarted(reorderSyncWorkflowId(reorder));
      const stillDown: ChannelIntakeView = await eventually('more failed rounds', async () => {
        const view = await intake();
        return (view.failures.storefront?.rounds ?? 0) > failing.failures.storefront!.rounds + 2 ? view : undefined;
      });
      assert.ok(stillDown.storefrontCursor < during[0].seq, 'the cursor waits for the storefront');
      for (const { orderId } of during) await assertNoWorkflow(newOrderSyncWorkflowId(orderId));

      proxy.up('storefront');
      for (const { orderId, seq } of during) {
        const sync = await syncStarted(newOrderSyncWorkflowId(orderId));
        assert.equal(sync.input.trigger, `storefront-outbox#${seq}`);
      }
      const recovered = await eventually('the outage to be cleared', async () => {
        const view = await intake();
        return view.failures.storefront === undefined ? view : undefined;
      });
      assert.ok(recovered.storefrontCursor >= during[1].seq);
      const { status } = await client.workflow.getHandle(CHANNEL_INTAKE_WORKFLOW_ID).describe();
      assert.equal(status.name, 'RUNNING');
    } finally {
      proxy.up('storefront');
    }
  });

  it('startReorderSync answers the same workflow id whoever asks, and starts it once', async () => {
    const cpqOrderId = await activatedCpqOrder({ syncToB2B: false }); // not the intake's: only this test starts it
    const workflowId = reorderSyncWorkflowId(cpqOrderId);
    syncIds.add(workflowId);
    assert.deepEqual(await startReorderSync(client, TASK_QUEUE, cpqOrderId, 'test'), { workflowId, started: true });
    await client.workflow.getHandle(workflowId).result();
    assert.deepEqual(await startReorderSync(client, TASK_QUEUE, cpqOrderId, 'test again'), { workflowId, started: false }, 'a completed sync is not started again');
  });

  it("the storefront's webhook push starts a checkout's sync without the poll, and refuses what is not an event", async () => {
    await stopIntake(); // only the push can start it now
    const webhook = await startStorefrontWebhook({ client, taskQueue: TASK_QUEUE, host: '127.0.0.1', port: 0 });
    try {
      await registerStorefrontWebhook({ ...h.config.systems.storefront, url: `${sims.url}/storefront` }, webhook.url);
      const { orderId, seq } = await checkout();
      const sync = await syncStarted(newOrderSyncWorkflowId(orderId));
      assert.deepEqual(sync.input, { storefrontOrderId: orderId, trigger: `storefront-webhook#${seq}` });
      await eventually('the storefront to record the push as delivered', async () => {
        const { deliveries } = await send('GET', '/storefront/webhook');
        return deliveries.find((d: { seq: number; status: string }) => d.seq === seq && d.status === 'delivered');
      });

      const push = async (body: string) => {
        const response = await fetch(webhook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        return { status: response.status, body: (await response.json()) as any };
      };
      // A redelivery starts nothing twice.
      assert.deepEqual(await push(JSON.stringify({ seq, type: 'order-created', orderId, origin: 'checkout', syncToCPQ: true })), { status: 200, body: { workflowId: sync.workflowId, started: false } });
      const ignored = await push(JSON.stringify({ seq: seq + 100, type: 'order-created', orderId: 'SO-TWIN-OF-CPQ', origin: 'cpq', syncToCPQ: false }));
      assert.deepEqual(ignored.body.ignored, true);
      await assertNoWorkflow(newOrderSyncWorkflowId('SO-TWIN-OF-CPQ'));
      const bad = await push(JSON.stringify({ seq: 'seven', type: 'order-created', orderId: 'SO-1' }));
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'seq');
      assert.equal((await push('not json')).status, 400);
    } finally {
      await fetch(`${sims.url}/storefront/webhook`, { method: 'DELETE' });
      await webhook.close();
    }
  });
});
