import assert from 'node:assert/strict';
import type { CalloutRequest, SlaAlert } from '../../activities/types';
import type { Order } from '../../domain/order';
import { amendUpdate, cancelUpdate, completeManualTaskUpdate } from '../../workflows/messages';
import { eventually } from '../e2e/eventually';
import { catalogOf, getTimeSkipping, orderOf, splitHandle, stepOf, waitForStep, withLane, type Lane } from './time-skipping';

/**
 * Dated steps in workflow time: a service activation waits `Scheduled` for its item's start date, a month
 * ahead, and its check-in 30 days after the activation; months pass in milliseconds on the test server.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const CATALOG = catalogOf('dated', `
products:
  - { code: SERVICE }
fulfillmentProducts:
  - { code: SERVICE-WORK, fulfilledBy: { system: provisioning } }
decompositionRules:
  - { id: r-service, source: SERVICE, destination: SERVICE-WORK }
workspaces:
  - id: service
    groups:
      - name: Service
        steps:
          - { id: prepare, type: callout, call: { system: provisioning, operation: prepare } }
          - { id: activate, type: manualTask, queue: desk, dependsOn: [prepare], startAt: { field: startDate }, estimatedDuration: 8h, jeopardyThreshold: 2h }
          - { id: check-in, type: callout, dependsOn: [activate], startAfter: 30d, call: { system: provisioning, operation: check-in } }
scenarios:
  - { fulfillmentProduct: SERVICE-WORK, workspace: service }
`);
const QUEUES = { desk: { members: ['ann'], assignment: 'none' as const } };

/** The UTC day `days` after the server's clock, as YYYY-MM-DD. */
const dayAfter = async (lane: Lane, days: number) => new Date((await lane.env.currentTimeMs()) + days * DAY).toISOString().slice(0, 10);
const serviceOrder = (startDate: string): Order => {
  const order = orderOf(['SERVICE']);
  order.items[0].startDate = startDate;
  return order;
};
const calloutAt = (lane: Lane, operation: string) => lane.calls.of('callout').find((call) => (call.input as CalloutRequest).call.operation === operation)?.at;

