import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { payloadConverter } from '../../workflows/payload-converter';
import { manualTaskCompletedSignal, fulfillmentOrderPlanQuery } from '../../workflows/messages';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import type { StepStatus } from '../../workflows/types';
import { exampleOrder } from './examples';
import { getHarness, type Harness } from './harness';

/**
 * The Temporal Web UI's signal dialog offers an Encoding: `json/plain` (the default) or `json/protobuf`, which
 * sends the typed JSON with metadata encoding `json/protobuf` and a `messageType` (empty unless typed in).
 * Ordo's payload converter reads both, so a signal from the UI never leaves a fulfillment order stuck on
 * `Unknown encoding: json/protobuf` workflow task failures.
 */

const FO = 'FO-WH-EAST-DG-BRANCH-7';
const STEP = 'router-delivery.approve';

describe('signals the Temporal Web UI sends', function () {
  this.timeout(120_000);
  let h: Harness;
  const started: string[] = [];

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
  });
  after(async () => {
    // Nothing else waits on these orders: end them, so their SLA timers do not outlive the test.
    await Promise.all(started.map((id) => h.env.client.workflow.getHandle(orderWorkflowId(id)).terminate('test done').catch(() => undefined)));
  });

  /** Starts a network kit order and waits until its approval task waits for an operator; answers the FO workflow id. */
  async function orderWaitingOnApproval(label: string): Promise<{ orderId: string; workflowId: string }> {
    const order = exampleOrder('network-kit.json', label);
    await h.client.startOrder(order);
    started.push(order.id);
    const workflowId = fulfillmentOrderWorkflowId(order.id, FO);
    await stepWhen(workflowId, (s) => s.state === 'InProgress', 'the approval task to wait for an operator');
    return { orderId: order.id, workflowId };
  }

  /** Polls the FO's plan until the step satisfies `done`; fails at once when a workflow task fails. */
  async function stepWhen(workflowId: string, done: (step: StepStatus) => boolean, what: string): Promise<StepStatus> {
    const handle = h.env.client.workflow.getHandle(workflowId);
    const deadline = Date.now() + 20_000;
    let running = false;
    for (;;) {
      const plan = await handle.query(fulfillmentOrderPlanQuery).catch(() => undefined); // the split may not be started yet
      running ||= plan !== undefined;
      if (running) await assertNoFailedWorkflowTask(workflowId);
      const step = plan?.steps.find((s) => s.id === STEP);
      if (step && done(step)) return step;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the step is ${step?.state ?? 'not there yet'}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function assertNoFailedWorkflowTask(workflowId: string): Promise<void> {
    const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
    const failed = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
    assert.deepEqual(
      failed.map((e) => e.workflowTaskFailedEventAttributes?.failure?.message),
      [],
      `workflow tasks of ${workflowId} failed`,
    );
  }

  it('accepts manualTaskCompleted encoded json/protobuf, as the UI sends it', async () => {
    const { workflowId } = await orderWaitingOnApproval('ui-proto');
    // Exactly what the UI's signal dialog sends with Encoding json/protobuf and no message type.
    await h.env.connection.workflowService.signalWorkflowExecution({
      namespace: h.config.temporal.namespace,
      workflowExecution: { workflowId },
      signalName: manualTaskCompletedSignal.name,
      identity: 'temporal-ui',
      requestId: randomUUID(),
      input: {
        payloads: [
          {
            metadata: { encoding: Buffer.from('json/protobuf'), messageType: Buffer.from('') },
            data: Buffer.from(JSON.stringify({ stepId: STEP, actor: 'carol' })),
          },
        ],
      },
    });
    const step = await stepWhen(workflowId, (s) => s.state === 'Completed', 'the approval to complete');
    assert.equal(step.completedBy?.actor, 'carol');
    assert.deepEqual(step.rejectedMessages ?? [], []);
    await assertNoFailedWorkflowTask(workflowId);
  });

  it('still accepts manualTaskCompleted encoded json/plain', async () => {
    const { workflowId } = await orderWaitingOnApproval('ui-json');
    await h.env.client.workflow.getHandle(workflowId).signal(manualTaskCompletedSignal, { stepId: STEP, actor: 'alice' });
    const step = await stepWhen(workflowId, (s) => s.state === 'Completed', 'the approval to complete');
    assert.equal(step.completedBy?.actor, 'alice');
    await assertNoFailedWorkflowTask(workflowId);
  });
});

describe('Ordo payload converter', () => {
  const payload = (encoding: string, data: string, messageType?: string) => ({
    metadata: { encoding: Buffer.from(encoding), ...(messageType === undefined ? {} : { messageType: Buffer.from(messageType) }) },
    data: Buffer.from(data),
  });
  const encodingOf = (value: unknown) => Buffer.from(payloadConverter.toPayload(value).metadata!.encoding!).toString();

  it('reads json/protobuf as JSON text, whatever the message type', () => {
    assert.deepEqual(payloadConverter.fromPayload(payload('json/protobuf', '{"stepId":"a.b","actor":"carol"}', '')), { stepId: 'a.b', actor: 'carol' });
    assert.deepEqual(payloadConverter.fromPayload(payload('json/protobuf', '{"name":"delivered"}', 'ordo.Resume')), { name: 'delivered' });
    assert.deepEqual(payloadConverter.fromPayload(payload('json/plain', '[1,"x"]')), [1, 'x']);
  });

  it('writes what the default converter writes, never json/protobuf', () => {
    assert.equal(encodingOf({ stepId: 'a.b' }), 'json/plain');
    assert.equal(encodingOf(undefined), 'binary/null');
    assert.equal(encodingOf(new Uint8Array([1, 2])), 'binary/plain');
  });
});
