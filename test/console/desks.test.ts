import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { OrdoOperator } from '../../client/operator';
import type { Order } from '../../domain/order';
import { orderWorkflowId } from '../../workflows/ids';
import type { StepStatus } from '../../workflows/types';
import { eventually } from '../e2e/eventually';
import { simulatorSend } from '../e2e/harness';
import { browserMissing, getBrowser, getConsole, READ_ONLY_USER, signedInPage, type ConsoleHarness } from './harness';

/**
 * The desks in a real browser on the shared stack (docs/console.md "Desks"): the network kit's approval task, its
 * `delivered` pause and its provisioning callout (steered to fall out) worked from the console, as the signed-in
 * operator; the read-only visitor and the workflow's refusals shown as they come. Every order here is this file's
 * own (CONSOLE-DESKS-…, account CONSOLE-DESKS-<pid>), and every batch action is scoped to that account.
 */
describe('console desks: tasks, incidents and pauses worked in the browser', function () {
  this.timeout(180_000);
  const ACCOUNT = `CONSOLE-DESKS-${process.pid}`;
  let ui: ConsoleHarness;
  let operator: OrdoOperator;
  let counter = 0;
  const started: string[] = [];
  const pages: Page[] = [];

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    ui = await getConsole();
    if (!(await getBrowser())) this.skip();
    operator = new OrdoOperator(ui.stack.client, ui.config.queues);
  });
  after(async () => {
    await Promise.all(pages.map((page) => page.context().close().catch(() => undefined)));
    await Promise.all(started.map((id) => ui?.stack.env.client.workflow.getHandle(orderWorkflowId(id)).terminate('test done').catch(() => undefined)));
  });

  /** A network kit of this file's account: approval task (fulfillment-desk), `delivered` pause, provisioning callout. */
  async function startNetworkKit(): Promise<string> {
    const order = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/network-kit.json'), 'utf8')) as Order;
    const id = `CONSOLE-DESKS-${process.pid}-${++counter}`;
    await ui.stack.client.startOrder({ ...order, id, accountId: ACCOUNT });
    started.push(id);
    return id;
  }

  async function open(name: string, route: string): Promise<Page> {
    const { page } = await signedInPage(ui.url, name);
    pages.push(page);
    await page.goto(`/#/${route}`);
    return page;
  }

  const testId = (id: string) => `[data-testid="${id}"]`;
  const approvalOf = (orderId: string) => eventually(`the approval task of ${orderId}`, async () => (await operator.listTasks({ orderId }))[0], 30_000);
  const stepOf = async (orderId: string, stepId: string): Promise<StepStatus | undefined> =>
    (await ui.stack.client.getPlan(orderId)).fulfillmentOrders.flatMap((fo) => fo.steps).find((step) => step.id === stepId);
  const stepIn = (orderId: string, stepId: string, state: StepStatus['state']) =>
    eventually(`${orderId} ${stepId} to be ${state}`, async () => {
      const step = await stepOf(orderId, stepId);
      return step?.state === state ? step : undefined;
    }, 60_000);

  it('completes a task in the inbox, and the order goes on past it', async () => {
    const orderId = await startNetworkKit();
    const task = await approvalOf(orderId);
    // fulfillment-desk assigns least-loaded between alice and carol: the inbox lists a task to whom it is assigned.
    const assignee = task.assignee ?? 'alice';
    const page = await open(assignee, 'tasks');
    const row = page.locator(testId(`task-${orderId}-${task.stepId}`));
    await row.waitFor();
    assert.match(await row.textContent() ?? '', /fulfillment-desk/);
    assert.match(await page.locator(testId(`sla-${orderId}-${task.stepId}`)).textContent() ?? '', /jeopardy in|late in|late by/);

    // Not JSON: the page says so and sends nothing.
    await page.fill(testId(`output-${orderId}-${task.stepId}`), '{approved');
    assert.equal(await page.isDisabled(testId(`complete-${orderId}-${task.stepId}`)), true);
    await page.fill(testId(`output-${orderId}-${task.stepId}`), '{"approved": true}');
    await page.click(testId(`complete-${orderId}-${task.stepId}`));
    await page.waitForSelector(testId('desk-done'));
    await row.waitFor({ state: 'detached' });

    const approved = await stepIn(orderId, task.stepId, 'Completed');
    assert.equal(approved.completedBy?.actor, assignee);
    assert.deepEqual(approved.output, { approved: true });
    // The order goes on: shipping runs and the delivery pause starts waiting.
    await eventually('the delivery pause to wait', async () => (await ui.stack.client.getPlan(orderId)).fulfillmentOrders.flatMap((fo) => fo.steps).find((s) => s.type === 'pause' && s.definition.endsWith('.delivered') && s.state === 'InProgress'), 60_000);
  });

  it('resumes a pause step from the desk, and the order goes on', async () => {
    const orderId = await startNetworkKit();
    await operator.completeTask(orderId, (await approvalOf(orderId)).stepId, 'carol');
    const pause = await eventually('the delivery pause to wait', async () => (await ui.stack.client.getPlan(orderId)).fulfillmentOrders.flatMap((fo) => fo.steps).find((s) => s.type === 'pause' && s.definition.endsWith('.delivered') && s.state === 'InProgress'), 60_000);
    const page = await open('alice', 'incidents');
    await page.waitForSelector(testId(`pause-${orderId}-${pause.id}`));
    await page.click(testId(`resume-${orderId}-delivered`));
    await page.waitForSelector(testId('pause-done'));
    assert.match(await page.locator(testId('pause-done')).textContent() ?? '', /resumed .*delivered/);
    const resumed = await stepIn(orderId, pause.id, 'Completed');
    assert.equal(resumed.completedBy?.actor, 'alice');
    await page.locator(testId(`pause-${orderId}-${pause.id}`)).waitFor({ state: 'detached' });
  });

  /** `count` network kits whose provisioning callout falls out with error `code` (the fault is lifted once they have). */
  async function fallenOut(count: number, code: string): Promise<Array<{ orderId: string; stepId: string }>> {
    await simulatorSend(ui.stack, 'PUT', '/_faults/provisioning', { operation: 'configure-service', errorRate: 1, errorStatus: 503, errorCode: code });
    try {
      const orders: string[] = [];
      for (let n = 0; n < count; n++) orders.push(await startNetworkKit());
      return await eventually(`${count} configure steps in fallout`, async () => {
        const fallout = (await Promise.all(orders.map((orderId) => operator.listFallout({ orderId })))).flat();
        return fallout.length === count ? fallout.map(({ orderId, stepId }) => ({ orderId, stepId })) : undefined;
      }, 60_000);
    } finally {
      await simulatorSend(ui.stack, 'DELETE', '/_faults/provisioning');
    }
  }

  it('clears three incidents with one batch retry of everything the account filter matches', async () => {
    const CODE = `desks-drill-${process.pid}`;
    const stuck = await fallenOut(3, CODE);

    const page = await open('dave', 'incidents');
    await page.fill(testId('incident-filter-account'), ACCOUNT);
    await page.fill(testId('incident-filter-code'), CODE);
    for (const { orderId, stepId } of stuck) await page.waitForSelector(testId(`incident-${orderId}-${stepId}`));
    assert.equal(await page.locator('[data-testid^="incident-CONSOLE-"]').count(), 3, 'the filter shows exactly this test’s three');
    const row = await page.locator(testId(`incident-${stuck[0]!.orderId}-${stuck[0]!.stepId}`)).textContent();
    assert.match(row ?? '', new RegExp(`provisioning.*${CODE}`));

    await page.click(testId('batch-retry-all'));
    await page.click(testId('batch-retry-all-confirm'));
    for (const { orderId, stepId } of stuck) {
      const result = page.locator(testId(`incident-result-${orderId}-${stepId}`));
      await result.waitFor();
      assert.equal(await result.getAttribute('data-outcome'), 'resolved', await result.textContent() ?? '');
    }
    for (const { orderId, stepId } of stuck) await stepIn(orderId, stepId, 'Completed');
    await page.waitForSelector(testId('incident-empty'));
  });

  it('skips a selection of incidents ticked on the desk', async () => {
    const CODE = `desks-skip-${process.pid}`;
    const stuck = await fallenOut(2, CODE);
    const page = await open('erin', 'incidents');
    await page.fill(testId('incident-filter-code'), CODE);
    await page.fill(testId('incident-filter-step'), 'service-activation.configure');
    for (const { orderId, stepId } of stuck) await page.waitForSelector(testId(`incident-${orderId}-${stepId}`));
    await page.check(testId('incident-select-all'));
    await page.fill(testId('incident-note'), 'site decommissioned');
    await page.click(testId('batch-skip'));
    for (const { orderId, stepId } of stuck) {
      const result = page.locator(testId(`incident-result-${orderId}-${stepId}`));
      await result.waitFor();
      assert.equal(await result.getAttribute('data-outcome'), 'resolved', await result.textContent() ?? '');
      const skipped = await stepIn(orderId, stepId, 'Skipped');
      assert.deepEqual([skipped.operatorActions?.at(-1)?.actor, skipped.operatorActions?.at(-1)?.note], ['erin', 'site decommissioned']);
    }
  });

  it('shows the visitor every desk read-only with the reason, and the API refuses their actions (403)', async () => {
    const orderId = await startNetworkKit();
    const task = await approvalOf(orderId);
    const page = await open(READ_ONLY_USER, 'tasks');
    await page.waitForSelector(testId('desk-read-only'));
    assert.match(await page.locator(testId('desk-read-only')).textContent() ?? '', /visitor is in no queue/);
    // The visitor sees every open task, and cannot complete any.
    const complete = page.locator(testId(`complete-${orderId}-${task.stepId}`));
    await complete.waitFor();
    assert.equal(await complete.isDisabled(), true);
    assert.equal(await complete.getAttribute('title'), 'visitor is in no queue (temporal-config.yaml queues), so the console is read-only for them');

    await page.goto('/#/incidents');
    await page.waitForSelector(testId('desk-read-only'));
    assert.equal(await page.isDisabled(testId('batch-retry-all')), true);

    const refused = await page.context().request.post('/api/tasks/complete', { data: { orderId, stepId: task.stepId } });
    assert.equal(refused.status(), 403);
    assert.match((await refused.json()).error, /visitor is in no queue/);
    const batch = await page.context().request.post('/api/incidents/resolve', { data: { action: 'retry', filter: { account: ACCOUNT } } });
    assert.equal(batch.status(), 403);
    const resume = await page.context().request.post('/api/pauses/resume', { data: { orderId, name: 'delivered' } });
    assert.equal(resume.status(), 403);
    assert.equal((await stepOf(orderId, task.stepId))?.state, 'InProgress');
  });

  it('answers mistakes as data naming the field, and each item of a resolution on its own', async () => {
    const { page } = await signedInPage(ui.url, 'dave');
    pages.push(page);
    const api = page.context().request;
    const badAge = await api.get('/api/incidents?olderThan=soon');
    assert.equal(badAge.status(), 400);
    assert.match((await badAge.json()).error, /olderThan must be a duration such as 30s/);
    const badFilter = await api.get('/api/incidents?colour=red');
    assert.equal(badFilter.status(), 400);
    assert.match((await badFilter.json()).error, /unknown filter colour: filters are queue, system, code, step, order, account, olderThan/);
    const badAction = await api.post('/api/incidents/resolve', { data: { action: 'reboot', items: [{ orderId: 'X', stepId: 'y' }] } });
    assert.equal(badAction.status(), 400);
    assert.match((await badAction.json()).error, /action must be retry, complete, skip, not "reboot"/);
    const noItems = await api.post('/api/incidents/resolve', { data: { action: 'retry', items: [] } });
    assert.equal(noItems.status(), 400);

    // A step that is not in fallout: that item is refused with the workflow's reason, the answer itself is 200.
    const orderId = await startNetworkKit();
    const task = await approvalOf(orderId);
    const answer = await api.post('/api/incidents/resolve', { data: { action: 'retry', items: [{ orderId, stepId: task.stepId }] } });
    assert.equal(answer.status(), 200);
    const [result] = (await answer.json()).results;
    assert.equal(result.outcome, 'refused');
    assert.equal(result.reason, `step ${task.stepId} is not in fallout (it is InProgress)`);

    const { context: signedOut } = await signedInPage(ui.url, 'dave');
    await signedOut.clearCookies();
    assert.equal((await signedOut.request.get('/api/tasks')).status(), 401);
    await signedOut.close();
  });

  it('shows the workflow’s refusal when an operator completes a task that is not theirs', async () => {
    const orderId = await startNetworkKit();
    const task = await approvalOf(orderId);
    // dave is in provisioning-desk, not fulfillment-desk: he may look at its tasks; the workflow refuses his completion.
    const page = await open('dave', 'tasks');
    await page.fill(testId('task-filter-queue'), 'fulfillment-desk');
    await page.click(testId(`complete-${orderId}-${task.stepId}`));
    await page.waitForSelector(testId('desk-refusal'));
    assert.match(await page.locator(testId('desk-refusal')).textContent() ?? '', /dave may not act on this step: not a member of fulfillment-desk/);
    assert.equal((await stepOf(orderId, task.stepId))?.state, 'InProgress');
  });
});
