import assert from 'node:assert/strict';
import { checkContract } from '../../domain/contract';
import type { Order } from '../../domain/order';

/** An order that matches its contract CTR-7 exactly; each test breaks one thing. */
function contractedOrder(): Order {
  return {
    id: 'ORD-1001',
    accountId: 'ACME',
    channel: 'cpq',
    currency: 'USD',
    items: [
      { id: 'OI-1', product: 'LAPTOP-BUNDLE', quantity: 2, unitPrice: '1899.00' },
      { id: 'OI-2', product: 'LAPTOP-14', quantity: 2, unitPrice: '0.00', parentItemId: 'OI-1' },
      { id: 'OI-3', product: 'AV-LICENSE', quantity: 2, unitPrice: '120.00', startDate: '2026-12-01', endDate: '2027-11-30', contractLineId: 'CL-1' },
      { id: 'OI-4', product: 'SUPPORT', quantity: 1, unitPrice: '500.00', contractLineId: 'CL-2' },
    ],
    contract: {
      id: 'CTR-7',
      lines: [
        { id: 'CL-1', product: 'AV-LICENSE', quantity: 2, unitPrice: '120.00', startDate: '2026-12-01', endDate: '2027-11-30' },
        { id: 'CL-2', product: 'SUPPORT', quantity: 1, unitPrice: '500' },
      ],
    },
  };
}

const FIX = 'correct the order item or amend the contract';

describe('checkContract', () => {
  it('accepts an order that matches its contract (prices compare by value)', () => {
    assert.deepEqual(checkContract(contractedOrder()), []);
  });

  it('accepts an order without a contract or contract lines', () => {
    const order = contractedOrder();
    delete order.contract;
    order.items = order.items.map(({ contractLineId: _, ...item }) => item);
    assert.deepEqual(checkContract(order), []);
  });

  it('names each drifting field with both values', () => {
    const cases: Array<[field: string, change: (order: Order) => void, message: string]> = [
      ['product', (o) => (o.items[2].product = 'AV-LICENSE-PRO'), '"AV-LICENSE-PRO" drifts from contract CTR-7 line CL-1 ("AV-LICENSE")'],
      ['quantity', (o) => (o.items[2].quantity = 3), '3 drifts from contract CTR-7 line CL-1 (2)'],
      ['unitPrice', (o) => (o.items[2].unitPrice = '130.00'), '"130.00" drifts from contract CTR-7 line CL-1 ("120.00")'],
      ['startDate', (o) => (o.items[2].startDate = '2026-12-02'), '"2026-12-02" drifts from contract CTR-7 line CL-1 ("2026-12-01")'],
      ['endDate', (o) => (o.items[2].endDate = '2028-11-30'), '"2028-11-30" drifts from contract CTR-7 line CL-1 ("2027-11-30")'],
      ['endDate', (o) => delete o.items[2].endDate, '(not set) drifts from contract CTR-7 line CL-1 ("2027-11-30")'],
      ['startDate', (o) => (o.items[3].startDate = '2026-12-01'), '"2026-12-01" drifts from contract CTR-7 line CL-2 ((not set))'],
    ];
    for (const [field, change, message] of cases) {
      const order = contractedOrder();
      change(order);
      const index = message.includes('CL-2') ? 3 : 2;
      assert.deepEqual(checkContract(order), [{ path: `items[${index}].${field}`, message, fix: FIX }], `${field}: ${message}`);
    }
  });

  it('reports every drifting field of an item', () => {
    const order = contractedOrder();
    order.items[2].quantity = 5;
    order.items[2].unitPrice = '99.00';
    assert.deepEqual(checkContract(order).map((p) => p.path), ['items[2].quantity', 'items[2].unitPrice']);
  });

  it('refuses a contractLineId that the contract does not have', () => {
    const order = contractedOrder();
    order.items[3].contractLineId = 'CL-9';
    assert.deepEqual(checkContract(order), [
      { path: 'items[3].contractLineId', message: 'contract CTR-7 has no line "CL-9" (its lines: CL-1, CL-2)', fix: 'point at one of the contract lines, or amend the contract' },
      { path: 'contract.lines[1]', message: 'contract line CL-2 is not on the order', fix: 'add an item with "contractLineId": "CL-2", or amend the contract' },
    ]);
  });

  it('refuses a contractLineId on an order without a contract', () => {
    const order = contractedOrder();
    delete order.contract;
    assert.deepEqual(checkContract(order).map((p) => [p.path, p.message]), [
      ['items[2].contractLineId', 'points at contract line "CL-1" but the order carries no contract'],
      ['items[3].contractLineId', 'points at contract line "CL-2" but the order carries no contract'],
    ]);
  });

  it('refuses a contract line that no item carries', () => {
    const order = contractedOrder();
    order.items.pop();
    assert.deepEqual(checkContract(order), [
      { path: 'contract.lines[1]', message: 'contract line CL-2 is not on the order', fix: 'add an item with "contractLineId": "CL-2", or amend the contract' },
    ]);
  });

  it('refuses two items on one contract line, and duplicate contract line ids', () => {
    const order = contractedOrder();
    order.items.push({ ...order.items[2], id: 'OI-5' });
    order.contract!.lines.push({ ...order.contract!.lines[1] });
    assert.deepEqual(checkContract(order).map((p) => [p.path, p.message]), [
      ['contract.lines[2].id', '"CL-2" is already the id of contract.lines[1]'],
      ['items[4].contractLineId', 'contract line CL-1 is already on the order as items[2]'],
    ]);
  });
});
