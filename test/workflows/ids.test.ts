import assert from 'node:assert/strict';
import {
  accountRunWorkflowId,
  accountWorkflowId,
  accountWorkflowIdOfRun,
  fulfillmentOrderWorkflowId,
  orderIdOfWorkflowId,
  orderWorkflowId,
  parseAccountWorkflowId,
  parseFulfillmentOrderWorkflowId,
  queueOfRotationWorkflowId,
  queueRotationWorkflowId,
} from '../../workflows/ids';

describe('workflows/ids.ts (every workflow id, built and parsed in one place)', () => {
  it('gives the two account/destination pairs that collided before different ids', () => {
    const a = accountWorkflowId('ACME-EU', 'TENANT');
    const b = accountWorkflowId('ACME', 'EU-TENANT');
    assert.notEqual(a, b);
    assert.deepEqual(parseAccountWorkflowId(a), { accountId: 'ACME-EU', destination: 'TENANT' });
    assert.deepEqual(parseAccountWorkflowId(b), { accountId: 'ACME', destination: 'EU-TENANT' });
  });

  it('parses every account id back to the parts it was built from, whatever the parts contain', () => {
    const parts = ['ACME', 'ACME-EU', 'EU-TENANT', '-', '--', 'a%2Db', '%', '%25', '%2D', 'x-%-y', 'ACCOUNT-WORK', 'a/b', ''];
    const ids = new Set<string>();
    for (const accountId of parts) {
      for (const destination of parts) {
        const id = accountWorkflowId(accountId, destination);
        assert.deepEqual(parseAccountWorkflowId(id), { accountId, destination }, id);
        ids.add(id);
      }
    }
    assert.equal(ids.size, parts.length * parts.length, 'two pairs share an id');
  });

  it('keeps the id an account without "-" or "%" had before the encoding, so its running workflow is still found', () => {
    assert.equal(accountWorkflowId('ACME', 'ACCOUNT-WORK'), 'account-ACME-ACCOUNT-WORK');
  });

  it('refuses to parse what no builder wrote', () => {
    assert.equal(parseAccountWorkflowId('order-ORD-1'), undefined);
    assert.equal(parseAccountWorkflowId('account-ACME'), undefined);
    assert.equal(parseAccountWorkflowId('account-AC%41ME-X'), undefined);
    assert.equal(orderIdOfWorkflowId('account-ACME-X'), undefined);
    assert.equal(orderIdOfWorkflowId('order-ORD-1/FO-HQ'), undefined, 'a split is not an order');
    assert.equal(parseFulfillmentOrderWorkflowId('order-ORD-1'), undefined);
    assert.equal(queueOfRotationWorkflowId('order-ORD-1'), undefined);
    assert.equal(accountWorkflowIdOfRun('account-ACME-X'), undefined);
  });

  it('keeps the public order id and the recorded split ids as they were', () => {
    assert.equal(orderWorkflowId('ORD-1001'), 'order-ORD-1001');
    assert.equal(fulfillmentOrderWorkflowId('ORD-1001', 'FO-WH-EAST-DG-HQ'), 'order-ORD-1001/FO-WH-EAST-DG-HQ');
    assert.equal(queueRotationWorkflowId('fulfillment-desk'), 'queue-rotation-fulfillment-desk');
    assert.equal(accountRunWorkflowId('account-ACME-X'), 'account-ACME-X/run');
  });

  it('parses order, split, rotation and run ids back to their parts', () => {
    assert.equal(orderIdOfWorkflowId(orderWorkflowId('ORD-1.a_b')), 'ORD-1.a_b');
    assert.deepEqual(parseFulfillmentOrderWorkflowId(fulfillmentOrderWorkflowId('ORD-1', 'FO-a/b-P2')), { orderId: 'ORD-1', fulfillmentOrderId: 'FO-a/b-P2' });
    assert.equal(queueOfRotationWorkflowId(queueRotationWorkflowId('q-1')), 'q-1');
    const account = accountWorkflowId('ACME-EU', 'TENANT');
    assert.equal(accountWorkflowIdOfRun(accountRunWorkflowId(account)), account);
  });
});
