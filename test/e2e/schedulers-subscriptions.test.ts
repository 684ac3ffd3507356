import assert from 'node:assert/strict';
import * as path from 'node:path';
import { billNow } from '../../client/bill-now';
import type { OrdoClient } from '../../client/ordo-client';
import type { Order } from '../../domain/order';
import type { SchedulerRunResult } from '../../workflows/payment-messages';
import { subscriptionWorkflowId, subscriptionQuery } from '../../workflows/subscription-messages';
import { eventually } from './eventually';
import { getHarness, simulatorGet, type Harness } from './harness';
import type { BillingInvoice } from '../../client/billing-books';

/**
 * Bill Now and the invoice scheduler with a real SubscriptionWorkflow (issue 11, point 3): Bill Now invoices the next
 * period at once, and the invoice run for the same target date afterwards issues nothing more for it. A lane of its
 * own with billing.recurring perPeriod and the subscriptions' test catalog (test/fixtures/subscriptions.yaml).
 *
 * The order: 3 seats at 20.00 a month, from the 1st of this month (UTC) for twelve months, tax STANDARD 8.25 %.
 *   one month:  3 × 20.00 = 60.00; tax 60.00 × 0.0825 = 4.95; total 64.95
 * At its start the subscription bills this month (its bill date, the 1st, is past). Bill Now as of the 15th of next
 * month bills next month's period in advance, on its bill date, the 1st of next month.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/subscriptions.yaml');
const TASK_QUEUE = 'schedulers-subscriptions';

/** An invoice as billing keeps it, with the bill date billing stamps on it. */
type BilledInvoice = BillingInvoice & { invoiceDate?: string };

describe('Bill Now on a real subscription, then the invoice run for the same date', function () {
  this.timeout(180_000);
  let h: Harness;
  let client: OrdoClient;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    client = await h.startLane({ taskQueue: TASK_QUEUE, catalogFiles: [CATALOG], config: { billing: { ...h.config.billing, recurring: 'perPeriod' } } });
  });

  it('bills the next period at once, and the scheduler run bills nothing more', async () => {
    const now = new Date();
    const month = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
    const thisMonth = month(0);
    const nextMonth = month(1);
    const asOf = `${nextMonth.slice(0, 8)}15`;
    const lastDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 12, 0)).toISOString().slice(0, 10);
    const orderId = `SCHED-SUB-${process.pid}-${Date.now() % 100000}`;
    const accountId = `ACC-${orderId}`;
    const order: Order = {
      id: orderId,
      accountId,
      channel: 'cpq',
      currency: 'USD',
      items: [{ id: 'OI-1', product: 'SEAT-PLAN', quantity: 3, unitPrice: '20.00', billing: { type: 'recurring', period: 'month' }, startDate: thisMonth, endDate: lastDay }],
    };
    await client.startOrder(order);
    assert.equal((await client.waitForCompletion(orderId)).state, 'completed');
    const subscription = h.env.client.workflow.getHandle(subscriptionWorkflowId(orderId));
    const sub = `SUB-${orderId}`;
    const started = await eventually('the subscription to bill this month', async () => {
      const view = await subscription.query(subscriptionQuery);
      return view.documents.length === 1 && view.nextBillDate === nextMonth ? view : undefined;
    }, 60_000);
    assert.deepEqual(started.documents.map((d) => [d.date, d.total]), [[thisMonth, '64.95']]);

    const billed = await billNow(client, orderId, asOf);
    assert.equal(billed.outcome, 'billed');
    assert.deepEqual(billed.issued.map((d) => [d.id, d.date, d.total, d.trigger]), [[`INV-${sub}-${nextMonth}`, nextMonth, '64.95', 'billNow']]);
    assert.equal(billed.nextBillDate, month(2));

    // The invoice run for the same date, as the schedule starts it, on the subscription's task queue.
    const run = await h.env.client.workflow.start('InvoiceRunWorkflow', { workflowId: `invoice-run-${orderId}`, taskQueue: TASK_QUEUE, args: [{ targetDate: asOf }] });
    const result = (await run.result()) as SchedulerRunResult;
    assert.ok(!result.issued.some((id) => id.includes(sub)), `the run issued nothing for ${sub}: ${JSON.stringify(result)}`);
    assert.equal((await billNow(client, orderId, asOf)).outcome, 'nothingDue');

    const invoices = (await simulatorGet<{ invoices: BilledInvoice[] }>(h, `/billing/invoices?accountId=${accountId}`)).invoices;
    assert.deepEqual(
      invoices.filter((i) => i.subscriptionId === sub).map((i) => [i.id, i.total]),
      [[`INV-${sub}-${thisMonth}`, '64.95'], [`INV-${sub}-${nextMonth}`, '64.95']],
      'each period billed once in billing',
    );
  });
});
