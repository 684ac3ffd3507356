import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/activity';
import { createActivities } from '../../activities';
import type { CalloutRequest } from '../../activities/types';
import { loadConfig } from '../../config/load';
import type { OrderEvent } from '../../domain/tmf622';
import type { Order } from '../../domain/order';
import { amendUpdate, approveOrderUpdate, cancelSignal, cancelUpdate, orderRecordQuery } from '../../workflows/messages';
import type { OrderSummary } from '../../workflows/types';
import { eventually } from '../e2e/eventually';
import { Gates } from './gates';
import { catalogOf, getTimeSkipping, orderOf, waitForStep, withLane, type Lane } from './time-skipping';

const HOUR = 3_600_000;

/**
 * Every TMF622 order state the order table (workflows/state-machines.ts) has, reached on the time-skipping server:
 * the ones no other workflow test asserts (`rejected`, `failed`) and the ones patch `every-tmf-state` made real
 * (`assessingCancellation`, `partial`), seen through the summary's state log and the order's TMF622 events.
 */
const CATALOG = catalogOf('order-states', `
products:
  - { code: SLOW-TASK }
  - { code: GADGET }
  - { code: ROUTER }
  - { code: CREDIT-KIT, approval: { queue: credit } }
fulfillmentProducts:
  - { code: SLOW, fulfilledBy: { system: provisioning } }
  - { code: GADGET-WORK, fulfilledBy: { system: provisioning } }
  - { code: ROUTER-WORK, fulfilledBy: { system: provisioning } }
decompositionRules:
  - { id: r-slow, source: SLOW-TASK, destination: SLOW }
  - { id: r-gadget, source: GADGET, destination: GADGET-WORK }
  - { id: r-kit, source: CREDIT-KIT, destination: ROUTER-WORK }
  - { id: r-router, source: ROUTER, destination: ROUTER-WORK, when: { attribute: region, in: [US] } }
workspaces:
  - id: slow
    groups:
      - name: Review
        steps:
          - { id: review, type: manualTask, queue: reviewers }
  - id: gadget
    groups:
      - name: Ship
        steps:
          - { id: ship, type: callout, pointOfNoReturn: true, call: { system: provisioning, operation: ship } }
  - id: router
    groups:
      - name: Ship
        steps:
          - { id: ship, type: callout, call: { system: provisioning, operation: route } }
scenarios:
  - { fulfillmentProduct: SLOW, workspace: slow }
  - { fulfillmentProduct: GADGET-WORK, workspace: gadget }
  - { fulfillmentProduct: ROUTER-WORK, workspace: router }
`);
const QUEUES = { reviewers: { members: ['ann'], assignment: 'none' as const }, credit: { members: ['bob'], assignment: 'none' as const } };
/** The real decomposition, as on a worker whose hub has a subscriber for every order (so its events are sent). */
const { decomposeOrder } = createActivities({ config: { systems: {}, billing: loadConfig().billing, queues: QUEUES }, catalog: CATALOG });
const subscribed = async (order: Order) => ({ ...(await decomposeOrder(order)), notifyOrderEvents: true as const });
const statesOf = (summary: OrderSummary) => summary.stateLog?.map((entry) => entry.state);

