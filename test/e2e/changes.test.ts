import assert from 'node:assert/strict';
import * as path from 'node:path';
import { cancelOrder } from '../../client/changes';
import { OrdoError } from '../../client/errors';
import type { OrdoClient } from '../../client/ordo-client';
import type { Order } from '../../domain/order';
import type { AmendRequest } from '../../domain/order-actions';
import { accountWorkQuery, joinAccountWorkSignal, amendUpdate, cancelSignal, cancelUpdate, completeManualTaskUpdate, fulfillmentOrderPlanQuery, orderRecordQuery, summaryQuery } from '../../workflows/messages';
import { accountRunWorkflowId, accountWorkflowId, fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import type { FulfillmentOrderPlan, OrderSummary, StepStatus } from '../../workflows/types';
import { parseMoney } from '../../domain/money';
import { exampleOrder } from './examples';
import { eventually } from './eventually';
import { getHarness, simulatorGet, type Harness } from './harness';

/**
 * Changes in flight on the real dev server: cancellation before and after the point of no return,
 * compensation in reverse execution order, PONR spreading to the bundle, and the race between a
 * cancellation and a step entering PONR. Catalog: test/fixtures/changes.yaml, on its own worker lane.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/changes.yaml');
const FO = 'FO-provisioning';
/** The worker lane with the changes catalog, shared by every describe below (the harness keeps one per queue). */
const changesLane = (h: Harness) =>
  h.startLane({ taskQueue: 'ordo-changes', catalogFiles: [CATALOG], config: { queues: { desk: { members: ['ann'], assignment: 'none' } } } });
let serial = 0;

function orderOf(kit = false): Order {
  const id = `CH-${process.pid}-${++serial}`;
  const items: Order['items'] = kit
    ? [
        { id: 'OI-1', product: 'CHANGEABLE-KIT', quantity: 1, unitPrice: '100.00' },
        { id: 'OI-2', product: 'CHANGEABLE', quantity: 1, unitPrice: '0.00', parentItemId: 'OI-1' },
        { id: 'OI-3', product: 'COMPANION', quantity: 1, unitPrice: '0.00', parentItemId: 'OI-1' },
      ]
    : [{ id: 'OI-1', product: 'CHANGEABLE', quantity: 1, unitPrice: '100.00' }];
  return { id, accountId: 'TEST', channel: 'cpq', currency: 'USD', items };
}

describe('changes in flight (real Temporal dev server, changes catalog lane)', function () {
  this.timeout(120_000);

  let h: Harness;
  let lane: OrdoClient;

  const orderHandle = (orderId: string) => h.env.client.workflow.getHandle(orderWorkflowId(orderId));
  const foHandle = (orderId: string, fo = FO) => h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, fo));
  const plan = async (orderId: string, fo = FO) => (await foHandle(orderId, fo).query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan;
  const step = async (orderId: string, stepId: string, fo = FO): Promise<StepStatus> => (await plan(orderId, fo)).steps.find((s) => s.id === stepId)!;
  const waitFor = (orderId: string, stepId: string, state: StepStatus['state'], fo = FO) =>
    eventually(`${stepId} ${state}`, async () => ((await plan(orderId, fo)).steps.find((s) => s.id === stepId)?.state === state ? true : undefined));
  const complete = (orderId: string, stepId: string, fo = FO) =>
    foHandle(orderId, fo).executeUpdate(completeManualTaskUpdate, { args: [{ stepId, actor: 'ann' }] });
  const cancel = (orderId: string, reason = 'customer changed their mind') =>
    orderHandle(orderId).executeUpdate(cancelUpdate, { args: [{ reason, actor: 'cpq' }] });
  const amend = (orderId: string, actions: AmendRequest['actions']) => orderHandle(orderId).executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions }] });
  const callsFor = async (system: string, orderId: string) =>
    (await simulatorGet<{ calls: Array<{ operation: string; status: number; idempotencyKey: string; body: { stepId?: string } }> }>(h, `/${system}/calls?orderId=${orderId}`)).calls;

  // One stack and one worker lane (the changes catalog) for every test below.
  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await changesLane(h);
  });

  describe('changes in flight: cancellation, compensation and the point of no return', function () {
    this.timeout(120_000);


    it('cancels before PONR: cancels what waits, compensates what ran in reverse order, bills nothing', async () => {
      const order = orderOf();
      await lane.startOrder(order);
      await waitFor(order.id, 'change.hold', 'InProgress');

      assert.deepEqual(await cancel(order.id), { accepted: true, orderId: order.id, state: 'pendingCancellation' });
      const summary = (await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })) as OrderSummary;
      assert.equal(summary.state, 'cancelled');
      assert.equal(summary.invoices.length, 0);
      assert.deepEqual((await simulatorGet<{ invoices: unknown[] }>(h, `/billing/invoices?orderId=${order.id}`)).invoices, []);
      assert.deepEqual(
        summary.cancellation!.compensations.map((c) => [c.stepId, `${c.call.system}/${c.call.operation}`, c.state]),
        [
          ['change.second', 'shipping/cancel-shipment', 'Completed'],
          ['change.first', 'provisioning/deactivate', 'Completed'],
        ],
      );
      assert.deepEqual(summary.actions.map((a) => a.type), ['Add', 'Cancel']);
      const plan = (await foHandle(order.id).query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan;
      assert.equal(plan.state, 'cancelled');
      assert.deepEqual(
        plan.steps.map((s) => [s.id, s.state]),
        [
          ['change.first', 'Completed'],
          ['change.second', 'Completed'],
          ['change.hold', 'Cancelled'],
          ['change.commit', 'Cancelled'],
          ['change.after', 'Cancelled'],
          ['change.done', 'Cancelled'],
        ],
      );
      assert.deepEqual((await callsFor('shipping', order.id)).map((c) => c.operation), ['schedule-visit', 'cancel-shipment'], 'nothing was shipped');
      assert.deepEqual((await callsFor('provisioning', order.id)).map((c) => c.operation), ['activate', 'deactivate']);
      // The task left its queue.
      await eventually('ManualQueues cleared', async () =>
        (await h.env.client.workflow.count(`ManualQueues = "desk" AND OrderId = "${order.id}"`)).count === 0 ? true : undefined,
      );
      // A finished order takes no more messages; the client says how it ended.
      await assert.rejects(cancelOrder(lane, order.id, { reason: 'again' }), (error: unknown) => {
        assert.ok(error instanceof OrdoError);
        assert.equal(error.code, 'refused');
        assert.match(error.message, /order CH-.* is already cancelled; nothing to cancel/);
        return true;
      });
    });

    it('refuses a cancellation after PONR with ChangeOrderRequired, naming the items, and changes nothing', async () => {
      const order = orderOf(true);
      await lane.startOrder(order);
      await waitFor(order.id, 'change.hold', 'InProgress');
      await complete(order.id, 'change.hold');
      await waitFor(order.id, 'change.after', 'InProgress');

      await assert.rejects(cancel(order.id), (error: Error & { cause?: Error & { type?: string } }) => {
        assert.equal(error.cause?.type, 'ChangeOrderRequired');
        assert.match(error.cause!.message, /past the point of no return for items OI-1 \(change\.commit in FO-provisioning\), OI-2 .*OI-3 /);
        assert.match(error.cause!.message, /submit a change order with "changeOf": "CH-/);
        return true;
      });
      // The signal form cannot answer: its refusal is kept in the summary.
      await orderHandle(order.id).signal(cancelSignal, { reason: 'by signal', actor: 'cpq' });
      const summary = await eventually('the refused signal', async () => {
        const s = (await orderHandle(order.id).query(summaryQuery)) as OrderSummary;
        return s.rejectedMessages?.length ? s : undefined;
      });
      assert.equal(summary.state, 'inProgress');
      assert.equal(summary.cancellation, undefined);
      assert.match(summary.rejectedMessages![0].reason, /ChangeOrderRequired/);
      // PONR spread to the whole bundle, with the step that put each item there.
      assert.deepEqual(summary.pointOfNoReturn!.map((p) => [p.orderItemId, p.stepId]).sort(), [
        ['OI-1', 'change.commit'],
        ['OI-2', 'change.commit'],
        ['OI-3', 'change.commit'],
      ]);

      await complete(order.id, 'change.after');
      await complete(order.id, 'companion.wait', 'FO-warranty');
      const done = await lane.waitForCompletion(order.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'completed');
      assert.equal(done.invoices.length, 1);
    });

    it('does nothing twice when the cancel signal arrives twice', async () => {
      const order = orderOf();
      await lane.startOrder(order);
      await waitFor(order.id, 'change.hold', 'InProgress');
      await orderHandle(order.id).signal(cancelSignal, { reason: 'duplicate delivery', actor: 'cpq' });
      await orderHandle(order.id).signal(cancelSignal, { reason: 'duplicate delivery', actor: 'cpq' });
      const summary = await lane.waitForCompletion(order.id, { timeoutMs: 30_000 });
      assert.equal(summary.state, 'cancelled');
      assert.equal(summary.actions.filter((a) => a.type === 'Cancel').length, 1);
      assert.equal(summary.cancellation!.compensations.length, 2);
      assert.equal(summary.rejectedMessages?.length, 1);
      assert.match(summary.rejectedMessages![0].reason, /already being cancelled/);
    });

    it('gives one outcome when a cancellation races a step entering PONR, and the answer matches it', async () => {
      // Either outcome may come; each must be whole (the deterministic orderings are in test/workflows/changes.test.ts).
      for (let i = 0; i < 4; i++) {
        const order = orderOf();
        await lane.startOrder(order);
        await waitFor(order.id, 'change.hold', 'InProgress');
        // Release the PONR step and cancel at once: whichever the order sees first wins.
        const [, answer] = await Promise.allSettled([complete(order.id, 'change.hold'), cancel(order.id)]);
        const commit = await eventually('commit settled', async () => {
          const s = await step(order.id, 'change.commit');
          return ['Completed', 'Cancelled'].includes(s.state) ? s : undefined;
        });
        const shipped = (await callsFor('shipping', order.id)).some((c) => c.operation === 'ship');
        if (answer.status === 'fulfilled') {
          assert.equal(commit.state, 'Cancelled');
          assert.equal(shipped, false, 'a cancelled order never passes PONR');
          assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'cancelled');
        } else {
          assert.match(((answer.reason as Error & { cause?: Error }).cause ?? answer.reason).message, /ChangeOrderRequired/);
          assert.equal(commit.state, 'Completed');
          assert.equal(shipped, true);
          await waitFor(order.id, 'change.after', 'InProgress');
          await complete(order.id, 'change.after');
          assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
        }
      }
    });
  });

  describe('change orders after the point of no return', function () {
    this.timeout(120_000);

    const changeOf = (originalId: string, label: string, patch: (items: Order['items']) => Order['items'] = (items) => items): Order => {
      const change = exampleOrder('change-order-return.json', label);
      return { ...change, changeOf: originalId, items: patch(change.items) };
    };

    it('returns a bundle with a credit memo, leaves the original invoice untouched, and shows both on the original', async () => {
      const original = exampleOrder('laptop-bundle.json', 'orig');
      await h.client.startOrder(original);
      const billed = await h.client.waitForCompletion(original.id);
      assert.equal(billed.state, 'completed');
      const originalInvoice = billed.invoices[0];

      const change = changeOf(original.id, 'ret');
      await h.client.startOrder(change);
      const changed = await h.client.waitForCompletion(change.id);
      assert.equal(changed.state, 'completed', changed.reason);
      assert.equal(changed.changeOf, original.id);
      assert.deepEqual(changed.actions.map((a) => a.type), ['Return']);
      assert.equal(changed.invoices.length, 1);
      const [memo] = changed.invoices;
      assert.equal(memo.kind, 'creditMemo');
      assert.equal(memo.id, `CM-${change.id}-1`);
      // One of the two bundles back: half of the bundle line (3798.00 → 1899.00) and of its tax (313.34 → 156.67).
      assert.equal(memo.total, '2055.67');
      const sum = memo.lines.reduce((n, l) => n + parseMoney(l.amount, 'USD') + parseMoney(l.tax, 'USD'), 0);
      assert.equal(sum, parseMoney(memo.total, 'USD'));

      const stored = (await simulatorGet<{ invoices: Array<{ id: string; kind: string; total: string }> }>(h, `/billing/invoices?orderId=${original.id}`)).invoices;
      assert.deepEqual(stored.map((d) => [d.id, d.kind, d.total]), [[originalInvoice.id, 'invoice', originalInvoice.total]], 'the original invoice is untouched');
      const memos = (await simulatorGet<{ invoices: Array<{ id: string; kind: string }> }>(h, `/billing/invoices?orderId=${change.id}`)).invoices;
      assert.deepEqual(memos.map((d) => [d.id, d.kind]), [[memo.id, 'creditMemo']]);

      const story = await h.client.getSummary(original.id);
      assert.deepEqual(story.changeOrders.map((c) => [c.orderId, c.state, c.documents.map((d) => `${d.kind} ${d.total}`)]), [
        [change.id, 'completed', ['creditMemo 2055.67']],
      ]);
      assert.equal(story.netBilled, '2055.67');
      assert.deepEqual(story.invoices, billed.invoices);

      // What was returned cannot be returned again: one bundle is left, so returning two is refused at submission.
      const tooMuch = changeOf(original.id, 'ret2', (items) => items.map((item) => ({ ...item, quantity: 2 })));
      await assert.rejects(h.client.startOrder(tooMuch), (error: unknown) => {
        assert.ok(error instanceof OrdoError);
        assert.equal(error.code, 'invalid');
        assert.match(error.message, /items\[\d\]\.quantity/);
        return true;
      });
      await assert.rejects(h.env.client.workflow.getHandle(orderWorkflowId(tooMuch.id)).describe(), /not found/i);
    });

    it('refuses a change order of an order that does not exist or is not billed yet', async () => {
      await assert.rejects(h.client.startOrder(changeOf('NO-SUCH-ORDER', 'none')), /changeOf: no order NO-SUCH-ORDER is known/);
    });
  });

  describe('amendments before the point of no return', function () {
    this.timeout(120_000);


    it('amends a quantity in place: redoes the changed work, keeps the order, bills the new quantity', async () => {
      const order = orderOf();
      await lane.startOrder(order);
      await waitFor(order.id, 'change.hold', 'InProgress');

      const answer = await amend(order.id, [{ type: 'Amend', itemId: 'OI-1', quantity: 3 }]);
      assert.deepEqual(answer.changedItemIds, ['OI-1']);
      assert.deepEqual(answer.fulfillmentOrders, { started: [], updated: [FO], stopped: [] });

      // The finished steps ran for one unit: they are compensated and run again for three.
      await eventually('first redone', async () => {
        const first = (await plan(order.id)).steps.find((s) => s.id === 'change.first')!;
        return first.state === 'Completed' && first.runs === 2 ? true : undefined;
      });
      await waitFor(order.id, 'change.hold', 'InProgress');
      const provisioning = await callsFor('provisioning', order.id);
      assert.deepEqual(provisioning.map((c) => c.operation), ['activate', 'deactivate', 'activate']);
      assert.notEqual(provisioning[0].idempotencyKey, provisioning[2].idempotencyKey, 'the redo is a new request');

      await complete(order.id, 'change.hold');
      await waitFor(order.id, 'change.after', 'InProgress');
      await complete(order.id, 'change.after');
      const done = await lane.waitForCompletion(order.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'completed');
      assert.deepEqual(done.invoices[0].lines.map((l) => [l.orderItemId, l.quantity, l.amount]), [['OI-1', 3, '300.00']]);
      assert.deepEqual(done.actions.map((a) => [a.type, a.itemIds]), [['Add', ['OI-1']], ['Amend', ['OI-1']]]);
      const record = await orderHandle(order.id).query(orderRecordQuery);
      assert.equal(record.order.items[0].quantity, 3);
    });

    it('adds an item that brings a new split, and cancels an item whose split is then stopped and undone', async () => {
      const order = orderOf();
      await lane.startOrder(order);
      await waitFor(order.id, 'change.hold', 'InProgress');
      const added = await amend(order.id, [{ type: 'Add', item: { id: 'OI-9', product: 'COMPANION', quantity: 1, unitPrice: '5.00' } }]);
      assert.deepEqual(added.fulfillmentOrders.started, ['FO-warranty']);
      await waitFor(order.id, 'companion.wait', 'InProgress', 'FO-warranty');

      const removed = await amend(order.id, [{ type: 'Cancel', itemId: 'OI-9' }]);
      assert.deepEqual(removed.removedItemIds, ['OI-9']);
      assert.deepEqual(removed.fulfillmentOrders.stopped, ['FO-warranty']);
      await eventually('the companion split stopped', async () => ((await plan(order.id, 'FO-warranty')).state === 'cancelled' ? true : undefined));
      // Its completed registration is voided.
      await eventually('void sent', async () => ((await callsFor('warranty', order.id)).some((c) => c.operation === 'void') ? true : undefined));

      await complete(order.id, 'change.hold');
      await waitFor(order.id, 'change.after', 'InProgress');
      await complete(order.id, 'change.after');
      const done = await lane.waitForCompletion(order.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'completed');
      assert.deepEqual(done.invoices[0].lines.map((l) => l.orderItemId), ['OI-1'], 'the cancelled item is not billed');
    });

    it('refuses an amendment touching an item past PONR with ChangeOrderRequired, and a bad one naming the field', async () => {
      const order = orderOf(true);
      await lane.startOrder(order);
      await waitFor(order.id, 'change.hold', 'InProgress');
      await assert.rejects(amend(order.id, [{ type: 'Amend', itemId: 'OI-7', quantity: 2 }]), (error: Error & { cause?: Error }) => {
        assert.match(error.cause!.message, /actions\[0\]\.itemId/);
        return true;
      });
      await complete(order.id, 'change.hold');
      await waitFor(order.id, 'change.after', 'InProgress');
      await assert.rejects(amend(order.id, [{ type: 'Amend', itemId: 'OI-3', quantity: 2 }]), (error: Error & { cause?: Error & { type?: string } }) => {
        assert.equal(error.cause?.type, 'ChangeOrderRequired');
        assert.match(error.cause!.message, /OI-1 \(change\.commit\), OI-2 \(change\.commit\), OI-3 \(change\.commit\) are past the point of no return/);
        return true;
      });
      await complete(order.id, 'change.after');
      await complete(order.id, 'companion.wait', 'FO-warranty');
      assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
    });
  });

  describe('account-wide fulfillment', function () {
    this.timeout(120_000);

    it('runs account-scope work once for every order of the account; cancelling one order releases only its share', async () => {
      const accountId = `ACCT-${process.pid}-${++serial}`;
      const orderFor = (n: number): Order => ({
        id: `${accountId}-O${n}`,
        accountId,
        channel: 'cpq',
        currency: 'USD',
        items: [
          { id: 'OI-1', product: 'CHANGEABLE', quantity: 1, unitPrice: '10.00' },
          { id: 'OI-2', product: 'ACCOUNT-THING', quantity: 1, unitPrice: '0.00' },
        ],
      });
      const [a, b] = [orderFor(1), orderFor(2)];
      const accountWorkflow = h.env.client.workflow.getHandle(accountWorkflowId(accountId, 'ACCOUNT-WORK'));
      const view = () => accountWorkflow.query(accountWorkQuery);
      const hold = (orderId: string, stepId: string, fo: string) =>
        eventually(`${stepId}`, async () => {
          const plan = (await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, fo)).query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan;
          return plan.steps.find((s) => s.id === stepId)?.state === 'InProgress' ? true : undefined;
        });

      await lane.startOrder(a);
      await lane.startOrder(b);
      await eventually('both orders joined', async () => ((await view()).shares.length === 2 ? true : undefined));
      const accountRun = accountRunWorkflowId(accountWorkflowId(accountId, 'ACCOUNT-WORK'));
      await eventually('the account work waiting on its hold', async () => {
        const plan = (await h.env.client.workflow.getHandle(accountRun).query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan;
        return plan.steps.find((s) => s.id === 'account-work.account-hold')?.state === 'InProgress' ? true : undefined;
      });

      // Order A is cancelled before its point of no return: its share is released, B's is not.
      await hold(a.id, 'change.hold', FO);
      await cancelOrder(lane, a.id, { reason: 'customer left' });
      assert.equal((await lane.waitForCompletion(a.id, { timeoutMs: 30_000 })).state, 'cancelled');
      assert.deepEqual((await view()).shares.map((s) => [s.orderId, s.state]).sort(), [
        [a.id, 'released'],
        [b.id, 'waiting'],
      ]);
      assert.equal((await view()).state, 'running');

      // The account work finishes once; B, which waited for its share, goes on and completes.
      await h.env.client.workflow.getHandle(accountRun).executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'account-work.account-hold', actor: 'ann' }] });
      await eventually('B told its share is ready', async () => ((await view()).shares.find((s) => s.orderId === b.id)?.state === 'ready' ? true : undefined));
      await hold(b.id, 'change.hold', FO);
      await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(b.id, FO)).executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'change.hold', actor: 'ann' }] });
      await hold(b.id, 'change.after', FO);
      await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(b.id, FO)).executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'change.after', actor: 'ann' }] });
      const done = await lane.waitForCompletion(b.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'completed');
      assert.deepEqual(done.accountShares?.map((s) => [s.destination, s.state]), [['ACCOUNT-WORK', 'ready']]);

      // A third order of the account finds the work done and is told at once; the tenant was provisioned once.
      const c = orderFor(3);
      await lane.startOrder(c);
      await hold(c.id, 'change.hold', FO);
      await eventually('C ready at once', async () => ((await view()).shares.find((s) => s.orderId === c.id)?.state === 'ready' ? true : undefined));
      const provisioned = (await simulatorGet<{ calls: Array<{ operation: string }> }>(h, '/provisioning/calls')).calls.filter((call) => call.operation === 'provision-tenant' && JSON.stringify(call).includes(accountId));
      assert.equal(provisioned.length, 1);
      await cancelOrder(lane, c.id, { reason: 'test done' });
    });
  });

  describe('account work and amendment races', function () {
    this.timeout(120_000);

    it('continues the account workflow as new before its history grows, carrying every share', async () => {
      const accountId = `CAN-${process.pid}-${++serial}`;
      const workflowId = accountWorkflowId(accountId, 'ACCOUNT-WORK');
      const account = { accountId, destination: 'ACCOUNT-WORK', joinsPerRun: 2 };
      const join = (orderId: string) => ({
        orderId,
        orderWorkflowId: orderWorkflowId(orderId),
        fulfillmentOrder: { id: 'ACCOUNT-ACCOUNT-WORK', system: 'provisioning', lineItems: [], steps: [], definitions: {} },
      });
      for (const orderId of ['J1', 'J2', 'J3']) {
        await h.env.client.workflow.signalWithStart('AccountFulfillmentWorkflow', {
          workflowId,
          taskQueue: 'ordo-changes',
          args: [account],
          signal: joinAccountWorkSignal,
          signalArgs: [join(orderId)],
        });
      }
      const view = await eventually('three shares after a continue-as-new', async () => {
        const v = await h.env.client.workflow.getHandle(workflowId).query(accountWorkQuery);
        return v.shares.length === 3 && v.state === 'completed' && v.shares.every((share) => share.state === 'ready') ? v : undefined;
      });
      assert.deepEqual(view.shares.map((s) => [s.orderId, s.state]), [['J1', 'ready'], ['J2', 'ready'], ['J3', 'ready']]);
      // Visibility lags the runs by a moment.
      await eventually('a second run after continue-as-new', async () => {
        const runs: string[] = [];
        for await (const execution of h.env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(execution.runId);
        return runs.length >= 2 ? runs : undefined;
      });
      await h.env.client.workflow.getHandle(workflowId).terminate('test done');
    });

    it('gives one outcome when an amendment races a step entering PONR', async () => {
      for (let i = 0; i < 3; i++) {
        const order = orderOf();
        await lane.startOrder(order);
        const handle = h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(order.id, FO));
        await eventually('hold waiting', async () =>
          ((await handle.query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan).steps.find((s) => s.id === 'change.hold')?.state === 'InProgress' ? true : undefined,
        );
        const [, answer] = await Promise.allSettled([
          handle.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'change.hold', actor: 'ann' }] }),
          h.env.client.workflow.getHandle(orderWorkflowId(order.id)).executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 2 }] }] }),
        ]);
        await eventually('after waiting', async () =>
          ((await handle.query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan).steps.find((s) => s.id === 'change.after')?.state === 'InProgress' ? true : undefined,
        );
        await handle.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'change.after', actor: 'ann' }] });
        const done = await lane.waitForCompletion(order.id, { timeoutMs: 30_000 });
        assert.equal(done.state, 'completed');
        const billedQuantity = done.invoices[0].lines[0].quantity;
        // The step past PONR ran once, on the plan the order decided with: never started on the old plan and redone.
        const commits = (await callsFor('shipping', order.id)).filter((call) => call.operation === 'ship');
        assert.equal(commits.length, 1, `the PONR step called shipping once (${commits.map((c) => c.idempotencyKey).join(', ')})`);
        if (answer.status === 'fulfilled') assert.equal(billedQuantity, 2, 'an accepted amendment is what was fulfilled and billed');
        else {
          assert.match(((answer.reason as Error & { cause?: Error }).cause ?? answer.reason).message, /ChangeOrderRequired/);
          assert.equal(billedQuantity, 1, 'a refused amendment changed nothing');
        }
      }
    });
  });

  describe('amendments of fulfilled work', function () {
    this.timeout(120_000);

    it('refuses to amend an item whose split has already finished, with ChangeOrderRequired', async () => {
      const order: Order = {
        id: `FIN-${process.pid}-${++serial}`,
        accountId: 'TEST',
        channel: 'cpq',
        currency: 'USD',
        items: [
          { id: 'OI-1', product: 'CHANGEABLE', quantity: 1, unitPrice: '10.00' },
          { id: 'OI-2', product: 'COMPANION', quantity: 1, unitPrice: '5.00' },
        ],
      };
      await lane.startOrder(order);
      const companion = h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(order.id, 'FO-warranty'));
      await eventually('companion waiting', async () =>
        ((await companion.query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan).steps.find((s) => s.id === 'companion.wait')?.state === 'InProgress' ? true : undefined,
      );
      await companion.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'companion.wait', actor: 'ann' }] });
      const orderHandle = h.env.client.workflow.getHandle(orderWorkflowId(order.id));
      await eventually('the companion split finished', async () =>
        (await orderHandle.query(summaryQuery)).fulfillmentOrders.find((fo) => fo.id === 'FO-warranty')?.state === 'completed' ? true : undefined,
      );
      await assert.rejects(
        orderHandle.executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-2', quantity: 3 }] }] }),
        (error: Error & { cause?: Error & { type?: string } }) => {
          assert.equal(error.cause?.type, 'ChangeOrderRequired');
          assert.match(error.cause!.message, /OI-2 \(fulfilled by FO-warranty\) already fulfilled/);
          return true;
        },
      );
      await cancelOrder(lane, order.id, { reason: 'test done' });
    });
  });
});
