import assert from 'node:assert/strict';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { ensureSchedules, type ScheduleView } from '../../client/schedules';
import type { BillNowOutcome } from '../../client/bill-now';
import { INVOICE_SCHEDULE_ID, PAYMENT_SCHEDULE_ID, type SchedulerRunResult } from '../../workflows/payment-messages';
import { eventually } from '../e2e/eventually';
import { exampleOrder } from '../e2e/examples';
import { getHarness, simulatorSend, type Harness } from '../e2e/harness';
import { startStandIn, startStandInWorker, standInView } from '../e2e/schedulers/stand-ins';
import { cleanEnv, describeRun, jsonOf, ordo, STACK_FRAME, type OrdoRun } from './run-ordo';

/**
 * `ordo schedules` and `ordo bill-now` of the real `bin/ordo` against the shared end-to-end stack: the Schedules as a
 * worker makes them, stand-in subscriptions (test/e2e/schedulers/workflows.ts) on a task queue of their own, and
 * real orders on the harness's worker for an order without a subscription.
 */

const TASK_QUEUE = 'schedulers-cli';
type ErrorJson = { error: { code: string; message: string } };

describe('ordo schedules and ordo bill-now', function () {
  this.timeout(120_000);
  let h: Harness;
  let client: Client;
  let env: NodeJS.ProcessEnv;
  const tag = `${process.pid}`;
  const run = (args: string[]): Promise<OrdoRun> => ordo(args, { env, timeoutMs: 60_000 });

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    client = h.env.client;
    await startStandInWorker(h, TASK_QUEUE);
    env = cleanEnv({ TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: 'default', ORDO_TASK_QUEUE: TASK_QUEUE });
    await deleteSchedules(client);
    await ensureSchedules(client, TASK_QUEUE, {
      invoice: { enabled: true, every: 'day', targetDays: 0, paused: false },
      payment: { enabled: true, every: 'month', targetDays: 0, paused: true },
    });
  });

  after(() => deleteSchedules(client));

  it('lists both schedulers: what they start, when, paused or not, next runs', async () => {
    const listed = await run(['schedules', '--json']);
    assert.equal(listed.code, 0, describeRun(listed));
    const [invoice, payment] = jsonOf<ScheduleView[]>(listed);
    assert.equal(invoice.scheduleId, INVOICE_SCHEDULE_ID);
    assert.equal(invoice.workflowType, 'InvoiceRunWorkflow');
    assert.equal(invoice.taskQueue, TASK_QUEUE);
    assert.equal(invoice.spec, 'every day at 00:00 UTC');
    assert.equal(invoice.paused, false);
    assert.ok(invoice.nextRuns?.length && invoice.nextRuns[0].endsWith('T00:00:00.000Z'), JSON.stringify(invoice.nextRuns));
    assert.equal(payment.scheduleId, PAYMENT_SCHEDULE_ID);
    assert.equal(payment.workflowType, 'PaymentRunWorkflow');
    assert.equal(payment.spec, 'on the 1st of every month at 00:00 UTC');
    assert.equal(payment.paused, true);

    const human = await run(['schedules']);
    assert.equal(human.code, 0, describeRun(human));
    assert.match(human.stdout, /ordo-invoice-scheduler \(invoice scheduler\): active/);
    assert.match(human.stdout, /ordo-payment-scheduler \(payment scheduler\): PAUSED/);
  });

  it('pauses with a reason, unpauses, and triggers a run whose result the list shows', async () => {
    const paused = await run(['schedules', 'pause', 'invoice', '--reason', 'month-end close']);
    assert.equal(paused.code, 0, describeRun(paused));
    let [invoice] = jsonOf<ScheduleView[]>(await run(['schedules', '--json']));
    assert.equal(invoice.paused, true);
    assert.equal(invoice.note, 'month-end close');
    const unpaused = await run(['schedules', 'unpause', INVOICE_SCHEDULE_ID]); // the schedule id works as the name too
    assert.equal(unpaused.code, 0, describeRun(unpaused));

    // Due today: the triggered run (target date today) bills it.
    const today = new Date().toISOString().slice(0, 10);
    const due = await startStandIn(client, TASK_QUEUE, { orderId: `CLI-TRIGGER-${tag}`, nextBillDate: today });
    await eventually('the stand-in to be visible', async () => {
      for await (const execution of client.workflow.list({ query: `WorkflowId = "${due}" AND NextBillingDate <= "${today}T23:59:59.999Z"` })) return true;
      return undefined;
    });
    const triggered = await run(['schedules', 'trigger', 'invoice']);
    assert.equal(triggered.code, 0, describeRun(triggered));
    assert.match(triggered.stdout, /triggered/);
    invoice = await eventually('the triggered run to show its result', async () => {
      const [view] = jsonOf<ScheduleView[]>(await run(['schedules', '--json']));
      return view.recentRuns?.[0]?.status === 'COMPLETED' ? view : undefined;
    }, 60_000);
    assert.equal(invoice.paused, false);
    const result = invoice.recentRuns![0].result as SchedulerRunResult;
    assert.equal(result.targetDate, today);
    assert.deepEqual(result.issued, [`INV-CLI-TRIGGER-${tag}-${today}`]);
    const human = await run(['schedules']);
    assert.match(human.stdout, new RegExp(`completed: target ${today}, 1 picked, 1 issued \\(INV-CLI-TRIGGER-${tag}-${today}\\)`));
  });

  it('names the schedulers there are when one is misnamed, and refuses stray words', async () => {
    const misnamed = await run(['schedules', 'pause', 'invoices', '--json']);
    assert.equal(misnamed.code, 1, describeRun(misnamed));
    assert.match(jsonOf<ErrorJson>(misnamed).error.message, /no scheduler "invoices": name invoice or payment/);
    assert.doesNotMatch(misnamed.stderr, STACK_FRAME);
    const stray = await run(['schedules', 'stop', 'invoice']);
    assert.equal(stray.code, 2, describeRun(stray));
    assert.match(stray.stderr, /pause\|unpause\|trigger NAME/);
  });

  it('bill-now bills a subscription at once; again: nothing due; a later invoice run for the date issues nothing more', async () => {
    const orderId = `CLI-BILLNOW-${tag}`;
    const workflowId = await startStandIn(client, TASK_QUEUE, { orderId, nextBillDate: '2029-05-10' });
    const billed = await run(['bill-now', orderId, '--as-of', '2029-05-31', '--json']);
    assert.equal(billed.code, 0, describeRun(billed));
    const outcome = jsonOf<BillNowOutcome>(billed);
    assert.equal(outcome.outcome, 'billed');
    assert.deepEqual(outcome.issued.map((d) => [d.id, d.date, d.trigger]), [[`INV-${orderId}-2029-05-10`, '2029-05-10', 'billNow']]);
    assert.equal(outcome.nextBillDate, '2029-06-10');

    const again = await run(['bill-now', orderId, '--as-of', '2029-05-31']);
    assert.equal(again.code, 0, describeRun(again));
    assert.match(again.stdout, new RegExp(`Order ${orderId}: nothing due as of 2029-05-31`));

    // The scheduler's run for the same date, even if visibility still lists the subscription as due.
    const handle = await client.workflow.start('InvoiceRunWorkflow', { workflowId: `invoice-run-cli-${tag}`, taskQueue: TASK_QUEUE, args: [{ targetDate: '2029-05-31' }] });
    const result = (await handle.result()) as SchedulerRunResult;
    assert.ok(!result.issued.some((id) => id.includes(orderId)), JSON.stringify(result));
    assert.equal((await standInView(client, workflowId)).documents.length, 1, 'billed once in all');
  });

  it('bill-now on an order without a subscription: invoiced already (exit 0), before its billing milestone (exit 1), unknown (exit 1)', async () => {
    const invoicedEnv = cleanEnv({ TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: 'default', ORDO_TASK_QUEUE: h.config.temporal.taskQueue });
    const done = exampleOrder('laptop-bundle.json', 'billnow');
    await h.client.startOrder(done);
    const summary = await h.client.waitForCompletion(done.id);
    assert.equal(summary.invoices.length, 1);
    const invoiced = await ordo(['bill-now', done.id], { env: invoicedEnv, timeoutMs: 60_000 });
    assert.equal(invoiced.code, 0, describeRun(invoiced));
    assert.match(invoiced.stdout, new RegExp(`has no subscription; it was invoiced already at its billing milestone: ${summary.invoices[0].id}`));

    const waiting = exampleOrder('laptop-bundle.json', 'billnow-early');
    await simulatorSend(h, 'PUT', '/_faults/warranty', { latencyMs: 8000, operation: 'register' });
    try {
      await h.client.startOrder(waiting);
      const early = await ordo(['bill-now', waiting.id, '--json'], { env: invoicedEnv, timeoutMs: 60_000 });
      assert.equal(early.code, 1, describeRun(early));
      assert.match(jsonOf<ErrorJson>(early).error.message, /has not reached its billing milestone/);
    } finally {
      await simulatorSend(h, 'DELETE', '/_faults/warranty');
    }
    await h.client.waitForCompletion(waiting.id);

    const unknown = await run(['bill-now', `NO-SUCH-ORDER-${tag}`]);
    assert.equal(unknown.code, 1, describeRun(unknown));
    assert.match(unknown.stderr, /no order NO-SUCH-ORDER-\d+ is known to Temporal/);
    assert.doesNotMatch(unknown.stderr, STACK_FRAME);

    const badDate = await run(['bill-now', done.id, '--as-of', '2029-02-30']);
    assert.equal(badDate.code, 1, describeRun(badDate));
    assert.match(badDate.stderr, /--as-of takes a calendar date, YYYY-MM-DD/);
  });
});

async function deleteSchedules(client: Client): Promise<void> {
  for (const scheduleId of [INVOICE_SCHEDULE_ID, PAYMENT_SCHEDULE_ID]) {
    await client.schedule.getHandle(scheduleId).delete().catch((error) => {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    });
  }
}
