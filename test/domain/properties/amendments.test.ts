import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BundleIndex } from '../../../domain/bundles';
import { decompose } from '../../../domain/decompose';
import type { Order } from '../../../domain/order';
import { applyOrderActions, type AmendRequest, type OrderActionInput } from '../../../domain/order-actions';
import { catalogArbitrary, orderArbitrary, REGIONS } from './catalog-arbitraries';
import { check } from './run';

/**
 * Amendments applied in any order reach the same plan (issue 12; domain/order-actions.ts, as `ordo amend` and the
 * order workflow's amend update apply them, one request after another). "Independent" amendments: each touches its
 * own item (a new quantity, a new region, or Cancel), none acts on an item another one cancels (directly or as a
 * component of a cancelled bundle), and one Add request brings new items (some as components of items nobody
 * cancels). Applied in any order they are all accepted and give the same order, item for item in the same places (an Amend
 * replaces an item where it is, a Cancel removes it, the Adds append), and the same plan, byte for byte.
 */

interface Independent {
  order: Order;
  requests: AmendRequest[];
}

function independentAmendments(order: Order, picks: { what: number; amount: number; region: number }[], adds: { parent: number | undefined; quantity: number }[]): AmendRequest[] {
  const bundles = new BundleIndex(order.items);
  const cancelled = new Set<string>();
  const actions: OrderActionInput[] = [];
  order.items.forEach((item, i) => {
    const pick = picks[i % picks.length];
    const kind = pick.what % 4; // 0: leave it, 1: quantity, 2: region, 3: cancel
    if (kind === 1) actions.push({ type: 'Amend', itemId: item.id, quantity: item.quantity + 1 + (pick.amount % 5) });
    if (kind === 2) {
      const region = REGIONS.filter((r) => r !== item.attributes?.region)[pick.region % 2];
      actions.push({ type: 'Amend', itemId: item.id, attributes: { region } });
    }
    if (kind === 3 && i > 0) cancelled.add(item.id); // the first item stays: an amendment may not cancel everything
  });
  const gone = new Set([...cancelled].flatMap((id) => [id, ...bundles.descendantsOf(id)]));
  const kept = actions.filter((action) => (action.type === 'Amend' || action.type === 'Cancel') && !gone.has(action.itemId));
  const cancels = [...cancelled].filter((id) => ![...bundles.ancestorsOf(id)].some((ancestor) => cancelled.has(ancestor))).map((itemId): OrderActionInput => ({ type: 'Cancel', itemId }));
  const survivors = order.items.filter((item) => !gone.has(item.id));
  const added = adds.map((add, k): OrderActionInput => {
    const parent = add.parent === undefined ? undefined : survivors[add.parent % survivors.length];
    return { type: 'Add', item: { id: `NEW-${k + 1}`, product: order.items[k % order.items.length].product, quantity: add.quantity, unitPrice: '1.00', ...(parent ? { parentItemId: parent.id } : {}), ...((order.deliveryGroups?.length ?? 0) > 1 ? { deliveryGroupId: 'DG-1' } : {}) } };
  });
  // The added items come in one request: items added in another order are another order (a merged line takes its
  // attributes from its first source item, DESIGN.md), so only the relative order of the requests varies.
  const requests = [...kept, ...cancels].map((action) => ({ actor: 'pat', actions: [action] }));
  return added.length > 0 ? [...requests, { actor: 'pat', actions: added }] : requests;
}

function applyAll(order: Order, requests: AmendRequest[]): Order {
  return requests.reduce((current, request) => applyOrderActions(current, request).order, order);
}

describe('properties: amendments', () => {
  it('independent amendments applied in any order reach the same order and the same plan', () => {
    const arbitrary = catalogArbitrary.chain((catalog) =>
      orderArbitrary(catalog).chain((order) =>
        fc
          .record({
            picks: fc.array(fc.record({ what: fc.nat(), amount: fc.nat(), region: fc.nat() }), { minLength: 1, maxLength: 8 }),
            adds: fc.array(fc.record({ parent: fc.option(fc.nat(), { nil: undefined }), quantity: fc.integer({ min: 1, max: 4 }) }), { maxLength: 2 }),
          })
          .map(({ picks, adds }): Independent => ({ order, requests: independentAmendments(order, picks, adds) }))
          .chain((independent) => fc.record({ catalog: fc.constant(catalog), independent: fc.constant(independent), shuffled: fc.shuffledSubarray(independent.requests, { minLength: independent.requests.length }) })),
      ),
    );
    check(
      fc.property(arbitrary, ({ catalog, independent: { order, requests }, shuffled }) => {
        fc.pre(requests.length > 1);
        const plain = applyAll(order, requests);
        const reordered = applyAll(order, shuffled);
        assert.deepEqual(reordered, plain);
        assert.deepEqual(decompose(reordered, catalog), decompose(plain, catalog));
      }),
      200,
    );
  });
});
