import assert from 'node:assert/strict';
import { callout, calloutBody, request, startTestSimulators, type TestSimulators } from './harness';

describe('simulators: inventory', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  const availability = async (products: string) =>
    (await request(sims.url, 'GET', `/inventory/availability?products=${products}`)).body;

  it('seeds two warehouses by default and reports availability for the listed products', async () => {
    assert.deepEqual(await availability('LAPTOP-14,LAPTOP-BUNDLE,MYSTERY'), {
      'WH-EAST': { 'LAPTOP-14': 1000, 'LAPTOP-BUNDLE': 1000, MYSTERY: 0 },
      'WH-WEST': { 'LAPTOP-14': 1000, 'LAPTOP-BUNDLE': 1000, MYSTERY: 0 },
    });
  });

  it('reserves the ordered product of each line item at the location, and releases it', async () => {
    const reserved = await callout(sims.url, 'inventory', 'reserve', calloutBody(), 'reserve-1');
    assert.equal(reserved.status, 200);
    assert.match(reserved.body.reservationId, /^RES-/);
    assert.deepEqual(reserved.body.items, [{ product: 'LAPTOP-14', quantity: 2 }]);
    assert.equal((await availability('LAPTOP-14'))['WH-EAST']['LAPTOP-14'], 998);
    assert.equal((await availability('LAPTOP-14'))['WH-WEST']['LAPTOP-14'], 1000);

    const released = await callout(
      sims.url,
      'inventory',
      'release',
      calloutBody({ stepId: 'release', reservationId: reserved.body.reservationId }),
      'release-1',
    );
    assert.deepEqual(released.body, { released: [reserved.body.reservationId], alreadyReleased: [] });
    assert.equal((await availability('LAPTOP-14'))['WH-EAST']['LAPTOP-14'], 1000);

    const again = await callout(
      sims.url,
      'inventory',
      'release',
      calloutBody({ stepId: 'release', reservationId: reserved.body.reservationId }),
      'release-2',
    );
    assert.deepEqual(again.body, { released: [], alreadyReleased: [reserved.body.reservationId] });
    assert.equal((await availability('LAPTOP-14'))['WH-EAST']['LAPTOP-14'], 1000);
  });

  it('reserves explicit items when the body has them', async () => {
    const body = calloutBody({ items: [{ product: 'LAPTOP-BUNDLE', quantity: 3 }] });
    const reserved = await callout(sims.url, 'inventory', 'reserve', body, 'k');
    assert.deepEqual(reserved.body.items, [{ product: 'LAPTOP-BUNDLE', quantity: 3 }]);
    assert.equal((await availability('LAPTOP-BUNDLE'))['WH-EAST']['LAPTOP-BUNDLE'], 997);
  });

  it('releases what a fulfillment order reserved when no reservation is named (compensation)', async () => {
    await callout(sims.url, 'inventory', 'reserve', calloutBody(), 'reserve-1');
    const released = await callout(sims.url, 'inventory', 'release', calloutBody({ stepId: 'compensate' }), 'c-1');
    assert.equal(released.body.released.length, 1);
    assert.equal((await availability('LAPTOP-14'))['WH-EAST']['LAPTOP-14'], 1000);

    const nothing = await callout(sims.url, 'inventory', 'release', calloutBody({ orderId: 'ORD-NONE' }), 'c-2');
    assert.deepEqual(nothing.body, { released: [], alreadyReleased: [] });
  });

  it('finds the reservation in the outputs Ordo passes as input', async () => {
    const reserved = await callout(sims.url, 'inventory', 'reserve', calloutBody(), 'reserve-1');
    const released = await callout(
      sims.url,
      'inventory',
      'release',
      calloutBody({ fulfillmentOrderId: 'OTHER', input: { reserve: { reservationId: reserved.body.reservationId } } }),
      'c-1',
    );
    assert.deepEqual(released.body.released, [reserved.body.reservationId]);
  });

  it('refuses an unknown reservation with 404', async () => {
    const response = await callout(sims.url, 'inventory', 'release', calloutBody({ reservationId: 'RES-NOPE' }), 'k');
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'unknown-reservation');
  });

  it('answers 409 out-of-stock, takes nothing, and does not store the refusal', async () => {
    await request(sims.url, 'PUT', '/inventory/stock', { body: { 'WH-EAST': { 'LAPTOP-14': 1, 'LAPTOP-BUNDLE': 5 } } });
    const body = calloutBody({
      items: [
        { product: 'LAPTOP-BUNDLE', quantity: 2 },
        { product: 'LAPTOP-14', quantity: 2 },
      ],
    });
    const refused = await callout(sims.url, 'inventory', 'reserve', body, 'k');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'out-of-stock');
    assert.deepEqual(refused.body.error.shortages, [{ product: 'LAPTOP-14', requested: 2, available: 1 }]);
    assert.deepEqual(await availability('LAPTOP-14,LAPTOP-BUNDLE'), { 'WH-EAST': { 'LAPTOP-14': 1, 'LAPTOP-BUNDLE': 5 } });

    // An operator restocks and retries the step with the same key: this time it succeeds.
    await request(sims.url, 'PUT', '/inventory/stock', { body: { 'WH-EAST': { 'LAPTOP-14': 5, 'LAPTOP-BUNDLE': 5 } } });
    const retried = await callout(sims.url, 'inventory', 'reserve', body, 'k');
    assert.equal(retried.status, 200);
  });

  it('sums line items of the same product before checking stock', async () => {
    await request(sims.url, 'PUT', '/inventory/stock', { body: { 'WH-EAST': { 'LAPTOP-14': 3 } } });
    const lineItems = [
      { id: 'A', product: 'LAPTOP-14', quantity: 2, attributes: {} },
      { id: 'B', product: 'LAPTOP-14', quantity: 2, attributes: {} },
    ];
    const refused = await callout(sims.url, 'inventory', 'reserve', calloutBody({ lineItems }), 'k');
    assert.equal(refused.status, 409);
  });

  it('PUT /inventory/stock replaces the stock, with an optional defaultStock', async () => {
    const put = await request(sims.url, 'PUT', '/inventory/stock', {
      body: { 'WH-NORTH': { 'LAPTOP-14': 7 }, defaultStock: 50 },
    });
    assert.equal(put.status, 200);
    assert.deepEqual(await availability('LAPTOP-14,ANYTHING'), { 'WH-NORTH': { 'LAPTOP-14': 7, ANYTHING: 50 } });
    assert.deepEqual((await request(sims.url, 'GET', '/inventory/stock')).body, {
      'WH-NORTH': { 'LAPTOP-14': 7 },
      defaultStock: 50,
    });

    const reserved = await callout(
      sims.url,
      'inventory',
      'reserve',
      calloutBody({ location: 'WH-NORTH', items: [{ product: 'ANYTHING', quantity: 5 }] }),
      'k',
    );
    assert.equal(reserved.status, 200);
    assert.equal((await availability('ANYTHING'))['WH-NORTH'].ANYTHING, 45);

    const bad = await request(sims.url, 'PUT', '/inventory/stock', { body: { 'WH-NORTH': { 'LAPTOP-14': -1 } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'WH-NORTH.LAPTOP-14');
  });

  it('refuses a reservation without a location, or at an unknown one', async () => {
    const missing = await callout(sims.url, 'inventory', 'reserve', calloutBody({ location: undefined }), 'a');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.field, 'location');
    const unknown = await callout(sims.url, 'inventory', 'reserve', calloutBody({ location: 'WH-MOON' }), 'b');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'unknown-location');
  });

  it('takes its stock from the stock option, and keeps what changed across a restart', async () => {
    const seeded = await startTestSimulators({ stock: { 'WH-SOUTH': { 'LAPTOP-14': 4 } } });
    try {
      await callout(seeded.url, 'inventory', 'reserve', calloutBody({ location: 'WH-SOUTH' }), 'k');
      await seeded.stop();
      const restarted = await startTestSimulators({ dataDir: seeded.dataDir });
      try {
        const replay = await callout(restarted.url, 'inventory', 'reserve', calloutBody({ location: 'WH-SOUTH' }), 'k');
        assert.equal(replay.headers.get('idempotent-replay'), 'true');
        const stock = await request(restarted.url, 'GET', '/inventory/availability?products=LAPTOP-14');
        assert.deepEqual(stock.body, { 'WH-SOUTH': { 'LAPTOP-14': 2 } });
      } finally {
        await restarted.stop();
      }
    } finally {
      await seeded.dispose();
    }
  });

  it('lists reservations by order', async () => {
    await callout(sims.url, 'inventory', 'reserve', calloutBody({ orderId: 'ORD-X' }), 'x');
    await callout(sims.url, 'inventory', 'reserve', calloutBody({ orderId: 'ORD-Y' }), 'y');
    const { body } = await request(sims.url, 'GET', '/inventory/reservations?orderId=ORD-X');
    assert.equal(body.reservations.length, 1);
    assert.equal(body.reservations[0].orderId, 'ORD-X');
    assert.equal(body.reservations[0].releasedAt, null);
  });
});
