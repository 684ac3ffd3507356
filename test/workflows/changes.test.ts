import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowUpdateStage } from '@temporalio/client';
import { createActivities } from '../../activities';
import type { CalloutRequest } from '../../activities/types';
import { loadConfig } from '../../config/load';
import type { FulfillmentLineItem } from '../../domain/plan';
import { amendUpdate, cancelSignal, cancelUpdate, fulfillmentOrderPlanQuery } from '../../workflows/messages';
import { eventually } from '../e2e/eventually';
import { Gates } from './gates';
import { catalogOf, getTimeSkipping, orderOf, splitHandle, stepOf, waitForStep, withLane, type Lane } from './time-skipping';

/**
 * Changes in flight, with the races driven step by step: stubbed callouts wait at gates the test opens, so
 * which message the order sees first is the test's choice, not the scheduler's.
 */
const CATALOG = catalogOf('changes', `
products:
  - { code: GADGET }
  - { code: EXTRA }
fulfillmentProducts:
  - { code: GADGET-WORK, fulfilledBy: { system: provisioning } }
  - { code: EXTRA-WORK, fulfilledBy: { system: warranty } }
decompositionRules:
  - { id: r-gadget, source: GADGET, destination: GADGET-WORK }
  - { id: r-extra, source: EXTRA, destination: EXTRA-WORK }
workspaces:
  - id: gadget
    groups:
      - name: Before
        steps:
          - { id: first, type: callout, call: { system: provisioning, operation: activate }, compensate: { system: provisioning, operation: deactivate } }
          - { id: second, type: callout, dependsOn: [first], call: { system: provisioning, operation: schedule }, compensate: { system: provisioning, operation: unschedule }, fallout: { retry: { policy: fixed, interval: 1m, maxAttempts: 3 } } }
          - { id: gate, type: callout, dependsOn: [second], call: { system: provisioning, operation: gate } }
      - name: After
        steps:
          - { id: commit, type: callout, dependsOn: [gate], pointOfNoReturn: true, call: { system: provisioning, operation: ship } }
          - { id: done, type: milestone, dependsOn: [commit] }
  - id: extra
    groups:
      - name: Extra
        steps:
          - { id: register, type: callout, call: { system: warranty, operation: register }, compensate: { system: warranty, operation: void }, fallout: { retry: { policy: fixed, interval: 1m, maxAttempts: 2 } } }
scenarios:
  - { fulfillmentProduct: GADGET-WORK, workspace: gadget }
  - { fulfillmentProduct: EXTRA-WORK, workspace: extra }
`);

const MINUTE = 60_000;
/** The real decomposition (pure: no inventory system), for the stub that holds an amendment's decomposition back. */
const { decomposeOrder } = createActivities({ config: { systems: {}, billing: loadConfig().billing, queues: {} }, catalog: CATALOG });
const operationsCalled = (lane: Lane) => lane.calls.of('callout').map((call) => (call.input as CalloutRequest).call.operation);
const refusedWith = async (promise: Promise<unknown>, type: string, message: RegExp) =>
  assert.rejects(promise, (error: Error & { cause?: Error & { type?: string } }) => {
    assert.equal(error.cause?.type, type);
    assert.match(error.cause!.message, message);
    return true;
  });

