import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { failureMessage } from '../../client/failure-message';
import { OrdoOperator } from '../../client/operator';
import { fulfillmentOrderWorkflowId, orderWorkflowId } from '../../workflows/ids';
import type { StepStatus } from '../../workflows/types';
import { cleanEnv, describeRun, ordo as runOrdo } from '../cli/run-ordo';
import { eventually } from './eventually';
import { exampleOrder } from './examples';
import { getHarness, type Harness } from './harness';

/**
 * No input can break an order (issue 9, point 8): every signal and update an order and its splits take, sent
 * with garbage in every encoding anyone can send (the Web UI included), is refused — updates by their
 * validator, signals kept in rejectedMessages — and never fails a workflow task; the order still completes.
 * Operator verbs answer with the workflow's decision: `ordo resume` before the pause waits exits 1.
 */

type RawPayload = { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
const bytes = (text: string) => Buffer.from(text);
const payload = (encoding: string | undefined, data: string): RawPayload => ({ metadata: encoding === undefined ? {} : { encoding: bytes(encoding) }, data: bytes(data) });

/** Garbage in every encoding: what each is. `undefined` payloads: a message with no argument at all. */
const GARBAGE: Array<[string, RawPayload[]]> = [
  ['json/plain that is not JSON', [payload('json/plain', '{"stepId": "router-delivery.approve", actor: carol')]],
  ['text/plain', [payload('text/plain', 'delivered')]],
  ['binary/null with data', [payload('binary/null', 'something')]],
  ['an unknown encoding', [payload('application/x-ordo-unknown', '{}')]],
  ['binary/gzip that is not gzip', [payload('binary/gzip', 'not gzip at all')]],
  ['json/protobuf that is not JSON', [payload('json/protobuf', '<xml/>')]],
  ['JSON of the wrong shape', [payload('json/plain', '{"stepId":7,"name":5,"reason":42,"attributes":"x","actor":"mallory"}')]],
  ['a JSON array', [payload('json/plain', '[1,"x"]')]],
  ['JSON null', [payload('json/plain', 'null')]],
  ['an empty payload', [{}]],
  ['no metadata, empty data', [payload(undefined, '')]],
  ['no payload at all', []],
];

const ORDER_SIGNALS = ['cancel', 'ponrRequest', 'accountShareReady', 'fulfillmentOrderProgress'];
const ORDER_UPDATES = ['cancel', 'amend'];
const SPLIT_SIGNALS = ['manualTaskCompleted', 'resolveFallout', 'resume', 'updateAttributes', 'ponrDecision', 'cancelFulfillment', 'amendPlan'];
const SPLIT_UPDATES = ['completeManualTask', 'resolveFallout', 'resume', 'updateAttributes'];

const SHIPPING = 'FO-WH-EAST-DG-BRANCH-7';
const SERVICE = 'FO-provisioning';

describe('garbage in every message, in every encoding', function () {
  this.timeout(180_000);
  let h: Harness;
  let operator: OrdoOperator;
  const started: string[] = [];

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
    operator = new OrdoOperator(h.client, h.config.queues);
  });
  after(async () => {
    await Promise.all(started.map((id) => h.env.client.workflow.getHandle(orderWorkflowId(id)).terminate('test done').catch(() => undefined)));
  });

  const ordo = (...args: string[]) =>
    runOrdo(args, { env: cleanEnv({ TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: h.config.temporal.namespace, ORDO_TASK_QUEUE: h.config.temporal.taskQueue }) });

  const signal = (workflowId: string, signalName: string, payloads: RawPayload[]) =>
    h.env.connection.workflowService.signalWorkflowExecution({
      namespace: h.config.temporal.namespace,
      workflowExecution: { workflowId },
      signalName,
      identity: 'garbage-test',
      requestId: randomUUID(),
      input: { payloads },
    });

  /** Sends an update and answers the failure it was refused with (undefined when it was accepted). */
  async function update(workflowId: string, name: string, payloads: RawPayload[]): Promise<string | undefined> {
    const response = await h.env.connection.workflowService.updateWorkflowExecution({
      namespace: h.config.temporal.namespace,
      workflowExecution: { workflowId },
      waitPolicy: { lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED },
      request: { meta: { updateId: randomUUID(), identity: 'garbage-test' }, input: { name, args: { payloads } } },
    });
    return response.outcome?.failure ? ((await failureMessage(h.env.client, response.outcome.failure)) ?? '(no message)') : undefined;
  }

  async function failedWorkflowTasks(workflowId: string): Promise<string[]> {
    const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).map((e) => e.workflowTaskFailedEventAttributes?.failure?.message ?? '');
  }

  /** A network kit whose site is not ready: both splits wait for people (approval, delivery, the site). */
  function networkKit(label: string) {
    const order = exampleOrder('network-kit.json', label);
    return { ...order, items: order.items.map((item) => (item.id === 'OI-3' ? { ...item, attributes: { siteReady: false } } : item)) };
  }

  async function step(orderId: string, stepId: string): Promise<StepStatus | undefined> {
    const view = await h.client.getPlan(orderId);
    return view.fulfillmentOrders.flatMap((fo) => fo.steps).find((s) => s.id === stepId);
  }

  it('refuses every message of the order and its splits, stays queryable, and completes', async () => {
    const order = networkKit('garbage');
    await h.client.startOrder(order);
    started.push(order.id);
    const orderWf = orderWorkflowId(order.id);
    const splits = [SHIPPING, SERVICE].map((fo) => fulfillmentOrderWorkflowId(order.id, fo));
    await eventually('the approval to wait for an operator', async () => ((await step(order.id, 'router-delivery.approve'))?.state === 'InProgress' ? true : undefined));

    for (const [what, payloads] of GARBAGE) {
      for (const name of ORDER_SIGNALS) await signal(orderWf, name, payloads);
      for (const wf of splits) for (const name of SPLIT_SIGNALS) await signal(wf, name, payloads);
      for (const name of ORDER_UPDATES) assert.ok(await update(orderWf, name, payloads), `order update ${name} with ${what} was accepted`);
      for (const wf of splits) for (const name of SPLIT_UPDATES) assert.ok(await update(wf, name, payloads), `split update ${name} with ${what} was accepted`);
    }
    const undecodable = await update(splits[0], 'resume', GARBAGE[1][1]);
    assert.match(undecodable!, /payload cannot be decoded \(encoding "text\/plain"/);
    const wrongShape = await update(splits[0], 'completeManualTask', GARBAGE[6][1]);
    assert.match(wrongShape!, /not a valid completeManualTask message: stepId/);

    // Every signal is refused and kept where operators look: on the split's plan, on the order's summary.
    const signalsPerSplit = GARBAGE.length * SPLIT_SIGNALS.length;
    await eventually('every split signal refused in the plan', async () => {
      const view = await h.client.getPlan(order.id);
      const counts = view.fulfillmentOrders.map((fo) => (fo.rejectedMessages ?? []).length + fo.steps.reduce((n, s) => n + (s.rejectedMessages ?? []).length, 0));
      return counts.length === 2 && counts.every((n) => n === signalsPerSplit) ? true : undefined;
    });
    const summary = await h.client.getSummary(order.id);
    assert.equal(summary.rejectedMessages?.length, GARBAGE.length * ORDER_SIGNALS.length, JSON.stringify(summary.rejectedMessages));
    assert.equal(summary.state, 'inProgress');
    assert.ok(summary.rejectedMessages!.some((r) => r.message === 'cancel' && r.actor === 'mallory' && /reason/.test(r.reason)));
    for (const wf of [orderWf, ...splits]) assert.deepEqual(await failedWorkflowTasks(wf), [], `workflow tasks of ${wf} failed`);

    const plan = await ordo('plan', order.id);
    assert.equal(plan.code, 0, describeRun(plan));
    assert.match(plan.stdout, /refused manualTaskCompleted at .*: its payload cannot be decoded \(encoding "text\/plain"/);
    assert.match(plan.stdout, /refused updateAttributes from mallory at .*: the payload is not a valid updateAttributes message: attributes/);
    const status = await ordo('status', order.id);
    assert.match(status.stdout, /refused fulfillmentOrderProgress at .*: its payload cannot be decoded/);

    // The order still works: `ordo resume` before the pause waits is refused with the workflow's reason.
    const early = await ordo('resume', order.id, 'delivered', '--actor', 'carol');
    assert.equal(early.code, 1, describeRun(early));
    assert.match(early.stderr, /no pause step is waiting for "delivered" now/);
    assert.doesNotMatch(early.stderr, /Resumed|goes on/);
    assert.equal((await step(order.id, 'router-delivery.delivered'))?.state, 'Pending');

    await operator.completeTask(order.id, 'approve', 'carol', { approved: true });
    await eventually('delivered to wait for its signal', async () => ((await step(order.id, 'router-delivery.delivered'))?.state === 'InProgress' ? true : undefined));
    const resumed = await ordo('resume', order.id, 'delivered', '--actor', 'carol', '--json');
    assert.equal(resumed.code, 0, describeRun(resumed));
    assert.deepEqual(JSON.parse(resumed.stdout).waitingSteps, [`${SHIPPING}/router-delivery.delivered`]);
    const again = await ordo('resume', order.id, 'delivered', '--actor', 'carol');
    assert.equal(again.code, 1, describeRun(again));
    const lineItemId = (await h.client.getPlan(order.id)).plan!.fulfillmentOrders.find((fo) => fo.id === SERVICE)!.lineItems[0].id;
    const siteReady = await ordo('update', order.id, '--line-item', lineItemId, '--set', 'siteReady=true', '--actor', 'carol');
    assert.equal(siteReady.code, 0, describeRun(siteReady));

    const done = await h.client.waitForCompletion(order.id, { timeoutMs: 30_000 });
    assert.equal(done.state, 'completed');
    assert.equal(done.invoices.length, 1);
    for (const wf of [orderWf, ...splits]) assert.deepEqual(await failedWorkflowTasks(wf), [], `workflow tasks of ${wf} failed`);
  });

  it('`ordo update` answers with the workflow decision: attributes of the wrong type never reach it, a good one is accepted', async () => {
    const order = networkKit('update');
    await h.client.startOrder(order);
    started.push(order.id);
    await eventually('the site-ready pause to wait', async () => ((await h.client.getPlan(order.id)).fulfillmentOrders.some((fo) => fo.steps.some((s) => s.type === 'pause' && s.state === 'InProgress')) ? true : undefined));
    const lineItemId = (await h.client.getPlan(order.id)).plan!.fulfillmentOrders.find((fo) => fo.system === 'provisioning')!.lineItems[0].id;
    const tooLong = await ordo('update', order.id, '--line-item', lineItemId, '--set', `note=${'x'.repeat(2000)}`);
    assert.equal(tooLong.code, 1, describeRun(tooLong));
    assert.match(tooLong.stderr, /limit attributeValueChars/);
    const accepted = await ordo('update', order.id, '--line-item', lineItemId, '--set', 'siteReady=true', '--actor', 'carol', '--json');
    assert.equal(accepted.code, 0, describeRun(accepted));
    assert.deepEqual(JSON.parse(accepted.stdout).fulfillmentOrderIds, [SERVICE]);
  });
});
