import assert from 'node:assert/strict';
import { fleetOrder, largeOrder } from '../../bench/large-order';
import { decompose, DEFAULT_MAX_STEPS_PER_FULFILLMENT_ORDER } from '../../domain/decompose';
import type { FulfillmentOrder, Plan } from '../../domain/plan';
import { buildFulfillmentPlan, PlanStepCounter } from '../../domain/plan-build';
import { InvalidInput } from '../../domain/problems';
import { validateOrder } from '../../domain/validate-order';
import { catalogOf, exampleOrder, item, orderOf, referenceCatalog } from './fixtures';

/**
 * Large fulfillment orders are partitioned (docs/decomposition.md): a split whose plan has more than
 * maxStepsPerFulfillmentOrder steps becomes parts `<id>-P<n>`, each an ordinary split with its own plan.
 */

/**
 * One digital split (FO-svc): a widget is a line item with two chained lineItem steps, and the workspace has one
 * plan-scope step after them, so n widgets plan 2n + 1 steps. KIT is a bundle of widgets.
 */
const catalog = catalogOf({
  products: [
    { code: 'WIDGET' },
    { code: 'KIT', kind: 'bundle', components: ['WIDGET'] },
    { code: 'HUB' },
    { code: 'TENANT' },
  ],
  fulfillmentProducts: [
    { code: 'DO-WIDGET', fulfilledBy: { system: 'svc' } },
    { code: 'DO-HUB', fulfilledBy: { system: 'svc' } },
    { code: 'DO-TENANT', fulfilledBy: { system: 'svc' } },
  ],
  decompositionRules: [
    { id: 'widget', source: 'WIDGET', destination: 'DO-WIDGET', scope: 'lineItem' },
    { id: 'hub', source: 'HUB', destination: 'DO-HUB', scope: 'order' },
    { id: 'tenant', source: 'TENANT', destination: 'DO-TENANT', scope: 'account' },
  ],
  workspaces: [
    {
      id: 'w',
      groups: [
        {
          name: 'Main',
          steps: [
            { id: 'a', type: 'milestone', scope: 'lineItem' },
            { id: 'b', type: 'milestone', scope: 'lineItem', dependsOn: ['a'] },
            { id: 'done', type: 'milestone', dependsOn: ['b'] },
          ],
        },
      ],
    },
    { id: 'hub', groups: [{ name: 'Main', steps: [{ id: 'set-up', type: 'milestone', scope: 'bundle', dependsOn: ['w.a'] }] }] },
    {
      id: 'tenant',
      groups: [{ name: 'Main', steps: [{ id: 't1', type: 'milestone' }, { id: 't2', type: 'milestone', dependsOn: ['t1'] }, { id: 't3', type: 'milestone', dependsOn: ['t2'] }] }],
    },
  ],
  scenarios: [
    { fulfillmentProduct: 'DO-WIDGET', workspace: 'w' },
    { fulfillmentProduct: 'DO-HUB', workspace: 'hub' },
    { fulfillmentProduct: 'DO-TENANT', workspace: 'tenant' },
  ],
});

const widgets = (n: number, from = 1) => Array.from({ length: n }, (_, i) => item(`W${from + i}`, 'WIDGET'));
/** A KIT item `id` and its `size` widget components `<id>-1` …. */
const kit = (id: string, size: number) => [item(id, 'KIT'), ...Array.from({ length: size }, (_, i) => item(`${id}-${i + 1}`, 'WIDGET', 1, { parentItemId: id }))];

const ids = (plan: Plan) => plan.fulfillmentOrders.map((fo) => fo.id);
const stepCounts = (plan: Plan) => plan.fulfillmentOrders.map((fo) => fo.steps.length);
const lineItemsOf = (fo: FulfillmentOrder) => fo.lineItems.map((li) => li.sourceItemIds[0]);

/** A part's steps refer only to its own steps and line items. */
function assertSelfContained(fo: FulfillmentOrder): void {
  const stepIds = new Set(fo.steps.map((s) => s.id));
  const lineItemIds = new Set(fo.lineItems.map((li) => li.id));
  assert.equal(stepIds.size, fo.steps.length, `${fo.id}: step ids are unique`);
  for (const step of fo.steps) {
    for (const dependency of step.dependsOn) assert.ok(stepIds.has(dependency), `${fo.id}: ${step.id} waits for ${dependency}, which is not in the part`);
    for (const lineItemId of step.lineItemIds) assert.ok(lineItemIds.has(lineItemId), `${fo.id}: ${step.id} names line item ${lineItemId}, which is not in the part`);
    assert.ok(step.definition in fo.definitions, `${fo.id}: ${step.definition} has its definition`);
  }
}

