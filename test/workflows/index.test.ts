import assert from 'node:assert/strict';
import * as path from 'node:path';
import { AccountFulfillmentWorkflow } from '../../workflows/account-fulfillment';
import { FulfillmentOrderWorkflow } from '../../workflows/fulfillment-order';
import { OrderWorkflow } from '../../workflows/order';
import { NewOrderSyncWorkflow } from '../../workflows/new-order-sync';
import { QueueRotationWorkflow } from '../../workflows/queue-rotation';
import { ReorderSyncWorkflow } from '../../workflows/reorder-sync';
import { ChannelIntakeWorkflow } from '../../workflows/channel-intake';

const INDEX = require.resolve('../../workflows');
const ORDER = require.resolve('../../workflows/order');
const FULFILLMENT_ORDER = require.resolve('../../workflows/fulfillment-order');
const ORDER_ACTIONS = require.resolve('../../domain/order-actions');
const ACCOUNT_FULFILLMENT = require.resolve('../../workflows/account-fulfillment');
const QUEUE_ROTATION = require.resolve('../../workflows/queue-rotation');
const ZOD = path.dirname(require.resolve('zod')) + path.sep;

/**
 * The zod modules (and nothing else) that requiring `id` loads when neither it nor any module of the project
 * or of zod has been loaded yet: every project module is evaluated afresh, as in a new workflow run. The
 * process's own copies are put back after.
 */
function zodModulesLoadedBy(id: string): string[] {
  const saved = { ...require.cache };
  const fresh = (key: string) => key.startsWith(ZOD) || !key.includes(`${path.sep}node_modules${path.sep}`);
  try {
    for (const key of Object.keys(require.cache)) if (fresh(key)) delete require.cache[key];
    require(id);
    return Object.keys(require.cache).filter((key) => key.startsWith(ZOD));
  } finally {
    for (const key of Object.keys(require.cache)) delete require.cache[key];
    Object.assign(require.cache, saved);
  }
}

/**
 * workflows/index.ts is the bundle's entry: the worker looks each workflow function up on it by type name. It
 * loads a type's module only when that type is asked for, so a cached FulfillmentOrderWorkflow does not carry
 * its own copy of the order's modules (amendment checks, validation, zod).
 */
describe('workflows/index.ts (the workflow bundle entry)', () => {
  it('exports every workflow type under its name: the very function its module exports', () => {
    const index = require(INDEX) as Record<string, unknown>;
    assert.deepEqual(Object.keys(index).sort(), [
      'AccountFulfillmentWorkflow',
      'ChannelIntakeWorkflow',
      'FulfillmentOrderWorkflow',
      'InvoicePaymentWorkflow',
      'InvoiceRunWorkflow',
      'NewOrderSyncWorkflow',
      'OrderWorkflow',
      'PaymentRunWorkflow',
      'QueueRotationWorkflow',
      'ReorderSyncWorkflow',
      'SubscriptionWorkflow',
    ]);
    assert.equal(index.OrderWorkflow, OrderWorkflow);
    assert.equal(index.NewOrderSyncWorkflow, NewOrderSyncWorkflow);
    assert.equal(index.ReorderSyncWorkflow, ReorderSyncWorkflow);
    assert.equal(index.FulfillmentOrderWorkflow, FulfillmentOrderWorkflow);
    assert.equal(index.QueueRotationWorkflow, QueueRotationWorkflow);
    assert.equal(index.AccountFulfillmentWorkflow, AccountFulfillmentWorkflow);
    assert.equal(index.ChannelIntakeWorkflow, ChannelIntakeWorkflow);
  });

  it("loads a type's module when that type is asked for, not before", () => {
    // Fresh copies of the index and the two workflow modules; the process's own copies are put back after.
    const saved = new Map([INDEX, ORDER, FULFILLMENT_ORDER].map((id) => [id, require.cache[id]] as const));
    try {
      for (const id of saved.keys()) delete require.cache[id];
      const index = require(INDEX) as Record<string, unknown>;
      assert.equal(require.cache[ORDER], undefined, 'the order module is not loaded with the index');
      assert.equal(require.cache[FULFILLMENT_ORDER], undefined, 'nor the fulfillment order module');
      assert.equal(typeof index.FulfillmentOrderWorkflow, 'function');
      assert.ok(require.cache[FULFILLMENT_ORDER], 'asking for FulfillmentOrderWorkflow loads its module');
      assert.equal(require.cache[ORDER], undefined, 'and not the order module');
    } finally {
      for (const [id, module] of saved) {
        if (module) require.cache[id] = module;
        else delete require.cache[id];
      }
    }
  });

  it('loads the order-actions module (zod and validation) only when an order is amended', () => {
    const saved = new Map([ORDER, ORDER_ACTIONS].map((id) => [id, require.cache[id]] as const));
    try {
      for (const id of saved.keys()) delete require.cache[id];
      require(ORDER);
      assert.equal(require.cache[ORDER_ACTIONS], undefined, 'workflows/order.ts does not load domain/order-actions with itself');
    } finally {
      for (const [id, module] of saved) {
        if (module) require.cache[id] = module;
        else delete require.cache[id];
      }
    }
  });

  // Every cached run carries its own copy of each module it loads, and evaluates it when it starts: zod alone is ~95
  // modules (docs/benchmarks.md "Memory"), and building its schemas was a tenth of an order workflow's CPU. Only an
  // order's amendment validates with zod; the order and the workflows it starts must not load it with themselves.
  for (const [type, id] of [
    ['OrderWorkflow', ORDER],
    ['FulfillmentOrderWorkflow', FULFILLMENT_ORDER],
    ['AccountFulfillmentWorkflow', ACCOUNT_FULFILLMENT],
    ['QueueRotationWorkflow', QUEUE_ROTATION],
  ] as const) {
    it(`loads no zod module with ${type}`, () => {
      const zod = zodModulesLoadedBy(id);
      assert.equal(zod.length, 0, `${type}'s module loads ${zod.length} zod modules, ${zod[0]} first`);
    });
  }

  it('sees zod when a module loads it: domain/order-actions (what an amendment loads)', () => {
    assert.ok(zodModulesLoadedBy(ORDER_ACTIONS).length > 0, 'no zod module seen loaded with domain/order-actions.ts');
  });
});
