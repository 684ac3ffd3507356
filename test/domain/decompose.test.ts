import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decompose } from '../../domain/decompose';
import { Order } from '../../domain/order';
import type { Availability, FulfillmentOrder, Plan } from '../../domain/plan';
import { InvalidInput } from '../../domain/problems';
import { catalogOf, exampleOrder, item, orderOf, referenceCatalog, ROOT } from './fixtures';

/** step id → its dependsOn, in plan order: the shape most assertions care about. */
function dependencies(fo: FulfillmentOrder): Record<string, string[]> {
  return Object.fromEntries(fo.steps.map((step) => [step.id, step.dependsOn]));
}

function fo(plan: Plan, id: string): FulfillmentOrder {
  const found = plan.fulfillmentOrders.find((f) => f.id === id);
  assert.ok(found, `no fulfillment order ${id}; have ${plan.fulfillmentOrders.map((f) => f.id).join(', ')}`);
  return found;
}

function refused(run: () => unknown): InvalidInput {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidInput, String(error));
    return error;
  }
  assert.fail('expected InvalidInput');
}

/** A small catalog: one workspace per destination with a single plan-scope step, so tests can focus on line items. */
function simpleCatalog(extra: { products?: unknown[]; fulfillmentProducts?: unknown[]; decompositionRules?: unknown[] }) {
  const fulfillmentProducts = (extra.fulfillmentProducts ?? []) as { code: string }[];
  return catalogOf({
    products: extra.products ?? [],
    fulfillmentProducts,
    decompositionRules: extra.decompositionRules ?? [],
    workspaces: fulfillmentProducts.map((p) => ({ id: `ws-${p.code}`, groups: [{ name: 'Main', steps: [{ id: 'do', type: 'milestone' }] }] })),
    scenarios: fulfillmentProducts.map((p) => ({ fulfillmentProduct: p.code, workspace: `ws-${p.code}` })),
  });
}

