import assert from 'node:assert/strict';
import { withUpstream } from '../../console/order-view';
import type { SplitView, StepView } from '../../console/page/order-types';
import { BOX, layoutKey, layoutSwimlanes, type LayoutStep } from '../../console/page/swimlane-layout';
import { stubTarget, upstreamStubs } from '../../console/page/upstream-stubs';

/**
 * Cross-plan dependencies on the order page (DESIGN.md "Decomposition" step 5): a `FO-ID/step-id` entry never breaks
 * the swimlane layout, the server gives each waiting split the upstream steps with their state, and the page draws
 * them as stubs in lanes of their own with an edge to the steps that wait; from hand-built plans.
 */

const SHIP = 'device-delivery.ship[SHIP-DEVICE:OI-2]';
const CROSS = `FO-WH-EAST-DG-1/${SHIP}`;
const label = (id: string) => id.replace(/\[.*\]$/, '');

const licence: LayoutStep[] = [
  { id: 'licence.prepare[L:OI-3]', workspace: 'licence', group: 'Main', dependsOn: [] },
  { id: 'licence.activate[L:OI-3]', workspace: 'licence', group: 'Main', dependsOn: ['licence.prepare[L:OI-3]', CROSS] },
];

function step(id: string, dependsOn: string[], state: StepView['state'] = 'Pending'): StepView {
  return { id, definition: label(id), workspace: id.slice(0, id.indexOf('.')), group: 'Main', type: 'callout', scope: 'lineItem', lineItemIds: [], dependsOn, pointOfNoReturn: false, state, attempts: 0, jeopardy: 'none' };
}
function split(id: string, steps: StepView[]): SplitView {
  return { id, workflowId: `order-ORD-1/${id}`, webUiUrl: '', state: 'inProgress', counts: { total: steps.length, completed: 0, inProgress: 0, fatallyFailed: 0, inJeopardy: 0 }, steps };
}

describe('order page: dependencies across plans', () => {
  it('lays out a plan whose dependsOn names another split’s step, with no stub, as if the entry were not there', () => {
    const layout = layoutSwimlanes(licence);
    assert.equal(layout.steps.length, 2);
    assert.deepEqual(layout.edges, [[0, 1]], 'only the same-plan edge');
    assert.ok(layout.steps[1].x > layout.steps[0].x);
  });

  it('draws a stub in a lane of the other split, above the plan’s, left of the step that waits, with the edge between', () => {
    const stubs = upstreamStubs([{ ref: CROSS, fulfillmentOrderId: 'FO-WH-EAST-DG-1', stepId: SHIP, splitId: 'FO-WH-EAST-DG-1', state: 'InProgress' }], label);
    assert.deepEqual(stubs, [{ id: CROSS, label: '⇢ device-delivery.ship', workspace: 'FO-WH-EAST-DG-1', dependsOn: [], stub: true, state: 'InProgress' }]);
    for (const mode of ['group', 'workspace'] as const) {
      const layout = layoutSwimlanes([...licence, ...stubs], mode);
      assert.equal(layout.lanes.length, 2, mode);
      assert.deepEqual(layout.lanes[0], { workspace: 'FO-WH-EAST-DG-1', stub: true, y: 0, height: layout.lanes[0].height }, 'the stub lane comes first, even after the steps');
      const [prepare, activate, ship] = layout.steps;
      assert.equal(ship.stub, true);
      assert.equal(ship.lane, 0);
      assert.ok(prepare.lane === 1 && activate.lane === 1);
      assert.ok(activate.x > ship.x, 'the waiting step is right of the step it waits for');
      assert.deepEqual(layout.edges.sort(), [[0, 1], [2, 1]]);
      assert.ok(ship.y + BOX.height <= layout.lanes[1].y, 'the stub does not overlap the plan’s lane');
    }
    // A stub lane never merges with a workspace that happens to share the split's name.
    const clash = layoutSwimlanes([{ id: 'x', workspace: 'FO-WH-EAST-DG-1', dependsOn: [CROSS] }, ...stubs], 'workspace');
    assert.equal(clash.lanes.length, 2);
    assert.notEqual(layoutKey(licence), layoutKey([...stubs, ...licence]), 'a stub is part of the layout’s identity');
  });

  it('gives each waiting split its upstream steps and their state; a stub leads to the split that holds it', () => {
    const splits = [
      split('FO-activation', [step('licence.prepare[L:OI-3]', [], 'Completed'), step('licence.activate[L:OI-3]', ['licence.prepare[L:OI-3]', CROSS, 'FO-gone/x.y'])]),
      split('FO-WH-EAST-DG-1', [step(SHIP, [], 'Completed')]),
    ];
    withUpstream(splits);
    assert.deepEqual(splits[0].upstream, [
      { ref: CROSS, fulfillmentOrderId: 'FO-WH-EAST-DG-1', stepId: SHIP, splitId: 'FO-WH-EAST-DG-1', state: 'Completed' },
      { ref: 'FO-gone/x.y', fulfillmentOrderId: 'FO-gone', stepId: 'x.y' },
    ]);
    assert.equal(splits[1].upstream, undefined, 'a split that waits for nothing has no upstream field');
    assert.deepEqual(splits[1].awaitedBy, { [SHIP]: ['FO-activation'] }, 'the other side knows who waits for its step');
    assert.equal(splits[0].awaitedBy, undefined);
    const stubs = upstreamStubs(splits[0].upstream, label);
    assert.equal(stubs[1].state, undefined, 'a gone split’s stub has no state (grey)');
    assert.deepEqual(stubTarget(stubs[0], splits[0].upstream), { splitId: 'FO-WH-EAST-DG-1', stepId: SHIP });
    assert.equal(stubTarget(stubs[1], splits[0].upstream), undefined, 'nowhere to go');
    assert.equal(stubTarget({ id: 'licence.prepare[L:OI-3]' }, splits[0].upstream), undefined);
    // Drawn with the gone split's stub too: nothing breaks, both edges are there.
    const layout = layoutSwimlanes([...stubs, ...splits[0].steps]);
    assert.equal(layout.edges.length, 3);
  });
});
