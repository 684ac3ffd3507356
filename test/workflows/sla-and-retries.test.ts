import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/activity';
import type { CalloutRequest, SlaAlert } from '../../activities/types';
import { InJeopardyKey } from '../../workflows/search-attributes';
import { completeManualTaskUpdate, resolveFalloutSignal } from '../../workflows/messages';
import { eventually } from '../e2e/eventually';
import { catalogOf, getTimeSkipping, orderOf, splitHandle, stepOf, waitForStep, withLane } from './time-skipping';

/**
 * Time, in workflow time: SLA jeopardy and lateness after hours, and the retry policies' waits, in
 * milliseconds of test time. The test server's clock moves only when a test sleeps or waits for a result.
 */
const HOUR = 3_600_000;
const MINUTE = 60_000;

const CATALOG = catalogOf('time', `
products:
  - { code: SLOW-TASK }
  - { code: FLAKY-CALLS }
  - { code: QUICK-THEN-WAIT }
fulfillmentProducts:
  - { code: SLOW, fulfilledBy: { system: provisioning } }
  - { code: FLAKY, fulfilledBy: { system: provisioning } }
  - { code: QUICK, fulfilledBy: { system: provisioning } }
decompositionRules:
  - { id: r-slow, source: SLOW-TASK, destination: SLOW }
  - { id: r-flaky, source: FLAKY-CALLS, destination: FLAKY }
  - { id: r-quick, source: QUICK-THEN-WAIT, destination: QUICK }
workspaces:
  - id: quick
    groups:
      - name: Quick
        steps:
          - { id: estimate, type: manualTask, queue: reviewers, estimatedDuration: 8h, jeopardyThreshold: 2h }
          - { id: sign-off, type: manualTask, queue: reviewers, dependsOn: [estimate] }
  - id: slow
    groups:
      - name: Slow
        steps:
          - id: review
            type: manualTask
            queue: reviewers
            estimatedDuration: 8h
            jeopardyThreshold: 2h
            jeopardy:
              onJeopardy: [{ alert: review is in jeopardy }, { reassign: backup-desk }]
              onLate: [{ alert: review is late }, { escalate: leads }]
  - id: flaky
    groups:
      - name: Retries
        steps:
          - { id: immediate, type: callout, call: { system: provisioning, operation: immediate }, fallout: { queue: reviewers, retry: { policy: immediate, maxAttempts: 3 } } }
          - { id: fixed, type: callout, call: { system: provisioning, operation: fixed }, fallout: { queue: reviewers, retry: { policy: fixed, interval: 1h, maxAttempts: 3 } } }
          - { id: staggered, type: callout, call: { system: provisioning, operation: staggered }, fallout: { queue: reviewers, retry: { policy: staggered, intervals: [30m, 2h] } } }
          - { id: gives-up, type: callout, call: { system: provisioning, operation: gives-up }, fallout: { queue: reviewers, retry: { policy: fixed, interval: 10m, maxAttempts: 2 } } }
scenarios:
  - { fulfillmentProduct: SLOW, workspace: slow }
  - { fulfillmentProduct: FLAKY, workspace: flaky }
  - { fulfillmentProduct: QUICK, workspace: quick }
`);
const QUEUES = {
  reviewers: { members: ['ann'], assignment: 'none' as const },
  'backup-desk': { members: ['cy'], assignment: 'none' as const },
  leads: { members: ['lee'], assignment: 'none' as const },
};