describe('decompose: the reference catalog', () => {
  const catalog = referenceCatalog();

  it('splits the DESIGN.md laptop bundle into three fulfillment orders with eight steps', () => {
    const plan = decompose(exampleOrder('laptop-bundle.json'), catalog);
    assert.equal(plan.orderId, 'ORD-1001');
    assert.equal(plan.accountId, 'ACME');
    assert.deepEqual(
      plan.fulfillmentOrders.map((f) => [f.id, f.location ?? f.system, f.deliveryGroupId]),
      [
        ['FO-WH-EAST-DG-HQ', 'WH-EAST', 'DG-HQ'],
        ['FO-provisioning', 'provisioning', undefined],
        ['FO-warranty', 'warranty', undefined],
      ],
    );
    assert.deepEqual(fo(plan, 'FO-WH-EAST-DG-HQ').lineItems, [
      {
        id: 'SHIP-DEVICE:OI-2',
        product: 'SHIP-DEVICE',
        scope: 'lineItem',
        ruleIds: ['laptop-ships'],
        sourceItemIds: ['OI-2'],
        quantity: 2,
        // color from the item, region from its bundle
        attributes: { color: 'silver', region: 'US' },
        bundleId: 'OI-1',
        deliveryGroupId: 'DG-HQ',
        // what the line takes from stock, by ordered product
        orderedProducts: { 'LAPTOP-14': 2 },
      },
    ]);
    assert.deepEqual(dependencies(fo(plan, 'FO-WH-EAST-DG-HQ')), {
      'device-delivery.reserve[SHIP-DEVICE:OI-2]': [],
      'device-delivery.pick[SHIP-DEVICE:OI-2]': ['device-delivery.reserve[SHIP-DEVICE:OI-2]'],
      'device-delivery.ship[OI-1]': ['device-delivery.pick[SHIP-DEVICE:OI-2]'],
      'device-delivery.shipped': ['device-delivery.ship[OI-1]'],
    });
    assert.deepEqual(dependencies(fo(plan, 'FO-provisioning')), {
      'license-activation.activate[ACTIVATE-LICENSE:OI-3]': [],
      'license-activation.notify': ['license-activation.activate[ACTIVATE-LICENSE:OI-3]'],
    });
    assert.deepEqual(dependencies(fo(plan, 'FO-warranty')), {
      'warranty-registration.register[REGISTER-WARRANTY:OI-4]': [],
      'warranty-registration.confirmed': ['warranty-registration.register[REGISTER-WARRANTY:OI-4]'],
    });
    assert.equal(plan.fulfillmentOrders.flatMap((f) => f.steps).length, 8);
    assert.deepEqual(plan.accountLineItems, []);
    assert.deepEqual(plan.unfulfilledItems, []);
  });

  it('carries the full step definitions and the point of no return', () => {
    const device = fo(decompose(exampleOrder('laptop-bundle.json'), catalog), 'FO-WH-EAST-DG-HQ');
    assert.deepEqual(Object.keys(device.definitions), ['device-delivery.reserve', 'device-delivery.pick', 'device-delivery.ship', 'device-delivery.shipped']);
    assert.deepEqual(device.definitions['device-delivery.reserve'].call, { system: 'inventory', operation: 'reserve' });
    assert.equal(device.definitions['device-delivery.reserve'].estimatedDuration, 2 * 3_600_000);
    const ship = device.steps.find((s) => s.definition === 'device-delivery.ship')!;
    assert.deepEqual(ship, {
      id: 'device-delivery.ship[OI-1]',
      definition: 'device-delivery.ship',
      workspace: 'device-delivery',
      group: 'Shipping',
      type: 'callout',
      scope: 'bundle',
      lineItemIds: ['SHIP-DEVICE:OI-2'],
      bundleId: 'OI-1',
      dependsOn: ['device-delivery.pick[SHIP-DEVICE:OI-2]'],
      pointOfNoReturn: true,
    });
  });

  it('decomposes the SaaS suite through all four scopes', () => {
    const plan = decompose(exampleOrder('saas-suite.json'), catalog);
    assert.deepEqual(
      plan.fulfillmentOrders.map((f) => [f.id, f.lineItems.map((l) => `${l.id} ×${l.quantity}`)]),
      [
        ['FO-provisioning', ['LICENSE-SEATS:OI-2 ×25', 'SUPPORT-ENROLL:order ×1', 'LICENSE-SEATS:OI-7 ×5']],
        ['FO-shipping', ['INSTALL-VISIT:OI-1 ×1']],
      ],
    );
    assert.deepEqual(plan.accountLineItems, [
      { id: 'TENANT-PROVISION:account', product: 'TENANT-PROVISION', scope: 'account', ruleIds: ['tenant-provision'], sourceItemIds: ['OI-3'], quantity: 1, attributes: { region: 'us' } },
    ]);
    assert.deepEqual(dependencies(fo(plan, 'FO-provisioning')), {
      'seat-licensing.allocate-seats[LICENSE-SEATS:OI-2]': [],
      'seat-licensing.allocate-seats[LICENSE-SEATS:OI-7]': [],
      'seat-licensing.welcome[OI-1]': ['seat-licensing.allocate-seats[LICENSE-SEATS:OI-2]'],
      'seat-licensing.welcome[OI-7]': ['seat-licensing.allocate-seats[LICENSE-SEATS:OI-7]'],
      'seat-licensing.seats-ready': ['seat-licensing.welcome[OI-1]', 'seat-licensing.welcome[OI-7]'],
      'support-enrollment.enroll[SUPPORT-ENROLL:order]': ['seat-licensing.allocate-seats[LICENSE-SEATS:OI-2]', 'seat-licensing.allocate-seats[LICENSE-SEATS:OI-7]'],
      'support-enrollment.support-ready': ['support-enrollment.enroll[SUPPORT-ENROLL:order]'],
    });
    assert.deepEqual(dependencies(fo(plan, 'FO-shipping')), {
      'onsite-installation.prepare-visit[OI-1]': [],
      'onsite-installation.schedule-visit[OI-1]': ['onsite-installation.prepare-visit[OI-1]'],
      'onsite-installation.installed': ['onsite-installation.schedule-visit[OI-1]'],
    });
  });

  it('routes the mixed order per delivery group, drawing both groups from the same stock', () => {
    const unlimited = decompose(exampleOrder('mixed.json'), catalog);
    assert.deepEqual(
      unlimited.fulfillmentOrders.map((f) => f.id),
      ['FO-WH-EAST-DG-HQ', 'FO-provisioning', 'FO-warranty', 'FO-WH-EAST-DG-BRANCH'],
    );
    // EAST holds 2 laptops: HQ's 3 go WEST (one location still fills HQ); BRANCH's 1 then fits EAST.
    const limited = decompose(exampleOrder('mixed.json'), catalog, { 'WH-EAST': { 'LAPTOP-14': 2 }, 'WH-WEST': { 'LAPTOP-14': 4 } });
    assert.deepEqual(
      limited.fulfillmentOrders.filter((f) => f.location).map((f) => [f.id, f.lineItems.map((l) => l.id)]),
      [
        ['FO-WH-WEST-DG-HQ', ['SHIP-DEVICE:OI-2']],
        ['FO-WH-EAST-DG-BRANCH', ['SHIP-DEVICE:OI-5']],
      ],
    );
    // The sample availability file for `ordo decompose --availability` does the same.
    const sample = JSON.parse(readFileSync(join(ROOT, 'examples', 'availability-split.json'), 'utf8')) as Availability;
    assert.deepEqual(
      decompose(exampleOrder('mixed.json'), catalog, sample).fulfillmentOrders.filter((f) => f.location).map((f) => f.id),
      ['FO-WH-WEST-DG-HQ', 'FO-WH-EAST-DG-BRANCH'],
    );
    // With only 3 at WEST and 2 at EAST, HQ takes WEST's 3, leaving BRANCH EAST.
    const tight = decompose(exampleOrder('mixed.json'), catalog, { 'WH-EAST': { 'LAPTOP-14': 2 }, 'WH-WEST': { 'LAPTOP-14': 3 } });
    assert.deepEqual(
      tight.fulfillmentOrders.filter((f) => f.location).map((f) => f.id),
      ['FO-WH-WEST-DG-HQ', 'FO-WH-EAST-DG-BRANCH'],
    );
    // BRANCH cannot use stock HQ already took.
    const error = refused(() => decompose(exampleOrder('mixed.json'), catalog, { 'WH-EAST': {}, 'WH-WEST': { 'LAPTOP-14': 3 } }));
    assert.deepEqual(error.problems, [
      { path: 'items[4]', message: 'item OI-5 is short: LAPTOP-14 × 1 requested, best available at a single location is 0 (WH-EAST) (stock left after delivery group DG-HQ took its share)', fix: 'restock or split the order' },
    ]);
  });

  it('ships a bad example order for error-path demos', () => {
    const result = Order.safeParse(JSON.parse(readFileSync(join(ROOT, 'examples', 'invalid-missing-price.json'), 'utf8')));
    assert.ok(!result.success);
    assert.deepEqual(
      result.error.issues.map((issue) => issue.path.join('.')),
      ['items.0.unitPrice'],
    );
  });

  it('is deterministic: the same input gives byte-identical JSON', () => {
    for (const name of ['laptop-bundle.json', 'saas-suite.json', 'mixed.json']) {
      const first = JSON.stringify(decompose(exampleOrder(name), referenceCatalog()));
      const second = JSON.stringify(decompose(exampleOrder(name), referenceCatalog()));
      assert.equal(first, second, name);
    }
  });
});

