import assert from 'node:assert/strict';
import { formatDecomposition, formatPlanView } from '../../client/cli/format';
import { awaitedBy, describeUpstream, upstreamStep, upstreamSteps } from '../../client/cross-plan-view';
import { parseCrossPlanRef } from '../../domain/cross-plan';
import type { Plan } from '../../domain/plan';
import type { FulfillmentOrderPlan, StepStatus } from '../../workflows/types';

/**
 * `ordo plan` and `ordo decompose` show a cross-plan dependency (DESIGN.md "Decomposition" step 5, `FO-ID/step-id`
 * in `dependsOn`) as a wait on another split, with the upstream step's state when the live plan knows it; from
 * hand-built plans of a licence activation waiting for a device shipment in a warehouse split.
 */

const SHIP = 'device-delivery.ship[SHIP-DEVICE:OI-2]';
const CROSS = `FO-WH-EAST-DG-1/${SHIP}`;
const base = { group: 'Main', type: 'callout', scope: 'lineItem', pointOfNoReturn: false, attempts: 0, jeopardy: 'none' } as const satisfies Partial<StepStatus>;

function split(fulfillmentOrderId: string, steps: StepStatus[], state: FulfillmentOrderPlan['state'] = 'inProgress'): FulfillmentOrderPlan {
  return { orderId: 'ORD-1', fulfillmentOrderId, state, counts: { total: steps.length, completed: 0, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 }, steps, ...(fulfillmentOrderId.startsWith('FO-WH') ? { location: 'WH-EAST', deliveryGroupId: 'DG-1' } : { system: 'activation' }) };
}
const warehouse = (state: StepStatus['state']) =>
  split('FO-WH-EAST-DG-1', [{ ...base, lineItemIds: [], id: SHIP, definition: 'device-delivery.ship', workspace: 'device-delivery', dependsOn: [], state }]);
const activation = split('FO-activation', [
  { ...base, lineItemIds: [], id: 'licence.prepare[L:OI-3]', definition: 'licence.prepare', workspace: 'licence', dependsOn: [], state: 'Completed' },
  { ...base, lineItemIds: [], id: 'licence.activate[L:OI-3]', definition: 'licence.activate', workspace: 'licence', dependsOn: ['licence.prepare[L:OI-3]', CROSS], state: 'Pending' },
]);
const line = (text: string, id: string) => text.split('\n').find((l) => l.includes(` ${id} `)) ?? assert.fail(`no line for ${id} in\n${text}`);

describe('ordo plan and decompose, human output: dependencies across plans', () => {
  it('parses FO-ID/step-id entries and leaves same-plan entries alone', () => {
    assert.deepEqual(parseCrossPlanRef(CROSS), { fulfillmentOrderId: 'FO-WH-EAST-DG-1', stepId: SHIP });
    assert.equal(parseCrossPlanRef('licence.prepare[L:OI-3]'), undefined);
  });

  it('finds the upstream step and its state, in a part of a partitioned split, or says it is missing', () => {
    const splits = [{ id: 'FO-WH-EAST-DG-1', steps: [{ id: SHIP, state: 'InProgress' }] }];
    assert.deepEqual(upstreamStep(CROSS, splits), { fulfillmentOrderId: 'FO-WH-EAST-DG-1', stepId: SHIP, ref: CROSS, splitId: 'FO-WH-EAST-DG-1', state: 'InProgress' });
    const parts = [{ id: 'FO-WH-EAST-DG-1-P1', steps: [] }, { id: 'FO-WH-EAST-DG-1-P2', steps: [{ id: SHIP, state: 'Completed' }] }];
    assert.equal(describeUpstream(upstreamStep(CROSS, parts)!), `FO-WH-EAST-DG-1-P2/${SHIP} (Completed)`);
    assert.equal(describeUpstream(upstreamStep(CROSS, [{ id: 'FO-WH-EAST-DG-1', steps: [{ id: SHIP }] }])!), `${CROSS} (not started)`);
    assert.equal(describeUpstream(upstreamStep(CROSS, [])!), `${CROSS} (no such split in the order)`);
    assert.deepEqual(upstreamSteps(activation.steps, splits).map((u) => u.ref), [CROSS], 'once per entry, same-plan entries left out');
    assert.deepEqual(awaitedBy([{ id: 'FO-activation', steps: activation.steps }, { id: 'FO-other', steps: activation.steps }, { ...splits[0], steps: [{ ...splits[0].steps[0], dependsOn: [] }] }]), new Map([[`FO-WH-EAST-DG-1/${SHIP}`, ['FO-activation', 'FO-other']]]));
  });

  it('prints a waiting step’s own dependencies, then what it waits for in another split and how far that is', () => {
    const shipping = formatPlanView({ orderId: 'ORD-1', state: 'inProgress', fulfillmentOrders: [activation, warehouse('InProgress')] });
    assert.match(line(shipping, 'licence.activate[L:OI-3]'), new RegExp(`Pending +after licence\\.prepare\\[L:OI-3\\]; waits for ${escape(CROSS)} \\(InProgress\\)$`));
    assert.match(line(shipping, SHIP), /InProgress +FO-activation waits for it$/, 'the other end says who waits for it');
    const shipped = formatPlanView({ orderId: 'ORD-1', state: 'inProgress', fulfillmentOrders: [activation, warehouse('Completed')] });
    assert.match(line(shipped, 'licence.activate[L:OI-3]'), new RegExp(`waits for ${escape(CROSS)} \\(Completed\\)$`));
    // The warehouse split has not started: the decomposition knows it, the live plan does not yet.
    const decomposition = { fulfillmentOrders: [{ id: 'FO-WH-EAST-DG-1', steps: [{ id: SHIP, dependsOn: [] }] }] } as unknown as Plan;
    const early = formatPlanView({ orderId: 'ORD-1', state: 'inProgress', plan: decomposition, fulfillmentOrders: [activation] });
    assert.match(line(early, 'licence.activate[L:OI-3]'), new RegExp(`waits for ${escape(CROSS)} \\(not started\\)$`));
  });

  it('prints the decomposition’s cross-plan dependency as one on another split', () => {
    const plan = {
      orderId: 'ORD-1',
      fulfillmentOrders: [
        { id: 'FO-activation', system: 'activation', lineItems: [], steps: activation.steps.map((s) => ({ ...s, scope: 'lineItem' })) },
      ],
      accountLineItems: [],
      unfulfilledItems: [],
    } as unknown as Plan;
    assert.match(line(formatDecomposition(plan), 'licence.activate[L:OI-3]'), new RegExp(`after licence\\.prepare\\[L:OI-3\\]; waits for ${escape(CROSS)} \\(another split\\)$`));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