describe('workflows on the time-skipping server: SLA and retry policies', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(300_000);
    await getTimeSkipping();
  });

  it('goes into jeopardy 6 hours into an 8-hour task and late at 8, running each stage’s actions, in workflow time', async () => {
    const order = orderOf(['SLOW-TASK']);
    await withLane({ catalog: CATALOG, queues: QUEUES }, async (lane) => {
      await lane.start(order);
      const started = await waitForStep(lane, order.id, 'slow.review', (s) => s.state === 'InProgress', 'waiting for a reviewer');
      const startedAt = Date.parse(started.startedAt!);
      assert.equal(Date.parse(started.jeopardyAt!) - startedAt, 6 * HOUR);
      assert.equal(Date.parse(started.lateAt!) - startedAt, 8 * HOUR);
      assert.equal(started.queue, 'reviewers');

      await lane.env.sleep(5 * HOUR);
      assert.equal((await stepOf(lane, order.id, 'slow.review')).jeopardy, 'none', 'not in jeopardy after 5 hours');
      assert.equal(lane.calls.of('sendAlert').length, 0);

      await lane.env.sleep(1 * HOUR + MINUTE);
      const inJeopardy = await waitForStep(lane, order.id, 'slow.review', (s) => s.jeopardy === 'inJeopardy', 'in jeopardy');
      assert.equal(inJeopardy.queue, 'backup-desk', 'reassigned by the jeopardy rule');
      assert.equal(inJeopardy.state, 'InProgress');
      const split = await splitHandle(lane, order.id);
      assert.equal((await split.describe()).typedSearchAttributes.get(InJeopardyKey), true, 'InJeopardy is set on the split');
      await eventually('the order counting one step in jeopardy', async () => ((await lane.summary(order.id)).jeopardy === 1 ? true : undefined));

      await lane.env.sleep(2 * HOUR);
      const late = await waitForStep(lane, order.id, 'slow.review', (s) => s.jeopardy === 'late', 'late');
      assert.deepEqual(late.escalatedTo, ['leads']);

      const alerts = await eventually('two alerts', async () => (lane.calls.of('sendAlert').length === 2 ? lane.calls.of('sendAlert') : undefined));
      assert.deepEqual(alerts.map((call) => (call.input as SlaAlert).stage), ['inJeopardy', 'late']);
      // Each alert went out when its deadline passed in workflow time (the clock moved in the sleeps above).
      assert.ok(alerts[0].at >= Date.parse(started.jeopardyAt!) && alerts[0].at < Date.parse(started.jeopardyAt!) + HOUR, 'the jeopardy alert at 6 hours');
      assert.ok(alerts[1].at >= Date.parse(started.lateAt!), 'the late alert at 8 hours');
      assert.equal((alerts[1].input as SlaAlert).deadline, started.lateAt);

      // The reviewer the task left may no longer act; the escalation queue's member may.
      await assert.rejects(split.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'slow.review', actor: 'ann' }] }), (error: Error & { cause?: Error }) => {
        assert.match(error.cause?.message ?? error.message, /ann may not act/);
        return true;
      });
      await split.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'slow.review', actor: 'lee' }] });
      assert.equal((await lane.completion(order.id)).state, 'completed');
      assert.equal((await split.describe()).typedSearchAttributes.get(InJeopardyKey), false, 'InJeopardy cleared when the task is done');
    });
  });

  it('never puts a step finished in time into jeopardy, however long its split then runs', async () => {
    const order = orderOf(['QUICK-THEN-WAIT']);
    await withLane({ catalog: CATALOG, queues: QUEUES }, async (lane) => {
      await lane.start(order);
      await waitForStep(lane, order.id, 'quick.estimate', (s) => s.state === 'InProgress', 'waiting');
      await lane.env.sleep(2 * HOUR);
      const split = await splitHandle(lane, order.id);
      await split.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'quick.estimate', actor: 'ann' }] });
      await waitForStep(lane, order.id, 'quick.sign-off', (s) => s.state === 'InProgress', 'waiting');
      // Well past the finished step's deadlines (6h and 8h after it started), with the split still running.
      await lane.env.sleep(10 * HOUR);
      const estimate = await stepOf(lane, order.id, 'quick.estimate');
      assert.equal(estimate.state, 'Completed');
      assert.equal(estimate.jeopardy, 'none');
      assert.equal(lane.calls.of('sendAlert').length, 0, 'no alert');
      assert.equal((await lane.summary(order.id)).jeopardy, 0);
      assert.equal((await split.describe()).typedSearchAttributes.get(InJeopardyKey), false);
      await split.executeUpdate(completeManualTaskUpdate, { args: [{ stepId: 'quick.sign-off', actor: 'ann' }] });
      assert.equal((await lane.completion(order.id)).state, 'completed');
    });
  });

  it('waits between attempts as each retry policy says (immediate, fixed 1h, staggered 30m then 2h), then falls out when they are spent', async () => {
    const order = orderOf(['FLAKY-CALLS']);
    const attemptsOf = new Map<string, number>();
    await withLane(
      {
        catalog: CATALOG,
        queues: QUEUES,
        activities: {
          // Each operation fails twice with a retryable error, then succeeds; gives-up never succeeds.
          callout: (request: CalloutRequest) => {
            const attempt = (attemptsOf.get(request.call.operation) ?? 0) + 1;
            attemptsOf.set(request.call.operation, attempt);
            if (attempt <= 2 || request.call.operation === 'gives-up') throw ApplicationFailure.retryable(`attempt ${attempt} failed`, 'CalloutFailed', { status: 503, code: 'busy' });
            return { attempt };
          },
        },
      },
      async (lane) => {
        await lane.start(order);
        await waitForStep(lane, order.id, 'flaky.immediate', (s) => s.state === 'Completed', 'completed');
        // Three hours of workflow time: every retry's timer fires (the last one at 2h30m).
        await lane.env.sleep(3 * HOUR);
        await waitForStep(lane, order.id, 'flaky.gives-up', (s) => s.state === 'FatallyFailed', 'in fallout');
        for (const id of ['flaky.immediate', 'flaky.fixed', 'flaky.staggered']) await waitForStep(lane, order.id, id, (s) => s.state === 'Completed', 'completed');
        const gapsOf = (operation: string) => {
          const times = lane.calls.of('callout').filter((call) => (call.input as CalloutRequest).call.operation === operation).map((call) => call.at);
          return times.slice(1).map((at, i) => at - times[i]);
        };
        const near = (gaps: number[], expected: number[], operation: string) => {
          assert.equal(gaps.length, expected.length, `${operation}: ${expected.length + 1} attempts`);
          gaps.forEach((gap, i) => assert.ok(gap >= expected[i] && gap < expected[i] + MINUTE, `${operation}: wait ${i + 1} was ${gap} ms, expected ${expected[i]} ms`));
        };
        near(gapsOf('immediate'), [0, 0], 'immediate');
        near(gapsOf('fixed'), [HOUR, HOUR], 'fixed');
        near(gapsOf('staggered'), [30 * MINUTE, 2 * HOUR], 'staggered');
        near(gapsOf('gives-up'), [10 * MINUTE], 'gives-up');
        for (const id of ['flaky.immediate', 'flaky.fixed', 'flaky.staggered']) {
          const step = await stepOf(lane, order.id, id);
          assert.equal(step.state, 'Completed', id);
          assert.equal(step.attempts, 3, `${id}: three attempts`);
        }
        const fallen = await stepOf(lane, order.id, 'flaky.gives-up');
        assert.equal(fallen.error?.attempts, 2);
        assert.equal(fallen.error?.code, 'busy');
        assert.equal(fallen.falloutQueue, 'reviewers');
        // Skipped by its desk, the order completes. (Waiting for the result of an order that waits for a person would let
        // the server skip time until the workflow timed out.)
        await (await splitHandle(lane, order.id)).signal(resolveFalloutSignal, { stepId: 'flaky.gives-up', actor: 'ann', action: 'skip' });
        assert.equal((await lane.completion(order.id)).state, 'completed');
      },
    );
  });
});
