import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { OrdoClient } from '../../client/ordo-client';
import { getSubscription, listSubscriptions } from '../../client/subscriptions';
import { loadCatalogFiles } from '../../config/catalog-files';
import type { Order } from '../../domain/order';
import { subscriptionWorkflowId, type SubscriptionView } from '../../workflows/subscription-messages';
import { cleanEnv, describeRun, ordo as runOrdo, STACK_FRAME } from '../cli/run-ordo';
import { eventually } from './eventually';
import { getHarness, simulatorGet, type Harness } from './harness';
import type { BillingInvoice } from '../../client/billing-books';

/**
 * The order's hand-over to its subscription on the real dev server, with the real billing simulator and
 * billing.recurring perPeriod. The order's term is all in the past, so its subscription bills every missed period
 * at once when it starts (one invoice per bill date), then ends. The worker is replaced while it bills: nothing is
 * billed twice. Catalog: test/fixtures/subscriptions.yaml.
 *
 * The order: 3 seats at 20.00 a month and tiered API calls (1000 at 0.10, then 0.05), 2025-01-01 .. 2025-03-31,
 * tax STANDARD 8.25 % (the default tax code). Usage posted: January 1000 + 500 (and the 500 again, the same id:
 * counted once), February 200, March 300.
 *   seats, one month:  3 × 20.00 = 60.00
 *   usage January:     1000 × 0.10 + 500 × 0.05 = 100.00 + 25.00 = 125.00
 *   usage February:    200 × 0.10 = 20.00
 *   usage March:       300 × 0.10 = 30.00
 * Tax is rounded once per invoice on its STANDARD amount:
 *   2025-01-01  seats Jan              60.00; tax  4.95 (4.95)            total  64.95
 *   2025-02-01  seats Feb + usage Jan 185.00; tax 15.26 (15.2625)         total 200.26
 *   2025-03-01  seats Mar + usage Feb  80.00; tax  6.60 (6.60)            total  86.60
 *   2025-04-01  usage Mar              30.00; tax  2.48 (2.475, half up)  total  32.48
 * The order's own invoice bills both items at 0.00 (the subscription bills them): total 0.00.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/subscriptions.yaml');
const TASK_QUEUE = 'ordo-subscriptions';

/** An invoice as billing keeps it, with the bill date billing stamps on it. */
type BilledInvoice = BillingInvoice & { invoiceDate?: string };