describe('decompose: matching rules', () => {
  const catalog = simpleCatalog({
    products: [
      { code: 'KIT', kind: 'bundle', components: ['PART', 'GADGET'] },
      { code: 'PART' },
      { code: 'GADGET' },
      { code: 'FEE', fulfillment: 'none' },
      { code: 'ORPHAN' },
    ],
    fulfillmentProducts: [
      { code: 'US-WORK', fulfilledBy: { system: 'provisioning' } },
      { code: 'BLUE-WORK', fulfilledBy: { system: 'provisioning' } },
      { code: 'ALWAYS', fulfilledBy: { system: 'warranty' } },
    ],
    decompositionRules: [
      { id: 'us-only', source: 'PART', destination: 'US-WORK', when: { attribute: 'region', in: ['US', 'CA'] } },
      { id: 'blue-only', source: 'PART', destination: 'BLUE-WORK', when: { attribute: 'color', equals: 'blue' } },
      { id: 'gadget', source: 'GADGET', destination: 'ALWAYS' },
    ],
  });
  const lineItemIds = (plan: Plan) => plan.fulfillmentOrders.flatMap((f) => f.lineItems.map((l) => l.id));

  it('applies every rule whose condition holds (in and equals)', () => {
    const plan = decompose(orderOf([item('OI-1', 'PART', 1, { attributes: { region: 'CA', color: 'blue' } })]), catalog);
    assert.deepEqual(lineItemIds(plan), ['US-WORK:OI-1', 'BLUE-WORK:OI-1']);
  });

  it('reads a missing attribute from the bundle the item belongs to', () => {
    const plan = decompose(orderOf([item('OI-1', 'KIT', 1, { attributes: { region: 'US' } }), item('OI-2', 'PART', 1, { parentItemId: 'OI-1' })]), catalog);
    assert.deepEqual(lineItemIds(plan), ['US-WORK:OI-2']);
  });

  it('lists an item whose rules all fail under unfulfilledItems, naming each failed condition', () => {
    const plan = decompose(orderOf([item('OI-1', 'PART', 1, { attributes: { region: 'EU', color: 2 } }), item('OI-2', 'PART')]), catalog);
    assert.deepEqual(plan.fulfillmentOrders, []);
    assert.deepEqual(plan.unfulfilledItems, [
      {
        itemId: 'OI-1',
        product: 'PART',
        reason: 'no decomposition rule applies (rule us-only: attribute region is "EU", not one of US, CA; rule blue-only: attribute color is "2", not "blue")',
      },
      {
        itemId: 'OI-2',
        product: 'PART',
        reason: 'no decomposition rule applies (rule us-only: attribute region is not set (needs one of US, CA); rule blue-only: attribute color is not set (needs "blue"))',
      },
    ]);
  });

  it('refuses an item whose product has no rule, naming the item, the product and the fix', () => {
    const error = refused(() => decompose(orderOf([item('OI-1', 'GADGET'), item('OI-2', 'ORPHAN')]), catalog));
    assert.equal(error.subject, 'order');
    assert.deepEqual(error.problems, [
      {
        path: 'items[1].product',
        message: 'item OI-2: product ORPHAN has no decomposition rule, so it would never be fulfilled',
        fix: 'add a decompositionRule with source: ORPHAN, or mark the product fulfillment: none',
      },
    ]);
  });

  it('refuses an unknown product, naming the item', () => {
    const error = refused(() => decompose(orderOf([item('OI-1', 'GADGET'), item('OI-2', 'GADGT')]), catalog));
    assert.equal(error.problems[0].path, 'items[1].product');
    assert.equal(error.problems[0].message, 'item OI-2 orders unknown product GADGT');
    assert.match(error.problems[0].fix!, /did you mean "GADGET"/);
  });

  it('skips fulfillment: none products and bundle roots without asking for rules', () => {
    const plan = decompose(orderOf([item('OI-1', 'KIT'), item('OI-2', 'GADGET', 1, { parentItemId: 'OI-1' }), item('OI-3', 'FEE')]), catalog);
    assert.deepEqual(lineItemIds(plan), ['ALWAYS:OI-2']);
    assert.deepEqual(plan.unfulfilledItems, []);
  });

  it('treats any item that others point at as a bundle root, whatever its product kind', () => {
    const plan = decompose(orderOf([item('OI-1', 'ORPHAN'), item('OI-2', 'GADGET', 1, { parentItemId: 'OI-1' })]), catalog);
    assert.deepEqual(lineItemIds(plan), ['ALWAYS:OI-2']);
    assert.equal(plan.fulfillmentOrders[0].lineItems[0].bundleId, 'OI-1');
  });

  it('refuses a parent cycle, naming every item whose chain never reaches a bundle root', () => {
    const error = refused(() =>
      decompose(orderOf([item('OI-1', 'PART', 1, { parentItemId: 'OI-2' }), item('OI-2', 'PART', 1, { parentItemId: 'OI-1' }), item('OI-3', 'GADGET', 1, { parentItemId: 'OI-3' }), item('OI-4', 'GADGET')]), catalog),
    );
    assert.deepEqual(
      error.problems.map((p) => [p.path, p.message]),
      [
        ['items[0].parentItemId', 'item OI-1 is its own ancestor through parentItemId'],
        ['items[1].parentItemId', 'item OI-2 is its own ancestor through parentItemId'],
        ['items[2].parentItemId', 'item OI-3 is its own ancestor through parentItemId'],
      ],
    );
  });

  it('reports a bundle sold without its components as unfulfilled', () => {
    const plan = decompose(orderOf([item('OI-1', 'KIT')]), catalog);
    assert.deepEqual(plan.unfulfilledItems, [{ itemId: 'OI-1', product: 'KIT', reason: 'bundle KIT has no component items in the order (expected PART, GADGET)' }]);
  });
});

