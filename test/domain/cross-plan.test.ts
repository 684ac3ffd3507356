import assert from 'node:assert/strict';
import { crossPlanRef, crossPlanWatchers, parseCrossPlanRef } from '../../domain/cross-plan';
import { decompose } from '../../domain/decompose';
import type { Plan } from '../../domain/plan';
import { InvalidInput } from '../../domain/problems';
import { catalogOf, item, orderOf } from './fixtures';

/** DESIGN.md "Decomposition" step 5: a step waits for a step of another fulfillment order of the same order. */

const step = (id: string, scope: string, dependsOn: string[] = [], type = 'milestone') => ({ id, type, scope, dependsOn });

/** Phones ship from a warehouse; their licences are activated by the provisioning system, after the phone ships. */
function phoneCatalog(activate: { scope: string; dependsOn: string[] } = { scope: 'lineItem', dependsOn: ['device-delivery.ship'] }, ship = { scope: 'lineItem' }) {
  return catalogOf({
    products: [{ code: 'PHONE-KIT', kind: 'bundle', components: ['PHONE', 'LICENCE'] }, { code: 'PHONE' }, { code: 'LICENCE' }, { code: 'ESIM' }],
    fulfillmentProducts: [
      { code: 'SHIP-PHONE', fulfilledBy: { locations: ['WH-EAST', 'WH-WEST'] } },
      { code: 'ACTIVATE-LICENCE', fulfilledBy: { system: 'provisioning' } },
    ],
    decompositionRules: [
      { id: 'phone', source: 'PHONE', destination: 'SHIP-PHONE' },
      { id: 'licence', source: 'LICENCE', destination: 'ACTIVATE-LICENCE' },
      // An eSIM is one item that both ships (its card) and is activated.
      { id: 'esim-card', source: 'ESIM', destination: 'SHIP-PHONE' },
      { id: 'esim-activation', source: 'ESIM', destination: 'ACTIVATE-LICENCE' },
    ],
    workspaces: [
      { id: 'device-delivery', groups: [{ name: 'Shipping', steps: [step('ship', ship.scope), step('shipped', 'plan', ['ship'])] }] },
      { id: 'licence-activation', groups: [{ name: 'Activation', steps: [step('activate', activate.scope, activate.dependsOn), step('notify', 'plan', ['activate'])] }] },
    ],
    scenarios: [
      { fulfillmentProduct: 'SHIP-PHONE', workspace: 'device-delivery' },
      { fulfillmentProduct: 'ACTIVATE-LICENCE', workspace: 'licence-activation' },
    ],
  });
}

const twoKits = orderOf(
  [
    item('K1', 'PHONE-KIT', 1, { deliveryGroupId: 'DG-1' }),
    item('P1', 'PHONE', 1, { parentItemId: 'K1' }),
    item('L1', 'LICENCE', 1, { parentItemId: 'K1' }),
    item('K2', 'PHONE-KIT', 1, { deliveryGroupId: 'DG-2' }),
    item('P2', 'PHONE', 1, { parentItemId: 'K2' }),
    item('L2', 'LICENCE', 1, { parentItemId: 'K2' }),
  ],
  { deliveryGroups: [{ id: 'DG-1' }, { id: 'DG-2' }] },
);

function dependsOn(plan: Plan, foId: string): Record<string, string[]> {
  const fo = plan.fulfillmentOrders.find((f) => f.id === foId);
  assert.ok(fo, `no ${foId} in ${plan.fulfillmentOrders.map((f) => f.id).join(', ')}`);
  return Object.fromEntries(fo.steps.map((s) => [s.id, s.dependsOn]));
}

