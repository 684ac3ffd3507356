import assert from 'node:assert/strict';
import { OrdoError } from '../../client/errors';
import type { Invoice } from '../../domain/invoice';
import { parseMoney } from '../../domain/money';
import { orderWorkflowId } from '../../workflows/ids';
import { currentVersion, versionMarker } from '../../workflows/patches';
import { exampleOrder } from './examples';
import { activityAttempts } from './history';
import { getHarness, simulatorGet, simulatorSend, type Harness } from './harness';

/** What the billing simulator keeps: the invoice as sent, with the key it came under and when. */
type StoredInvoice = Invoice & { idempotencyKey: string; receivedAt: string };

const storedInvoices = (h: Harness, orderId: string) =>
  simulatorGet<{ invoices: StoredInvoice[] }>(h, `/billing/invoices?orderId=${encodeURIComponent(orderId)}`).then((r) => r.invoices);

/** The invoice's total is exactly the sum of its lines' amount and tax, in minor units. */
function assertInvoiceAddsUp(invoice: Invoice): void {
  const lines = invoice.lines.reduce((sum, l) => sum + parseMoney(l.amount, invoice.currency) + parseMoney(l.tax, invoice.currency), 0);
  assert.equal(lines, parseMoney(invoice.total, invoice.currency), `invoice ${invoice.id} lines do not add up to its total`);
}

