import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { parseSets } from '../../client/cli/operator-commands';
import { OrdoError } from '../../client/errors';
import { OrdoOperator } from '../../client/operator';
import { resolveStepRef, type SplitSteps } from '../../client/step-ref';
import type { FalloutStep, ManualTask } from '../../client/worklists';
import type { Order } from '../../domain/order';
import type { StepStatus } from '../../workflows/types';
import { exampleOrder } from '../e2e/examples';
import { getHarness, simulatorSend, type Harness } from '../e2e/harness';
import { eventually } from '../e2e/eventually';

/**
 * The operator side on the shared real stack: the typed client API (OrdoOperator) and the real `bin/ordo`
 * as a child process, against catalog/network.yaml (approve is a manual task in fulfillment-desk, delivered
 * a pause on the `delivered` signal, site-ready a pause on a line item attribute, configure a callout that
 * falls out into provisioning-desk).
 */

const BIN = path.resolve(__dirname, '../../bin/ordo');
const CONFIGURE = 'service-activation.configure[CONFIGURE-SERVICE:OI-3]';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ordo(h: Harness | undefined, ...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ORDO_TASK_QUEUE: 'ordo-test', ...(h ? { TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: h.config.temporal.namespace } : {}) };
  delete env.ORDO_CONFIG;
  return new Promise((resolve) =>
    execFile(BIN, args, { env, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

/** Polls until `probe` answers something truthy; fails with `what` after `timeoutMs`. */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> =>
  eventually(what, async () => (await probe()) || undefined, timeoutMs);

async function stepOf(h: Harness, orderId: string, stepId: string): Promise<StepStatus | undefined> {
  const view = await h.client.getPlan(orderId);
  return view.fulfillmentOrders.flatMap((fo) => fo.steps).find((step) => step.id === stepId);
}

const withSiteReady = (order: Order, siteReady: boolean): Order => ({
  ...order,
  items: order.items.map((item) => (item.id === 'OI-3' ? { ...item, attributes: { ...item.attributes, siteReady } } : item)),
});

describe('operator verbs: client API and bin/ordo on the shared stack', function () {
  this.timeout(60_000);
  let h: Harness;
  let operator: OrdoOperator;
  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
    operator = new OrdoOperator(h.client, h.config.queues);
  });

  it('works a manual task, an attribute condition and a delivery signal through to one invoice', async () => {
    const order = withSiteReady(exampleOrder('network-kit.json', 'ops'), false);
    await h.client.startOrder(order);

    // Visibility finds the approval task in its queue (the search attribute lands shortly after the step starts).
    const [task] = await until('the approve task in fulfillment-desk', async () => {
      const tasks = await operator.listTasks({ queue: 'fulfillment-desk', orderId: order.id });
      return tasks.length > 0 && tasks;
    });
    assert.equal(task.stepId, 'router-delivery.approve');
    assert.equal(task.queue, 'fulfillment-desk');
    assert.match(task.instructions ?? '', /site survey/);
    assert.ok(task.assignee === 'alice' || task.assignee === 'carol', `least-loaded assignment within fulfillment-desk, got ${task.assignee}`);
    assert.ok(task.startedAt && task.lateAt, 'an SLA task carries when it started and when it is late');
    assert.deepEqual((await operator.listTasks({ actor: task.assignee, orderId: order.id })).map((t) => t.stepId), ['router-delivery.approve']);

    const listed = await ordo(h, 'tasks', '--queue', 'fulfillment-desk');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${order.id}  router-delivery\\.approve`));
    assert.match(listed.stdout, /site survey/);

    const forBob = await ordo(h, 'tasks', '--actor', 'bob', '--json');
    assert.equal(forBob.code, 0, forBob.stderr);
    const bobsTasks = (JSON.parse(forBob.stdout) as { tasks: ManualTask[] }).tasks;
    assert.ok(!bobsTasks.some((t) => t.orderId === order.id), 'bob is not in fulfillment-desk: the task is not his');

    const byBob = await ordo(h, 'complete', order.id, 'approve', '--actor', 'bob');
    assert.equal(byBob.code, 1);
    assert.match(byBob.stderr, /bob may not act on this step: not a member of fulfillment-desk \(alice, carol\)/);

    const byCarol = await ordo(h, 'complete', order.id, 'approve', '--actor', 'carol', '--output', '{"approved":true}', '--json');
    assert.equal(byCarol.code, 0, byCarol.stderr);
    assert.equal(JSON.parse(byCarol.stdout).stepId, 'router-delivery.approve');

    const again = await ordo(h, 'complete', order.id, 'router-delivery.approve', '--actor', 'carol');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not waiting for an operator/);
    await assert.rejects(operator.completeTask(order.id, 'approve', 'carol'), (error: unknown) => error instanceof OrdoError && error.code === 'refused' && /not waiting/.test(error.message));
    await assert.rejects(operator.completeTask(order.id, 'aprove', 'carol'), (error: unknown) => error instanceof OrdoError && error.code === 'invalid' && error.message.includes('router-delivery.approve'));

    // site-ready waits for the line item's siteReady attribute; an update makes the condition hold.
    const lineItemId = (await h.client.getPlan(order.id)).plan!.fulfillmentOrders.find((fo) => fo.system === 'provisioning')!.lineItems[0].id;
    await until('site-ready to wait for its condition', async () => (await stepOf(h, order.id, `service-activation.site-ready[${lineItemId}]`))?.state === 'InProgress');
    const unknownItem = await ordo(h, 'update', order.id, '--line-item', 'NOPE', '--set', 'siteReady=true');
    assert.equal(unknownItem.code, 1);
    assert.match(unknownItem.stderr, new RegExp(`no line item NOPE.*${lineItemId.replace(/[[\]]/g, '\\$&')}`));
    const updated = await ordo(h, 'update', order.id, '--line-item', lineItemId, '--set', 'siteReady=true', '--actor', 'carol');
    assert.equal(updated.code, 0, updated.stderr);
    await until('site-ready to resume', async () => (await stepOf(h, order.id, `service-activation.site-ready[${lineItemId}]`))?.state === 'Completed');

    const typo = await ordo(h, 'resume', order.id, 'delivred');
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /resume on: delivered/);
    const resumed = await ordo(h, 'resume', order.id, 'delivered', '--actor', 'carol');
    assert.equal(resumed.code, 0, resumed.stderr);

    const summary = await h.client.waitForCompletion(order.id, { timeoutMs: 20_000 });
    assert.equal(summary.state, 'completed');
    assert.equal(summary.invoices.length, 1);
    const approve = await stepOf(h, order.id, 'router-delivery.approve');
    assert.deepEqual(approve?.completedBy, { actor: 'carol', via: 'completeManualTask' });
    assert.deepEqual(approve?.output, { approved: true });
  });

  it('lists fallout with why it failed and resolves it by retry, skip, complete and a whole queue at once', async () => {
    const orders = ['retry', 'skip', 'complete', 'bulk1', 'bulk2'].map((label) => exampleOrder('network-kit.json', label));
    const [retried, skipped, completed, ...bulk] = orders;
    // Every configure-service call fails until the fault is removed: each order's configure falls out after its two tries.
    await simulatorSend(h, 'PUT', '/_faults/provisioning', { operation: 'configure-service', errorRate: 1 });
    try {
      await Promise.all(orders.map((order) => h.client.startOrder(order)));
      const ids = new Set(orders.map((o) => o.id));
      await until('every configure step in provisioning-desk', async () => {
        const fallout = await operator.listFallout({ queue: 'provisioning-desk' });
        return fallout.filter((f) => ids.has(f.orderId) && f.stepId === CONFIGURE).length === orders.length;
      });
    } finally {
      await simulatorSend(h, 'DELETE', '/_faults/provisioning');
    }

    const listed = await ordo(h, 'fallout', '--queue', 'provisioning-desk', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const entry = (JSON.parse(listed.stdout) as { fallout: FalloutStep[] }).fallout.find((f) => f.orderId === retried.id);
    assert.ok(entry, 'the retried order is listed');
    assert.equal(entry.stepId, CONFIGURE);
    assert.equal(entry.falloutQueue, 'provisioning-desk');
    assert.equal(entry.fulfillmentOrderId, 'FO-provisioning');
    assert.equal(entry.error?.status, 503);
    assert.equal(entry.error?.code, 'injected-fault');
    assert.equal(entry.error?.attempts, 2);
    const human = await ordo(h, 'fallout', '--order', retried.id);
    assert.match(human.stdout, /why: 503 injected-fault after 2 attempt\(s\)/);

    // mallory has no operator key: `--actor mallory` acts as nobody (docs/security.md "Operators are who they say").
    const byMallory = await ordo(h, 'fallout', 'retry', retried.id, 'configure', '--actor', 'mallory');
    assert.equal(byMallory.code, 1);
    assert.match(byMallory.stderr, /mallory\.key does not exist: you can act only as an operator whose private key you can read/);
    const byAlice = await ordo(h, 'fallout', 'retry', retried.id, 'configure', '--actor', 'alice');
    assert.equal(byAlice.code, 1);
    assert.match(byAlice.stderr, /alice may not act on this step: not a member of provisioning-desk \(dave, erin\)/);
    const byDave = await ordo(h, 'fallout', 'retry', retried.id, 'configure', '--actor', 'dave');
    assert.equal(byDave.code, 0, byDave.stderr);

    const skip = await ordo(h, 'fallout', 'skip', skipped.id, 'FO-provisioning/configure', '--actor', 'erin', '--note', 'configured by hand on site');
    assert.equal(skip.code, 0, skip.stderr);
    const complete = await ordo(h, 'fallout', 'complete', completed.id, 'service-activation.configure', '--actor', 'dave', '--output', '{"serviceId":"SVC-7"}');
    assert.equal(complete.code, 0, complete.stderr);

    const all = await ordo(h, 'fallout', 'retry', '--all', '--queue', 'provisioning-desk', '--actor', 'dave', '--json');
    const results = (JSON.parse(all.stdout) as { results: Array<{ orderId: string; stepId: string; outcome: string }> }).results;
    for (const order of bulk) assert.deepEqual(results.filter((r) => r.orderId === order.id).map((r) => [r.stepId, r.outcome]), [[CONFIGURE, 'resolved']]);
    assert.ok(!results.some((r) => r.orderId === retried.id), 'an already resolved step is no longer in the queue');
    assert.equal(all.code, results.some((r) => r.outcome === 'refused') ? 1 : 0);

    const finished = async (orderId: string, state: string, stepId = CONFIGURE) => until(`${orderId} ${stepId} ${state}`, async () => {
      const step = await stepOf(h, orderId, stepId);
      return step?.state === state && step;
    });
    const afterRetry = await finished(retried.id, 'Completed');
    assert.equal(afterRetry.completedBy, undefined, 'a retried step completes by its own callout');
    assert.deepEqual((await finished(skipped.id, 'Skipped')).completedBy, { actor: 'erin', via: 'resolveFallout:skip', note: 'configured by hand on site' });
    assert.deepEqual((await finished(completed.id, 'Completed')).output, { serviceId: 'SVC-7' });
    for (const order of bulk) await finished(order.id, 'Completed');
    await finished(skipped.id, 'Completed', 'service-activation.live'); // a skipped step unblocks the steps after it
    assert.deepEqual((await operator.listFallout({ orderId: retried.id })), []);

    await assert.rejects(operator.resolveFallout(retried.id, 'configure', 'retry', 'dave'), (error: unknown) => error instanceof OrdoError && error.code === 'refused' && /not in fallout/.test(error.message));
  });

  it('refuses bad command lines before reaching Temporal', async () => {
    const noActor = await ordo(undefined, 'complete', 'ORD-1', 'approve');
    assert.equal(noActor.code, 2);
    assert.match(noActor.stderr, /complete needs --actor/);
    assert.equal((await ordo(undefined, 'fallout', 'retry', '--all', '--queue', 'provisioning-desk')).code, 2);
    assert.equal((await ordo(undefined, 'update', 'ORD-1', '--set', 'a=1')).code, 2);
    const badOutput = await ordo(undefined, 'complete', 'ORD-1', 'approve', '--actor', 'carol', '--output', '{approved');
    assert.equal(badOutput.code, 1);
    assert.match(badOutput.stderr, /--output is not valid JSON/);
  });

  describe('step references and --set values', () => {
    const step = (id: string, definition: string, workspace: string, state: StepStatus['state'] = 'InProgress') =>
      ({ id, definition, workspace, state }) as StepStatus;
    const splits: SplitSteps[] = [
      { fulfillmentOrderId: 'FO-WH-EAST', workflowId: 'wf-1', steps: [step('router-delivery.approve', 'router-delivery.approve', 'router-delivery')] },
      {
        fulfillmentOrderId: 'FO-provisioning',
        workflowId: 'wf-2',
        steps: [
          step('service-activation.configure[CONFIGURE-SERVICE:OI-3]', 'service-activation.configure', 'service-activation'),
          step('service-activation.configure[CONFIGURE-SERVICE:OI-4]', 'service-activation.configure', 'service-activation', 'FatallyFailed'),
        ],
      },
    ];
    const resolved = (ref: string) => {
      const found = resolveStepRef('ORD-1', ref, splits);
      return `${found.fulfillmentOrderId}/${found.step.id}`;
    };

    it('accepts the full id, FO-ID/step-id, workspace.step and step when they name one step', () => {
      assert.equal(resolved('router-delivery.approve'), 'FO-WH-EAST/router-delivery.approve');
      assert.equal(resolved('approve'), 'FO-WH-EAST/router-delivery.approve');
      assert.equal(resolved('FO-WH-EAST/approve'), 'FO-WH-EAST/router-delivery.approve');
      assert.equal(resolved('service-activation.configure[CONFIGURE-SERVICE:OI-4]'), 'FO-provisioning/service-activation.configure[CONFIGURE-SERVICE:OI-4]');
      assert.equal(resolved('configure[CONFIGURE-SERVICE:OI-3]'), 'FO-provisioning/service-activation.configure[CONFIGURE-SERVICE:OI-3]');
    });

    it('refuses an ambiguous or unknown reference with the candidates', () => {
      assert.throws(() => resolveStepRef('ORD-1', 'configure', splits), (error: unknown) =>
        error instanceof OrdoError && error.code === 'invalid' && /names 2 steps/.test(error.message) && error.message.includes('FO-provisioning/service-activation.configure[CONFIGURE-SERVICE:OI-4] (FatallyFailed)'));
      assert.throws(() => resolveStepRef('ORD-1', 'ship', splits), (error: unknown) =>
        error instanceof OrdoError && error.code === 'invalid' && error.message.includes('FO-WH-EAST/router-delivery.approve'));
      assert.throws(() => resolveStepRef('ORD-1', 'FO-nowhere/approve', splits), /has no fulfillment order FO-nowhere; it has FO-WH-EAST, FO-provisioning/);
    });

    it('types --set values: booleans, numbers, else strings', () => {
      assert.deepEqual(parseSets(['siteReady=true', 'floor=3', 'rate=-1.5', 'note=a=b', 'zip=02134', 'off=false']), {
        siteReady: true, floor: 3, rate: -1.5, note: 'a=b', zip: '02134', off: false,
      });
    });
  });
});
