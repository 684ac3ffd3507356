import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fleetOrder } from '../../bench/large-order';
import { loadCatalogFiles } from '../../config/catalog-files';
import { decompose } from '../../domain/decompose';
import type { Order } from '../../domain/order';
import { BOX, layoutKey, layoutSwimlanes } from '../../console/page/swimlane-layout';

/**
 * The swimlanes' layout (console/page/swimlane-layout.ts) as a pure function: lanes, columns by dependency rank,
 * no overlaps, and the time it takes for a 500-step split (100 fleet sensor kits), printed, not asserted.
 */
describe('order page: the swimlane layout', () => {
  const fleetCatalog = loadCatalogFiles([path.resolve(__dirname, '../../catalog/fleet.yaml')]);

  it('puts each step right of its dependencies, in its own workspace and group lane', () => {
    const layout = layoutSwimlanes([
      { id: 'approve', workspace: 'router', group: 'Approval', dependsOn: [] },
      { id: 'reserve', workspace: 'router', group: 'Shipping', dependsOn: [] },
      { id: 'ship', workspace: 'router', group: 'Shipping', dependsOn: ['approve', 'reserve'] },
      { id: 'delivered', workspace: 'router', group: 'Shipping', dependsOn: ['ship', 'not-in-this-split'] },
    ]);
    assert.deepEqual(layout.lanes.map((lane) => lane.group), ['Approval', 'Shipping']);
    const [approve, reserve, ship, delivered] = layout.steps;
    assert.equal(approve.lane, 0);
    assert.equal(reserve.lane, 1);
    assert.ok(ship.x > approve.x && ship.x > reserve.x);
    assert.ok(delivered.x > ship.x);
    assert.equal(layout.edges.length, 3, 'a dependency outside the split draws no edge');
    for (const step of layout.steps) {
      const lane = layout.lanes[step.lane];
      assert.ok(step.y >= lane.y && step.y + BOX.height <= lane.y + lane.height, `${step.id} inside its lane`);
    }
  });

  it('lays out a 500-step split (100 sensor kits) without overlaps, once per plan shape', () => {
    const plan = decompose(fleetOrder(100, 'FLEET-LAYOUT') as unknown as Order, fleetCatalog);
    const steps = plan.fulfillmentOrders.flatMap((fo) => fo.steps);
    assert.equal(steps.length, 500);
    const started = performance.now();
    const layout = layoutSwimlanes(steps);
    const ms = performance.now() - started;
    console.log(`      layout of ${steps.length} steps, ${layout.edges.length} edges: ${ms.toFixed(0)} ms (${layout.width}×${layout.height} px at 100%)`);
    const seen = new Set<string>();
    for (const step of layout.steps) {
      const cell = `${step.x},${step.y}`;
      assert.ok(!seen.has(cell), `two steps at ${cell}`);
      seen.add(cell);
    }
    const byId = new Map(layout.steps.map((s) => [s.id, s]));
    for (const step of steps) for (const dependency of step.dependsOn) assert.ok(byId.get(step.id)!.x > byId.get(dependency)!.x, `${step.id} right of ${dependency}`);
    const byWorkspace = layoutSwimlanes(steps, 'workspace');
    assert.equal(byWorkspace.lanes.length, 1, 'one lane: the sensor-rollout workspace');
    assert.equal(new Set(byWorkspace.steps.map((s) => s.y)).size, 100, 'a row per sensor kit');
    console.log(`      by workspace: ${byWorkspace.width}×${byWorkspace.height} px at 100%, against ${layout.lanes.length} group lanes ${layout.height} px tall`);
    // The key ignores states: a plan that only changed state keeps its layout.
    assert.equal(layoutKey(steps.map((s) => ({ ...s, state: 'Completed' }))), layoutKey(steps));
  });
});