describe('decompose: rule actions (change orders)', () => {
  const catalog = simpleCatalog({
    products: [{ code: 'KIT', kind: 'bundle', components: ['DEVICE', 'LICENSE'] }, { code: 'DEVICE' }, { code: 'LICENSE' }, { code: 'FEE', fulfillment: 'none' }, { code: 'GHOST' }],
    fulfillmentProducts: [
      { code: 'SHIP', fulfilledBy: { system: 'shipping' } },
      { code: 'PICKUP', fulfilledBy: { system: 'shipping' } },
      { code: 'ACTIVATE', fulfilledBy: { system: 'provisioning' } },
      { code: 'DEACTIVATE', fulfilledBy: { system: 'provisioning' } },
      { code: 'RESIZE', fulfilledBy: { system: 'provisioning' } },
    ],
    decompositionRules: [
      { id: 'device-ships', source: 'DEVICE', destination: 'SHIP' },
      { id: 'device-pickup', source: 'DEVICE', destination: 'PICKUP', action: 'Return' },
      { id: 'license-activates', source: 'LICENSE', destination: 'ACTIVATE' },
      { id: 'license-deactivates', source: 'LICENSE', destination: 'DEACTIVATE', action: 'Cancel' },
      { id: 'license-resizes', source: 'LICENSE', destination: 'RESIZE', action: 'Amend', when: { attribute: 'tier', equals: 'pro' } },
      { id: 'ghost-returns', source: 'GHOST', destination: 'PICKUP', action: 'Return' },
    ],
  });
  const lines = (plan: Plan) => plan.fulfillmentOrders.flatMap((f) => f.lineItems.map((l) => [f.id, l.id, l.ruleIds.join(','), l.quantity]));
  const changeItem = (id: string, product: string, quantity: number, action: string, extra: Record<string, unknown> = {}) =>
    item(id, product, quantity, { action, originalItemId: `OI-${id}`, ...extra });
  const changeOrder = (items: unknown[]) => orderOf(items, { id: 'ORD-T-C1', changeOf: 'ORD-T' });

  it('decomposes an ordinary item by Add rules only (the default), never by change rules', () => {
    const plan = decompose(orderOf([item('OI-1', 'DEVICE', 2), item('OI-2', 'LICENSE', 2)]), catalog);
    assert.deepEqual(lines(plan), [
      ['FO-shipping', 'SHIP:OI-1', 'device-ships', 2],
      ['FO-provisioning', 'ACTIVATE:OI-2', 'license-activates', 2],
    ]);
  });

  it('decomposes a change item by the rules of its action, with the change quantity', () => {
    const plan = decompose(
      changeOrder([
        changeItem('C1', 'DEVICE', 1, 'Return'),
        changeItem('C2', 'LICENSE', 3, 'Cancel'),
        changeItem('C3', 'LICENSE', 5, 'Amend', { attributes: { tier: 'pro' } }),
        item('C4', 'DEVICE', 1, { action: 'Add' }),
      ]),
      catalog,
    );
    assert.deepEqual(lines(plan), [
      ['FO-shipping', 'PICKUP:C1', 'device-pickup', 1],
      ['FO-shipping', 'SHIP:C4', 'device-ships', 1],
      ['FO-provisioning', 'DEACTIVATE:C2', 'license-deactivates', 3],
      ['FO-provisioning', 'RESIZE:C3', 'license-resizes', 5],
    ]);
    assert.deepEqual(plan.unfulfilledItems, []);
  });

  it('lists a change with no rule for its action as unfulfilled, not as an error: it is billed, with nothing to fulfil', () => {
    const plan = decompose(
      changeOrder([
        changeItem('C1', 'DEVICE', 1, 'Cancel'),
        changeItem('C2', 'LICENSE', 1, 'Return'),
        changeItem('C3', 'DEVICE', 1, 'Amend'),
        changeItem('C4', 'LICENSE', 2, 'Amend', { attributes: { tier: 'basic' } }),
        changeItem('C5', 'FEE', 1, 'Return'),
      ]),
      catalog,
    );
    assert.deepEqual(plan.fulfillmentOrders, []);
    assert.deepEqual(plan.unfulfilledItems, [
      { itemId: 'C1', product: 'DEVICE', reason: 'no Cancel rule for DEVICE: nothing to fulfil, billed as a change' },
      { itemId: 'C2', product: 'LICENSE', reason: 'no Return rule for LICENSE: nothing to fulfil, billed as a change' },
      { itemId: 'C3', product: 'DEVICE', reason: 'no Amend rule for DEVICE: nothing to fulfil, billed as a change' },
      { itemId: 'C4', product: 'LICENSE', reason: 'no decomposition rule applies (rule license-resizes: attribute tier is "basic", not "pro")' },
    ]);
  });

  it('decomposes NoChange items into nothing, and a changed bundle root through its components', () => {
    const plan = decompose(
      changeOrder([
        changeItem('C1', 'KIT', 1, 'Return'),
        changeItem('C2', 'DEVICE', 1, 'Return', { parentItemId: 'C1' }),
        changeItem('C3', 'LICENSE', 1, 'NoChange', { parentItemId: 'C1' }),
      ]),
      catalog,
    );
    assert.deepEqual(lines(plan), [['FO-shipping', 'PICKUP:C2', 'device-pickup', 1]]);
    assert.equal(plan.fulfillmentOrders[0].lineItems[0].bundleId, 'C1');
    assert.deepEqual(plan.unfulfilledItems, []);
  });

  it('still refuses an Add item whose product has change rules but no Add rule', () => {
    const error = refused(() => decompose(orderOf([item('OI-1', 'GHOST')]), catalog));
    assert.deepEqual(error.problems, [
      {
        path: 'items[0].product',
        message: 'item OI-1: product GHOST has no decomposition rule, so it would never be fulfilled',
        fix: 'add a decompositionRule with source: GHOST, or mark the product fulfillment: none',
      },
    ]);
  });

  it('decomposes examples/change-order-return.json with the reference catalog: a pickup for the laptop', () => {
    const plan = decompose(exampleOrder('change-order-return.json'), referenceCatalog());
    assert.equal(plan.orderId, 'ORD-1001-C1');
    assert.deepEqual(plan.fulfillmentOrders.map((f) => [f.id, f.system, f.lineItems.map((l) => [l.id, l.quantity, l.attributes])]), [
      ['FO-shipping', 'shipping', [['RETURN-PICKUP:CO-1', 1, { color: 'silver' }]]],
    ]);
    assert.deepEqual(dependencies(plan.fulfillmentOrders[0]), {
      'return-pickup.schedule-pickup[RETURN-PICKUP:CO-1]': [],
      'return-pickup.received': ['return-pickup.schedule-pickup[RETURN-PICKUP:CO-1]'],
    });
    assert.deepEqual(plan.unfulfilledItems, [
      { itemId: 'CO-3', product: 'AV-LICENSE', reason: 'no Return rule for AV-LICENSE: nothing to fulfil, billed as a change' },
      { itemId: 'CO-4', product: 'WARRANTY-3Y', reason: 'no Return rule for WARRANTY-3Y: nothing to fulfil, billed as a change' },
    ]);
  });

  it('deallocates cancelled seats with the reference catalog', () => {
    const cancel = orderOf([item('CO-1', 'SEATS', 5, { action: 'Cancel', originalItemId: 'OI-7', attributes: { edition: 'standard' } })], { id: 'ORD-2001-C1', changeOf: 'ORD-2001' });
    const plan = decompose(cancel, referenceCatalog());
    assert.deepEqual(plan.fulfillmentOrders.map((f) => [f.id, f.lineItems.map((l) => [l.id, l.quantity, l.attributes]), f.steps.map((step) => step.id)]), [
      ['FO-provisioning', [['DEALLOCATE-SEATS:CO-1', 5, { edition: 'standard' }]], ['seat-deallocation.deallocate-seats[DEALLOCATE-SEATS:CO-1]']],
    ]);
  });
});

