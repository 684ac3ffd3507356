import assert from 'node:assert/strict';
import { compensationCallKey, slaAlertKey, stepCallKey } from '../../domain/step-keys';

describe('step idempotency keys (domain/step-keys.ts)', () => {
  it('keeps the keys recorded histories and billing systems already hold, byte for byte', () => {
    assert.equal(stepCallKey('ORD-1001', 'FO-WH-EAST-DG-HQ', { id: 'ship' }), 'ORD-1001/FO-WH-EAST-DG-HQ/ship');
    assert.equal(stepCallKey('ORD-1001', 'FO-WH-EAST-DG-HQ', { id: 'ship', runs: 1 }), 'ORD-1001/FO-WH-EAST-DG-HQ/ship');
    assert.equal(stepCallKey('ORD-1001', 'FO-WH-EAST-DG-HQ', { id: 'ship', runs: 3 }), 'ORD-1001/FO-WH-EAST-DG-HQ/ship#3');
    assert.equal(compensationCallKey('ORD-1001', 'FO-HQ', { id: 'reserve' }), 'ORD-1001/FO-HQ/reserve/compensate');
    assert.equal(compensationCallKey('ORD-1001', 'FO-HQ', { id: 'reserve', runs: 2 }), 'ORD-1001/FO-HQ/reserve#2/compensate');
    assert.equal(slaAlertKey({ orderId: 'ORD-1', fulfillmentOrderId: 'FO-x', stepId: 'approve', stage: 'late' }), 'alert:ORD-1/FO-x/approve/late');
  });
});
