import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleRootOf, itemsOfBundle, itemsOfBundles } from '../../domain/bundles';
import type { Order } from '../../domain/order';
import { AmendRequest, applyOrderActions } from '../../domain/order-actions';
import { InvalidInput, type Problem } from '../../domain/problems';
import { exampleOrder, item, orderOf, ROOT } from './fixtures';

/** Freezes every object and array reachable from `value`, so any mutation of the input throws in strict mode. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function problemsOf(run: () => unknown): { subject: string; problems: Problem[] } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidInput, String(error));
    return { subject: error.subject, problems: error.problems };
  }
  assert.fail('expected InvalidInput');
}

const pathsAndMessages = (problems: Problem[]) => problems.map((p) => [p.path, p.message]);

function request(actions: unknown[]): AmendRequest {
  return { actor: 'cpq-sync', actions } as AmendRequest;
}

describe('applyOrderActions', () => {
  it('applies examples/amend-quantity.json to the SaaS suite: a new order, the input untouched', () => {
    const order = deepFreeze(exampleOrder('saas-suite.json'));
    const before = JSON.stringify(order);
    const amend = deepFreeze(AmendRequest.parse(JSON.parse(readFileSync(join(ROOT, 'examples', 'amend-quantity.json'), 'utf8'))));
    const result = applyOrderActions(order, amend);
    assert.deepEqual(result.changedItemIds, ['OI-7']);
    assert.deepEqual(result.addedItemIds, []);
    assert.deepEqual(result.removedItemIds, []);
    assert.equal(result.order.items.find((i) => i.id === 'OI-7')!.quantity, 8);
    assert.equal(JSON.stringify(order), before);
    // Nothing in the result is shared with the frozen input: changing it does not throw.
    result.order.items[1].attributes!.edition = 'standard';
    result.order.items[0].quantity = 2;
    assert.equal(JSON.stringify(order), before);
  });

  it('amends quantity, term and attributes, merging attributes key by key', () => {
    const order = deepFreeze(exampleOrder('laptop-bundle.json'));
    const result = applyOrderActions(
      order,
      request([
        { type: 'Amend', itemId: 'OI-2', attributes: { color: 'black', engraving: 'ACME' } },
        { type: 'Amend', itemId: 'OI-3', startDate: '2027-01-01', endDate: '2027-12-31' },
      ]),
    );
    assert.deepEqual(result.changedItemIds, ['OI-2', 'OI-3']);
    const [, laptop, license] = result.order.items;
    assert.deepEqual(laptop, { id: 'OI-2', product: 'LAPTOP-14', quantity: 2, unitPrice: '0.00', parentItemId: 'OI-1', attributes: { color: 'black', engraving: 'ACME' } });
    assert.deepEqual([license.startDate, license.endDate], ['2027-01-01', '2027-12-31']);
    assert.deepEqual(order.items[1].attributes, { color: 'silver' });
  });

  it('adds an item at the end, and lets a later action amend it', () => {
    const order = deepFreeze(exampleOrder('laptop-bundle.json'));
    const result = applyOrderActions(
      order,
      request([
        { type: 'Add', item: { id: 'OI-5', product: 'SETUP-FEE', quantity: 1, unitPrice: '150.00' } },
        { type: 'Amend', itemId: 'OI-5', quantity: 2 },
      ]),
    );
    assert.deepEqual(result.addedItemIds, ['OI-5']);
    assert.deepEqual(result.changedItemIds, []);
    assert.deepEqual(result.order.items.map((i) => [i.id, i.quantity]), [
      ['OI-1', 2],
      ['OI-2', 2],
      ['OI-3', 2],
      ['OI-4', 2],
      ['OI-5', 2],
    ]);
  });

  it('cancels an item together with its whole bundle below it', () => {
    const order = deepFreeze(exampleOrder('mixed.json'));
    const result = applyOrderActions(order, request([{ type: 'Cancel', itemId: 'OI-1' }]));
    assert.deepEqual(result.removedItemIds, ['OI-1', 'OI-2', 'OI-3', 'OI-4']);
    assert.deepEqual(result.order.items.map((i) => i.id), ['OI-5', 'OI-6', 'OI-7']);
    assert.equal(order.items.length, 7);
  });

  it('cancels a component and the components nested under it, not its siblings or parent', () => {
    const order = deepFreeze(
      orderOf([item('A', 'KIT'), item('B', 'SUB', 1, { parentItemId: 'A' }), item('C', 'PART', 1, { parentItemId: 'B' }), item('D', 'PART', 1, { parentItemId: 'A' })]),
    );
    const result = applyOrderActions(order, request([{ type: 'Cancel', itemId: 'B' }]));
    assert.deepEqual(result.removedItemIds, ['B', 'C']);
    assert.deepEqual(result.order.items.map((i) => i.id), ['A', 'D']);
  });

  it('reports every action problem at once, each naming its field', () => {
    const order = deepFreeze(exampleOrder('laptop-bundle.json'));
    const { subject, problems } = problemsOf(() =>
      applyOrderActions(
        order,
        request([
          { type: 'Add', item: { id: 'OI-1', product: 'SETUP-FEE', quantity: 1, unitPrice: '150.00' } },
          { type: 'Amend', itemId: 'OI-2', quantity: 2 },
          { type: 'Cancel', itemId: 'OI-9' },
          { type: 'Cancel', itemId: 'OI-1' },
          { type: 'Amend', itemId: 'OI-3', quantity: 1 },
        ]),
      ),
    );
    assert.equal(subject, 'amendment of order ORD-1001');
    assert.deepEqual(pathsAndMessages(problems), [
      ['actions[0].item.id', 'OI-1 already exists in order ORD-1001'],
      ['actions[1]', 'changes nothing: item OI-2 already has every value it gives'],
      ['actions[2].itemId', 'no item OI-9 in order ORD-1001'],
      ['actions[4].itemId', 'item OI-3 is cancelled by actions[3]'],
      ['actions', 'would cancel every item of order ORD-1001'],
    ]);
    assert.equal(problems.at(-1)!.fix, 'cancel the order instead (the cancel update), or keep at least one item');
  });

  it('refuses reusing the id of an item this amendment cancels', () => {
    const order = exampleOrder('mixed.json');
    const { problems } = problemsOf(() =>
      applyOrderActions(order, request([{ type: 'Cancel', itemId: 'OI-7' }, { type: 'Add', item: { id: 'OI-7', product: 'SETUP-FEE', quantity: 1, unitPrice: '99.00' } }])),
    );
    assert.deepEqual(pathsAndMessages(problems), [['actions[1].item.id', 'OI-7 is the id of an item cancelled by actions[0]']]);
  });

  it('refuses a malformed request with the schema problems, naming each field', () => {
    const order = exampleOrder('laptop-bundle.json');
    const { problems } = problemsOf(() =>
      applyOrderActions(order, { actor: ' ', actions: [{ type: 'Amend', itemId: 'OI-2' }, { type: 'Remove', itemId: 'OI-2' }, { type: 'Amend', itemId: 'OI-2', quantity: 0 }] } as unknown as AmendRequest),
    );
    assert.deepEqual(pathsAndMessages(problems), [
      ['actor', 'must not be empty'],
      ['actions[0]', 'an Amend must change something: give quantity, attributes, startDate, endDate or deliveryGroupId'],
      ['actions[1].type', 'must be an order action: { type: "Add", item }, { type: "Amend", itemId, … }, { type: "Cancel", itemId } or { type: "ChangeDeliveryAddress", deliveryGroupId, address }'],
      ['actions[2].quantity', 'must be at least 1'],
    ]);
    assert.deepEqual(pathsAndMessages(problemsOf(() => applyOrderActions(order, request([]))).problems), [['actions', 'list at least one order action']]);
  });

  it('validates the amended order like a submitted one and surfaces its problems', () => {
    const order = exampleOrder('laptop-bundle.json');
    const { subject, problems } = problemsOf(() =>
      applyOrderActions(
        order,
        request([
          { type: 'Amend', itemId: 'OI-3', endDate: '2026-11-30' },
          { type: 'Add', item: { id: 'OI-5', product: 'SETUP-FEE', quantity: 1, unitPrice: '150.00', discount: '200.00', parentItemId: 'OI-99' } },
          { type: 'Add', item: { id: 'OI-6', product: 'LAPTOP-14', quantity: 1, unitPrice: '0.00', action: 'Return', originalItemId: 'OI-2' } },
        ]),
      ),
    );
    assert.equal(subject, 'amendment of order ORD-1001');
    assert.deepEqual(
      problems.map((p) => p.path),
      ['items[4].parentItemId', 'items[2].endDate', 'items[4].discount', 'items[5].action', 'items[5].originalItemId'],
    );
  });

  it('keeps a contract-bound order honest: amending a contracted quantity is drift', () => {
    const order = exampleOrder('laptop-bundle.json');
    const contracted: Order = {
      ...order,
      contract: { id: 'CTR-7', lines: [{ id: 'CL-1', product: 'AV-LICENSE', quantity: 2, unitPrice: '0.00', startDate: '2026-12-01', endDate: '2027-11-30' }] },
      items: order.items.map((i) => (i.id === 'OI-3' ? { ...i, contractLineId: 'CL-1' } : i)),
    };
    const { problems } = problemsOf(() => applyOrderActions(contracted, request([{ type: 'Amend', itemId: 'OI-3', quantity: 3 }])));
    assert.deepEqual(pathsAndMessages(problems), [['items[2].quantity', '3 drifts from contract CTR-7 line CL-1 (2)']]);
  });
});

describe('itemsOfBundle', () => {
  const order = orderOf([
    item('OI-1', 'KIT'),
    item('OI-2', 'PART', 1, { parentItemId: 'OI-1' }),
    item('OI-3', 'SUB', 1, { parentItemId: 'OI-1' }),
    item('OI-4', 'PART', 1, { parentItemId: 'OI-3' }),
    item('OI-5', 'PART'),
  ]);

  it('gives the whole bundle of any of its items, root first, in item order', () => {
    for (const id of ['OI-1', 'OI-2', 'OI-3', 'OI-4']) assert.deepEqual(itemsOfBundle(order, id), ['OI-1', 'OI-2', 'OI-3', 'OI-4'], id);
    assert.equal(bundleRootOf(order, 'OI-4'), 'OI-1');
  });

  it('treats an item outside any bundle as its own bundle, and knows no unknown item', () => {
    assert.deepEqual(itemsOfBundle(order, 'OI-5'), ['OI-5']);
    assert.deepEqual(itemsOfBundle(order, 'OI-9'), []);
  });

  it('does not hang on a parent cycle', () => {
    const cyclic = { items: [{ id: 'A', parentItemId: 'B' }, { id: 'B', parentItemId: 'A' }, { id: 'C' }] };
    assert.deepEqual(itemsOfBundle(cyclic, 'C'), ['C']);
    assert.ok(itemsOfBundle(cyclic, 'A').includes('A'));
  });

  it('gives every item of the bundles several items belong to, in item order, each once (what PONR spreads to)', () => {
    assert.deepEqual(itemsOfBundles(order, ['OI-5', 'OI-4', 'OI-2']), ['OI-1', 'OI-2', 'OI-3', 'OI-4', 'OI-5']);
    assert.deepEqual(itemsOfBundles(order, ['OI-2']), ['OI-1', 'OI-2', 'OI-3', 'OI-4']);
    assert.deepEqual(itemsOfBundles(order, ['OI-9']), []);
  });
});
