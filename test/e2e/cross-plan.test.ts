import assert from 'node:assert/strict';
import * as path from 'node:path';
import { amendOrder, cancelOrder } from '../../client/changes';
import { OrdoOperator } from '../../client/operator';
import type { OrdoClient } from '../../client/ordo-client';
import { routerKit, routerKitOrder } from '../fixtures/cross-plan-order';
import { fulfillmentOrderWorkflowId } from '../../workflows/ids';
import type { OrderSummary, StepStatus } from '../../workflows/types';
import { eventually } from './eventually';
import { getHarness, simulatorGet, type Harness } from './harness';

/**
 * Cross-plan dependencies on the real dev server (catalog test/fixtures/cross-plan.yaml, its own lane): a firewall
 * licence, activated by the provisioning split, waits for its router's shipment in the warehouse split, relayed by
 * the order; a split that is gone releases its waiters; an amendment's new kit is joined the same way.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/cross-plan.yaml');
const QUEUE = 'ordo-cross-plan';
const WAREHOUSE = 'FO-WH-EAST-DG-1';
let serial = 0;

const orderOf = (kits: number[]) => routerKitOrder(`XPLAN-${process.pid}-${++serial}`, kits);

describe('cross-plan dependencies (real Temporal dev server, cross-plan catalog lane)', function () {
  this.timeout(180_000);
  let h: Harness;
  let lane: OrdoClient;
  let operator: OrdoOperator;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await h.startLane({ taskQueue: QUEUE, catalogFiles: [CATALOG], config: { queues: { 'warehouse-desk': { members: ['wendy'], assignment: 'none' } } } });
    operator = new OrdoOperator(lane);
  });

  const steps = async (orderId: string): Promise<Map<string, StepStatus>> =>
    new Map((await lane.getPlan(orderId)).fulfillmentOrders.flatMap((fo) => fo.steps.map((s) => [`${fo.fulfillmentOrderId}/${s.id}`, s] as const)));
  const stateOf = async (orderId: string, ref: string) => (await steps(orderId)).get(ref)?.state;
  const activations = async (orderId: string) => (await simulatorGet<{ calls: Array<{ at: string; body: { lineItems?: Array<{ id: string }> } }> }>(h, `/provisioning/calls?orderId=${orderId}`)).calls;
  const shipments = async (orderId: string) => (await simulatorGet<{ calls: Array<{ at: string }> }>(h, `/shipping/calls?orderId=${orderId}`)).calls;

  it("a licence is activated only after its own router has shipped from the other split, and the order bills once", async () => {
    const order = orderOf([1, 2]);
    await lane.startOrder(order);
    const activate1 = 'FO-provisioning/firewall-activation.activate[ACTIVATE-FIREWALL:L1]';
    const activate2 = 'FO-provisioning/firewall-activation.activate[ACTIVATE-FIREWALL:L2]';
    await eventually('both routers wait to be packed', async () => (await stateOf(order.id, `${WAREHOUSE}/router-delivery.pack[SHIP-ROUTER:R2]`)) === 'InProgress' ? true : undefined);
    const plan = await steps(order.id);
    assert.deepEqual(plan.get(activate1)?.dependsOn, [`${WAREHOUSE}/router-delivery.ship[SHIP-ROUTER:R1]`]);
    assert.equal(plan.get(activate1)?.state, 'Pending', 'the licence waits while its router is not shipped');
    assert.deepEqual(await activations(order.id), []);

    // The relay's signals are internal: forged ones (anyone with the Web UI can signal) release nothing.
    const ship2 = `${WAREHOUSE}/router-delivery.ship[SHIP-ROUTER:R2]`;
    await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(order.id, 'FO-provisioning')).signal('upstreamStepFinished', { ref: ship2, state: 'Shipped', at: 'now' });
    await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(order.id, 'FO-provisioning')).signal('upstreamStepFinished', { ref: 'FO-X/nothing', state: 'Completed', at: 'now' });
    await h.env.client.workflow.getHandle(`order-${order.id}`).signal('crossPlanStepFinished', { fulfillmentOrderId: WAREHOUSE, stepId: 'router-delivery.pack[SHIP-ROUTER:R2]', state: 'Completed', at: 'now' });
    await eventually('the forged signals refused', async () => ((await lane.getSummary(order.id)).rejectedMessages?.some((m) => m.message === 'crossPlanStepFinished') ? true : undefined));
    const provisioningPlan = (await lane.getPlan(order.id)).fulfillmentOrders.find((fo) => fo.fulfillmentOrderId === 'FO-provisioning')!;
    assert.equal(provisioningPlan.rejectedMessages?.filter((m) => m.message === 'upstreamStepFinished').length, 2);

    await operator.completeTask(order.id, `${WAREHOUSE}/router-delivery.pack[SHIP-ROUTER:R1]`, 'wendy');
    await eventually('licence 1 to be activated', async () => (await stateOf(order.id, activate1)) === 'Completed' ? true : undefined);
    assert.equal(await stateOf(order.id, activate2), 'Pending', "licence 2 still waits: its router is not packed");
    // The simulators log a call once they have answered it: wait for both entries.
    const [shipped] = await eventually('the shipment logged', async () => ((await shipments(order.id)).length ? shipments(order.id) : undefined));
    const [activated] = await eventually('the activation logged', async () => ((await activations(order.id)).length ? activations(order.id) : undefined));
    assert.ok(shipped.at <= activated.at, `shipped ${shipped.at}, activated ${activated.at}`);

    await operator.completeTask(order.id, `${WAREHOUSE}/router-delivery.pack[SHIP-ROUTER:R2]`, 'wendy');
    const summary = await lane.waitForCompletion(order.id, { timeoutMs: 60_000 });
    assert.equal(summary.state, 'completed', summary.reason);
    assert.equal(summary.invoices.length, 1);
    await eventually('both activations logged', async () => ((await activations(order.id)).length === 2 ? true : undefined));
  });

  it('an amendment adds a kit: its licence waits for its own new router', async () => {
    const order = orderOf([1]);
    await lane.startOrder(order);
    await eventually('the router waits to be packed', async () => (await stateOf(order.id, `${WAREHOUSE}/router-delivery.pack[SHIP-ROUTER:R1]`)) === 'InProgress' ? true : undefined);
    // The order takes amendments once all its splits have started ("still being planned" until then): eventually retries.
    await eventually('the amendment accepted', () => amendOrder(lane, order.id, { actor: 'sales', actions: routerKit(3).map((item) => ({ type: 'Add' as const, item })) }));
    const activate3 = 'FO-provisioning/firewall-activation.activate[ACTIVATE-FIREWALL:L3]';
    await eventually('the new kit is planned', async () => (await stateOf(order.id, `${WAREHOUSE}/router-delivery.pack[SHIP-ROUTER:R3]`)) === 'InProgress' ? true : undefined);
    assert.deepEqual((await steps(order.id)).get(activate3)?.dependsOn, [`${WAREHOUSE}/router-delivery.ship[SHIP-ROUTER:R3]`]);

    await operator.completeTask(order.id, `${WAREHOUSE}/router-delivery.pack[SHIP-ROUTER:R1]`, 'wendy');
    await eventually('licence 1 to be activated', async () => (await stateOf(order.id, 'FO-provisioning/firewall-activation.activate[ACTIVATE-FIREWALL:L1]')) === 'Completed' ? true : undefined);
    assert.equal(await stateOf(order.id, activate3), 'Pending');
    await operator.completeTask(order.id, `${WAREHOUSE}/router-delivery.pack[SHIP-ROUTER:R3]`, 'wendy');
    assert.equal((await lane.waitForCompletion(order.id, { timeoutMs: 60_000 })).state, 'completed');
  });

  it('a split that is gone releases the steps that wait for it: they are cancelled and the order fails, not stuck', async () => {
    const order = orderOf([1]);
    await lane.startOrder(order);
    await eventually('the router waits to be packed', async () => (await stateOf(order.id, `${WAREHOUSE}/router-delivery.pack[SHIP-ROUTER:R1]`)) === 'InProgress' ? true : undefined);
    const split = (await lane.getSummary(order.id)).fulfillmentOrders.find((fo) => fo.id === WAREHOUSE)!;
    await h.env.client.workflow.getHandle(split.workflowId).terminate('the warehouse system was decommissioned');
    const summary: OrderSummary = await lane.waitForCompletion(order.id, { timeoutMs: 60_000 });
    assert.equal(summary.state, 'failed');
    const provisioning = await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(order.id, 'FO-provisioning')).result();
    assert.equal(provisioning.steps.find((s: StepStatus) => s.definition === 'firewall-activation.activate')?.state, 'Cancelled');
    assert.deepEqual(await activations(order.id), []);
  });

  it('a cancelled order stops the waiting licence with everything else: cancelled, nothing activated', async () => {
    const order = orderOf([1]);
    await lane.startOrder(order);
    await eventually('the router waits to be packed', async () => (await stateOf(order.id, `${WAREHOUSE}/router-delivery.pack[SHIP-ROUTER:R1]`)) === 'InProgress' ? true : undefined);
    await cancelOrder(lane, order.id, { reason: 'customer changed their mind', actor: 'sales' });
    const summary = await lane.waitForCompletion(order.id, { timeoutMs: 60_000 });
    assert.equal(summary.state, 'cancelled');
    const provisioning = await h.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(order.id, 'FO-provisioning')).result();
    assert.equal(provisioning.steps.find((s: StepStatus) => s.definition === 'firewall-activation.activate')?.state, 'Cancelled');
    assert.deepEqual(await activations(order.id), []);
  });
});
