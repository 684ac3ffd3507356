import assert from 'node:assert/strict';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { schedulerActivities } from '../../activities/billing/schedulers';
import { controlSchedule, describeSchedules, ensureSchedules } from '../../client/schedules';
import type { LoadedConfig } from '../../config/load';
import { INVOICE_SCHEDULE_ID, PAYMENT_SCHEDULE_ID, type SchedulerRunResult } from '../../workflows/payment-messages';
import { eventually } from './eventually';
import { getHarness, type Harness } from './harness';
import { startStandIn, startStandInWorker, standInView, visibleAsDue } from './schedulers/stand-ins';

/**
 * The invoice scheduler (issue 11, point 3) on a real dev server: the real InvoiceRunWorkflow and its activity on a
 * task queue of their own, with stand-in subscriptions (schedulers/workflows.ts) whose bill dates the tests choose;
 * and the two Temporal Schedules as a worker makes them at start-up.
 *
 * Each test bills in its own year, earlier than the test before it: a stand-in billed by one test moves its next
 * bill date a month on, still later than every target date of the tests after it, so none is picked twice.
 */

const TASK_QUEUE = 'schedulers-e2e';
type Schedulers = LoadedConfig['billing']['schedulers'];

describe('invoice scheduler: runs bill the subscriptions due by their target date, once', function () {
  this.timeout(120_000);
  let h: Harness;
  let client: Client;
  let runs = 0;
  const tag = `${process.pid}`;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    client = h.env.client;
    await startStandInWorker(h, TASK_QUEUE);
  });

  async function invoiceRun(targetDate: string): Promise<{ workflowId: string; result: Promise<SchedulerRunResult> }> {
    const workflowId = `invoice-run-test-${tag}-${++runs}`;
    const handle = await client.workflow.start('InvoiceRunWorkflow', { workflowId, taskQueue: TASK_QUEUE, args: [{ targetDate }] });
    return { workflowId, result: handle.result() as Promise<SchedulerRunResult> };
  }

  it('picks only the subscriptions due by the target date, skips one that refuses, and a second run issues nothing', async () => {
    const id = (name: string) => `SCHED-${name}-${tag}`;
    const due10 = await startStandIn(client, TASK_QUEUE, { orderId: id('A'), nextBillDate: '2031-01-10' });
    const due15 = await startStandIn(client, TASK_QUEUE, { orderId: id('B'), nextBillDate: '2031-01-15' });
    const due16 = await startStandIn(client, TASK_QUEUE, { orderId: id('C'), nextBillDate: '2031-01-16' });
    const nothingLeft = await startStandIn(client, TASK_QUEUE, { orderId: id('D') });
    const refusing = await startStandIn(client, TASK_QUEUE, { orderId: id('E'), nextBillDate: '2031-01-05', refuse: 'usage not closed yet' });
    await visibleAsDue(client, TASK_QUEUE, '2031-01-15', [due10, due15, refusing]);

    const first = await invoiceRun('2031-01-15');
    const result = await first.result;
    assert.equal(result.targetDate, '2031-01-15');
    assert.deepEqual([...result.picked].sort(), [due10, due15].sort());
    assert.deepEqual([...result.issued].sort(), [`INV-${id('A')}-2031-01-10`, `INV-${id('B')}-2031-01-15`].sort());
    assert.equal(result.skipped.length, 1, JSON.stringify(result.skipped));
    assert.equal(result.skipped[0].id, refusing);
    assert.match(result.skipped[0].reason, /usage not closed yet/);

    assert.deepEqual((await standInView(client, due10)).asked, [`invoiceRun:${first.workflowId}`], 'the subscription records which run billed it');
    assert.deepEqual(await standInView(client, due16), { nextBillDate: '2031-01-16', documents: [], asked: [] }, 'due the day after: not asked');
    assert.deepEqual((await standInView(client, nothingLeft)).asked, [], 'nothing left to bill: not asked');

    // The next run for the same date: A and B may still be listed (visibility lags) but answer with nothing.
    const again = await (await invoiceRun('2031-01-15')).result;
    assert.deepEqual(again.issued, []);
    for (const workflowId of [due10, due15]) assert.equal((await standInView(client, workflowId)).documents.length, 1, `${workflowId} is billed once`);
  });

  it('a run terminated mid-way and run again bills each subscription once', async () => {
    // Six due subscriptions that each take 2 s to answer: the run asks four at a time, so it is caught mid-way.
    const ids: string[] = [];
    for (let day = 1; day <= 6; day++) {
      ids.push(await startStandIn(client, TASK_QUEUE, { orderId: `SCHED-KILL-${day}-${tag}`, nextBillDate: `2030-03-0${day}`, answerDelayMs: 2_000 }));
    }
    await visibleAsDue(client, TASK_QUEUE, '2030-03-31', ids);

    const first = await invoiceRun('2030-03-31');
    const firstEnded = first.result.then(() => 'completed', (error: Error) => error.message); // handled at once: it is terminated
    const billedCount = async () => (await Promise.all(ids.map((workflowId) => standInView(client, workflowId)))).filter((view) => view.documents.length > 0).length;
    await eventually('the first subscriptions to be billed', async () => ((await billedCount()) > 0 ? true : undefined));
    await client.workflow.getHandle(first.workflowId).terminate('killed mid-way by the test');
    assert.ok((await billedCount()) < ids.length, 'the run was stopped before it billed everything');
    assert.equal(await firstEnded, 'killed mid-way by the test');

    const second = await (await invoiceRun('2030-03-31')).result;
    assert.deepEqual(second.skipped, []);
    for (const workflowId of ids) {
      const view = await standInView(client, workflowId);
      assert.equal(view.documents.length, 1, `${workflowId} is billed exactly once: ${JSON.stringify(view)}`);
    }
    // What the second run issued is what the first had not: together, each subscription's one invoice.
    const billedByFirst = (await Promise.all(ids.map((workflowId) => standInView(client, workflowId))))
      .flatMap((view) => view.documents)
      .filter((document) => document.trigger === `invoiceRun:${first.workflowId}`)
      .map((document) => document.id);
    assert.deepEqual([...billedByFirst, ...second.issued].sort(), ids.map((_, i) => `INV-SCHED-KILL-${i + 1}-${tag}-2030-03-0${i + 1}`).sort());
  });

  it('without a target date, targets today (UTC, workflow time) plus targetDays', async () => {
    const inDays = (days: number) => new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const before = inDays(3);
    const handle = await client.workflow.start('InvoiceRunWorkflow', { workflowId: `invoice-run-test-${tag}-${++runs}`, taskQueue: TASK_QUEUE, args: [{ targetDays: 3 }] });
    const result = (await handle.result()) as SchedulerRunResult;
    // Today + 3 days; either side of a midnight that passed while it ran.
    assert.ok([before, inDays(3)].includes(result.targetDate), `${result.targetDate} is 3 days from today (${before})`);
    assert.deepEqual(result.issued, [], 'every stand-in of these tests is due years from now');
  });

  it('a target date that is no date fails the run at once, naming it', async () => {
    const handle = await client.workflow.start('InvoiceRunWorkflow', { workflowId: `invoice-run-test-${tag}-${++runs}`, taskQueue: TASK_QUEUE, args: [{ targetDate: '2031-02-30' }] });
    await assert.rejects(handle.result(), (error: Error) => /targetDate: "2031-02-30" is not a calendar date/.test(String((error.cause as Error | undefined)?.message)));
  });

  it('a retried attempt goes on from its heartbeat: a subscription an earlier attempt asked is not asked again', async () => {
    const earlier = await startStandIn(client, TASK_QUEUE, { orderId: `SCHED-RETRY-1-${tag}`, nextBillDate: '2029-07-01' });
    const later = await startStandIn(client, TASK_QUEUE, { orderId: `SCHED-RETRY-2-${tag}`, nextBillDate: '2029-07-02' });
    await visibleAsDue(client, TASK_QUEUE, '2029-07-31', [earlier, later]);
    // The second attempt of an activity whose first one, killed with its worker, had asked `earlier` and heartbeated so.
    const heartbeatDetails = { asked: [earlier], picked: [earlier], issued: ['INV-from-the-first-attempt'], skipped: [] };
    const attempt = new MockActivityEnvironment({ attempt: 2, heartbeatDetails });
    const { billDueSubscriptions } = schedulerActivities({ config: h.config, catalog: h.catalog, temporal: { client, taskQueue: TASK_QUEUE } });
    const result = await attempt.run(billDueSubscriptions, { targetDate: '2029-07-31', runId: 'invoice-run-retried' });
    assert.deepEqual(result, {
      picked: [earlier, later],
      issued: ['INV-from-the-first-attempt', `INV-SCHED-RETRY-2-${tag}-2029-07-02`],
      skipped: [],
    });
    assert.deepEqual((await standInView(client, earlier)).asked, [], 'not asked again');
    assert.deepEqual((await standInView(client, later)).asked, ['invoiceRun:invoice-run-retried']);
  });
});

