import assert from 'node:assert/strict';
import * as path from 'node:path';
import { auditTrail } from '../../client/audit';
import type { OrdoClient } from '../../client/ordo-client';
import { SystemApi } from '../../client/system-api';
import type { AuditEntry, AuditExport } from '../../domain/audit-chain';
import { verifyTrail } from '../../domain/audit-chain';
import type { Order } from '../../domain/order';
import { sha256 } from '../../client/audit';
import { amendUpdate, completeManualTaskUpdate, fulfillmentOrderPlanQuery, manualTaskCompletedSignal, resolveFalloutUpdate } from '../../workflows/messages';
import { fulfillmentOrderWorkflowId, newOrderSyncWorkflowId, orderWorkflowId } from '../../workflows/ids';
import { syncQuery, type NewOrderSyncInput } from '../../workflows/sync-messages';
import type { FulfillmentOrderPlan, StepStatus } from '../../workflows/types';
import { eventually } from './eventually';
import { getHarness, simulatorGet, simulatorSend, type Harness } from './harness';

/**
 * The audit trail on the real stack (changes catalog lane, test/fixtures/changes.yaml): an order whose first
 * callout falls out and is retried by an operator, whose manual tasks an operator completes, that is amended and
 * sent a refused message, then a change order returning its item. `ordo audit`'s trail holds each, with who,
 * what, when and the outcome, in time order; the export's chain verifies, and fails once a field is edited.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/changes.yaml');
const FO = 'FO-provisioning';

describe('the audit trail (real Temporal dev server, changes catalog lane)', function () {
  this.timeout(180_000);

  let h: Harness;
  let lane: OrdoClient;
  let trail: AuditExport;
  let order: Order;
  let changeId: string;
  let companionFo: string;

  const foHandle = (orderId: string, fo: string) => h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, fo));
  const step = async (orderId: string, stepId: string, fo = FO): Promise<StepStatus | undefined> =>
    ((await foHandle(orderId, fo).query(fulfillmentOrderPlanQuery)) as FulfillmentOrderPlan).steps.find((s) => s.id === stepId);
  const waitFor = (orderId: string, stepId: string, state: StepStatus['state'], fo = FO) =>
    eventually(`${stepId} ${state}`, async () => ((await step(orderId, stepId, fo))?.state === state ? true : undefined), 30_000);
  const complete = (orderId: string, stepId: string, fo = FO) => foHandle(orderId, fo).executeUpdate(completeManualTaskUpdate, { args: [{ stepId, actor: 'ann' }] });

  /** Completes, as ann, every manual task the order's splits wait on, until the order has ended. */
  async function driveToEnd(orderId: string): Promise<void> {
    await eventually(`order ${orderId} ended`, async () => {
      const view = await lane.getPlan(orderId);
      if (['completed', 'failed', 'cancelled', 'rejected'].includes(view.state)) return true;
      for (const fo of view.fulfillmentOrders) {
        for (const s of fo.steps) if (s.type === 'manualTask' && s.state === 'InProgress') await complete(orderId, s.id, fo.fulfillmentOrderId).catch(() => undefined);
      }
      return undefined;
    }, 60_000);
  }

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await h.startLane({ taskQueue: 'ordo-changes', catalogFiles: [CATALOG], config: { queues: { desk: { members: ['ann'], assignment: 'none' } } } });

    order = { id: `AU-${process.pid}`, accountId: 'AUDIT', channel: 'cpq', currency: 'USD', items: [{ id: 'OI-1', product: 'CHANGEABLE', quantity: 1, unitPrice: '100.00' }] };
    // The first callout falls out once; ann retries it.
    await simulatorSend(h, 'PUT', '/_faults/provisioning', { operation: 'activate', failNext: 1, errorStatus: 422, errorCode: 'bad-port' });
    try {
      await lane.startOrder(order);
      await waitFor(order.id, 'change.first', 'FatallyFailed');
    } finally {
      await simulatorSend(h, 'DELETE', '/_faults/provisioning');
    }
    await foHandle(order.id, FO).executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'change.first', actor: 'ann', action: 'retry', note: 'port fixed' }] });
    await waitFor(order.id, 'change.hold', 'InProgress');
    // Mallory is not on the desk: her signal is refused and kept on the step.
    await foHandle(order.id, FO).signal(manualTaskCompletedSignal, { stepId: 'change.hold', actor: 'mallory' });
    await eventually('the refusal kept', async () => ((await step(order.id, 'change.hold'))?.rejectedMessages?.length ? true : undefined));
    // An amendment before the point of no return adds a companion: a new split.
    const amended = await h.env.client.workflow.getHandle(orderWorkflowId(order.id)).executeUpdate(amendUpdate, {
      args: [{ actor: 'cpq-rep', actions: [{ type: 'Add', item: { id: 'OI-2', product: 'COMPANION', quantity: 1, unitPrice: '20.00' } }] }],
    });
    companionFo = amended.fulfillmentOrders.started[0];
    assert.ok(companionFo, JSON.stringify(amended));
    await driveToEnd(order.id);
    assert.equal((await lane.getSummary(order.id)).state, 'completed');

    // A change order returns the first item: its credit memo is in the original's trail.
    changeId = `${order.id}-C1`;
    await lane.startOrder({ ...order, id: changeId, changeOf: order.id, items: [{ id: 'CO-1', product: 'CHANGEABLE', quantity: 1, unitPrice: '0.00', action: 'Return', originalItemId: 'OI-1' }] });
    await driveToEnd(changeId);
    assert.equal((await lane.getSummary(changeId)).state, 'completed');

    trail = await auditTrail({ temporal: h.env.client, billing: new SystemApi(h.config, 'billing') }, order.id);
  });

  const find = (what: string, match: (e: AuditEntry) => boolean): AuditEntry & { index: number } => {
    const index = trail.entries.findIndex(match);
    assert.ok(index >= 0, `no ${what} in the trail:\n${trail.entries.map((e) => `${e.at} ${e.actor} ${e.action} ${e.target} ${e.outcome}`).join('\n')}`);
    return { ...trail.entries[index], index };
  };

  it('holds every operator action, refusal, fallout, amendment, change order and billing document, with who, when and the outcome, in time order', () => {
    const split = `workflow ${fulfillmentOrderWorkflowId(order.id, FO)}`;
    const submit = find('submission', (e) => e.action === 'submit' && e.target === `order ${order.id}`);
    assert.deepEqual([submit.actor, submit.detail], ['cpq', 'channel cpq: Add OI-1']);
    const fallout = find('the fallout', (e) => e.action === 'fallout' && e.target === `step ${FO}/change.first`);
    assert.deepEqual([fallout.actor, fallout.outcome, fallout.source], ['ordo', 'failed', split]);
    assert.match(fallout.detail!, /to queue desk after 1 attempt\(s\): .*\(bad-port\)/);
    const retry = find('the retry', (e) => e.action === 'fallout retry');
    assert.deepEqual([retry.actor, retry.target, retry.outcome, retry.detail, retry.source], ['ann', `step ${FO}/change.first`, 'accepted', 'port fixed', split]);
    const refused = find('the refused signal', (e) => e.outcome === 'refused');
    assert.deepEqual([refused.actor, refused.action, refused.target], ['mallory', 'manualTaskCompleted', `step ${FO}/change.hold`]);
    assert.match(refused.detail!, /mallory may not act on this step/);
    const amendment = find('the amendment', (e) => e.action === 'order action Add' && e.actor === 'cpq-rep');
    assert.deepEqual([amendment.target, amendment.outcome, amendment.source], [`order ${order.id} items OI-2`, 'accepted', `workflow ${orderWorkflowId(order.id)}`]);
    const hold = find('ann completing hold', (e) => e.action === 'complete' && e.target === `step ${FO}/change.hold`);
    assert.equal(hold.actor, 'ann');
    find('the companion task', (e) => e.action === 'complete' && e.target.startsWith(`step ${companionFo}/`) && e.actor === 'ann');
    const ponr = find('the point of no return', (e) => e.action === 'point of no return');
    const invoice = find('the invoice', (e) => e.action === 'issue invoice' && e.source === 'billing');
    assert.match(invoice.detail!, /^129\.\d\d USD|^1\d\d\.\d\d USD/);
    const milestone = find('the billing milestone', (e) => e.action === 'billing milestone' && e.target === `order ${order.id}`);
    const completed = find('the order completed', (e) => e.action === 'order completed' && e.target === `order ${order.id}`);
    assert.ok(completed.index > milestone.index);
    const change = find('the change order', (e) => e.action === 'submit change order' && e.target === `order ${changeId}`);
    assert.equal(change.detail, `change of ${order.id}: Return CO-1`);
    const memo = find('the credit memo', (e) => e.action === 'issue creditMemo' && e.source === 'billing');
    assert.match(memo.detail!, new RegExp(`order ${changeId}`));
    // Time order: each happened after the one before. (Billing stamps a document with its own clock when it receives
    // it, within the workflow task that ends the order: it may come just after `order completed`.)
    const sequence = [submit, fallout, retry, refused, amendment, hold, ponr, milestone, invoice, change, memo];
    assert.deepEqual(sequence.map((e) => e.index), [...sequence.map((e) => e.index)].sort((a, b) => a - b), sequence.map((e) => `${e.index} ${e.action}`).join(', '));
    const times = trail.entries.map((e) => e.at);
    assert.deepEqual(times, [...times].sort());
    for (const e of trail.entries) assert.ok(e.actor && e.action && e.target && e.outcome && e.source && e.at, JSON.stringify(e));
    assert.equal(trail.unavailable, undefined, String(trail.unavailable));
  });

  it('is a verifiable chain, and the same trail when read again', async () => {
    assert.deepEqual(verifyTrail(JSON.parse(JSON.stringify(trail)), sha256), { ok: true, length: trail.entries.length, head: trail.chain.head });
    const again = await auditTrail({ temporal: h.env.client, billing: new SystemApi(h.config, 'billing') }, order.id, trail.generatedAt);
    assert.equal(again.chain.head, trail.chain.head, 'read again from the histories and billing, the trail is the same');
  });
});