describe('decompose: scopes, quantities and attributes', () => {
  const catalog = simpleCatalog({
    products: [{ code: 'SUITE', kind: 'bundle', components: ['SEAT', 'ADDON'] }, { code: 'SEAT', attributes: { edition: ['std', 'pro'] } }, { code: 'ADDON' }],
    fulfillmentProducts: [
      { code: 'LINE', fulfilledBy: { system: 'provisioning' } },
      { code: 'PER-BUNDLE', fulfilledBy: { system: 'provisioning' } },
      { code: 'PER-BUNDLE-ONE', fulfilledBy: { system: 'provisioning' } },
      { code: 'PER-ORDER', fulfilledBy: { system: 'warranty' } },
      { code: 'PER-ACCOUNT', fulfilledBy: { system: 'provisioning' } },
    ],
    decompositionRules: [
      { id: 'seat-line', source: 'SEAT', destination: 'LINE', mapAttributes: { tier: 'edition' } },
      { id: 'seat-bundle', source: 'SEAT', destination: 'PER-BUNDLE', scope: 'bundle', mapAttributes: { tier: 'edition', note: 'note' } },
      { id: 'addon-bundle', source: 'ADDON', destination: 'PER-BUNDLE', scope: 'bundle' },
      { id: 'seat-bundle-one', source: 'SEAT', destination: 'PER-BUNDLE-ONE', scope: 'bundle', quantity: 'one' },
      { id: 'seat-order', source: 'SEAT', destination: 'PER-ORDER', scope: 'order' },
      { id: 'seat-account', source: 'SEAT', destination: 'PER-ACCOUNT', scope: 'account', quantity: 'one' },
    ],
  });
  const order = orderOf([
    item('B1', 'SUITE'),
    item('S1', 'SEAT', 10, { parentItemId: 'B1', attributes: { edition: 'pro' } }),
    item('A1', 'ADDON', 2, { parentItemId: 'B1', attributes: { note: 'rush' } }),
    item('S2', 'SEAT', 3, { parentItemId: 'B1', attributes: { edition: 'std', note: 'quiet' } }),
    item('S3', 'SEAT', 4, { attributes: { edition: 'std' } }),
  ]);
  const plan = decompose(order, catalog);
  const line = (id: string) => plan.fulfillmentOrders.flatMap((f) => f.lineItems).find((l) => l.id === id);

  it('keeps one line per source item for lineItem scope, with the item bundle', () => {
    assert.deepEqual(line('LINE:S1'), { id: 'LINE:S1', product: 'LINE', scope: 'lineItem', ruleIds: ['seat-line'], sourceItemIds: ['S1'], quantity: 10, attributes: { tier: 'pro' }, bundleId: 'B1' });
    assert.deepEqual(line('LINE:S3'), { id: 'LINE:S3', product: 'LINE', scope: 'lineItem', ruleIds: ['seat-line'], sourceItemIds: ['S3'], quantity: 4, attributes: { tier: 'std' }, bundleId: 'S3' });
  });

  it('merges bundle scope per bundle (items outside a bundle are their own), across rules, summing quantities', () => {
    assert.deepEqual(line('PER-BUNDLE:B1'), {
      id: 'PER-BUNDLE:B1',
      product: 'PER-BUNDLE',
      scope: 'bundle',
      ruleIds: ['seat-bundle', 'addon-bundle'],
      sourceItemIds: ['S1', 'A1', 'S2'],
      quantity: 15,
      // each destination attribute from the first source item that has its source attribute: edition from S1, note from A1
      attributes: { tier: 'pro', note: 'rush' },
      bundleId: 'B1',
    });
    assert.equal(line('PER-BUNDLE:S3')?.quantity, 4);
    assert.deepEqual(line('PER-BUNDLE:S3')?.sourceItemIds, ['S3']);
  });

  it('counts one per merged line with quantity: one', () => {
    assert.equal(line('PER-BUNDLE-ONE:B1')?.quantity, 1);
    assert.deepEqual(line('PER-BUNDLE-ONE:B1')?.sourceItemIds, ['S1', 'S2']);
    assert.equal(line('PER-BUNDLE-ONE:S3')?.quantity, 1);
  });

  it('merges order scope across the whole order, with no bundle', () => {
    assert.deepEqual(line('PER-ORDER:order'), { id: 'PER-ORDER:order', product: 'PER-ORDER', scope: 'order', ruleIds: ['seat-order'], sourceItemIds: ['S1', 'S2', 'S3'], quantity: 17, attributes: {} });
  });

  it('puts account scope in accountLineItems, outside every fulfillment order', () => {
    assert.deepEqual(plan.accountLineItems, [
      { id: 'PER-ACCOUNT:account', product: 'PER-ACCOUNT', scope: 'account', ruleIds: ['seat-account'], sourceItemIds: ['S1', 'S2', 'S3'], quantity: 1, attributes: {} },
    ]);
    assert.ok(!plan.fulfillmentOrders.some((f) => f.lineItems.some((l) => l.scope === 'account')));
  });

  it('groups digital lines by system, in order of first use', () => {
    assert.deepEqual(
      plan.fulfillmentOrders.map((f) => [f.id, f.system, f.lineItems.map((l) => l.id)]),
      [
        ['FO-provisioning', 'provisioning', ['LINE:S1', 'PER-BUNDLE:B1', 'PER-BUNDLE-ONE:B1', 'LINE:S2', 'LINE:S3', 'PER-BUNDLE:S3', 'PER-BUNDLE-ONE:S3']],
        ['FO-warranty', 'warranty', ['PER-ORDER:order']],
      ],
    );
  });
});

