import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkOrder } from '../../client/check-order';
import { OrdoError } from '../../client/errors';
import { orderFromProductOrder, orderEventId, queryMatches, queryMayTakeOrder, queryProblems, tmfState, type OrderEvent } from '../../domain/tmf622';

/** The TMF622 mapping (domain/tmf622.ts, docs/api.md): a ProductOrder onto an Ordo order, problem paths, hub queries. */
const EXAMPLES = path.resolve(__dirname, '../../examples');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;

describe('TMF622 mapping (domain/tmf622.ts)', () => {
  it('maps examples/product-order.json onto exactly the order of examples/laptop-bundle.json', () => {
    const { order } = orderFromProductOrder(read('product-order.json'));
    assert.deepEqual(checkOrder(order), checkOrder({ ...read('laptop-bundle.json'), id: 'ORD-7001' }));
  });

  it("names a problem in the ProductOrder's words", () => {
    const body = read('product-order.json');
    const items = body.productOrderItem as Array<Record<string, unknown>>;
    items[1] = { ...items[1], quantity: 0, itemPrice: [{ price: { dutyFreeAmount: { unit: 'USD', value: 1.234 } } }] };
    const { order, tmfPath } = orderFromProductOrder({ ...body, relatedParty: [] });
    try {
      checkOrder(order);
      assert.fail('the order should be refused');
    } catch (error) {
      assert.ok(error instanceof OrdoError);
      const paths = error.problems.map((p) => tmfPath(p.path));
      assert.ok(paths.includes('relatedParty[role=customer].id'), paths.join(', '));
      assert.ok(paths.includes('productOrderItem[1].quantity'), paths.join(', '));
      assert.ok(paths.includes('productOrderItem[1].itemPrice[0].price.dutyFreeAmount.value'), paths.join(', '));
    }
  });

  it("reads Ordo's states in TMF's words", () => {
    assert.equal(tmfState('pendingCancellation'), 'pendingCancellation');
    assert.equal(tmfState('assessingCancellation'), 'assessingCancellation');
    assert.equal(tmfState('partial'), 'partial');
    assert.equal(tmfState('inProgress'), 'inProgress');
  });

  it('filters events by the hub query, and knows which orders a subscription may take', () => {
    const event: OrderEvent = {
      eventId: orderEventId('ORD-1', 'ProductOrderStateChangeEvent', 'completed'),
      eventType: 'ProductOrderStateChangeEvent',
      eventTime: '2026-12-02T00:00:00Z',
      orderId: 'ORD-1',
      event: { productOrder: { id: 'ORD-1', state: 'completed' } },
    };
    assert.equal(event.eventId, 'ORD-1:ProductOrderStateChangeEvent:completed');
    assert.ok(queryMatches(undefined, event));
    assert.ok(queryMatches('id=ORD-1&state=completed,failed', event));
    assert.ok(!queryMatches('id=ORD-2', event));
    assert.ok(!queryMatches('eventType=ProductOrderJeopardyEvent', event));
    assert.ok(queryMayTakeOrder('eventType=ProductOrderJeopardyEvent', 'ORD-1'));
    assert.ok(queryMayTakeOrder('id=ORD-1,ORD-2', 'ORD-2'));
    assert.ok(!queryMayTakeOrder('id=ORD-3', 'ORD-1'));
    assert.deepEqual(queryProblems('colour=red')[0].path, 'query');
    assert.deepEqual(queryProblems('id=ORD-1&eventType=X'), []);
  });
});