describe('the audit trail of a channel sale (real Temporal dev server, storefront and CPQ simulators)', function () {
  this.timeout(120_000);

  it('holds the sync\'s steps (each record made, its fallout and who retried it) and the order they made, before its billing', async () => {
    const h = await getHarness();
    const post = async (path: string, body: unknown, key: string) => {
      const response = await fetch(`${h.simulatorsUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
      assert.ok(response.ok, `POST ${path}: ${response.status}`);
      return (await response.json()) as { order: { id: string } };
    };
    const cart = `CART-AUDIT-${process.pid}`;
    await post('/storefront/carts', { id: cart, accountId: `AUDIT-SYNC-${process.pid}`, buyer: 'pat@acme.example', currency: 'USD', items: [{ id: 'CI-1', product: 'SEATS', quantity: 5, unitPrice: '40.00', attributes: { edition: 'standard' } }], payment: { method: 'account', reference: 'PO-7788' } }, `cart-${cart}`);
    const sold = (await post(`/storefront/carts/${cart}/checkout`, {}, `checkout-${cart}`)).order;
    const input: NewOrderSyncInput = { storefrontOrderId: sold.id, trigger: 'audit test' };
    // CPQ does not know the product at first: the sync falls out at its quote, and dave retries once it is added.
    const { products } = await simulatorGet<{ products: Array<{ product: string }> }>(h, '/cpq/products');
    await simulatorSend(h, 'PUT', '/cpq/products', { products: products.filter((entry) => entry.product !== 'SEATS') });
    try {
      const sync = await h.env.client.workflow.start('NewOrderSyncWorkflow', { workflowId: newOrderSyncWorkflowId(sold.id), taskQueue: h.config.temporal.taskQueue, args: [input] });
      await eventually('the sync to fall out', async () => ((await sync.query(syncQuery)).state === 'fallout' ? true : undefined));
      await simulatorSend(h, 'PUT', '/cpq/products', { products });
      await sync.executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'quote', actor: 'dave', action: 'retry', note: 'SEATS added to CPQ' }] });
      await sync.result();
    } finally {
      await simulatorSend(h, 'PUT', '/cpq/products', { products });
    }
    assert.equal((await h.client.waitForCompletion(sold.id)).state, 'completed');

    const trail = await auditTrail({ temporal: h.env.client, billing: new SystemApi(h.config, 'billing') }, sold.id);
    const syncEntries = trail.entries.filter((e) => e.source === `workflow ${newOrderSyncWorkflowId(sold.id)}`);
    assert.ok(syncEntries.length >= 5, JSON.stringify(syncEntries));
    const failed = syncEntries.find((e) => e.action === 'sync quote' && e.outcome === 'failed')!;
    assert.ok(failed, JSON.stringify(syncEntries));
    const retry = syncEntries.find((e) => e.action === 'sync fallout retry')!;
    assert.deepEqual([retry.actor, retry.target, retry.outcome, retry.detail], ['dave', 'sync step quote', 'accepted', 'SEATS added to CPQ']);
    assert.ok(syncEntries.indexOf(failed) < syncEntries.indexOf(retry));
    for (const e of syncEntries.filter((entry) => entry !== retry)) {
      assert.equal(e.actor, 'ordo');
      assert.match(e.action, /^sync /);
      assert.match(e.detail!, /^NewOrderSync from \w+\/\w+\/[\w-]+, trigger audit test/);
    }
    const made = syncEntries.find((e) => e.action === 'sync ordoOrder')!;
    assert.deepEqual([made.target, made.outcome], [`ordo/order/${sold.id}`, 'succeeded']);
    const submit = trail.entries.findIndex((e) => e.action === 'submit');
    const invoice = trail.entries.findIndex((e) => e.action === 'issue invoice');
    assert.equal(trail.entries[submit].actor, 'b2b');
    assert.ok(trail.entries.indexOf(syncEntries[0]) < submit && submit < invoice, trail.entries.map((e) => e.action).join(', '));
    assert.equal(verifyTrail(JSON.parse(JSON.stringify(trail)), sha256).ok, true);
  });
});