describe('decompose: physical goods, delivery groups and routing', () => {
  const catalog = simpleCatalog({
    products: [{ code: 'DESK-SET', kind: 'bundle', components: ['DESK', 'CHAIR'] }, { code: 'DESK' }, { code: 'CHAIR' }, { code: 'LAMP' }],
    fulfillmentProducts: [
      { code: 'SHIP', fulfilledBy: { locations: ['WH-EAST', 'WH-WEST'] } },
      { code: 'SHIP-BIG', fulfilledBy: { locations: ['WH-WEST', 'WH-EAST'] } },
      { code: 'ASSEMBLY', fulfilledBy: { locations: ['WH-EAST', 'WH-WEST'] } },
      { code: 'LAMP-SHIP', fulfilledBy: { locations: ['WH-NORTH'] } },
    ],
    decompositionRules: [
      { id: 'desk', source: 'DESK', destination: 'SHIP-BIG' },
      { id: 'chair', source: 'CHAIR', destination: 'SHIP' },
      { id: 'desk-assembly', source: 'DESK', destination: 'ASSEMBLY', scope: 'bundle', quantity: 'one' },
      { id: 'chair-assembly', source: 'CHAIR', destination: 'ASSEMBLY', scope: 'bundle', quantity: 'one' },
      { id: 'lamp', source: 'LAMP', destination: 'LAMP-SHIP' },
    ],
  });
  const groups = { deliveryGroups: [{ id: 'DG-A' }, { id: 'DG-B' }] };

  it('routes to locations in the order they first appear in the catalog', () => {
    const plan = decompose(orderOf([item('D1', 'DESK')], { deliveryGroups: [{ id: 'DG-A' }] }), catalog);
    // SHIP lists WH-EAST first, so WH-EAST ranks first even though SHIP-BIG lists WH-WEST first.
    assert.deepEqual(plan.fulfillmentOrders.map((f) => f.id), ['FO-WH-EAST-DG-A']);
  });

  it('inherits the delivery group from the bundle, else uses the only one', () => {
    const plan = decompose(
      orderOf([item('B1', 'DESK-SET', 1, { deliveryGroupId: 'DG-B' }), item('D1', 'DESK', 1, { parentItemId: 'B1' }), item('L1', 'LAMP', 1, { deliveryGroupId: 'DG-A' })], groups),
      catalog,
    );
    assert.deepEqual(
      plan.fulfillmentOrders.map((f) => [f.id, f.location, f.deliveryGroupId, f.lineItems.map((l) => `${l.id}/${l.deliveryGroupId}`)]),
      [
        ['FO-WH-EAST-DG-B', 'WH-EAST', 'DG-B', ['SHIP-BIG:D1/DG-B', 'ASSEMBLY:B1/DG-B']],
        ['FO-WH-NORTH-DG-A', 'WH-NORTH', 'DG-A', ['LAMP-SHIP:L1/DG-A']],
      ],
    );
    const single = decompose(orderOf([item('L1', 'LAMP')], { deliveryGroups: [{ id: 'DG-ONLY' }] }), catalog);
    assert.equal(single.fulfillmentOrders[0].id, 'FO-WH-NORTH-DG-ONLY');
  });

  it('refuses a physical item without a delivery group when the order has several', () => {
    const error = refused(() => decompose(orderOf([item('L1', 'LAMP')], groups), catalog));
    assert.deepEqual(error.problems, [
      { path: 'items[0].deliveryGroupId', message: 'item L1 ships LAMP-SHIP but has no delivery group', fix: 'set deliveryGroupId on the item or on its bundle item' },
    ]);
  });

  it('splits a bundle-scope line across locations with @location suffixes', () => {
    const order = orderOf([item('B1', 'DESK-SET', 1, { deliveryGroupId: 'DG-A' }), item('D1', 'DESK', 1, { parentItemId: 'B1' }), item('C1', 'CHAIR', 4, { parentItemId: 'B1' })], groups);
    const availability: Availability = { 'WH-EAST': { DESK: 1 }, 'WH-WEST': { CHAIR: 4 } };
    const plan = decompose(order, catalog, availability);
    assert.deepEqual(
      plan.fulfillmentOrders.map((f) => [f.id, f.lineItems.map((l) => `${l.id} ×${l.quantity} ${l.sourceItemIds.join('+')}`)]),
      [
        ['FO-WH-EAST-DG-A', ['SHIP-BIG:D1 ×1 D1', 'ASSEMBLY:B1@WH-EAST ×1 D1']],
        ['FO-WH-WEST-DG-A', ['SHIP:C1 ×4 C1', 'ASSEMBLY:B1@WH-WEST ×1 C1']],
      ],
    );
    // Unsplit, the same line keeps its plain id.
    const together = decompose(order, catalog);
    assert.deepEqual(together.fulfillmentOrders[0].lineItems.map((l) => l.id), ['SHIP-BIG:D1', 'ASSEMBLY:B1', 'SHIP:C1']);
  });

  it('routes an item with several physical products to a location that carries all of them', () => {
    const plan = decompose(orderOf([item('D1', 'DESK', 2, { deliveryGroupId: 'DG-A' })], groups), catalog, { 'WH-EAST': { DESK: 1 }, 'WH-WEST': { DESK: 2 } });
    assert.deepEqual(plan.fulfillmentOrders.map((f) => [f.id, f.lineItems.map((l) => l.id)]), [['FO-WH-WEST-DG-A', ['SHIP-BIG:D1', 'ASSEMBLY:D1']]]);
  });

  it('refuses an order it cannot fill, naming the short items', () => {
    const error = refused(() => decompose(orderOf([item('L1', 'LAMP', 3, { deliveryGroupId: 'DG-A' })], groups), catalog, { 'WH-NORTH': { LAMP: 2 } }));
    assert.equal(error.subject, 'order');
    assert.deepEqual(error.problems, [
      { path: 'items[0]', message: 'item L1 is short: LAMP × 3 requested, best available at a single location is 2 (WH-NORTH)', fix: 'restock or split the order' },
    ]);
  });
});

