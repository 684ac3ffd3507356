import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/activity';
import type { OrderEvent } from '../../domain/tmf622';
import { createActivities } from '../../activities';
import { loadConfig } from '../../config/load';
import type { Order } from '../../domain/order';
import { completeManualTaskUpdate } from '../../workflows/messages';
import { eventually } from '../e2e/eventually';
import { catalogOf, getTimeSkipping, orderOf, splitHandle, waitForStep, withLane } from './time-skipping';

/**
 * The order's TMF622 events (workflows/order-events.ts, docs/api.md "Events") on the time-skipping server: what it
 * hands to `notifyOrderEvent`, in which order and under which eventId; a jeopardy event when a step's SLA runs out;
 * and a delivery that keeps failing is retried (same eventId) while the order waits for it before it returns.
 */
const HOUR = 3_600_000;
const CATALOG = catalogOf('events', `
products:
  - { code: SLOW-TASK }
fulfillmentProducts:
  - { code: SLOW, fulfilledBy: { system: provisioning } }
decompositionRules:
  - { id: r-slow, source: SLOW-TASK, destination: SLOW }
workspaces:
  - id: slow
    groups:
      - name: Review
        steps:
          - { id: review, type: manualTask, queue: reviewers, estimatedDuration: 8h, jeopardyThreshold: 2h }
scenarios:
  - { fulfillmentProduct: SLOW, workspace: slow }
`);
const QUEUES = { reviewers: { members: ['ann'], assignment: 'none' as const } };
/** The real decomposition, as on a worker whose hub has a subscriber for the order (or not). */
const { decomposeOrder } = createActivities({ config: { systems: {}, billing: loadConfig().billing, queues: QUEUES }, catalog: CATALOG });
const subscribed = { decomposeOrder: async (order: Order) => ({ ...(await decomposeOrder(order)), notifyOrderEvents: true as const }) };

describe('workflows on the time-skipping server: the order events of the TMF622 hub', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(300_000);
    await getTimeSkipping();
  });

  it('hands every state, then a jeopardy, to notifyOrderEvent in order, each with its deterministic eventId', async () => {
    const order = orderOf(['SLOW-TASK']);
    await withLane({ catalog: CATALOG, queues: QUEUES, activities: subscribed }, async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'slow.review', (s) => s.state === 'InProgress', 'waiting for a reviewer');
      await lane.env.sleep(6 * HOUR + 60_000);
      await eventually('the jeopardy event', async () => (lane.calls.of('notifyOrderEvent').some((c) => (c.input as OrderEvent).eventType === 'ProductOrderJeopardyEvent') ? true : undefined));
      const split = await splitHandle(lane, order.id);
      await split.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'slow.review', actor: 'ann' }] });
      assert.equal((await lane.completion(order.id)).state, 'completed');
      const ids = lane.calls.of('notifyOrderEvent').map((c) => (c.input as OrderEvent).eventId);
      assert.deepEqual(ids, [
        `${order.id}:ProductOrderStateChangeEvent:acknowledged`,
        `${order.id}:ProductOrderStateChangeEvent:inProgress`,
        `${order.id}:ProductOrderJeopardyEvent:1`,
        `${order.id}:ProductOrderStateChangeEvent:completed`,
      ]);
      const jeopardy = lane.calls.of('notifyOrderEvent')[2].input as OrderEvent;
      assert.equal((jeopardy.event as { jeopardy: number }).jeopardy, 1);
    });
  });

  it('retries a delivery that fails, with the same eventId, and returns only once it went through', async () => {
    const order = orderOf(['SLOW-TASK']);
    let failures = 0;
    await withLane({
      catalog: CATALOG,
      queues: QUEUES,
      activities: {
        ...subscribed,
        notifyOrderEvent: (event) => {
          // The subscriber is down for the final state's first three deliveries.
          if (event.eventId.endsWith(':completed') && failures < 3) {
            failures++;
            throw ApplicationFailure.retryable('subscriber down', 'EventNotDelivered');
          }
          return { delivered: 1 };
        },
      },
    }, async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'slow.review', (s) => s.state === 'InProgress', 'waiting for a reviewer');
      const split = await splitHandle(lane, order.id);
      await split.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'slow.review', actor: 'ann' }] });
      assert.equal((await lane.completion(order.id)).state, 'completed');
      const completed = lane.calls.of('notifyOrderEvent').filter((c) => (c.input as OrderEvent).eventId === `${order.id}:ProductOrderStateChangeEvent:completed`);
      assert.equal(completed.length, 4, 'three failed deliveries and the one that went through');
    });
  });

  it('sends nothing, and schedules no activity, for an order no subscription may take', async () => {
    const order = orderOf(['SLOW-TASK']);
    await withLane({ catalog: CATALOG, queues: QUEUES }, async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'slow.review', (s) => s.state === 'InProgress', 'waiting for a reviewer');
      const split = await splitHandle(lane, order.id);
      await split.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'slow.review', actor: 'ann' }] });
      assert.equal((await lane.completion(order.id)).state, 'completed');
      assert.equal(lane.calls.of('notifyOrderEvent').length, 0);
    });
  });
});