describe('orders end to end (real Temporal dev server, real simulators)', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
  });

  it('runs the laptop bundle as three fulfillment orders and bills it exactly once', async () => {
    const order = exampleOrder('laptop-bundle.json', 'laptop');
    const started = await h.client.startOrder(order);
    assert.equal(started.workflowId, `order-${order.id}`);
    const summary = await h.client.waitForCompletion(order.id);

    assert.equal(summary.state, 'completed');
    assert.deepEqual(summary.fulfillmentOrders.map((fo) => [fo.id, fo.state]).sort(), [
      ['FO-WH-EAST-DG-HQ', 'completed'],
      ['FO-provisioning', 'completed'],
      ['FO-warranty', 'completed'],
    ]);
    for (const fo of summary.fulfillmentOrders) assert.equal(fo.steps.completed, fo.steps.total);
    assert.equal(summary.billing.milestone, 'passed');
    assert.equal(summary.invoices.length, 1);
    const [invoice] = summary.invoices;
    assertInvoiceAddsUp(invoice);
    assert.equal(invoice.lines.length, order.items.length);
    assert.deepEqual(invoice.lines.map((l) => l.orderItemId), ['OI-1', 'OI-2', 'OI-3', 'OI-4']);

    const stored = await storedInvoices(h, order.id);
    assert.equal(stored.length, 1, 'billing holds exactly one invoice for the order');
    assert.equal(stored[0].total, invoice.total);
    assert.equal(stored[0].idempotencyKey, `invoice:${order.id}:1`);

    // Three child workflows, found the way an operator would: by the OrderId search attribute.
    const children: string[] = [];
    for await (const wf of h.env.client.workflow.list({ query: `OrderId = "${order.id}" AND WorkflowType = "FulfillmentOrderWorkflow"` })) {
      children.push(wf.workflowId);
    }
    assert.equal(children.length, 3);
    const parent = await h.env.client.workflow.getHandle(orderWorkflowId(order.id)).describe();
    assert.deepEqual(parent.searchAttributes.OrderState, ['completed']);
    assert.deepEqual(parent.searchAttributes.AccountId, [order.accountId]);
  });

  it('keeps histories lean: no patch marker (the version comes with the input), none in its splits, and no idle search-attribute writes', async () => {
    const order = exampleOrder('laptop-bundle.json', 'lean');
    await h.client.startOrder(order);
    const summary = await h.client.waitForCompletion(order.id);
    const historyOf = async (workflowId: string) => (await h.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const orderEvents = await historyOf(orderWorkflowId(order.id));
    const markers = (events: typeof orderEvents, name: string) => events.filter((e) => e.markerRecordedEventAttributes?.markerName === name).length;
    assert.equal(markers(orderEvents, 'core_patch'), 0, 'the order learns its behaviour version from its input: no marker');
    const orderDescribed = await h.env.client.workflow.getHandle(orderWorkflowId(order.id)).describe();
    assert.deepEqual(orderDescribed.searchAttributes.TemporalChangeVersion, [versionMarker(currentVersion())], 'found by its version all the same');
    assert.equal(orderEvents.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length, 2, 'OrderState inProgress, then completed');
    assert.equal(markers(orderEvents, 'core_local_activity'), 3, 'decompose, prepareSubscription (it has no recurring item: no subscription to start) and invoice are local activities');
    assert.equal(orderEvents.filter((e) => e.activityTaskScheduledEventAttributes).length, 0);
    for (const fo of summary.fulfillmentOrders) {
      const events = await historyOf(fo.workflowId);
      assert.equal(markers(events, 'core_patch'), 0, `${fo.id} learns its behaviour from its input`);
      // Nothing waited on an operator and nothing was late: the queue attributes it started with never changed.
      assert.equal(events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length, 0, `${fo.id} wrote no search attributes`);
      // A timer is cancelled only when a nearer deadline re-arms it; the last one is left to close with the split.
      const started = events.filter((e) => e.timerStartedEventAttributes).length;
      assert.ok(started >= 1, `${fo.id} watches its steps' SLA`);
      assert.equal(events.filter((e) => e.timerCanceledEventAttributes).length, started - 1, `${fo.id} leaves its last SLA timer to close with it`);
      const described = await h.env.client.workflow.getHandle(fo.workflowId).describe();
      assert.deepEqual(described.searchAttributes.InJeopardy, [false], `${fo.id} is searchable as not in jeopardy from the start`);
    }
  });

  it('holds billing until the slowest split is done', async () => {
    const order = exampleOrder('laptop-bundle.json', 'slow');
    await simulatorSend(h, 'PUT', '/_faults/warranty', { latencyMs: 4000, operation: 'register' });
    try {
      await h.client.startOrder(order);
      // Wait until the two fast splits are done while the warranty split is held back.
      let summary = await h.client.getSummary(order.id);
      for (let i = 0; i < 200 && summary.fulfillmentOrders.filter((fo) => fo.steps.completed === fo.steps.total && fo.steps.total > 0).length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        summary = await h.client.getSummary(order.id);
      }
      const warranty = summary.fulfillmentOrders.find((fo) => fo.id === 'FO-warranty')!;
      assert.notEqual(warranty.state, 'completed', 'the warranty split should still be running');
      assert.equal(summary.billing.milestone, 'waiting');
      assert.deepEqual(await storedInvoices(h, order.id), [], 'nothing may be billed before every split is done');
    } finally {
      await simulatorSend(h, 'DELETE', '/_faults/warranty');
    }
    const done = await h.client.waitForCompletion(order.id);
    assert.equal(done.state, 'completed');
    const [stored] = await storedInvoices(h, order.id);
    const calls = await simulatorGet<{ calls: Array<{ operation: string; at: string }> }>(h, `/warranty/calls?orderId=${encodeURIComponent(order.id)}`);
    const registered = calls.calls.filter((c) => c.operation === 'register').map((c) => Date.parse(c.at));
    assert.ok(registered.length >= 1);
    assert.ok(Date.parse(stored.receivedAt) >= Math.max(...registered), 'the invoice came after the slowest split');
  });

  it('does not bill twice when the invoice activity is retried after billing stored the invoice', async () => {
    const order = exampleOrder('saas-suite.json', 'retry-bill');
    // Billing stores the next invoice, then answers 503 as if the answer were lost: the activity retries.
    await simulatorSend(h, 'PUT', '/_faults/billing', { failNext: 1, failAfterWork: true });
    try {
      await h.client.startOrder(order);
      const summary = await h.client.waitForCompletion(order.id);
      assert.equal(summary.state, 'completed');
      assert.equal(summary.invoices.length, 1);
    } finally {
      await simulatorSend(h, 'DELETE', '/_faults/billing');
    }
    const stored = await storedInvoices(h, order.id);
    assert.equal(stored.length, 1, 'exactly one invoice despite the retry');
    const history = await h.env.client.workflow.getHandle(orderWorkflowId(order.id)).fetchHistory();
    assert.ok(activityAttempts(history, 'issueInvoice').some((a) => a > 1), 'the invoice activity was in fact retried');
  });

  it('refuses a bad order at submission, naming the field, and starts no workflow', async () => {
    const order = exampleOrder('invalid-missing-price.json', 'bad');
    await assert.rejects(h.client.startOrder(order), (error: unknown) => {
      assert.ok(error instanceof OrdoError);
      assert.equal(error.code, 'invalid');
      assert.match(error.message, /items\[0\]\.unitPrice/);
      assert.ok(error.problems.some((p) => p.path === 'items[0].unitPrice'));
      return true;
    });
    await assert.rejects(h.env.client.workflow.getHandle(orderWorkflowId(order.id)).describe(), /not found/i);
  });

  it('refuses a second submission of the same order id', async () => {
    const order = exampleOrder('laptop-bundle.json', 'dup');
    await h.client.startOrder(order);
    await assert.rejects(h.client.startOrder(order), (error: unknown) => error instanceof OrdoError && error.code === 'already-exists');
    assert.equal((await h.client.waitForCompletion(order.id)).state, 'completed');
  });

  for (const file of ['saas-suite.json', 'mixed.json']) {
    it(`completes examples/${file} with one invoice that adds up`, async () => {
      const order = exampleOrder(file, 'ex');
      await h.client.startOrder(order);
      const summary = await h.client.waitForCompletion(order.id);
      assert.equal(summary.state, 'completed', summary.reason);
      assert.equal(summary.invoices.length, 1);
      assertInvoiceAddsUp(summary.invoices[0]);
      assert.equal((await storedInvoices(h, order.id)).length, 1);
    });
  }
});