describe('decompose: step scopes and dependency joins', () => {
  const step = (id: string, scope: string, dependsOn: string[] = [], type = 'milestone') => ({ id, type, scope, dependsOn });
  const catalog = catalogOf({
    products: [{ code: 'PACK', kind: 'bundle', components: ['J', 'K'] }, { code: 'J' }, { code: 'K' }, { code: 'X' }, { code: 'O' }],
    fulfillmentProducts: [
      { code: 'DEST-J', fulfilledBy: { system: 'provisioning' } },
      { code: 'DEST-K', fulfilledBy: { system: 'provisioning' } },
      { code: 'DEST-O', fulfilledBy: { system: 'provisioning' } },
      { code: 'DEST-U', fulfilledBy: { system: 'provisioning' } },
      { code: 'DEST-X', fulfilledBy: { system: 'warranty' } },
    ],
    decompositionRules: [
      { id: 'j', source: 'J', destination: 'DEST-J' },
      { id: 'k', source: 'K', destination: 'DEST-K' },
      { id: 'o', source: 'O', destination: 'DEST-O', scope: 'order' },
      { id: 'x', source: 'X', destination: 'DEST-X' },
    ],
    workspaces: [
      {
        id: 'join',
        groups: [
          { name: 'Late', steps: [step('a-plan-on-line', 'plan', ['b-line']), step('a-plan-on-bundle', 'plan', ['b-bundle'])] },
          { name: 'Targets', steps: [step('b-plan', 'plan'), step('b-line', 'lineItem'), step('b-bundle', 'bundle')] },
          {
            name: 'Waiters',
            steps: [
              step('a-line-on-plan', 'lineItem', ['b-plan']),
              step('a-line-on-line', 'lineItem', ['b-line']),
              step('a-line-on-bundle', 'lineItem', ['b-bundle']),
              step('a-bundle-on-line', 'bundle', ['b-line']),
              step('a-bundle-on-bundle', 'bundle', ['b-bundle']),
              step('a-on-absent', 'plan', ['absent.u', 'b-plan']),
            ],
          },
        ],
      },
      { id: 'other', groups: [{ name: 'Other', steps: [step('k-line', 'lineItem', ['join.b-line']), step('k-bundle', 'bundle', ['join.b-bundle'])] }] },
      { id: 'absent', groups: [{ name: 'Absent', steps: [step('u', 'plan')] }] },
      { id: 'elsewhere', groups: [{ name: 'Elsewhere', steps: [step('x', 'plan', ['join.b-plan'])] }] },
    ],
    scenarios: [
      { fulfillmentProduct: 'DEST-J', workspace: 'join' },
      { fulfillmentProduct: 'DEST-O', workspace: 'join' },
      { fulfillmentProduct: 'DEST-K', workspace: 'other' },
      { fulfillmentProduct: 'DEST-U', workspace: 'absent' },
      { fulfillmentProduct: 'DEST-X', workspace: 'elsewhere' },
    ],
  });
  const order = orderOf([
    item('P1', 'PACK'),
    item('C1', 'J', 1, { parentItemId: 'P1' }),
    item('C2', 'J', 1, { parentItemId: 'P1' }),
    item('K1', 'K', 1, { parentItemId: 'P1' }),
    item('S3', 'J'),
    item('O1', 'O'),
    item('X1', 'X'),
  ]);
  const plan = decompose(order, catalog);
  const provisioning = fo(plan, 'FO-provisioning');
  const deps = dependencies(provisioning);
  const instance = (id: string) => provisioning.steps.find((s) => s.id === id)!;

  it('creates one instance per plan, per bundle (order scope is the bundle "order") and per line item', () => {
    assert.deepEqual(instance('join.b-plan').lineItemIds, ['DEST-J:C1', 'DEST-J:C2', 'DEST-J:S3', 'DEST-O:order']);
    assert.equal(instance('join.b-plan').bundleId, undefined);
    assert.deepEqual(
      provisioning.steps.filter((s) => s.definition === 'join.b-bundle').map((s) => [s.id, s.bundleId, s.lineItemIds]),
      [
        ['join.b-bundle[P1]', 'P1', ['DEST-J:C1', 'DEST-J:C2']],
        ['join.b-bundle[S3]', 'S3', ['DEST-J:S3']],
        ['join.b-bundle[order]', 'order', ['DEST-O:order']],
      ],
    );
    assert.deepEqual(
      provisioning.steps.filter((s) => s.definition === 'join.b-line').map((s) => [s.id, s.bundleId, s.lineItemIds]),
      [
        ['join.b-line[DEST-J:C1]', 'P1', ['DEST-J:C1']],
        ['join.b-line[DEST-J:C2]', 'P1', ['DEST-J:C2']],
        ['join.b-line[DEST-J:S3]', 'S3', ['DEST-J:S3']],
        ['join.b-line[DEST-O:order]', 'order', ['DEST-O:order']],
      ],
    );
  });

  it('joins on the plan instance when the target is plan scope', () => {
    assert.deepEqual(deps['join.a-line-on-plan[DEST-J:C2]'], ['join.b-plan']);
  });

  it('joins lineItem on lineItem by the same line item', () => {
    assert.deepEqual(deps['join.a-line-on-line[DEST-J:C1]'], ['join.b-line[DEST-J:C1]']);
    assert.deepEqual(deps['join.a-line-on-line[DEST-O:order]'], ['join.b-line[DEST-O:order]']);
  });

  it('joins lineItem on bundle by the line item bundle', () => {
    assert.deepEqual(deps['join.a-line-on-bundle[DEST-J:C2]'], ['join.b-bundle[P1]']);
    assert.deepEqual(deps['join.a-line-on-bundle[DEST-J:S3]'], ['join.b-bundle[S3]']);
    assert.deepEqual(deps['join.a-line-on-bundle[DEST-O:order]'], ['join.b-bundle[order]']);
  });

  it('joins bundle on lineItem by every line item inside the bundle', () => {
    assert.deepEqual(deps['join.a-bundle-on-line[P1]'], ['join.b-line[DEST-J:C1]', 'join.b-line[DEST-J:C2]']);
    assert.deepEqual(deps['join.a-bundle-on-line[S3]'], ['join.b-line[DEST-J:S3]']);
  });

  it('joins bundle on bundle by the same bundle', () => {
    assert.deepEqual(deps['join.a-bundle-on-bundle[P1]'], ['join.b-bundle[P1]']);
    assert.deepEqual(deps['join.a-bundle-on-bundle[order]'], ['join.b-bundle[order]']);
  });

  it('makes a plan-scope step wait for every instance', () => {
    assert.deepEqual(deps['join.a-plan-on-line'], ['join.b-line[DEST-J:C1]', 'join.b-line[DEST-J:C2]', 'join.b-line[DEST-J:S3]', 'join.b-line[DEST-O:order]']);
    assert.deepEqual(deps['join.a-plan-on-bundle'], ['join.b-bundle[P1]', 'join.b-bundle[S3]', 'join.b-bundle[order]']);
  });

  it('follows workspace.step into another workspace, falling back to every instance when no line item is shared', () => {
    // DEST-K:K1 has no join.b-line instance of its own: it waits for all of them.
    assert.deepEqual(deps['other.k-line[DEST-K:K1]'], ['join.b-line[DEST-J:C1]', 'join.b-line[DEST-J:C2]', 'join.b-line[DEST-J:S3]', 'join.b-line[DEST-O:order]']);
    // K1 is in bundle P1, which join.b-bundle has.
    assert.deepEqual(deps['other.k-bundle[P1]'], ['join.b-bundle[P1]']);
  });

  it('drops dependencies on workspaces in no fulfillment order of the order', () => {
    assert.deepEqual(deps['join.a-on-absent'], ['join.b-plan']);
    assert.ok(!provisioning.steps.some((s) => s.workspace === 'absent'));
  });

  it('writes a dependency on a workspace in another fulfillment order as FO-ID/step-id', () => {
    assert.deepEqual(dependencies(fo(plan, 'FO-warranty')), { 'elsewhere.x': ['FO-provisioning/join.b-plan'] });
  });

  it('orders steps topologically, otherwise by workspace, group and step order', () => {
    const definitions = [...new Set(provisioning.steps.map((s) => s.definition))];
    assert.deepEqual(definitions, [
      'join.b-plan',
      'join.b-line',
      'join.a-plan-on-line',
      'join.b-bundle',
      'join.a-plan-on-bundle',
      'join.a-line-on-plan',
      'join.a-line-on-line',
      'join.a-line-on-bundle',
      'join.a-bundle-on-line',
      'join.a-bundle-on-bundle',
      'join.a-on-absent',
      'other.k-line',
      'other.k-bundle',
    ]);
    assert.deepEqual(Object.keys(provisioning.definitions), definitions);
    // Every dependency points backwards.
    const seen = new Set<string>();
    for (const s of provisioning.steps) {
      for (const d of s.dependsOn) assert.ok(seen.has(d), `${s.id} depends on later ${d}`);
      seen.add(s.id);
    }
  });

  it('refuses a plan whose steps wait for each other', () => {
    const cyclic = catalogOf({
      products: [{ code: 'J' }],
      fulfillmentProducts: [{ code: 'DEST-J', fulfilledBy: { system: 'provisioning' } }],
      decompositionRules: [{ id: 'j', source: 'J', destination: 'DEST-J' }],
      workspaces: [{ id: 'w', groups: [{ name: 'G', steps: [step('a', 'plan', ['b']), step('b', 'plan', ['a'])] }] }],
      scenarios: [{ fulfillmentProduct: 'DEST-J', workspace: 'w' }],
    });
    const error = refused(() => decompose(orderOf([item('I1', 'J')]), cyclic));
    assert.equal(error.subject, 'catalog');
    assert.equal(error.problems[0].message, 'dependency cycle: w.a → w.b → w.a');
  });
});