describe('decompose: large fulfillment orders are partitioned', () => {
  it('kicks in above the limit, not at or below it', () => {
    const atLimit = decompose(orderOf(widgets(4)), catalog, undefined, { maxStepsPerFulfillmentOrder: 9 });
    assert.deepEqual(ids(atLimit), ['FO-svc']);
    assert.deepEqual(stepCounts(atLimit), [9]);
    assert.equal(atLimit.fulfillmentOrders[0].partOf, undefined);
    assert.deepEqual(ids(decompose(orderOf(widgets(4)), catalog, undefined, { maxStepsPerFulfillmentOrder: 10 })), ['FO-svc']);

    const above = decompose(orderOf(widgets(5)), catalog, undefined, { maxStepsPerFulfillmentOrder: 9 });
    assert.deepEqual(ids(above), ['FO-svc-P1', 'FO-svc-P2']);
    // The plan-scope step `done` is once per part: 4 widgets (8 + 1), then 1 widget (2 + 1).
    assert.deepEqual(stepCounts(above), [9, 3]);
    assert.deepEqual(above.fulfillmentOrders.map(lineItemsOf), [['W1', 'W2', 'W3', 'W4'], ['W5']]);
    assert.deepEqual(above.fulfillmentOrders.map((fo) => fo.partOf), [
      { id: 'FO-svc', part: 1, parts: 2 },
      { id: 'FO-svc', part: 2, parts: 2 },
    ]);
    assert.deepEqual(above.fulfillmentOrders.map((fo) => fo.system), ['svc', 'svc']);
  });

  it(`defaults to ${DEFAULT_MAX_STEPS_PER_FULFILLMENT_ORDER} steps`, () => {
    assert.equal(DEFAULT_MAX_STEPS_PER_FULFILLMENT_ORDER, 500);
    assert.deepEqual(stepCounts(decompose(orderOf(widgets(249)), catalog)), [499]);
    assert.deepEqual(stepCounts(decompose(orderOf(widgets(250)), catalog)), [499, 3]);
  });

  it('leaves orders under the limit exactly as before: same ids, same plans, no partOf', () => {
    const reference = referenceCatalog();
    for (const name of ['laptop-bundle.json', 'mixed.json', 'saas-suite.json', 'network-kit.json']) {
      const order = exampleOrder(name);
      const plan = decompose(order, reference);
      assert.equal(JSON.stringify(plan), JSON.stringify(decompose(order, reference, undefined, { maxStepsPerFulfillmentOrder: 1_000_000 })), name);
      assert.ok(plan.fulfillmentOrders.every((fo) => fo.partOf === undefined && !/-P\d+$/.test(fo.id)), name);
    }
  });

  it("never lets a bundle's line items straddle parts, and keeps the line items' order", () => {
    // Bundles of 1, 3, 2 and 1 widgets (3, 7, 5 and 3 steps with `done`), with a loose widget between them.
    const order = orderOf([...kit('K1', 1), ...kit('K2', 3), ...widgets(1), ...kit('K3', 2), ...kit('K4', 1)]);
    const plan = decompose(order, catalog, undefined, { maxStepsPerFulfillmentOrder: 9 });
    assert.deepEqual(plan.fulfillmentOrders.map(lineItemsOf), [
      ['K1-1', 'K2-1', 'K2-2', 'K2-3'],
      ['W1', 'K3-1', 'K3-2', 'K4-1'],
    ]);
    const partOfBundle = new Map<string, string>();
    for (const fo of plan.fulfillmentOrders) {
      assert.ok(fo.steps.length <= 9, `${fo.id} has ${fo.steps.length} steps`);
      for (const li of fo.lineItems) {
        assert.equal(partOfBundle.get(li.bundleId!) ?? fo.id, fo.id, `bundle ${li.bundleId} straddles parts`);
        partOfBundle.set(li.bundleId!, fo.id);
      }
    }
  });

  it('keeps a bundle whose components are not consecutive in one part, in item order', () => {
    const order = orderOf([item('K1', 'KIT'), item('K1-1', 'WIDGET', 1, { parentItemId: 'K1' }), ...widgets(3), item('K1-2', 'WIDGET', 1, { parentItemId: 'K1' })]);
    const plan = decompose(order, catalog, undefined, { maxStepsPerFulfillmentOrder: 5 });
    assert.deepEqual(plan.fulfillmentOrders.map(lineItemsOf), [['K1-1', 'K1-2'], ['W1', 'W2'], ['W3']]);
  });

  it('makes a bundle bigger than the limit a part of its own', () => {
    const plan = decompose(orderOf([...widgets(1), ...kit('BIG', 6), ...widgets(1, 2)]), catalog, undefined, { maxStepsPerFulfillmentOrder: 9 });
    assert.deepEqual(plan.fulfillmentOrders.map(lineItemsOf), [['W1'], ['BIG-1', 'BIG-2', 'BIG-3', 'BIG-4', 'BIG-5', 'BIG-6'], ['W2']]);
    assert.deepEqual(stepCounts(plan), [3, 13, 3]);
    // One bundle alone over the limit cannot be divided: the split stays whole, with its usual id.
    assert.deepEqual(ids(decompose(orderOf(kit('BIG', 6)), catalog, undefined, { maxStepsPerFulfillmentOrder: 9 })), ['FO-svc']);
  });

  it('keeps order-scope line items together, like one bundle', () => {
    const plan = decompose(orderOf([...widgets(3), item('H1', 'HUB'), ...widgets(3, 4), item('H2', 'HUB')]), catalog, undefined, { maxStepsPerFulfillmentOrder: 7 });
    const withHub = plan.fulfillmentOrders.filter((fo) => fo.lineItems.some((li) => li.product === 'DO-HUB'));
    assert.equal(withHub.length, 1);
    assert.deepEqual(withHub[0].lineItems.find((li) => li.product === 'DO-HUB')!.sourceItemIds, ['H1', 'H2']);
    for (const fo of plan.fulfillmentOrders) assertSelfContained(fo);
  });

  it('does not partition account-scope fulfillment orders', () => {
    const plan = decompose(orderOf([...widgets(3), item('T1', 'TENANT')]), catalog, undefined, { maxStepsPerFulfillmentOrder: 2 });
    assert.deepEqual(ids(plan), ['FO-svc-P1', 'FO-svc-P2', 'FO-svc-P3']);
    assert.deepEqual(plan.accountFulfillmentOrders?.map((fo) => [fo.id, fo.steps.length, fo.partOf]), [['ACCOUNT-DO-TENANT', 3, undefined]]);
  });

  it('gives deterministic ids and order: the same input gives byte-identical JSON, and appending items leaves earlier parts alone', () => {
    const options = { maxStepsPerFulfillmentOrder: 9 };
    const items = [...kit('K1', 2), ...widgets(7), ...kit('K2', 3), ...widgets(4, 8)];
    const first = JSON.stringify(decompose(orderOf(items), catalog, undefined, options));
    assert.equal(JSON.stringify(decompose(orderOf(structuredClone(items)), catalog, undefined, options)), first);

    const before = decompose(orderOf(items), catalog, undefined, options).fulfillmentOrders;
    const after = decompose(orderOf([...items, ...widgets(6, 100)]), catalog, undefined, options).fulfillmentOrders;
    assert.deepEqual(
      after.map((fo) => fo.id),
      Array.from({ length: after.length }, (_, i) => `FO-svc-P${i + 1}`),
    );
    // Every part but the last is the same, bar the number of parts; the last only gains items at its end.
    const withoutCount = (fo: FulfillmentOrder) => ({ ...fo, partOf: { ...fo.partOf!, parts: 0 } });
    assert.deepEqual(after.slice(0, before.length - 1).map(withoutCount), before.slice(0, -1).map(withoutCount));
    assert.deepEqual(lineItemsOf(after[before.length - 1]).slice(0, before.at(-1)!.lineItems.length), lineItemsOf(before.at(-1)!));
  });

  it("builds each part's plan over its own line items, with dependencies within the part", () => {
    const plan = decompose(orderOf([...kit('K1', 2), ...widgets(5), item('H1', 'HUB'), ...kit('K2', 1)]), catalog, undefined, { maxStepsPerFulfillmentOrder: 6 });
    assert.ok(plan.fulfillmentOrders.length > 2);
    for (const fo of plan.fulfillmentOrders) {
      assertSelfContained(fo);
      const { steps, definitions } = buildFulfillmentPlan(catalog, fo.lineItems);
      assert.deepEqual(fo.steps, steps);
      assert.deepEqual(fo.definitions, definitions);
      assert.equal(fo.steps.filter((s) => s.id === 'w.done').length, 1, `${fo.id} has its own plan-scope step`);
    }
    // Every line item of the whole is in exactly one part.
    const whole = decompose(orderOf([...kit('K1', 2), ...widgets(5), item('H1', 'HUB'), ...kit('K2', 1)]), catalog);
    assert.deepEqual(plan.fulfillmentOrders.flatMap((fo) => fo.lineItems).map((li) => li.id).sort(), whole.fulfillmentOrders[0].lineItems.map((li) => li.id).sort());
  });

  it('partitions the reference catalog across scopes: each part its own plan, linked to the others by cross-plan dependencies', () => {
    const reference = referenceCatalog();
    const plan = decompose(exampleOrder('saas-suite.json'), reference, undefined, { maxStepsPerFulfillmentOrder: 3 });
    assert.deepEqual(ids(plan), ['FO-provisioning-P1', 'FO-provisioning-P2', 'FO-provisioning-P3', 'FO-shipping']);
    for (const fo of plan.fulfillmentOrders) {
      const { steps } = buildFulfillmentPlan(reference, fo.lineItems);
      const withinThePart = fo.steps.map((step) => ({ ...step, dependsOn: step.dependsOn.filter((d) => !d.includes('/')) }));
      assert.deepEqual(withinThePart, steps);
      for (const step of fo.steps) {
        for (const dependency of step.dependsOn) {
          // A workspace that only another part holds is a cross-plan dependency on a step there.
          const [splitId, stepId] = dependency.includes('/') ? dependency.split('/') : [fo.id, dependency];
          assert.ok(plan.fulfillmentOrders.find((f) => f.id === splitId)?.steps.some((s) => s.id === stepId), `${fo.id}: ${step.id} → ${dependency}`);
        }
      }
    }
  });

  it('counts steps exactly as plan building makes them', () => {
    const reference = referenceCatalog();
    const counter = new PlanStepCounter(reference);
    const orders = [largeOrder(1000), fleetOrder(50), ...['laptop-bundle.json', 'mixed.json', 'saas-suite.json', 'network-kit.json'].map(exampleOrder)];
    for (const order of orders) {
      const plan = decompose(validateOrder(order), reference, undefined, { maxStepsPerFulfillmentOrder: 1_000_000 });
      for (const fo of [...plan.fulfillmentOrders, ...(plan.accountFulfillmentOrders ?? [])]) {
        assert.equal(counter.count(fo.lineItems), fo.steps.length, `${String(order.id)} ${fo.id}`);
      }
    }
    const own = new PlanStepCounter(catalog);
    const mixed = decompose(orderOf([...kit('K1', 2), ...widgets(5), item('H1', 'HUB'), item('T1', 'TENANT')]), catalog);
    for (const fo of [...mixed.fulfillmentOrders, ...(mixed.accountFulfillmentOrders ?? [])]) assert.equal(own.count(fo.lineItems), fo.steps.length, fo.id);
  });

  it('a 2,000-item fleet order (5 steps each) gives 20 parts of 500 steps with the default', () => {
    const plan = decompose(validateOrder(fleetOrder(2000)), referenceCatalog());
    assert.deepEqual(ids(plan), Array.from({ length: 20 }, (_, i) => `FO-WH-EAST-DG-FLEET-P${i + 1}`));
    assert.deepEqual(new Set(stepCounts(plan)), new Set([500]));
    assert.deepEqual(new Set(plan.fulfillmentOrders.map((fo) => fo.lineItems.length)), new Set([100]));
    assert.deepEqual(plan.fulfillmentOrders[0].lineItems.map((li) => li.sourceItemIds[0]).slice(0, 2), ['S0001', 'S0002']);
    assert.deepEqual(plan.fulfillmentOrders[19].lineItems.at(-1)!.sourceItemIds, ['S2000']);
    assert.ok(plan.fulfillmentOrders.every((fo) => fo.location === 'WH-EAST' && fo.deliveryGroupId === 'DG-FLEET'));
    const first = plan.fulfillmentOrders[0];
    assert.deepEqual(
      first.steps.filter((s) => s.lineItemIds[0] === 'DEPLOY-SENSOR:S0001').map((s) => [s.id, s.dependsOn]),
      [
        ['sensor-rollout.reserve[DEPLOY-SENSOR:S0001]', []],
        ['sensor-rollout.pick[DEPLOY-SENSOR:S0001]', ['sensor-rollout.reserve[DEPLOY-SENSOR:S0001]']],
        ['sensor-rollout.ship[DEPLOY-SENSOR:S0001]', ['sensor-rollout.pick[DEPLOY-SENSOR:S0001]']],
        ['sensor-rollout.activate[DEPLOY-SENSOR:S0001]', ['sensor-rollout.ship[DEPLOY-SENSOR:S0001]']],
        ['sensor-rollout.activated[DEPLOY-SENSOR:S0001]', ['sensor-rollout.activate[DEPLOY-SENSOR:S0001]']],
      ],
    );
    assert.ok(first.steps.every((s) => !s.pointOfNoReturn));
    // Unpartitioned, the same order is one split of 10,000 steps.
    const whole = decompose(validateOrder(fleetOrder(2000)), referenceCatalog(), undefined, { maxStepsPerFulfillmentOrder: 10_000 });
    assert.deepEqual(stepCounts(whole), [10_000]);
  });

  it('refuses a limit that is not a positive whole number', () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) {
      assert.throws(
        () => decompose(orderOf(widgets(1)), catalog, undefined, { maxStepsPerFulfillmentOrder: bad }),
        (error: unknown) => error instanceof InvalidInput && error.problems[0].path === 'maxStepsPerFulfillmentOrder',
      );
    }
  });
});