describe('workflows on the time-skipping server: every TMF622 order state', function () {
  this.timeout(120_000);
  let gates: Gates;
  before(async function () {
    this.timeout(300_000);
    await getTimeSkipping();
  });
  beforeEach(() => {
    gates = new Gates();
  });
  afterEach(() => gates.openAll());

  const activities = () => ({
    decomposeOrder: subscribed,
    callout: async (request: CalloutRequest) => {
      await gates.pass(request.call.operation);
      return { done: request.call.operation };
    },
  });

  it('rejected: an order its decomposition refuses ends rejected with the reason, nothing started or billed', async () => {
    const order = orderOf(['SLOW-TASK']);
    await withLane({
      catalog: CATALOG,
      queues: QUEUES,
      activities: { decomposeOrder: () => { throw ApplicationFailure.nonRetryable('item OI-1: SLOW-TASK is not sold in this region', 'InvalidInput'); } },
    }, async (lane) => {
      await lane.start(order);
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'rejected');
      assert.match(summary.reason!, /SLOW-TASK is not sold in this region/);
      assert.deepEqual(statesOf(summary), ['acknowledged', 'rejected']);
      assert.deepEqual(summary.fulfillmentOrders, []);
      assert.deepEqual(summary.invoices, []);
    });
  });

  // failed (a terminated split) is asserted on a real server, test/e2e/order-states.test.ts: this server does not
  // tell a parent that its child was terminated.

  it('assessingCancellation → pendingCancellation: an accepted cancellation is weighed first, in the state log and the events', async () => {
    const order = orderOf(['SLOW-TASK']);
    await withLane({ catalog: CATALOG, queues: QUEUES, activities: activities() }, async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'slow.review', (s) => s.state === 'InProgress', 'waiting for a reviewer');
      const answer = await lane.order(order.id).executeUpdate(cancelUpdate, { args: [{ reason: 'customer changed their mind', actor: 'cpq' }] });
      assert.equal(answer.state, 'pendingCancellation');
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'cancelled');
      assert.deepEqual(statesOf(summary), ['acknowledged', 'inProgress', 'assessingCancellation', 'pendingCancellation', 'cancelled']);
      assert.equal(summary.stateLog![2].reason, 'customer changed their mind');
      const ids = lane.calls.of('notifyOrderEvent').map((c) => (c.input as OrderEvent).eventId);
      assert.deepEqual(ids, [
        `${order.id}:ProductOrderStateChangeEvent:acknowledged`,
        `${order.id}:ProductOrderStateChangeEvent:inProgress`,
        `${order.id}:ProductOrderStateChangeEvent:assessingCancellation`,
        `${order.id}:ProductOrderStateChangeEvent:pendingCancellation`,
        `${order.id}:CancelProductOrderStateChangeEvent:inProgress`,
        `${order.id}:ProductOrderStateChangeEvent:cancelled`,
        `${order.id}:CancelProductOrderStateChangeEvent:done`,
      ]);
    });
  });

  it('assessingCancellation → back: a cancel signal refused past the point of no return returns the order to where it was', async () => {
    gates.close('ship');
    const order = orderOf(['GADGET']);
    await withLane({ catalog: CATALOG, queues: QUEUES, activities: activities() }, async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'gadget.ship', (s) => s.state === 'InProgress', 'granted its point of no return and shipping');
      await lane.order(order.id).signal(cancelSignal, { reason: 'too late', actor: 'cpq' });
      const refused = await eventually('the refused cancel signal', async () => {
        const summary = await lane.summary(order.id);
        return summary.rejectedMessages?.length ? summary : undefined;
      });
      assert.match(refused.rejectedMessages![0].reason, /ChangeOrderRequired/);
      assert.equal(refused.state, 'inProgress');
      assert.deepEqual(statesOf(refused), ['acknowledged', 'inProgress', 'assessingCancellation', 'inProgress']);
      gates.open('ship');
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'completed');
      assert.equal(summary.cancellation, undefined);
    });
  });

  it('partial: an ordered item no rule fulfils is not delivered and not billed; the rest is delivered and billed', async () => {
    const order = orderOf(['GADGET', 'ROUTER'], { attributes: { ROUTER: { region: 'EU' } } });
    await withLane({ catalog: CATALOG, queues: QUEUES, activities: activities() }, async (lane) => {
      await lane.start(order);
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'partial');
      assert.match(summary.reason!, /OI-2 not delivered/);
      assert.deepEqual(summary.unfulfilledItems.map((u) => u.itemId), ['OI-2']);
      assert.equal(summary.invoices.length, 1);
      assert.deepEqual(summary.invoices[0].lines.map((line) => line.product), ['GADGET'], 'only the delivered item is billed');
      assert.equal(summary.invoices[0].subtotal, '10.00');
      assert.deepEqual(statesOf(summary), ['acknowledged', 'inProgress', 'partial']);
      // A change order changes the order as delivered and billed (activities/change-context.ts reads this record).
      const record = await lane.order(order.id).query(orderRecordQuery);
      assert.deepEqual([record.state, record.order.items.map((item) => item.id)], ['partial', ['OI-1']]);
    });
  });

  it('completed: an order whose every item is delivered is not partial', async () => {
    const order = orderOf(['GADGET', 'ROUTER'], { attributes: { ROUTER: { region: 'US' } } });
    await withLane({ catalog: CATALOG, queues: QUEUES, activities: activities() }, async (lane) => {
      await lane.start(order);
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'completed');
      assert.deepEqual(summary.invoices[0].lines.map((line) => line.product), ['GADGET', 'ROUTER']);
    });
  });

  describe('pending: an approval the catalog asks for before orchestration', () => {
    const pending = async (lane: Lane, orderId: string) =>
      eventually('the order to wait for its approval', async () => ((await lane.summary(orderId)).state === 'pending' ? lane.summary(orderId) : undefined));

    it('waits pending, starts nothing, takes an approval only from the queue, then runs and completes', async () => {
      const order = orderOf(['CREDIT-KIT']);
      await withLane({ catalog: CATALOG, queues: QUEUES, activities: activities() }, async (lane) => {
        await lane.start(order);
        const waiting = await pending(lane, order.id);
        assert.match(waiting.reason!, /waiting for an approval by a member of credit \(items OI-1\)/);
        assert.deepEqual(waiting.approval, { queues: ['credit'], itemIds: ['OI-1'], state: 'waiting' });
        await lane.env.sleep(7 * 24 * HOUR); // a week passes: still nothing starts
        assert.deepEqual(waiting.fulfillmentOrders, []);
        assert.equal(lane.calls.of('callout').length, 0);
        await assert.rejects(
          lane.order(order.id).executeUpdate(approveOrderUpdate, { args: [{ actor: 'ann', approved: true }] }),
          (error: Error & { cause?: Error & { type?: string } }) => error.cause?.type === 'NotAuthorized' && /ann may not approve order .*: not a member of credit \(bob\)/.test(error.cause.message),
        );
        await assert.rejects(
          lane.order(order.id).executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 2 }] }] }),
          (error: Error & { cause?: Error & { type?: string } }) => error.cause?.type === 'OrderNotAmendable' && /waits pending for its approval \(credit\)/.test(error.cause.message),
        );
        const answer = await lane.order(order.id).executeUpdate(approveOrderUpdate, { args: [{ actor: 'bob', approved: true, reason: 'credit checked' }] });
        assert.equal(answer.accepted, true);
        const summary = await lane.completion(order.id);
        assert.equal(summary.state, 'completed');
        assert.deepEqual(statesOf(summary), ['acknowledged', 'pending', 'inProgress', 'completed']);
        assert.equal(summary.approval!.actor, 'bob');
        assert.equal(lane.calls.of('callout').length, 1);
      });
    });

    it('refused: the order ends rejected with who refused it and why; nothing ran or was billed', async () => {
      const order = orderOf(['CREDIT-KIT', 'GADGET']);
      await withLane({ catalog: CATALOG, queues: QUEUES, activities: activities() }, async (lane) => {
        await lane.start(order);
        await pending(lane, order.id);
        await lane.order(order.id).executeUpdate(approveOrderUpdate, { args: [{ actor: 'bob', approved: false, reason: 'credit check failed' }] });
        const summary = await lane.completion(order.id);
        assert.equal(summary.state, 'rejected');
        assert.equal(summary.reason, 'approval refused by bob: credit check failed');
        assert.deepEqual(statesOf(summary), ['acknowledged', 'pending', 'rejected']);
        assert.deepEqual(summary.invoices, []);
        assert.equal(lane.calls.of('callout').length, 0);
      });
    });

    it('cancelled while pending: weighed, accepted, cancelled, nothing started', async () => {
      const order = orderOf(['CREDIT-KIT']);
      await withLane({ catalog: CATALOG, queues: QUEUES, activities: activities() }, async (lane) => {
        await lane.start(order);
        await pending(lane, order.id);
        await lane.order(order.id).executeUpdate(cancelUpdate, { args: [{ reason: 'customer withdrew', actor: 'cpq' }] });
        const summary = await lane.completion(order.id);
        assert.equal(summary.state, 'cancelled');
        assert.deepEqual(statesOf(summary), ['acknowledged', 'pending', 'assessingCancellation', 'pendingCancellation', 'cancelled']);
        assert.equal(lane.calls.of('callout').length, 0);
      });
    });
  });
});
