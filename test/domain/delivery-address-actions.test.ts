import assert from 'node:assert/strict';
import { decompose } from '../../domain/decompose';
import { deliveryGroupOf, itemsShippingTo } from '../../domain/delivery-groups';
import { AmendRequest, applyOrderActions } from '../../domain/order-actions';
import { InvalidInput, type Problem } from '../../domain/problems';
import { exampleOrder, referenceCatalog } from './fixtures';

/** Issue 14: a delivery group's address changes as an amendment (ChangeDeliveryAddress), and Amend moves an item to another group. */

const SEATTLE = { line1: '9 Harbor Rd', city: 'Seattle', region: 'WA', country: 'US' };
const DALLAS = { line1: '200 Elm St', city: 'Dallas', region: 'TX', postalCode: '75201', country: 'US' };

function request(actions: unknown[]): AmendRequest {
  return { actor: 'cpq-sync', actions } as AmendRequest;
}

function problemsOf(run: () => unknown): Problem[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidInput, String(error));
    return error.problems;
  }
  assert.fail('expected InvalidInput');
}

describe('ChangeDeliveryAddress', () => {
  it('gives the group its new address and touches exactly the items that ship to it, bundle components included', () => {
    const order = exampleOrder('mixed.json');
    const result = applyOrderActions(order, request([{ type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-HQ', address: DALLAS }]));
    assert.deepEqual(result.order.deliveryGroups!.find((g) => g.id === 'DG-HQ')!.address, DALLAS);
    assert.deepEqual(result.order.deliveryGroups!.find((g) => g.id === 'DG-BRANCH')!.address, SEATTLE, 'the other group keeps its address');
    assert.equal(result.order.deliveryGroups!.find((g) => g.id === 'DG-HQ')!.name, 'Headquarters', 'the group keeps its name');
    assert.deepEqual(result.changedDeliveryGroupIds, ['DG-HQ']);
    // OI-1 names DG-HQ; its components OI-2..4 inherit it. OI-5 ships to the branch; OI-6 and OI-7 ship nowhere.
    assert.deepEqual(result.readdressedItemIds, ['OI-1', 'OI-2', 'OI-3', 'OI-4']);
    assert.deepEqual([result.changedItemIds, result.addedItemIds, result.removedItemIds], [[], [], []], 'no item field changes');
    assert.equal(order.deliveryGroups![0].address!.city, 'Austin', 'the input order is not touched');
  });

  it('re-plans the same splits, the group\'s physical split carrying the new address and every other split unchanged', () => {
    const catalog = referenceCatalog();
    const order = exampleOrder('mixed.json');
    const before = decompose(order, catalog);
    const after = decompose(applyOrderActions(order, request([{ type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-BRANCH', address: DALLAS }])).order, catalog);
    assert.deepEqual(after.fulfillmentOrders.map((fo) => fo.id), before.fulfillmentOrders.map((fo) => fo.id), 'routing does not read addresses');
    const changed = after.fulfillmentOrders.filter((fo, i) => JSON.stringify(fo) !== JSON.stringify(before.fulfillmentOrders[i]));
    assert.deepEqual(changed.map((fo) => [fo.deliveryGroupId, fo.deliveryAddress]), [['DG-BRANCH', DALLAS]]);
    const { deliveryAddress: _new, ...rest } = changed[0];
    const { deliveryAddress: _old, ...restBefore } = before.fulfillmentOrders.find((fo) => fo.id === changed[0].id)!;
    assert.deepEqual(rest, restBefore, 'only the address differs: no step or line item of the split changes');
    assert.ok(before.fulfillmentOrders.filter((fo) => fo.system).every((fo) => fo.deliveryAddress === undefined), 'digital splits carry no address');
  });

  it('refuses an unknown delivery group, naming the known ones', () => {
    const problems = problemsOf(() => applyOrderActions(exampleOrder('mixed.json'), request([{ type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-HQQ', address: DALLAS }])));
    assert.deepEqual(problems, [{ path: 'actions[0].deliveryGroupId', message: 'no delivery group DG-HQQ in order ORD-3001', fix: 'name one of: DG-HQ, DG-BRANCH' }]);
  });

  it('refuses a group of an order that has none, saying why', () => {
    const problems = problemsOf(() => applyOrderActions(exampleOrder('saas-suite.json'), request([{ type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-HQ', address: DALLAS }])));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].path, 'actions[0].deliveryGroupId');
    assert.match(problems[0].message, /has no delivery groups/);
  });

  it('refuses a bad address field by field, as a submitted order\'s', () => {
    const problems = problemsOf(() => applyOrderActions(exampleOrder('mixed.json'), request([{ type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-HQ', address: { line1: '200 Elm St', city: 'Dallas', country: 'USA', zip: '75201' } }])));
    const paths = problems.map((p) => p.path).sort();
    assert.deepEqual(paths, ['actions[0].address.country', 'actions[0].address.zip']);
    assert.match(problems.find((p) => p.path === 'actions[0].address.country')!.message, /ISO 3166 two-letter/);
    assert.match(problems.find((p) => p.path === 'actions[0].address.zip')!.fix!, /postalCode/);
  });

  it('refuses an address that changes nothing', () => {
    const problems = problemsOf(() => applyOrderActions(exampleOrder('mixed.json'), request([{ type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-BRANCH', address: { country: 'US', city: 'Seattle', line1: '9 Harbor Rd', region: 'WA' } }])));
    assert.deepEqual(problems.map((p) => [p.path, p.message]), [['actions[0].address', 'changes nothing: delivery group DG-BRANCH already ships to this address']]);
  });
});

describe('Amend with deliveryGroupId', () => {
  it('moves an item, and the components that inherit its group, to another group', () => {
    const order = exampleOrder('mixed.json');
    const result = applyOrderActions(order, request([{ type: 'Amend', itemId: 'OI-1', deliveryGroupId: 'DG-BRANCH' }]));
    assert.equal(result.order.items[0].deliveryGroupId, 'DG-BRANCH');
    assert.deepEqual(result.changedItemIds, ['OI-1']);
    assert.deepEqual(result.changedDeliveryGroupIds, []);
    assert.deepEqual(itemsShippingTo(result.order, 'DG-BRANCH'), ['OI-1', 'OI-2', 'OI-3', 'OI-4', 'OI-5']);
    assert.deepEqual(itemsShippingTo(result.order, 'DG-HQ'), []);
  });

  it('refuses a group the order does not have, naming the ones it has', () => {
    const problems = problemsOf(() => applyOrderActions(exampleOrder('mixed.json'), request([{ type: 'Amend', itemId: 'OI-5', deliveryGroupId: 'DG-MOON' }])));
    assert.deepEqual(problems, [{ path: 'actions[0].deliveryGroupId', message: 'no delivery group DG-MOON in order ORD-3001', fix: 'name one of: DG-HQ, DG-BRANCH' }]);
  });
});

describe('deliveryGroupOf', () => {
  it('is the item\'s own group, else its nearest ancestor\'s, else the order\'s only group', () => {
    const mixed = exampleOrder('mixed.json');
    assert.equal(deliveryGroupOf(mixed, 'OI-3'), 'DG-HQ');
    assert.equal(deliveryGroupOf(mixed, 'OI-5'), 'DG-BRANCH');
    assert.equal(deliveryGroupOf(mixed, 'OI-7'), undefined, 'two groups, none named: no group');
    const laptop = exampleOrder('laptop-bundle.json');
    const lone = { ...laptop, items: laptop.items.map(({ deliveryGroupId: _, ...item }) => item) };
    assert.equal(deliveryGroupOf(lone, 'OI-2'), 'DG-HQ', 'the only group');
  });
});