describe('the invoice and payment Schedules, as workers make them at start-up', function () {
  this.timeout(120_000);
  let h: Harness;
  let client: Client;
  const settings: Schedulers = {
    invoice: { enabled: true, every: 'day', targetDays: 0, paused: false },
    payment: { enabled: true, every: 'week', targetDays: 3, paused: true },
  };

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    client = h.env.client;
    await startStandInWorker(h, TASK_QUEUE);
    await deleteSchedules(client);
  });

  after(() => deleteSchedules(client));

  it('two workers starting at once make one of each; a third start updates them', async () => {
    const [one, two] = await Promise.all([ensureSchedules(client, TASK_QUEUE, settings), ensureSchedules(client, TASK_QUEUE, settings)]);
    for (const scheduleId of [INVOICE_SCHEDULE_ID, PAYMENT_SCHEDULE_ID]) {
      const outcomes = [...one, ...two].filter((e) => e.scheduleId === scheduleId).map((e) => e.outcome).sort();
      assert.deepEqual(outcomes, ['created', 'updated'], `${scheduleId}: one worker creates it, the other finds it and updates it`);
    }
    assert.deepEqual((await ensureSchedules(client, TASK_QUEUE, settings)).map((e) => e.outcome), ['updated', 'updated']);
    const listed = await eventually('both schedules to be listed', async () => {
      const ids: string[] = [];
      for await (const schedule of client.schedule.list()) if (schedule.scheduleId.startsWith('ordo-')) ids.push(schedule.scheduleId);
      return ids.length >= 2 ? ids.sort() : undefined;
    });
    assert.deepEqual(listed, [INVOICE_SCHEDULE_ID, PAYMENT_SCHEDULE_ID]);
  });

  it('are as configured: what they start, on which task queue, when (00:00 UTC), overlap skip, one day of catch-up, paused', async () => {
    const invoice = await client.schedule.getHandle(INVOICE_SCHEDULE_ID).describe();
    assert.equal(invoice.action.workflowType, 'InvoiceRunWorkflow');
    assert.equal(invoice.action.workflowId, 'invoice-run');
    assert.equal(invoice.action.taskQueue, TASK_QUEUE);
    assert.deepEqual(invoice.action.args, [{ targetDays: 0 }]);
    assert.equal(invoice.spec.timezone, 'UTC');
    assert.equal(invoice.spec.calendars?.length, 1);
    const daily = invoice.spec.calendars![0];
    assert.deepEqual([daily.hour, daily.minute, daily.second], [[{ start: 0, end: 0, step: 1 }], [{ start: 0, end: 0, step: 1 }], [{ start: 0, end: 0, step: 1 }]]);
    assert.equal(invoice.policies.overlap, 'SKIP');
    assert.equal(invoice.policies.catchupWindow, 24 * 60 * 60 * 1000);
    assert.equal(invoice.state.paused, false);
    // The next run is at the next midnight UTC.
    const next = invoice.info.nextActionTimes[0];
    assert.equal(next.toISOString().slice(11), '00:00:00.000Z');
    assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 24 * 60 * 60 * 1000);

    const payment = await client.schedule.getHandle(PAYMENT_SCHEDULE_ID).describe();
    assert.equal(payment.action.workflowType, 'PaymentRunWorkflow');
    assert.equal(payment.action.workflowId, 'payment-run');
    assert.deepEqual(payment.action.args, [{ targetDays: 3 }]);
    assert.deepEqual(payment.spec.calendars![0].dayOfWeek, [{ start: 'MONDAY', end: 'MONDAY', step: 1 }], 'weekly: Mondays');
    assert.equal(payment.state.paused, true);

    const views = await describeSchedules(client);
    assert.deepEqual(views.map((v) => [v.scheduleId, v.workflowType, v.spec, v.paused]), [
      [INVOICE_SCHEDULE_ID, 'InvoiceRunWorkflow', 'every day at 00:00 UTC', false],
      [PAYMENT_SCHEDULE_ID, 'PaymentRunWorkflow', 'every Monday at 00:00 UTC', true],
    ]);
  });

  it('trigger starts the action now: an invoice run for today (UTC) on the configured task queue', async () => {
    await controlSchedule(client, 'invoice', 'trigger');
    const run = await eventually('the triggered run to complete', async () => {
      const [invoice] = await describeSchedules(client);
      const latest = invoice.recentRuns?.[0];
      return latest?.status === 'COMPLETED' ? latest : undefined;
    }, 60_000);
    assert.match(run.workflowId, /^invoice-run-/);
    // Today in UTC, as the run's workflow clock saw it (the test and the server share this machine's clock).
    assert.equal(run.result?.targetDate, new Date().toISOString().slice(0, 10));
  });

  it('an operator pause survives a worker restart; paused: true in the configuration pauses; enabled: false deletes', async () => {
    await controlSchedule(client, 'invoice', 'pause', 'month-end close');
    await ensureSchedules(client, TASK_QUEUE, settings); // a worker restarts, its configuration says paused: false
    let invoice = await client.schedule.getHandle(INVOICE_SCHEDULE_ID).describe();
    assert.equal(invoice.state.paused, true, 'restarting a worker does not resume a scheduler an operator paused');
    assert.equal(invoice.state.note, 'month-end close');
    await controlSchedule(client, 'invoice', 'unpause');
    await ensureSchedules(client, TASK_QUEUE, { ...settings, invoice: { ...settings.invoice, paused: true, every: 'month' } });
    invoice = await client.schedule.getHandle(INVOICE_SCHEDULE_ID).describe();
    assert.equal(invoice.state.paused, true);
    assert.deepEqual(invoice.spec.calendars![0].dayOfMonth, [{ start: 1, end: 1, step: 1 }], 'monthly: on the 1st');

    const ensured = await ensureSchedules(client, TASK_QUEUE, { ...settings, payment: { ...settings.payment, enabled: false } });
    assert.deepEqual(ensured.map((e) => e.outcome), ['updated', 'deleted']);
    await assert.rejects(client.schedule.getHandle(PAYMENT_SCHEDULE_ID).describe(), ScheduleNotFoundError);
    const [, payment] = await describeSchedules(client);
    assert.equal(payment.exists, false);
  });
});

async function deleteSchedules(client: Client): Promise<void> {
  for (const scheduleId of [INVOICE_SCHEDULE_ID, PAYMENT_SCHEDULE_ID]) {
    await client.schedule.getHandle(scheduleId).delete().catch((error) => {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    });
  }
}
