import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { OrdoClient } from '../../client/ordo-client';
import { withTransientUpdateRetry } from '../../client/update-retry';
import type { Order } from '../../domain/order';
import {
  completeManualTaskUpdate,
  fulfillmentOrderPlanQuery,
  manualTaskCompletedSignal,
  resolveFalloutSignal,
  resolveFalloutUpdate,
  resumeSignal,
  updateAttributesSignal,
} from '../../workflows/messages';
import { fulfillmentOrderWorkflowId } from '../../workflows/ids';
import type { FulfillmentOrderPlan, StepStatus } from '../../workflows/types';
import { eventually } from './eventually';
import { getHarness, simulatorGet, simulatorSend, type Harness } from './harness';

/**
 * Manual tasks, pause steps, SLA jeopardy, retry policies and fallout, on the real dev server, with a test
 * catalog whose durations are a second or less (test/fixtures/people-and-time.yaml) on a worker lane of its own.
 * These check the wiring (HTTP alerts, visibility, timers in the history); that SLA stages and retry waits
 * come at the right moment over hours is checked in workflow time, in test/workflows/sla-and-retries.test.ts.
 */

const CATALOG = path.resolve(__dirname, '../fixtures/people-and-time.yaml');
const QUEUES = {
  approvers: { members: ['ann', 'ben'], assignment: 'none' as const },
  'backup-desk': { members: ['cy'], assignment: 'none' as const },
  leads: { members: ['lee'], assignment: 'none' as const },
  'registry-desk': { members: ['rita'], assignment: 'none' as const },
  'warranty-desk': { members: ['wes'], assignment: 'none' as const },
  'catch-all-desk': { members: ['cat'], assignment: 'none' as const },
  balancers: { members: ['xena', 'yuri'], assignment: 'least-loaded' as const },
  rotation: { members: ['pat', 'quinn', 'rae'], assignment: 'round-robin' as const },
};
const FO = 'FO-provisioning';
let serial = 0;

function orderOf(products: string[], attributes: Record<string, Record<string, string | boolean>> = {}): Order {
  const id = `PT-${process.pid}-${++serial}`;
  return {
    id,
    accountId: 'TEST',
    channel: 'cpq',
    currency: 'USD',
    items: products.map((product, i) => ({ id: `OI-${i + 1}`, product, quantity: 1, unitPrice: '10.00', attributes: attributes[product] })),
  };
}

/** An update refused by its validator fails with WorkflowUpdateFailedError; the reason is its cause. */
async function refusedWith(promise: Promise<unknown>, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error & { cause?: Error }) => {
    assert.match(error.cause?.message ?? error.message, reason);
    return true;
  });
}