describe('workflows on the time-skipping server: cancel, amend and the point of no return', function () {
  this.timeout(120_000);
  let gates: Gates;
  /** Operations that fail (retryably) this many times before they succeed. */
  let failing: Map<string, number>;
  before(async function () {
    this.timeout(300_000);
    await getTimeSkipping();
  });
  beforeEach(() => {
    gates = new Gates();
    failing = new Map();
  });
  afterEach(() => gates.openAll());

  /** Callouts fail as `failing` says, then pass the gate named after their operation; decompositions after the first pass the gate `redecompose`. */
  const lane = <T>(test: (lane: Lane) => Promise<T>) => {
    let decompositions = 0;
    return withLane(
      {
        catalog: CATALOG,
        activities: {
          callout: async (request: CalloutRequest) => {
            const failures = failing.get(request.call.operation) ?? 0;
            if (failures > 0) {
              failing.set(request.call.operation, failures - 1);
              throw ApplicationFailure.retryable(`${request.call.operation} is busy`, 'CalloutFailed', { status: 503 });
            }
            await gates.pass(request.call.operation);
            return { done: request.call.operation };
          },
          decomposeOrder: async (order) => {
            if (++decompositions > 1) await gates.pass('redecompose');
            return decomposeOrder(order);
          },
        },
      },
      test,
    );
  };
  it('cancel before PONR stops the running callout and undoes completed steps newest first across splits; nothing passes PONR or is billed', async () => {
    // first completes at once, register after one retry a minute later, second after two: three completion times.
    // (Time moves only while no stubbed callout waits at a gate: a skipped minute would time out its heartbeat.)
    failing.set('register', 1).set('schedule', 2);
    gates.close('gate');
    const order = orderOf(['GADGET', 'EXTRA']);
    await lane(async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'gadget.first', (s) => s.state === 'Completed', 'completed');
      await waitForStep(lane, order.id, 'gadget.second', (s) => s.state === 'Failed', 'waiting to retry');
      await waitForStep(lane, order.id, 'extra.register', (s) => s.state === 'Failed', 'waiting to retry');
      await lane.env.sleep(MINUTE);
      await waitForStep(lane, order.id, 'extra.register', (s) => s.state === 'Completed', 'completed');
      await waitForStep(lane, order.id, 'gadget.second', (s) => s.state === 'Failed' && s.attempts === 2, 'waiting to retry again');
      await lane.env.sleep(MINUTE);
      await waitForStep(lane, order.id, 'gadget.gate', (s) => s.state === 'InProgress', 'running');
      const completedAt = await Promise.all(['gadget.first', 'extra.register', 'gadget.second'].map(async (id) => Date.parse((await stepOf(lane, order.id, id)).completedAt!)));
      assert.ok(completedAt[1] - completedAt[0] >= MINUTE && completedAt[2] - completedAt[1] >= MINUTE, `completed a minute apart: ${completedAt.join(', ')}`);

      const answer = await lane.order(order.id).executeUpdate(cancelUpdate, { args: [{ reason: 'customer changed their mind', actor: 'cpq' }] });
      assert.deepEqual(answer, { accepted: true, orderId: order.id, state: 'pendingCancellation' });
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'cancelled');
      assert.deepEqual(summary.invoices, []);
      assert.equal(lane.calls.of('issueInvoice').length, 0);
      assert.deepEqual(
        summary.cancellation!.compensations.map((c) => [c.stepId, c.call.operation, c.state]),
        [
          ['gadget.second', 'unschedule', 'Completed'],
          ['extra.register', 'void', 'Completed'],
          ['gadget.first', 'deactivate', 'Completed'],
        ],
      );
      assert.deepEqual(operationsCalled(lane).slice(-3), ['unschedule', 'void', 'deactivate'], 'the undo calls went out in that order');
      assert.ok(!operationsCalled(lane).includes('ship'), 'the PONR step never ran');
      assert.equal((await stepOf(lane, order.id, 'gadget.gate')).state, 'Cancelled', 'the running callout was stopped');
      assert.equal((await stepOf(lane, order.id, 'gadget.commit')).state, 'Cancelled');
    });
  });

  it('a cancel signal that reaches the order before the PONR request wins: the step is refused and never runs', async () => {
    gates.close('gate');
    const order = orderOf(['GADGET']);
    await lane(async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'gadget.gate', (s) => s.state === 'InProgress', 'running');
      // The signal is in the order's history before the gate opens, so before the commit step can ask.
      await lane.order(order.id).signal(cancelSignal, { reason: 'cancelled upstream', actor: 'cpq' });
      gates.open('gate');
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'cancelled');
      assert.equal(summary.pointOfNoReturn, undefined, 'no item went past PONR');
      assert.ok(!operationsCalled(lane).includes('ship'));
      assert.equal((await stepOf(lane, order.id, 'gadget.commit')).state, 'Cancelled');
      assert.deepEqual(summary.cancellation!.compensations.map((c) => c.stepId), ['gadget.second', 'gadget.first']);
    });
  });

  it('once PONR is granted, a cancellation or amendment arriving while that step still runs is refused with ChangeOrderRequired; the order completes', async () => {
    gates.close('ship');
    const order = orderOf(['GADGET']);
    await lane(async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'gadget.commit', (s) => s.state === 'InProgress', 'granted and running');
      const handle = lane.order(order.id);
      await refusedWith(
        handle.executeUpdate(cancelUpdate, { args: [{ reason: 'too late', actor: 'cpq' }] }),
        'ChangeOrderRequired',
        /past the point of no return for items OI-1 \(gadget\.commit in /,
      );
      await refusedWith(
        handle.executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 3 }] }] }),
        'ChangeOrderRequired',
        /OI-1 \(gadget\.commit\) is past the point of no return/,
      );
      await handle.signal(cancelSignal, { reason: 'by signal', actor: 'cpq' });
      const refused = await eventually('the refused cancel signal', async () => {
        const summary = await lane.summary(order.id);
        return summary.rejectedMessages?.length ? summary : undefined;
      });
      assert.match(refused.rejectedMessages![0].reason, /ChangeOrderRequired/);
      assert.deepEqual(refused.pointOfNoReturn!.map((p) => [p.orderItemId, p.stepId]), [['OI-1', 'gadget.commit']]);

      gates.open('ship');
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'completed');
      assert.equal(summary.cancellation, undefined);
      assert.equal(summary.invoices[0].lines[0].quantity, 1, 'the refused amendment changed nothing');
      assert.deepEqual(operationsCalled(lane), ['activate', 'schedule', 'gate', 'ship'], 'nothing was undone or redone');
    });
  });

  it('a cancellation accepted while an amendment is being applied wins: the amendment is refused and changes nothing', async () => {
    gates.close('gate');
    const order = orderOf(['GADGET']);
    await lane(async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'gadget.gate', (s) => s.state === 'InProgress', 'running');
      gates.close('redecompose');
      const amended = lane.order(order.id).executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 2 }] }] });
      await eventually('the amendment decomposing', async () => (gates.arrivals('redecompose') === 1 ? true : undefined));
      // Accepted while the amendment's decomposition is still held (the order takes the update at its next workflow
      // task: the one a local activity running this long asks for after about 8 seconds).
      const cancelled = await lane.order(order.id).startUpdate(cancelUpdate, { args: [{ reason: 'cancelled upstream', actor: 'cpq' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
      gates.open('redecompose');
      assert.equal((await cancelled.result()).accepted, true);
      await refusedWith(amended, 'OrderNotAmendable', /the order was cancelled while the amendment was being applied/);
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'cancelled');
      assert.deepEqual(summary.actions.map((a) => a.type), ['Add', 'Cancel'], 'no Amend action recorded');
      assert.deepEqual(summary.cancellation!.compensations.map((c) => c.stepId), ['gadget.second', 'gadget.first']);
      assert.ok(!operationsCalled(lane).includes('ship'));
    });
  });

  it('an amendment being applied holds a PONR request until it is answered; the step then runs once, on the amended plan', async () => {
    gates.close('gate');
    const order = orderOf(['GADGET']);
    await lane(async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'gadget.gate', (s) => s.state === 'InProgress', 'running');
      // The split's workflow, found before the order is busy decomposing (it answers queries only between workflow tasks).
      const split = await splitHandle(lane, order.id);
      const commit = async () => (await split.query(fulfillmentOrderPlanQuery)).steps.find((s) => s.id === 'gadget.commit')!;
      gates.close('redecompose');
      const amended = lane.order(order.id).executeUpdate(amendUpdate, { args: [{ actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 2 }] }] });
      await eventually('the amendment decomposing', async () => (gates.arrivals('redecompose') === 1 ? true : undefined));

      // While the order decomposes the amended order, the gate opens and the PONR step asks the order.
      gates.open('gate');
      await eventually('the PONR request delivered to the order', async () => {
        const events = (await split.fetchHistory()).events ?? [];
        const asked = events.find((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'ponrRequest');
        return asked && events.some((e) => Number(e.externalWorkflowExecutionSignaledEventAttributes?.initiatedEventId) === Number(asked.eventId)) ? true : undefined;
      });
      const waiting = await commit();
      assert.ok(waiting.readyAt && !waiting.startedAt, 'the PONR step waits for the order’s answer');

      gates.open('redecompose');
      const answer = await amended;
      assert.equal(answer.accepted, true);
      assert.deepEqual(answer.changedItemIds, ['OI-1']);
      const summary = await lane.completion(order.id);
      assert.equal(summary.state, 'completed');
      const ships = lane.calls.of('callout').filter((call) => (call.input as CalloutRequest).call.operation === 'ship');
      assert.equal(ships.length, 1, 'the PONR step ran once');
      const shipped = (ships[0].input as CalloutRequest).body.lineItems as FulfillmentLineItem[];
      assert.deepEqual(shipped.map((li) => li.quantity), [2], 'on the amended plan');
      assert.equal(summary.invoices[0].lines[0].quantity, 2, 'and the amended order is what was billed');
      assert.deepEqual(summary.pointOfNoReturn!.map((p) => [p.orderItemId, p.stepId]), [['OI-1', 'gadget.commit']]);
    });
  });
});
