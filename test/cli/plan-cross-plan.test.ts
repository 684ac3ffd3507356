import assert from 'node:assert/strict';
import * as path from 'node:path';
import { OrdoOperator } from '../../client/operator';
import type { OrdoClient } from '../../client/ordo-client';
import type { OrderPlanView } from '../../workflows/types';
import { eventually } from '../e2e/eventually';
import { getHarness, type Harness } from '../e2e/harness';
import { cleanEnv, describeRun, jsonOf, ordo } from './run-ordo';
import { routerKitOrder } from '../fixtures/cross-plan-order';

/**
 * `bin/ordo plan` on the real stack (catalog test/fixtures/cross-plan.yaml, its own lane): the licence activation
 * of the provisioning split says it waits for its router's shipment in the warehouse split, and how far that is,
 * before and after the router ships; `--json` keeps the entry as the plan has it (`FO-ID/step-id` in `dependsOn`).
 */

const CATALOG = path.resolve(__dirname, '../fixtures/cross-plan.yaml');
const QUEUE = 'ordo-cli-cross-plan';
const SHIP = 'FO-WH-EAST-DG-1/router-delivery.ship[SHIP-ROUTER:R1]';
const ACTIVATE = 'firewall-activation.activate[ACTIVATE-FIREWALL:L1]';

describe('ordo plan: a dependency on a step of another split (real dev server)', function () {
  this.timeout(120_000);
  let h: Harness;
  let lane: OrdoClient;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    lane = await h.startLane({ taskQueue: QUEUE, catalogFiles: [CATALOG], config: { queues: { 'warehouse-desk': { members: ['wendy'], assignment: 'none' } } } });
  });

  const plan = (...args: string[]) => ordo(['plan', ...args], { env: cleanEnv({ TEMPORAL_ADDRESS: h.env.address, TEMPORAL_NAMESPACE: h.config.temporal.namespace, ORDO_TASK_QUEUE: QUEUE }) });
  const activateLine = (stdout: string) => stdout.split('\n').find((line) => line.includes(` ${ACTIVATE} `)) ?? assert.fail(`no line for ${ACTIVATE}:\n${stdout}`);

  it('prints what the licence waits for in the warehouse split and that step’s state, as it moves on', async () => {
    const order = routerKitOrder(`CLI-XPLAN-${process.pid}`);
    await lane.startOrder(order);
    await eventually('the router waits to be packed', async () => ((await lane.getPlan(order.id)).fulfillmentOrders.some((fo) => fo.steps.some((s) => s.definition === 'router-delivery.pack' && s.state === 'InProgress')) ? true : undefined));

    const waiting = await plan(order.id);
    assert.equal(waiting.code, 0, describeRun(waiting));
    assert.ok(activateLine(waiting.stdout).endsWith(`Pending       waits for ${SHIP} (Pending)`), activateLine(waiting.stdout));
    const shipLine = waiting.stdout.split('\n').find((line) => line.includes(' router-delivery.ship[SHIP-ROUTER:R1] '));
    assert.match(shipLine ?? '', /Pending +after router-delivery\.pack\[SHIP-ROUTER:R1\]; FO-provisioning waits for it$/, 'the other end says who waits for it');
    const json = jsonOf<OrderPlanView>(await plan(order.id, '--json'));
    assert.deepEqual(json.fulfillmentOrders.flatMap((fo) => fo.steps).find((s) => s.id === ACTIVATE)?.dependsOn, [SHIP], '--json keeps the plan’s entry');

    await new OrdoOperator(lane).completeTask(order.id, 'router-delivery.pack[SHIP-ROUTER:R1]', 'wendy');
    await lane.waitForCompletion(order.id, { timeoutMs: 60_000 });
    const done = await plan(order.id);
    assert.match(activateLine(done.stdout), new RegExp(`Completed +waits for ${SHIP.replace(/[.[\]]/g, '\\$&')} \\(Completed\\)$`));
  });
});