describe('people and time: manual tasks, pauses, SLA, retries and fallout', function () {
  this.timeout(120_000);
  let h: Harness;
  let lane: OrdoClient;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await h.startLane({ taskQueue: 'ordo-people-and-time', catalogFiles: [CATALOG], config: { queues: QUEUES } });
  });

  const foHandle = (orderId: string) => h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, FO));
  const plan = (orderId: string): Promise<FulfillmentOrderPlan> => foHandle(orderId).query(fulfillmentOrderPlanQuery);
  const step = async (orderId: string, stepId: string): Promise<StepStatus> => (await plan(orderId)).steps.find((s) => s.id === stepId)!;
  /** Starts the order and waits until the step is in the given state. */
  async function startAndWait(order: Order, stepId: string, state: StepStatus['state']): Promise<StepStatus> {
    await lane.startOrder(order);
    return eventually(`${stepId} ${state}`, async () => {
      try {
        const s = await step(order.id, stepId);
        return s?.state === state ? s : undefined;
      } catch {
        return undefined; // the fulfillment order has not started yet
      }
    });
  }
  const completeTask = (orderId: string, stepId: string, actor: string, output?: unknown) =>
    foHandle(orderId).executeUpdate(completeManualTaskUpdate, { args: [{ stepId, actor, output }] });

  describe('manual tasks', () => {
    it('refuses an actor outside the queue, an unknown step and a second completion; passes output on', async () => {
      const order = orderOf(['NEEDS-APPROVAL']);
      await startAndWait(order, 'approval.approve', 'InProgress');

      await refusedWith(completeTask(order.id, 'approval.approve', 'zed'), /zed may not act on this step: not a member of approvers \(ann, ben\)/);
      await refusedWith(completeTask(order.id, 'approval.nope', 'ann'), /no step "approval.nope"/);
      await refusedWith(completeTask(order.id, 'approval.after-approval', 'ann'), /not a manual task/);
      assert.deepEqual(await completeTask(order.id, 'approval.approve', 'ann', { approved: true, note: 'ok' }), { accepted: true, stepId: 'approval.approve' });
      await refusedWith(completeTask(order.id, 'approval.approve', 'ben'), /not waiting for an operator/);

      const done = await lane.waitForCompletion(order.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'completed');
      const approve = await step(order.id, 'approval.approve');
      assert.deepEqual(approve.output, { approved: true, note: 'ok' });
      assert.deepEqual(approve.completedBy, { actor: 'ann', via: 'completeManualTask' });
      const after = await step(order.id, 'approval.after-approval');
      assert.equal(after.state, 'Completed');
    });

    it('lets the step runAs identity act, and records refused signals in the plan instead of failing', async () => {
      const order = orderOf(['NEEDS-APPROVAL']);
      await startAndWait(order, 'approval.approve', 'InProgress');
      await foHandle(order.id).signal(manualTaskCompletedSignal, { stepId: 'approval.approve', actor: 'mallory' });
      const refused = await eventually('the refused signal on the step', async () => {
        const s = await step(order.id, 'approval.approve');
        return s.rejectedMessages?.length ? s : undefined;
      });
      assert.equal(refused.state, 'InProgress');
      assert.equal(refused.rejectedMessages![0].message, 'manualTaskCompleted');
      assert.equal(refused.rejectedMessages![0].actor, 'mallory');
      assert.match(refused.rejectedMessages![0].reason, /not a member of approvers/);

      await foHandle(order.id).signal(manualTaskCompletedSignal, { stepId: 'approval.approve', actor: 'approval-bot', output: { via: 'signal' } });
      const done = await lane.waitForCompletion(order.id, { timeoutMs: 30_000 });
      assert.equal(done.state, 'completed');
      assert.deepEqual((await step(order.id, 'approval.approve')).output, { via: 'signal' });
    });

    it('lists a waiting task under its queue in visibility, and takes it out when done', async () => {
      const order = orderOf(['NEEDS-APPROVAL']);
      await startAndWait(order, 'approval.approve', 'InProgress');
      const query = `ManualQueues = "approvers" AND OrderId = "${order.id}"`;
      await eventually('the task in ManualQueues', async () => ((await h.env.client.workflow.count(query)).count === 1 ? true : undefined));
      await completeTask(order.id, 'approval.approve', 'ben');
      await lane.waitForCompletion(order.id, { timeoutMs: 30_000 });
      await eventually('the task gone from ManualQueues', async () => ((await h.env.client.workflow.count(query)).count === 0 ? true : undefined));
    });
  });

  describe('assignment', () => {
    const assignee = async (orderId: string, stepId: string) => (await step(orderId, stepId)).assignee;
    const openTasksOf = async (member: string) =>
      (await h.env.client.workflow.count(`ManualAssignees = "${member}" AND ExecutionStatus = "Running"`)).count;

    it('round-robin rotates through the queue across orders', async () => {
      const got: string[] = [];
      for (let i = 0; i < 4; i++) {
        const order = orderOf(['NEEDS-ROTATION']);
        await startAndWait(order, 'rotation.task', 'InProgress');
        got.push((await eventually('an assignee', () => assignee(order.id, 'rotation.task')))!);
        await completeTask(order.id, 'rotation.task', got[i]);
      }
      // The rotation is shared by all orders; it may have served others before, so check the cycle, not the start.
      const members = ['pat', 'quinn', 'rae'];
      const start = members.indexOf(got[0]);
      assert.deepEqual(got, [0, 1, 2, 3].map((k) => members[(start + k) % 3]));
    });

    it('least-loaded gives the task to the member with the fewest open tasks', async () => {
      const first = orderOf(['NEEDS-BALANCING']);
      await startAndWait(first, 'balancing.task', 'InProgress');
      assert.equal(await eventually('an assignee', () => assignee(first.id, 'balancing.task')), 'xena');
      await eventually('xena’s open task visible', async () => ((await openTasksOf('xena')) === 1 ? true : undefined));
      const second = orderOf(['NEEDS-BALANCING']);
      await startAndWait(second, 'balancing.task', 'InProgress');
      assert.equal(await eventually('an assignee', () => assignee(second.id, 'balancing.task')), 'yuri');
      await completeTask(first.id, 'balancing.task', 'xena');
      await eventually('xena free again', async () => ((await openTasksOf('xena')) === 0 && (await openTasksOf('yuri')) === 1 ? true : undefined));
      const third = orderOf(['NEEDS-BALANCING']);
      await startAndWait(third, 'balancing.task', 'InProgress');
      assert.equal(await eventually('an assignee', () => assignee(third.id, 'balancing.task')), 'xena');
      await completeTask(second.id, 'balancing.task', 'yuri');
      await completeTask(third.id, 'balancing.task', 'xena');
    });
  });

  describe('pause steps', () => {
    it('resumes on its named signal, and not on another name', async () => {
      const order = orderOf(['WAITS-FOR-SIGNAL']);
      await startAndWait(order, 'signal-wait.wait', 'InProgress');
      await foHandle(order.id).signal(resumeSignal, { name: 'something-else', actor: 'ops' });
      const refused = await eventually('the refused resume', async () => {
        const p = await plan(order.id);
        return p.rejectedMessages?.length ? p : undefined;
      });
      assert.match(refused.rejectedMessages![0].reason, /no pause step is waiting for "something-else" now \(waiting: go\)/);
      assert.equal((await step(order.id, 'signal-wait.wait')).state, 'InProgress');
      await foHandle(order.id).signal(resumeSignal, { name: 'go', actor: 'ops' });
      assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
      assert.deepEqual((await step(order.id, 'signal-wait.wait')).completedBy, { actor: 'ops', via: 'resume:go' });
    });

    it('resumes when a condition on a line item becomes true', async () => {
      const order = orderOf(['WAITS-FOR-CONDITION'], { 'WAITS-FOR-CONDITION': { ready: false } });
      const waiting = await startAndWait(order, 'condition-wait.wait-ready[CONDITION-WAIT:OI-1]', 'InProgress');
      assert.deepEqual(waiting.lineItemIds, ['CONDITION-WAIT:OI-1']);
      await foHandle(order.id).signal(updateAttributesSignal, { lineItemId: 'CONDITION-WAIT:OI-1', attributes: { other: 'x' }, actor: 'carrier' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await step(order.id, waiting.id)).state, 'InProgress');
      await foHandle(order.id).signal(updateAttributesSignal, { lineItemId: 'CONDITION-WAIT:OI-1', attributes: { ready: true }, actor: 'carrier' });
      assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
    });

    it('does not wait at all when the condition already holds', async () => {
      const order = orderOf(['WAITS-FOR-CONDITION'], { 'WAITS-FOR-CONDITION': { ready: true } });
      await lane.startOrder(order);
      assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
      const wait = await step(order.id, 'condition-wait.wait-ready[CONDITION-WAIT:OI-1]');
      assert.equal(wait.state, 'Completed');
      assert.equal(wait.completedAt, wait.startedAt, 'completed in the workflow task that started it: no time spent waiting');
      assert.deepEqual(wait.completedBy, { actor: 'condition', via: 'lineItem.attributes.ready' }, 'by the condition, not by an attribute update');
    });
  });

  describe('SLA and jeopardy', () => {
    it('goes into jeopardy, then late, at the deadlines it shows, running each stage’s actions: alerts over HTTP, reassign, escalate, InJeopardy in visibility', async () => {
      const order = orderOf(['SLOW-MANUAL']);
      const started = await startAndWait(order, 'sla-manual.slow', 'InProgress');
      const startedMs = Date.parse(started.startedAt!);
      assert.equal(Date.parse(started.jeopardyAt!) - startedMs, 1000);
      assert.equal(Date.parse(started.lateAt!) - startedMs, 2500);
      assert.equal(Date.parse(started.plannedCompletion!) - Date.parse(started.plannedStart!), 2500);

      const inJeopardy = await eventually('jeopardy', async () => {
        const s = await step(order.id, 'sla-manual.slow');
        return s.jeopardy !== 'none' ? s : undefined;
      });
      assert.equal(inJeopardy.jeopardy, 'inJeopardy');
      assert.equal(inJeopardy.queue, 'backup-desk', 'reassigned by the jeopardy rule');
      const late = await eventually('late', async () => {
        const s = await step(order.id, 'sla-manual.slow');
        return s.jeopardy === 'late' ? s : undefined;
      });
      assert.deepEqual(late.escalatedTo, ['leads']);
      await eventually('InJeopardy search attribute', async () =>
        (await h.env.client.workflow.count(`InJeopardy = true AND OrderId = "${order.id}"`)).count === 1 ? true : undefined,
      );
      const summary = await lane.getSummary(order.id);
      assert.equal(summary.jeopardy, 1);

      const alerts = await eventually('two alerts', async () => {
        const { received } = await simulatorGet<{ received: Array<{ body: { stepId: string; stage: string; orderId: string }; receivedAt?: string; at?: string }> }>(h, '/webhook/received');
        const mine = received.filter((r) => r.body.orderId === order.id);
        return mine.length >= 2 ? mine : undefined;
      });
      assert.deepEqual(alerts.map((a) => a.body.stage), ['inJeopardy', 'late']);

      // Ann is in approvers, which no longer holds the task; the escalation queue's member may act.
      await refusedWith(completeTask(order.id, 'sla-manual.slow', 'ann'), /may not act/);
      await completeTask(order.id, 'sla-manual.slow', 'lee');
      assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
      await eventually('InJeopardy cleared', async () =>
        (await h.env.client.workflow.count(`InJeopardy = true AND OrderId = "${order.id}"`)).count === 0 ? true : undefined,
      );
    });

    it('never fires for a step that finishes in time, and leaves its timer to close with the split', async () => {
      const order = orderOf(['FAST-CALLOUT']);
      await lane.startOrder(order);
      assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
      const quick = await step(order.id, 'sla-callout.quick');
      assert.equal(quick.jeopardy, 'none');
      const { received } = await simulatorGet<{ received: Array<{ body: { orderId: string } }> }>(h, '/webhook/received');
      assert.equal(received.filter((r) => r.body.orderId === order.id).length, 0);
      const events = (await foHandle(order.id).fetchHistory()).events ?? [];
      assert.equal(events.filter((e) => e.timerStartedEventAttributes).length, 1, 'one SLA timer');
      // Behaviour version 1: not cancelled (two events for nothing); Temporal drops it when the split closes.
      assert.equal(events.filter((e) => e.timerCanceledEventAttributes).length, 0, 'not cancelled');
      assert.equal(events.filter((e) => e.timerFiredEventAttributes).length, 0);
    });
  });

  describe('retry policies', () => {
    const cases: Array<[string, string, number[]]> = [
      ['RETRY-IMMEDIATE', 'retry-immediate.call', []],
      ['RETRY-FIXED', 'retry-fixed.call', [100, 100]],
      ['RETRY-STAGGERED', 'retry-staggered.call', [100, 200]],
    ];
    for (const [product, stepId, waits] of cases) {
      it(`${product}: retries with waits of [${waits.join(', ')}] ms, then succeeds`, async () => {
        const order = orderOf([product]);
        await simulatorSend(h, 'PUT', '/_faults/provisioning', { operation: 'activate', failNext: 2 });
        try {
          await lane.startOrder(order);
          assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
        } finally {
          await simulatorSend(h, 'DELETE', '/_faults/provisioning');
        }
        const call = await step(order.id, stepId);
        assert.equal(call.attempts, 3);
        const events = (await foHandle(order.id).fetchHistory()).events ?? [];
        const timers = events.filter((e) => e.timerStartedEventAttributes).map((e) => {
          const timeout = e.timerStartedEventAttributes!.startToFireTimeout!;
          return Number(timeout.seconds ?? 0) * 1000 + Math.round((timeout.nanos ?? 0) / 1e6);
        });
        assert.deepEqual(timers, waits);
        assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes).length, 3);
      });
    }
  });

  describe('fallout', () => {
    it('routes by the catalog rules (error code first), keeps independent branches running, and shows the error', async () => {
      const order = orderOf(['FALLS-OUT', 'SIDE-BRANCH']);
      await simulatorSend(h, 'PUT', '/_faults/warranty', { operation: 'register', failNext: 1, errorStatus: 503, errorCode: 'registry-closed' });
      let fallen: StepStatus;
      try {
        fallen = await startAndWait(order, 'fallout.register', 'FatallyFailed');
      } finally {
        await simulatorSend(h, 'DELETE', '/_faults/warranty');
      }
      assert.equal(fallen.falloutQueue, 'registry-desk');
      assert.equal(fallen.error?.status, 503);
      assert.equal(fallen.error?.code, 'registry-closed');
      assert.equal(fallen.error?.attempts, 1);
      assert.match(fallen.error!.message, /warranty answered 503/);
      // The side branch does not depend on the fallen step: it finishes while the step waits.
      await eventually('the side branch done', async () => ((await step(order.id, 'side.side-done')).state === 'Completed' ? true : undefined));
      assert.equal((await step(order.id, 'fallout.after-register')).state, 'Pending');
      const summary = await lane.getSummary(order.id);
      assert.equal(summary.state, 'held');
      assert.equal(summary.fallout, 1);
      await eventually('FalloutQueues', async () =>
        (await h.env.client.workflow.count(`FalloutQueues = "registry-desk" AND OrderId = "${order.id}"`)).count === 1 ? true : undefined,
      );

      const resolve = (actor: string, action: 'retry' | 'complete' | 'skip', output?: unknown) =>
        foHandle(order.id).executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'fallout.register', actor, action, output }] });
      await refusedWith(resolve('wes', 'retry'), /wes may not act on this step: not a member of registry-desk \(rita\)/);
      await refusedWith(resolve('rita', 'retry-ish' as never), /action must be retry, complete or skip/);
      await resolve('rita', 'retry');
      assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
      const register = await step(order.id, 'fallout.register');
      assert.equal(register.state, 'Completed');
      assert.equal(register.attempts, 1, 'a fresh attempt count after the operator retry');
      assert.deepEqual(register.operatorActions?.map((a) => [a.actor, a.action]), [['rita', 'fallout retry']]);
    });

    it('routes another error code to the system rule; skip and complete unblock the dependents', async () => {
      for (const action of ['skip', 'complete'] as const) {
        const order = orderOf(['FALLS-OUT']);
        await simulatorSend(h, 'PUT', '/_faults/warranty', { operation: 'register', failNext: 1, errorStatus: 422, errorCode: 'bad-serial' });
        let fallen: StepStatus;
        try {
          fallen = await startAndWait(order, 'fallout.register', 'FatallyFailed');
        } finally {
          await simulatorSend(h, 'DELETE', '/_faults/warranty');
        }
        assert.equal(fallen.falloutQueue, 'warranty-desk');
        assert.equal(fallen.error?.type, 'CalloutRejected', 'a 4xx falls out at once');
        const request = { stepId: 'fallout.register', actor: 'wes', action, output: action === 'complete' ? { warrantyId: 'BY-HAND-1' } : undefined, note: 'handled by phone' };
        // Both forms work: skip goes as a signal (tools that only signal), complete as an update.
        if (action === 'skip') await foHandle(order.id).signal(resolveFalloutSignal, request);
        else await withTransientUpdateRetry(() => foHandle(order.id).executeUpdate(resolveFalloutUpdate, { args: [request] }));
        assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 30_000 })).state, 'completed');
        const register = await step(order.id, 'fallout.register');
        assert.equal(register.state, action === 'skip' ? 'Skipped' : 'Completed');
        if (action === 'complete') assert.deepEqual(register.output, { warrantyId: 'BY-HAND-1' });
        assert.deepEqual(register.operatorActions?.map((a) => [a.actor, a.action, a.note]), [['wes', `fallout ${action}`, 'handled by phone']]);
        assert.equal((await step(order.id, 'fallout.after-register')).state, 'Completed');
      }
    });
  });
});
