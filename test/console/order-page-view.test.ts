import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadCatalogFiles } from '../../config/catalog-files';
import { lineSourcesOf, orderListQuery, ponrItems } from '../../console/order-view';
import { decompose } from '../../domain/decompose';
import { ORDER_STATES, type StepStatus } from '../../workflows/types';
import { exampleOrder } from '../e2e/examples';

/** The order view's pure parts (console/order-view.ts): the list's visibility query and PONR per item. */
describe('order page: the view', () => {
  it('builds the order list query from the filters, refusing a state that is not one', () => {
    assert.equal(orderListQuery({}), 'WorkflowType = "OrderWorkflow"');
    assert.equal(
      orderListQuery({ state: 'held', channel: 'cpq', account: 'ACME', q: 'ORD-1' }),
      'WorkflowType = "OrderWorkflow" AND OrderState = "held" AND Channel = "cpq" AND AccountId = "ACME" AND WorkflowId STARTS_WITH "order-ORD-1"',
    );
    assert.throws(() => orderListQuery({ state: 'running' }), (error: Error) => error.message === `state "running" is not an order state; use one of ${ORDER_STATES.join(', ')}`);
    assert.throws(() => orderListQuery({ account: 'A"B' }), /account "A\\"B" cannot be searched for/);
  });

  it('tells each item of a bundle ahead of its point of no return, then passed by the step the order recorded', () => {
    const catalog = loadCatalogFiles([path.resolve(__dirname, '../../catalog/network.yaml')]);
    const plan = decompose(exampleOrder('network-kit.json'), catalog);
    const lines = lineSourcesOf(plan);
    const splits = plan.fulfillmentOrders.map((fo) => ({ id: fo.id, steps: fo.steps.map((step): StepStatus => ({ ...step, state: 'Pending', attempts: 0, jeopardy: 'none' })) }));
    const router = splits.find((split) => split.steps.some((step) => step.pointOfNoReturn))!;
    const ahead = ponrItems({}, splits, lines);
    assert.deepEqual(ahead.map((item) => [item.itemId, item.passed, item.ahead.map((a) => `${a.fulfillmentOrderId}/${a.stepId}`)]), ['OI-1', 'OI-2', 'OI-3'].map((id) => [id, false, [`${router.id}/router-delivery.ship`]]));

    const at = '2026-12-02T10:00:00.000Z';
    const passed = ponrItems({ pointOfNoReturn: ['OI-1', 'OI-2', 'OI-3'].map((orderItemId) => ({ orderItemId, stepId: 'router-delivery.ship', fulfillmentOrderId: router.id, at })) }, splits, lines);
    assert.deepEqual(passed.map((item) => [item.itemId, item.passed, item.stepId, item.ahead.length]), ['OI-1', 'OI-2', 'OI-3'].map((id) => [id, true, 'router-delivery.ship', 0]));
  });
});
