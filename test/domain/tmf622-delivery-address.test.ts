import assert from 'node:assert/strict';
import { amendmentFromPatch, deliveryPlaceOf } from '../../domain/tmf622';
import { exampleOrder } from './fixtures';

/** PATCH /productOrder's delivery address changes (issue 14): TMF's item place and Ordo's extension, onto ChangeDeliveryAddress. */

const order = exampleOrder('mixed.json'); // DG-HQ (OI-1 and its components), DG-BRANCH (OI-5)
const DALLAS = { line1: '200 Elm St', city: 'Dallas', region: 'TX', postalCode: '75201', country: 'US' };

describe('amendmentFromPatch', () => {
  it('leaves a body of Ordo actions as it is', () => {
    const body = { actions: [{ type: 'Amend', itemId: 'OI-5', quantity: 2 }] };
    const { amendment, problems } = amendmentFromPatch(body, order);
    assert.deepEqual([amendment, problems], [body, []]);
  });

  it('reads an item\'s place with role deliveryAddress as its group\'s new address, the group found from the order', () => {
    const body = { productOrderItem: [{ id: 'OI-2', product: { place: [{ role: 'installationAddress', city: 'x' }, { role: 'deliveryAddress', streetNr: '200', streetName: 'Elm', streetType: 'St', city: 'Dallas', stateOrProvince: 'TX', postcode: '75201', country: 'US' }] } }] };
    const { amendment, problems } = amendmentFromPatch(body, order);
    assert.deepEqual(problems, []);
    assert.deepEqual(amendment, { actions: [{ type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-HQ', address: DALLAS }] });
  });

  it('reads back what GET answers: a place made by deliveryPlaceOf names its group and round-trips the address', () => {
    const place = deliveryPlaceOf('DG-BRANCH', { ...DALLAS, line2: 'Suite 4' });
    const { amendment } = amendmentFromPatch({ productOrderItem: [{ id: 'OI-5', product: { place: [place] } }] }, undefined);
    assert.deepEqual(amendment, { actions: [{ type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-BRANCH', address: { ...DALLAS, line2: 'Suite 4' } }] });
  });

  it('takes ordo.deliveryGroups as a POST gives them, after the body\'s own actions', () => {
    const body = { actor: 'cos', actions: [{ type: 'Amend', itemId: 'OI-5', quantity: 2 }], ordo: { deliveryGroups: [{ id: 'DG-BRANCH', address: DALLAS }] } };
    const { amendment, problems, tmfPath } = amendmentFromPatch(body, order);
    assert.deepEqual(problems, []);
    assert.deepEqual(amendment, { actor: 'cos', actions: [body.actions[0], { type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-BRANCH', address: DALLAS }] });
    assert.equal(tmfPath('actions[0].quantity'), 'actions[0].quantity');
    assert.equal(tmfPath('actions[1].address.country'), 'ordo.deliveryGroups[0].address.country');
  });

  it('names a problem of a place in the place\'s own words', () => {
    const { tmfPath } = amendmentFromPatch({ productOrderItem: [{ id: 'OI-5', product: { place: [{ role: 'deliveryAddress', streetName: 'Elm', city: 'Dallas', country: 'USA' }] } }] }, order);
    assert.equal(tmfPath('actions[0].address.country'), 'productOrderItem[0].product.place[0].country');
    assert.equal(tmfPath('actions[0].address.region'), 'productOrderItem[0].product.place[0].stateOrProvince');
  });

  it('refuses a group the order does not have, naming the ones it has, and an item without a delivery place', () => {
    const { problems } = amendmentFromPatch(
      { ordo: { deliveryGroups: [{ id: 'DG-MOON', address: DALLAS }] }, productOrderItem: [{ id: 'OI-5', action: 'modify', quantity: 3 }] },
      order,
    );
    assert.deepEqual(problems.map((p) => [p.path, p.fix]), [
      ['productOrderItem[0].product.place', 'give product.place [{ role: "deliveryAddress", streetName, city, country, … }], and other item changes as actions'],
      ['ordo.deliveryGroups[0].id', 'name one of: DG-HQ, DG-BRANCH'],
    ]);
  });

  it('refuses two items of one group given different addresses, and an item that ships to no group', () => {
    const place = (city: string) => ({ product: { place: [{ role: 'deliveryAddress', streetName: 'Elm', city, country: 'US' }] } });
    const { problems } = amendmentFromPatch({ productOrderItem: [{ id: 'OI-1', ...place('Dallas') }, { id: 'OI-2', ...place('Houston') }, { id: 'OI-7', ...place('Dallas') }] }, order);
    assert.deepEqual(problems.map((p) => p.path), ['productOrderItem[2].product.place[0].id', 'productOrderItem[1].product.place[0]']);
    assert.match(problems[1].message, /another address than productOrderItem\[0\]/);
  });

  it('refuses an extension with other fields', () => {
    const { problems } = amendmentFromPatch({ ordo: { contract: {} } }, order);
    assert.deepEqual(problems.map((p) => p.path), ['ordo']);
  });
});