describe('subscriptions: the order hands over to its subscription (real Temporal dev server, billing simulator)', function () {
  this.timeout(180_000);
  let h: Harness;
  before(async function () {
    this.timeout(300_000);
    h = await getHarness();
  });

  // No automatic renewal here: a term all in the past would be renewed at once (its lead time has passed).
  const perPeriod = () => ({ billing: { ...h.config.billing, recurring: 'perPeriod' as const, renewal: false as const } });
  const startWorker = () => h.startWorker({ taskQueue: TASK_QUEUE, catalog: loadCatalogFiles([CATALOG]), config: perPeriod() });
  const stop = async (worker: Worker) => {
    worker.shutdown();
    await eventually('the worker to stop', async () => (worker.getState() === 'STOPPED' ? true : undefined));
  };

  it('bills the missed periods into billing at once, one invoice per bill date, nothing twice across a worker restart', async () => {
    const orderId = `SUBE-${process.pid}-${Date.now() % 100000}`;
    const accountId = `ACC-${orderId}`;
    const order: Order = {
      id: orderId,
      accountId,
      channel: 'cpq',
      currency: 'USD',
      items: [
        { id: 'OI-1', product: 'SEAT-PLAN', quantity: 3, unitPrice: '20.00', billing: { type: 'recurring', period: 'month' }, startDate: '2025-01-01', endDate: '2025-03-31' },
        { id: 'OI-2', product: 'API-CALLS', quantity: 1, unitPrice: '0.10', billing: 'usage', startDate: '2025-01-01', endDate: '2025-03-31' },
      ],
    };
    const usage = [
      { id: `${orderId}-u1`, accountId, itemId: 'OI-2', quantity: 1000, date: '2025-01-10' },
      { id: `${orderId}-u2`, accountId, itemId: 'OI-2', quantity: 500, date: '2025-01-31' },
      { id: `${orderId}-u3`, accountId, itemId: 'OI-2', quantity: 200, date: '2025-02-14' },
      { id: `${orderId}-u4`, accountId, itemId: 'OI-2', quantity: 300, date: '2025-03-31' },
    ];
    await postUsage(h, `${orderId}-batch`, usage);
    await postUsage(h, `${orderId}-again`, [usage[1]]);

    const first = await startWorker();
    // A worker of its own (not a lane's, which runs to the end of the run), so the test can replace it.
    const client = new OrdoClient(h.env.client, TASK_QUEUE, loadCatalogFiles([CATALOG]));
    await client.startOrder(order);
    const summary = await client.waitForCompletion(orderId);
    assert.equal(summary.state, 'completed');
    assert.equal(summary.subscriptionId, `SUB-${orderId}`);
    assert.deepEqual(summary.invoices.map((i) => [i.id, i.total, i.lines.map((l) => l.amount)]), [[`INV-${orderId}-1`, '0.00', ['0.00', '0.00']]]);

    // Another worker takes over while the subscription may still be billing.
    await stop(first);
    await startWorker();
    const subscription = h.env.client.workflow.getHandle(subscriptionWorkflowId(orderId));
    const view = (await subscription.result()) as SubscriptionView;
    assert.equal(view.state, 'ended');

    const sub = `SUB-${orderId}`;
    const expected = [
      [`INV-${sub}-2025-01-01`, '2025-01-01', '64.95'],
      [`INV-${sub}-2025-02-01`, '2025-02-01', '200.26'],
      [`INV-${sub}-2025-03-01`, '2025-03-01', '86.60'],
      [`INV-${sub}-2025-04-01`, '2025-04-01', '32.48'],
    ];
    assert.deepEqual(view.documents.map((d) => [d.id, d.date, d.total]), expected);
    const billed = (await simulatorGet<{ invoices: BilledInvoice[] }>(h, `/billing/invoices?accountId=${accountId}`)).invoices;
    const ofSubscription = billed.filter((i) => i.subscriptionId === sub);
    assert.deepEqual(ofSubscription.map((i) => [i.id, i.invoiceDate, i.total]), expected, 'each bill date billed once');
    assert.equal(billed.length, expected.length + 1, `and the order invoice, nothing else: ${JSON.stringify(billed.map((i) => [i.id, i.total]))}`);

    // An ended subscription is read from its result by the client, and listed as ended with no next bill date.
    const read = await getSubscription(client, sub);
    assert.deepEqual(read.documents.map((d) => d.id), expected.map(([id]) => id));
    const listed = await eventually('the ended subscription in visibility', async () => {
      const rows = await listSubscriptions(client, { accountId });
      return rows.length === 1 && rows[0].state === 'ended' ? rows : undefined;
    });
    assert.deepEqual(listed, [{ subscriptionId: sub, workflowId: subscriptionWorkflowId(orderId), orderId, accountId, state: 'ended' }]);

    // The same through `ordo`, as a person reads it; renewing an ended subscription is refused, saying why.
    const env = cleanEnv({ TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: 'default', ORDO_TASK_QUEUE: TASK_QUEUE });
    const shown = await runOrdo(['subscription', sub, '--json'], { env });
    assert.equal(shown.code, 0, describeRun(shown));
    assert.deepEqual((JSON.parse(shown.stdout) as SubscriptionView).documents.map((d) => d.total), expected.map(([, , total]) => total));
    const human = await runOrdo(['subscriptions', '--account', accountId], { env });
    assert.equal(human.code, 0, describeRun(human));
    assert.match(human.stdout, new RegExp(`${sub}\\s+${orderId}\\s+${accountId}\\s+ended`));
    const renewed = await runOrdo(['renew', orderId], { env });
    assert.equal(renewed.code, 1, describeRun(renewed));
    assert.match(renewed.stderr, /no running subscription/);
    assert.doesNotMatch(renewed.stderr, STACK_FRAME);
  });
});

async function postUsage(h: Harness, key: string, records: unknown[]): Promise<void> {
  const response = await fetch(`${h.simulatorsUrl}/billing/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ records }),
  });
  if (!response.ok) throw new Error(`POST /billing/usage: ${response.status} ${await response.text()}`);
}