describe('workflows on the time-skipping server: dated steps', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(300_000);
    await getTimeSkipping();
  });

  it('waits Scheduled for a start date a month ahead, starts on the day with its SLA counted from then, and runs startAfter: 30d steps 30 days after their dependency', async () => {
    await withLane({ catalog: CATALOG, queues: QUEUES }, async (lane) => {
      const startDate = await dayAfter(lane, 31);
      const order = serviceOrder(startDate);
      await lane.start(order);

      const scheduled = await waitForStep(lane, order.id, 'service.activate', (s) => s.state === 'Scheduled', 'Scheduled');
      assert.equal(scheduled.notBefore, `${startDate}T00:00:00.000Z`);
      assert.equal(scheduled.scheduledFor, `${startDate}T00:00:00.000Z`, 'the plan says when it starts');
      assert.equal(scheduled.jeopardyAt, undefined, 'no SLA before it starts');
      assert.equal((await stepOf(lane, order.id, 'service.prepare')).state, 'Completed');

      // Three weeks on: still waiting, and not late, although its 8-hour estimate passed long ago.
      await lane.env.sleep(21 * DAY);
      const waiting = await stepOf(lane, order.id, 'service.activate');
      assert.equal(waiting.state, 'Scheduled');
      assert.equal(waiting.jeopardy, 'none');
      assert.equal(lane.calls.of('sendAlert').length, 0);

      // Just past the date: it starts, and its SLA counts from its start.
      await lane.env.sleep(Date.parse(`${startDate}T00:00:00Z`) + 60_000 - (await lane.env.currentTimeMs()));
      const started = await waitForStep(lane, order.id, 'service.activate', (s) => s.state === 'InProgress', 'started');
      const startedAt = Date.parse(started.startedAt!);
      assert.ok(startedAt >= Date.parse(`${startDate}T00:00:00Z`), `started ${started.startedAt}, not before ${startDate}`);
      assert.equal(Date.parse(started.jeopardyAt!) - startedAt, 6 * HOUR);
      assert.equal(Date.parse(started.lateAt!) - startedAt, 8 * HOUR);
      assert.equal(started.jeopardy, 'none');
      await lane.env.sleep(6 * HOUR);
      await waitForStep(lane, order.id, 'service.activate', (s) => s.jeopardy === 'inJeopardy', 'in jeopardy');
      const alert = await eventually('the jeopardy alert', async () => lane.calls.of('sendAlert')[0]);
      assert.equal((alert.input as SlaAlert).stage, 'inJeopardy');
      assert.ok(alert.at >= startedAt + 6 * HOUR, 'the alert 6 hours after the start, not after the step was ready');

      const split = await splitHandle(lane, order.id);
      await split.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'service.activate', actor: 'ann' }] });
      const activated = await stepOf(lane, order.id, 'service.activate');
      const checkIn = await waitForStep(lane, order.id, 'service.check-in', (s) => s.state === 'Scheduled', 'Scheduled');
      assert.equal(Date.parse(checkIn.scheduledFor!) - Date.parse(activated.completedAt!), 30 * DAY, 'startAfter counts from its dependency’s completion');
      assert.equal(calloutAt(lane, 'check-in'), undefined);

      assert.equal((await lane.completion(order.id)).state, 'completed');
      assert.ok(calloutAt(lane, 'check-in')! >= Date.parse(checkIn.scheduledFor!), 'the check-in ran on its date');
    });
  });

  it('moves the timer when an amendment moves the item’s start date', async () => {
    await withLane({ catalog: CATALOG, queues: QUEUES }, async (lane) => {
      const order = serviceOrder(await dayAfter(lane, 10));
      await lane.start(order);
      await waitForStep(lane, order.id, 'service.activate', (s) => s.state === 'Scheduled', 'Scheduled');

      const later = await dayAfter(lane, 40);
      await lane.order(order.id).executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', startDate: later }] }] });
      const moved = await waitForStep(lane, order.id, 'service.activate', (s) => s.scheduledFor === `${later}T00:00:00.000Z`, 'moved to the new date');
      assert.equal(moved.state, 'Scheduled');
      assert.equal(moved.runs, undefined, 'the same wait, not a rerun: its line items did not change');

      // The old date passes: nothing starts.
      await lane.env.sleep(20 * DAY);
      assert.equal((await stepOf(lane, order.id, 'service.activate')).state, 'Scheduled');
      // The new one: it starts.
      await lane.env.sleep(21 * DAY);
      const started = await waitForStep(lane, order.id, 'service.activate', (s) => s.state === 'InProgress', 'started');
      assert.ok(Date.parse(started.startedAt!) >= Date.parse(`${later}T00:00:00Z`));
    });
  });

  it('keeps waiting for the date when an amendment changes a Scheduled step’s line items (Amended, then Scheduled again)', async () => {
    await withLane({ catalog: CATALOG, queues: QUEUES }, async (lane) => {
      const startDate = await dayAfter(lane, 20);
      const order = serviceOrder(startDate);
      await lane.start(order);
      await waitForStep(lane, order.id, 'service.activate', (s) => s.state === 'Scheduled', 'Scheduled');
      await lane.order(order.id).executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 2 }] }] });
      const again = await waitForStep(lane, order.id, 'service.activate', (s) => s.runs === 2 && s.state === 'Scheduled', 'Scheduled again, second run');
      assert.equal(again.scheduledFor, `${startDate}T00:00:00.000Z`);
      await lane.env.sleep(Date.parse(`${startDate}T00:00:00Z`) + 60_000 - (await lane.env.currentTimeMs()));
      await waitForStep(lane, order.id, 'service.activate', (s) => s.state === 'InProgress', 'started on its date');
    });
  });

  it('cancels a Scheduled step cleanly when the order is cancelled', async () => {
    await withLane({ catalog: CATALOG, queues: QUEUES }, async (lane) => {
      const order = serviceOrder(await dayAfter(lane, 31));
      await lane.start(order);
      await waitForStep(lane, order.id, 'service.activate', (s) => s.state === 'Scheduled', 'Scheduled');
      const answer = await lane.order(order.id).executeUpdate(cancelUpdate, { args: [{ reason: 'customer changed their mind', actor: 'cpq' }] });
      assert.equal(answer.accepted, true);
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'cancelled');
      assert.equal((await stepOf(lane, order.id, 'service.activate')).state, 'Cancelled');
      assert.equal((await stepOf(lane, order.id, 'service.check-in')).state, 'Cancelled');
      assert.equal(calloutAt(lane, 'check-in'), undefined);
    });
  });
});