describe('decompose: cross-plan dependencies', () => {
  it('a licence waits for the shipment of the phone of its own bundle, in the warehouse split', () => {
    const plan = decompose(twoKits, phoneCatalog());
    assert.deepEqual(plan.fulfillmentOrders.map((f) => f.id), ['FO-WH-EAST-DG-1', 'FO-provisioning', 'FO-WH-EAST-DG-2']);
    assert.deepEqual(dependsOn(plan, 'FO-provisioning'), {
      'licence-activation.activate[ACTIVATE-LICENCE:L1]': ['FO-WH-EAST-DG-1/device-delivery.ship[SHIP-PHONE:P1]'],
      'licence-activation.activate[ACTIVATE-LICENCE:L2]': ['FO-WH-EAST-DG-2/device-delivery.ship[SHIP-PHONE:P2]'],
      'licence-activation.notify': ['licence-activation.activate[ACTIVATE-LICENCE:L1]', 'licence-activation.activate[ACTIVATE-LICENCE:L2]'],
    });
    // The upstream splits do not change: they do not wait for anything of the licence's.
    assert.deepEqual(dependsOn(plan, 'FO-WH-EAST-DG-1'), { 'device-delivery.ship[SHIP-PHONE:P1]': [], 'device-delivery.shipped': ['device-delivery.ship[SHIP-PHONE:P1]'] });
  });

  it('one item that ships and is activated: the activation waits for the same item', () => {
    const order = orderOf([item('E1', 'ESIM'), item('E2', 'ESIM')], { deliveryGroups: [{ id: 'DG-1' }] });
    const plan = decompose(order, phoneCatalog());
    assert.deepEqual(dependsOn(plan, 'FO-provisioning')['licence-activation.activate[ACTIVATE-LICENCE:E2]'], ['FO-WH-EAST-DG-1/device-delivery.ship[SHIP-PHONE:E2]']);
  });

  it('a bundle-scope shipment is joined by bundle; a plan-scope waiter waits for every instance', () => {
    const byBundle = decompose(twoKits, phoneCatalog(undefined, { scope: 'bundle' }));
    assert.deepEqual(dependsOn(byBundle, 'FO-provisioning')['licence-activation.activate[ACTIVATE-LICENCE:L2]'], ['FO-WH-EAST-DG-2/device-delivery.ship[K2]']);
    const planWide = decompose(twoKits, phoneCatalog({ scope: 'plan', dependsOn: ['device-delivery.shipped'] }));
    assert.deepEqual(dependsOn(planWide, 'FO-provisioning')['licence-activation.activate'], ['FO-WH-EAST-DG-1/device-delivery.shipped', 'FO-WH-EAST-DG-2/device-delivery.shipped']);
    // A licence-scope waiter on a plan-scope step: the split that holds its bundle.
    const perLicence = decompose(twoKits, phoneCatalog({ scope: 'lineItem', dependsOn: ['device-delivery.shipped'] }));
    assert.deepEqual(dependsOn(perLicence, 'FO-provisioning')['licence-activation.activate[ACTIVATE-LICENCE:L1]'], ['FO-WH-EAST-DG-1/device-delivery.shipped']);
  });

  it('items that share neither item nor bundle: every instance of the other split, as a plan step would', () => {
    const order = orderOf([item('P1', 'PHONE'), item('L1', 'LICENCE')], { deliveryGroups: [{ id: 'DG-1' }] });
    const plan = decompose(order, phoneCatalog());
    assert.deepEqual(dependsOn(plan, 'FO-provisioning')['licence-activation.activate[ACTIVATE-LICENCE:L1]'], ['FO-WH-EAST-DG-1/device-delivery.ship[SHIP-PHONE:P1]']);
  });

  it('a workspace in no split of the order is dropped, as before', () => {
    const plan = decompose(orderOf([item('L1', 'LICENCE')]), phoneCatalog());
    assert.deepEqual(dependsOn(plan, 'FO-provisioning')['licence-activation.activate[ACTIVATE-LICENCE:L1]'], []);
  });

  it('refuses a cycle that runs across plans, naming it', () => {
    const catalog = phoneCatalog();
    catalog.workspaces[0].groups[0].steps[0].dependsOn = ['licence-activation.notify'];
    assert.throws(
      () => decompose(twoKits, catalog),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInput);
        assert.match(error.problems[0].message, /dependency cycle across fulfillment orders/);
        assert.match(error.problems[0].message, /FO-provisioning\/licence-activation\.notify/);
        return true;
      },
    );
  });

  it('names refs and lists, per split, the steps others wait for', () => {
    assert.equal(crossPlanRef('FO-A', 'w.s[X:1]'), 'FO-A/w.s[X:1]');
    assert.deepEqual(parseCrossPlanRef('FO-A/w.s[X:1]'), { fulfillmentOrderId: 'FO-A', stepId: 'w.s[X:1]' });
    assert.equal(parseCrossPlanRef('w.s[X:1]'), undefined);
    const watched = crossPlanWatchers(decompose(twoKits, phoneCatalog()).fulfillmentOrders);
    assert.deepEqual([...watched].map(([fo, steps]) => [fo, [...steps]]), [
      ['FO-WH-EAST-DG-1', ['device-delivery.ship[SHIP-PHONE:P1]']],
      ['FO-WH-EAST-DG-2', ['device-delivery.ship[SHIP-PHONE:P2]']],
    ]);
  });
});
