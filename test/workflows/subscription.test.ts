import assert from 'node:assert/strict';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Invoice } from '../../domain/invoice';
import type { Order } from '../../domain/order';
import type { Subscription } from '../../domain/subscription';
import {
  billNowUpdate,
  changeSubscriptionUpdate,
  renewUpdate,
  subscriptionQuery,
  subscriptionWorkflowId,
  type SubscriptionInput,
  type SubscriptionView,
} from '../../workflows/subscription-messages';
import { orderWorkflowId } from '../../workflows/ids';
import type { OrderSummary } from '../../workflows/types';
import type { StubCall } from './stubs';
import { catalogOf, getTimeSkipping, withLane, type Lane } from './time-skipping';

/**
 * The subscription workflow on the time-skipping server: months of workflow time in seconds. Billing is the pure
 * domain's (test/workflows/stubs.ts), nothing is sent; what is checked here is WHEN the workflow bills and that it
 * bills nothing twice. The clock is first moved to 2029-12-20 so every date below is fixed.
 *
 * The subscription: 2 seats at 50.00 a month, 2030-01-01 .. 2030-03-31, tax STANDARD 8.25 %.
 *   one period: 2 × 50.00 = 100.00; tax 100.00 × 0.0825 = 8.25; total 108.25.
 */
const CATALOG = catalogOf('subscription', `
products:
  - { code: SEAT, fulfillment: none }
`);

const DAY = 24 * 60 * 60 * 1000;
const START = '2029-12-20';
const at = (date: string) => Date.parse(`${date}T00:00:00Z`);
let serial = 0;

function subscriptionOf(orderId: string, termEnd = '2030-03-31'): Subscription {
  return {
    id: `SUB-${orderId}`,
    orderId,
    accountId: 'ACME',
    currency: 'USD',
    anchorDate: '2030-01-01',
    termEnd,
    items: [
      {
        itemId: 'OI-1',
        product: 'SEAT',
        quantity: 2,
        unitPrice: '50.00',
        billing: { type: 'recurring', period: 'month' },
        startDate: '2030-01-01',
        endDate: termEnd,
        taxCode: 'STANDARD',
        billedThrough: 0,
      },
    ],
    recurringBilledUpFront: false,
  };
}

function orderFor(orderId: string): Order {
  return {
    id: orderId,
    accountId: 'ACME',
    channel: 'cpq',
    currency: 'USD',
    items: [{ id: 'OI-1', product: 'SEAT', quantity: 2, unitPrice: '50.00', taxCode: 'STANDARD', billing: { type: 'recurring', period: 'month' }, startDate: '2030-01-01', endDate: '2030-03-31' }],
  };
}

/** Moves the server's clock to START, then starts a subscription of its own. */
async function startSubscription(lane: Lane, input: (orderId: string) => Partial<SubscriptionInput> = () => ({})): Promise<{ handle: WorkflowHandleWithFirstExecutionRunId; orderId: string }> {
  await lane.env.sleep(at(START) - (await lane.env.currentTimeMs()));
  const orderId = `SUBT-${process.pid}-${++serial}`;
  const handle = await lane.env.client.workflow.start('SubscriptionWorkflow', {
    workflowId: subscriptionWorkflowId(orderId),
    taskQueue: lane.taskQueue,
    args: [{ subscription: subscriptionOf(orderId), ...input(orderId) }],
  });
  return { handle, orderId };
}

/** Each billSubscription call as [asOf, the workflow day it came on]. */
function billingDays(calls: StubCall[]): Array<[string, string]> {
  return calls.map((call) => [(call.input as { asOf: string }).asOf, new Date(call.at).toISOString().slice(0, 10)]);
}

const ids = (view: SubscriptionView) => view.documents.map((d) => d.id);

/** An update refused by its validator: the failure's cause names the field. */
const refusedNaming = (field: string) => (error: { cause?: { message?: string } }) => {
  assert.match(error.cause?.message ?? '', new RegExp(`^${field}: `));
  return true;
};

