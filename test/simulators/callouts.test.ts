import assert from 'node:assert/strict';
import { callout, calloutBody, request, setFault, startTestSimulators, type TestSimulators } from './harness';

/** The callout protocol every fulfillment system shares: idempotent replay, 404, 400s, call log. */

/** system, operation, and the id field its success response carries. */
const OPERATIONS: Array<[string, string, string]> = [
  ['inventory', 'reserve', 'reservationId'],
  ['shipping', 'ship', 'trackingNumber'],
  ['shipping', 'cancel-shipment', 'cancellationId'],
  ['shipping', 'schedule-visit', 'visitId'],
  ['provisioning', 'activate', 'licenseKey'],
  ['provisioning', 'deactivate', 'deactivationId'],
  ['provisioning', 'provision-tenant', 'tenantId'],
  ['provisioning', 'allocate-seats', 'allocationId'],
  ['provisioning', 'enroll-support', 'supportContractId'],
  ['warranty', 'register', 'warrantyId'],
  ['warranty', 'void', 'voidId'],
];

describe('simulators: callout protocol', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  for (const [system, operation, idField] of OPERATIONS) {
    it(`${system}/${operation}: the same Idempotency-Key returns the stored response`, async () => {
      const first = await callout(sims.url, system, operation, calloutBody(), 'key-1');
      assert.equal(first.status, 200);
      assert.equal(typeof first.body[idField], 'string');
      assert.equal(first.headers.get('idempotent-replay'), null);

      const again = await callout(sims.url, system, operation, calloutBody(), 'key-1');
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotent-replay'), 'true');
      assert.deepEqual(again.body, first.body);

      const other = await callout(sims.url, system, operation, calloutBody(), 'key-2');
      assert.notEqual(other.body[idField], first.body[idField]);

      const { body } = await request(sims.url, 'GET', `/${system}/calls`);
      assert.deepEqual(
        body.calls.map((c: any) => [c.operation, c.idempotencyKey, c.status, c.replayed]),
        [
          [operation, 'key-1', 200, false],
          [operation, 'key-1', 200, true],
          [operation, 'key-2', 200, false],
        ],
      );
    });
  }

  for (const system of ['inventory', 'shipping', 'provisioning', 'warranty', 'billing']) {
    it(`${system}: an unknown operation is 404 unknown-operation`, async () => {
      const response = await callout(sims.url, system, 'teleport', calloutBody(), 'key-1');
      assert.equal(response.status, 404);
      assert.equal(response.body.error.code, 'unknown-operation');
      assert.match(response.body.error.message, /teleport/);
    });

    it(`${system}: a missing Idempotency-Key is 400 missing-idempotency-key`, async () => {
      const operation = system === 'billing' ? 'invoices' : OPERATIONS.find(([s]) => s === system)![1];
      const response = await callout(sims.url, system, operation, calloutBody());
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'missing-idempotency-key');
    });
  }

  it('an invalid body is 400 invalid-request naming the field', async () => {
    const badQuantity = calloutBody({ lineItems: [{ id: 'FLI-1', product: 'X', quantity: 0, attributes: {} }] });
    const response = await callout(sims.url, 'shipping', 'ship', badQuantity, 'key-1');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid-request');
    assert.equal(response.body.error.field, 'lineItems[0].quantity');

    const noOrder = await callout(sims.url, 'warranty', 'register', calloutBody({ orderId: undefined }), 'key-2');
    assert.equal(noOrder.body.error.field, 'orderId');

    const notJson = await request(sims.url, 'POST', '/shipping/ship', {
      rawBody: '{not json',
      headers: { 'Idempotency-Key': 'key-3' },
    });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.code, 'invalid-request');
  });

  it('a request the system refused is not stored: the same key may succeed later', async () => {
    const invalid = await callout(sims.url, 'shipping', 'ship', calloutBody({ stepId: '' }), 'key-1');
    assert.equal(invalid.status, 400);
    const valid = await callout(sims.url, 'shipping', 'ship', calloutBody(), 'key-1');
    assert.equal(valid.status, 200);
    assert.equal(valid.headers.get('idempotent-replay'), null);
  });

  it('keys are scoped per operation', async () => {
    const ship = await callout(sims.url, 'shipping', 'ship', calloutBody(), 'same-key');
    const cancel = await callout(sims.url, 'shipping', 'cancel-shipment', calloutBody(), 'same-key');
    assert.equal(cancel.headers.get('idempotent-replay'), null);
    assert.ok(cancel.body.cancellationId);
    assert.ok(ship.body.trackingNumber);
  });

  it('concurrent requests with the same key do the work once', async () => {
    await setFault(sims.url, 'inventory', { latencyMs: 50 });
    const [a, b] = await Promise.all([
      callout(sims.url, 'inventory', 'reserve', calloutBody(), 'key-1'),
      callout(sims.url, 'inventory', 'reserve', calloutBody(), 'key-1'),
    ]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(a.body.reservationId, b.body.reservationId);
    const stock = await request(sims.url, 'GET', '/inventory/availability?products=LAPTOP-14');
    assert.equal(stock.body['WH-EAST']['LAPTOP-14'], 998);
  });

  it('the call log filters by orderId and can be cleared', async () => {
    await callout(sims.url, 'provisioning', 'activate', calloutBody({ orderId: 'ORD-A' }), 'a');
    await callout(sims.url, 'provisioning', 'activate', calloutBody({ orderId: 'ORD-B' }), 'b');
    const onlyA = await request(sims.url, 'GET', '/provisioning/calls?orderId=ORD-A');
    assert.equal(onlyA.body.calls.length, 1);
    assert.equal(onlyA.body.calls[0].body.orderId, 'ORD-A');
    assert.ok(onlyA.body.calls[0].response.licenseKey);
    assert.ok(Date.parse(onlyA.body.calls[0].at));

    assert.equal((await request(sims.url, 'DELETE', '/provisioning/calls')).status, 204);
    assert.deepEqual((await request(sims.url, 'GET', '/provisioning/calls')).body.calls, []);
  });

  it('stored responses survive a restart with the same data directory', async () => {
    const first = await callout(sims.url, 'shipping', 'ship', calloutBody(), 'key-1');
    await sims.stop();
    const restarted = await startTestSimulators({ dataDir: sims.dataDir });
    try {
      const again = await callout(restarted.url, 'shipping', 'ship', calloutBody(), 'key-1');
      assert.equal(again.headers.get('idempotent-replay'), 'true');
      assert.equal(again.body.trackingNumber, first.body.trackingNumber);
    } finally {
      await restarted.stop();
    }
  });
});
