import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/activity';
import type { CalloutRequest } from '../../activities/types';
import { resolveFalloutUpdate } from '../../workflows/messages';
import { catalogOf, getTimeSkipping, orderOf, splitHandle, stepOf, waitForStep, withLane } from './time-skipping';

/**
 * A fulfillment order runs its plan as a DAG: a step starts when all its dependencies are Completed or Skipped,
 * independent steps run at the same time, and a step in fallout holds back only what depends on it.
 */
const CATALOG = catalogOf('dag', `
products:
  - { code: DIAMOND }
fulfillmentProducts:
  - { code: DIAMOND-WORK, fulfilledBy: { system: provisioning } }
decompositionRules:
  - { id: r-diamond, source: DIAMOND, destination: DIAMOND-WORK }
workspaces:
  - id: diamond
    groups:
      - name: Work
        steps:
          - { id: start, type: milestone }
          - { id: left, type: callout, call: { system: provisioning, operation: left }, dependsOn: [start], fallout: { queue: desk, retry: { policy: immediate, maxAttempts: 1 } } }
          - { id: right, type: callout, call: { system: provisioning, operation: right }, dependsOn: [start] }
          - { id: join, type: autoTask, handler: joined, dependsOn: [left, right] }
          - { id: side, type: autoTask, handler: aside }
scenarios:
  - { fulfillmentProduct: DIAMOND-WORK, workspace: diamond }
`);
const QUEUES = { desk: { members: ['dana'], assignment: 'none' as const } };

/** A promise and the function that settles it: lets one stubbed activity wait for another. */
function latch<T = void>() {
  let open!: (value: T) => void;
  const opened = new Promise<T>((resolve) => (open = resolve));
  return { open, opened };
}

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('workflows on the time-skipping server: the DAG', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(300_000);
    await getTimeSkipping();
  });

  it('runs parallel branches at the same time and starts the join only after both', async () => {
    const leftCalled = latch();
    const rightCalled = latch();
    const finished: string[] = [];
    const order = orderOf(['DIAMOND']);
    await withLane(
      {
        catalog: CATALOG,
        queues: QUEUES,
        activities: {
          // Each branch answers only once the other one has been called: run one after the other, they would never finish.
          callout: async (request: CalloutRequest) => {
            const mine = request.call.operation === 'left' ? leftCalled : rightCalled;
            const other = request.call.operation === 'left' ? rightCalled : leftCalled;
            mine.open();
            await within(20_000, `the other branch of ${request.call.operation}`, other.opened);
            finished.push(request.call.operation);
            return { done: request.call.operation };
          },
          runAutoTask: (request) => {
            finished.push(request.handler);
            return { sawInputs: Object.keys(request.context.input).sort() };
          },
        },
      },
      async (lane) => {
        await lane.start(order);
        const summary = await lane.completion(order.id);
        assert.equal(summary.state, 'completed');
        const join = await stepOf(lane, order.id, 'diamond.join');
        const left = await stepOf(lane, order.id, 'diamond.left');
        const right = await stepOf(lane, order.id, 'diamond.right');
        assert.ok(Date.parse(join.startedAt!) >= Date.parse(left.completedAt!) && Date.parse(join.startedAt!) >= Date.parse(right.completedAt!), 'the join starts after both branches complete');
        // The join's input is both branches' outputs: it ran with both done.
        assert.deepEqual(join.output, { sawInputs: ['diamond.left', 'diamond.right'] });
        assert.ok(finished.indexOf('joined') > finished.indexOf('left') && finished.indexOf('joined') > finished.indexOf('right'), `joined ran last of the three: ${finished.join(', ')}`);
      },
    );
  });

  it('keeps independent steps going while a branch is in fallout; skipping it releases the join', async () => {
    const order = orderOf(['DIAMOND']);
    await withLane(
      {
        catalog: CATALOG,
        queues: QUEUES,
        activities: {
          callout: (request: CalloutRequest) => {
            if (request.call.operation === 'left') throw ApplicationFailure.nonRetryable('left is broken', 'CalloutRejected', { status: 422, code: 'broken' });
            return {};
          },
        },
      },
      async (lane) => {
        await lane.start(order);
        const left = await waitForStep(lane, order.id, 'diamond.left', (s) => s.state === 'FatallyFailed', 'in fallout');
        assert.equal(left.falloutQueue, 'desk');
        await waitForStep(lane, order.id, 'diamond.right', (s) => s.state === 'Completed', 'completed');
        await waitForStep(lane, order.id, 'diamond.side', (s) => s.state === 'Completed', 'completed');
        assert.equal((await stepOf(lane, order.id, 'diamond.join')).state, 'Pending', 'the join waits for the fallen branch');
        assert.equal((await lane.summary(order.id)).state, 'held');

        await (await splitHandle(lane, order.id)).executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'diamond.left', actor: 'dana', action: 'skip' }] });
        const summary = await lane.completion(order.id);
        assert.equal(summary.state, 'completed');
        assert.equal((await stepOf(lane, order.id, 'diamond.left')).state, 'Skipped');
        assert.equal((await stepOf(lane, order.id, 'diamond.join')).state, 'Completed');
      },
    );
  });
});