describe('workflows on the time-skipping server: subscriptions', function () {
  this.timeout(180_000);
  before(async function () {
    this.timeout(300_000);
    await getTimeSkipping();
  });

  it('bills each period in advance at 00:00 UTC of its bill date, then ends', async () => {
    await withLane({ catalog: CATALOG }, async (lane) => {
      const { handle, orderId } = await startSubscription(lane);
      const view = (await handle.result()) as SubscriptionView;
      assert.equal(view.state, 'ended');
      assert.equal(view.nextBillDate, undefined);
      const sub = `SUB-${orderId}`;
      assert.deepEqual(ids(view), [`INV-${sub}-2030-01-01`, `INV-${sub}-2030-02-01`, `INV-${sub}-2030-03-01`]);
      // 2 × 50.00 = 100.00, tax 8.25: 108.25 each month.
      assert.deepEqual(view.documents.map((d) => [d.date, d.total, d.trigger]), [
        ['2030-01-01', '108.25', 'schedule'],
        ['2030-02-01', '108.25', 'schedule'],
        ['2030-03-01', '108.25', 'schedule'],
      ]);
      const calls = lane.calls.of('billSubscription');
      assert.deepEqual(billingDays(calls), [['2030-01-01', '2030-01-01'], ['2030-02-01', '2030-02-01'], ['2030-03-01', '2030-03-01']]);
      for (const call of calls) assert.ok(call.at - at(new Date(call.at).toISOString().slice(0, 10)) < 60 * 60 * 1000, 'within the hour after midnight');
    });
  });

  it('Bill Now bills ahead through its date; the timer then bills nothing twice; a malformed date is refused naming asOf', async () => {
    await withLane({ catalog: CATALOG }, async (lane) => {
      const { handle, orderId } = await startSubscription(lane);
      await assert.rejects(handle.executeUpdate(billNowUpdate, { args: [{ asOf: '2030-02-30', trigger: 'billNow' }] }), refusedNaming('asOf'));
      const early = await handle.executeUpdate(billNowUpdate, { args: [{ asOf: '2030-02-01', trigger: 'billNow' }] });
      const sub = `SUB-${orderId}`;
      assert.deepEqual(early.issued.map((d) => d.id), [`INV-${sub}-2030-01-01`, `INV-${sub}-2030-02-01`]);
      assert.equal(early.nextBillDate, '2030-03-01');
      const again = await handle.executeUpdate(billNowUpdate, { args: [{ asOf: '2030-02-01', trigger: 'billNow' }] });
      assert.deepEqual(again.issued, [], 'nothing is due twice');

      const view = (await handle.result()) as SubscriptionView;
      assert.deepEqual(ids(view), [`INV-${sub}-2030-01-01`, `INV-${sub}-2030-02-01`, `INV-${sub}-2030-03-01`]);
      assert.deepEqual(view.documents.map((d) => d.trigger), ['billNow', 'billNow', 'schedule']);
      // Bill Now on 2029-12-20 (twice), then the timer once, on 2030-03-01: no bill for January or February from it.
      assert.deepEqual(billingDays(lane.calls.of('billSubscription')), [['2030-02-01', START], ['2030-02-01', START], ['2030-03-01', '2030-03-01']]);
    });
  });

  it('continues as new after billingsPerRun bill dates, carrying the subscription and its documents', async () => {
    await withLane({ catalog: CATALOG }, async (lane) => {
      const { handle, orderId } = await startSubscription(lane, () => ({ billingsPerRun: 1 }));
      const firstRun = handle.firstExecutionRunId;
      const view = (await handle.result()) as SubscriptionView;
      const sub = `SUB-${orderId}`;
      assert.deepEqual(ids(view), [`INV-${sub}-2030-01-01`, `INV-${sub}-2030-02-01`, `INV-${sub}-2030-03-01`]);
      assert.equal(lane.calls.of('billSubscription').length, 3, 'each date billed once across the runs');
      assert.equal((await lane.env.client.workflow.getHandle(handle.workflowId, firstRun).describe()).status.name, 'CONTINUED_AS_NEW');
      assert.notEqual((await handle.describe()).runId, firstRun);
    });
  });

  it('takes a change order while it waits for the next bill date, and bills the next period at the new quantity', async () => {
    await withLane({ catalog: CATALOG }, async (lane) => {
      const { handle, orderId } = await startSubscription(lane);
      await lane.env.sleep(at('2030-02-10') - (await lane.env.currentTimeMs()));
      // Waiting for 2030-03-01. 2 → 3 seats from 2030-02-15: the rest of the February period, 14 of its 28 days:
      // 1 × 50.00 × 14/28 = 25.00; tax 25.00 × 0.0825 = 2.0625 → 2.06; total 27.06.
      const change = { changeId: `CO-${orderId}`, effectiveDate: '2030-02-15', actions: [{ type: 'Amend' as const, itemId: 'OI-1', quantity: 3 }] };
      const issued = await handle.executeUpdate(changeSubscriptionUpdate, { args: [change] });
      assert.deepEqual(issued.map((d) => [d.kind, d.total, d.trigger]), [['invoice', '27.06', `change:CO-${orderId}`]]);
      // A change the arithmetic refuses is refused in its words, and changes nothing.
      const unknown = { changeId: `CO-${orderId}-X`, effectiveDate: '2030-02-15', actions: [{ type: 'Cancel' as const, itemId: 'OI-9' }] };
      await assert.rejects(handle.executeUpdate(changeSubscriptionUpdate, { args: [unknown] }), (error: { cause?: { message?: string; failure?: unknown } }) => {
        assert.match(error.cause?.message ?? '', /OI-9/);
        return true;
      });
      const resent = await handle.executeUpdate(changeSubscriptionUpdate, { args: [change] });
      assert.deepEqual(resent.map((d) => d.id), issued.map((d) => d.id), 'a change sent twice is applied once');
      assert.equal((await handle.query(subscriptionQuery)).items[0].quantity, 3);

      const view = (await handle.result()) as SubscriptionView;
      // March: 3 × 50.00 = 150.00; tax 150.00 × 0.0825 = 12.375 → 12.38; total 162.38.
      assert.deepEqual(view.documents.map((d) => [d.date, d.total]), [
        ['2030-01-01', '108.25'],
        ['2030-02-01', '108.25'],
        ['2030-02-15', '27.06'],
        ['2030-03-01', '162.38'],
      ]);
      assert.equal(lane.calls.of('billSubscriptionChange').length, 2, 'the refused change and the applied one; the resent one is answered from the workflow');
    });
  });

  it('makes its renewal order once, on term end − lead days, and ends', async () => {
    await withLane({ catalog: CATALOG }, async (lane) => {
      const { handle } = await startSubscription(lane, (orderId) => ({ order: orderFor(orderId), renewalLeadDays: 10 }));
      const view = (await handle.result()) as SubscriptionView;
      const renewals = lane.calls.of('startRenewalOrder');
      assert.equal(renewals.length, 1);
      // Term end 2030-03-31 − 10 days = 2030-03-21.
      assert.equal(new Date(renewals[0].at).toISOString().slice(0, 10), '2030-03-21');
      const renewal = (renewals[0].input as { order: Order }).order;
      assert.equal(view.renewalOrderId, renewal.id);
      assert.equal(renewal.items[0].startDate, '2030-04-01');
      assert.equal(view.state, 'ended');
    });
  });

  it('renews early: the rest of the term is credited from the effective date and the renewal order starts then', async () => {
    await withLane({ catalog: CATALOG }, async (lane) => {
      const { handle } = await startSubscription(lane, (orderId) => ({ order: orderFor(orderId) }));
      await lane.env.sleep(at('2030-02-20') - (await lane.env.currentTimeMs()));
      await assert.rejects(handle.executeUpdate(renewUpdate, { args: [{ effectiveDate: '2030-13-01', actor: 'ops' }] }), refusedNaming('effectiveDate'));
      const { renewalOrderId } = await handle.executeUpdate(renewUpdate, { args: [{ effectiveDate: '2030-02-20', actor: 'ops' }] });

      const view = (await handle.result()) as SubscriptionView;
      // Cancelled from 2030-02-20: 9 of February's 28 days credited: 2 × 50.00 × 9/28 = 32.142… → 32.14;
      // tax 32.14 × 0.0825 = 2.65155 → 2.65; total 34.79. March is not billed.
      assert.deepEqual(view.documents.map((d) => [d.kind, d.date, d.total]), [
        ['invoice', '2030-01-01', '108.25'],
        ['invoice', '2030-02-01', '108.25'],
        ['creditMemo', '2030-02-20', '34.79'],
      ]);
      // Nothing is left to bill once the term is cancelled: the subscription has ended, renewed once.
      const renewals = lane.calls.of('startRenewalOrder');
      assert.equal(renewals.length, 1);
      const renewal = (renewals[0].input as { order: Order }).order;
      assert.equal(renewal.id, renewalOrderId);
      assert.equal(view.renewalOrderId, renewalOrderId);
      assert.equal(renewal.items[0].startDate, '2030-02-20');
      assert.equal(view.state, 'ended');
    });
  });

  it('an order hands over to its subscription (perPeriod: its invoice bills the seats at 0.00), and its change order reaches it', async () => {
    let original: Order | undefined;
    let originalInvoice: Invoice | undefined;
    const lane = {
      catalog: CATALOG,
      billing: { recurring: 'perPeriod' as const, renewal: false as const },
      activities: { loadChangeContext: () => ({ original: original!, originalInvoice: originalInvoice!, previous: [] }) },
    };
    await withLane(lane, async (lane) => {
      await lane.env.sleep(at(START) - (await lane.env.currentTimeMs()));
      const orderId = `SUBO-${process.pid}-${++serial}`;
      original = orderFor(orderId);
      await lane.start(original);
      const summary = await lane.completion(orderId);
      assert.equal(summary.state, 'completed');
      assert.equal(summary.subscriptionId, `SUB-${orderId}`);
      originalInvoice = summary.invoices[0];
      assert.deepEqual([originalInvoice.total, originalInvoice.lines.map((l) => l.amount)], ['0.00', ['0.00']], 'the subscription bills the seats');

      const subscription = lane.env.client.workflow.getHandle(subscriptionWorkflowId(orderId));
      await lane.env.sleep(at('2030-01-10') - (await lane.env.currentTimeMs()));
      assert.deepEqual((await subscription.query(subscriptionQuery)).documents.map((d) => d.total), ['108.25']);

      // 2 → 3 seats from 2030-01-15: 17 of January's 31 days: 1 × 50.00 × 17/31 = 27.419… → 27.42;
      // tax 27.42 × 0.0825 = 2.26215 → 2.26; total 29.68.
      const changeId = `${orderId}-C1`;
      // Started as the client would, without its visibility check of the original (the test server has no visibility).
      const changeOrder: Order = {
        id: changeId,
        accountId: 'ACME',
        channel: 'cpq',
        currency: 'USD',
        changeOf: orderId,
        effectiveDate: '2030-01-15',
        items: [{ id: 'CI-1', product: 'SEAT', quantity: 3, unitPrice: '50.00', action: 'Amend', originalItemId: 'OI-1', billing: { type: 'recurring', period: 'month' } }],
      };
      const changeHandle = await lane.env.client.workflow.start('OrderWorkflow', { workflowId: orderWorkflowId(changeId), taskQueue: lane.taskQueue, args: [{ order: changeOrder }] });
      const change = (await changeHandle.result()) as OrderSummary;
      assert.equal(change.state, 'completed');
      assert.equal(change.subscriptionId, `SUB-${orderId}`);
      assert.deepEqual(change.invoices, []);
      assert.equal(lane.calls.of('issueChangeBilling').length, 0, 'the change had nothing left to bill itself');

      const view = (await subscription.result()) as SubscriptionView;
      // February and March at 3 seats: 150.00; tax 12.375 → 12.38; total 162.38.
      assert.deepEqual(view.documents.map((d) => [d.id, d.total, d.trigger]), [
        [`INV-SUB-${orderId}-2030-01-01`, '108.25', 'schedule'],
        [`INV-${changeId}-1`, '29.68', `change:${changeId}`],
        [`INV-SUB-${orderId}-2030-02-01`, '162.38', 'schedule'],
        [`INV-SUB-${orderId}-2030-03-01`, '162.38', 'schedule'],
      ]);
    });
  });

  it('a renewal order records the order action Renew; an order paid by card keeps its payment method on the account', async () => {
    await withLane({ catalog: CATALOG, billing: { renewal: false } }, async (lane) => {
      await lane.env.sleep(at(START) - (await lane.env.currentTimeMs()));
      const orderId = `SUBR-${process.pid}-${++serial}`;
      const renewal: Order = { ...orderFor(`${orderId}-R1`), renewalOf: orderId, payment: { method: 'card', token: 'tok_visa_4242' } };
      await lane.start(renewal);
      const summary = await lane.completion(renewal.id);
      assert.equal(summary.state, 'completed');
      assert.deepEqual(summary.actions.map((a) => [a.type, a.itemIds, a.note]), [['Renew', ['OI-1'], `renewal of ${orderId}`]]);
      assert.equal(summary.subscriptionId, `SUB-${renewal.id}`, 'the renewal has a subscription of its own');
      assert.deepEqual(lane.calls.of('savePaymentMethod').map((call) => call.input), [{ accountId: 'ACME', payment: renewal.payment, orderId: renewal.id }]);
    });
  });
});
