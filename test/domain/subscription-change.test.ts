import assert from 'node:assert/strict';
import type { Order } from '../../domain/order';
import type { Subscription } from '../../domain/subscription';
import { subscriptionChangeOf } from '../../domain/subscription-change';

/** A change order's recurring and usage items as one SubscriptionChange (billing.recurring: perPeriod). */
const subscription: Subscription = {
  id: 'SUB-ORD-1',
  orderId: 'ORD-1',
  accountId: 'ACME',
  currency: 'USD',
  anchorDate: '2030-01-01',
  termEnd: '2030-12-31',
  items: [
    { itemId: 'OI-1', product: 'SEAT', quantity: 5, unitPrice: '50.00', billing: { type: 'recurring', period: 'month' }, startDate: '2030-01-01', endDate: '2030-12-31', taxCode: 'STANDARD', billedThrough: 1 },
    { itemId: 'OI-2', product: 'API', quantity: 1, unitPrice: '0.10', billing: 'usage', startDate: '2030-01-01', endDate: '2030-12-31', taxCode: 'STANDARD', billedThrough: 0 },
  ],
  recurringBilledUpFront: false,
};
const settings = { defaultTaxCode: 'STANDARD', usagePrices: { METER: '0.02' } };

function change(items: Order['items'], effectiveDate?: string): Order {
  return { id: 'ORD-1-C1', accountId: 'ACME', channel: 'cpq', currency: 'USD', changeOf: 'ORD-1', ...(effectiveDate ? { effectiveDate } : {}), items };
}

describe('subscriptionChangeOf', () => {
  it('adds recurring and usage items co-termed, with the default tax code and the catalog usage price; leaves one-time items to the change order', () => {
    const made = subscriptionChangeOf(
      change([
        { id: 'CI-1', product: 'ADDON', quantity: 2, unitPrice: '10.00', billing: { type: 'recurring', period: 'month' }, startDate: '2030-03-10' },
        { id: 'CI-2', product: 'METER', quantity: 1, unitPrice: '0.05', billing: 'usage' },
        { id: 'CI-3', product: 'SETUP', quantity: 1, unitPrice: '99.00' },
      ]),
      subscription,
      settings,
      '2030-03-05',
    );
    assert.deepEqual(made.itemIds, ['CI-1', 'CI-2']);
    assert.equal(made.change?.changeId, 'ORD-1-C1-S', 'the change order bills SETUP under its own id');
    assert.equal(made.change?.effectiveDate, '2030-03-10', 'the first added item starts it');
    assert.deepEqual(made.change?.actions, [
      { type: 'Add', item: { itemId: 'CI-1', product: 'ADDON', quantity: 2, unitPrice: '10.00', billing: { type: 'recurring', period: 'month' }, startDate: '2030-03-10', endDate: '2030-12-31', taxCode: 'STANDARD', changedBy: 'ORD-1-C1' } },
      { type: 'Add', item: { itemId: 'CI-2', product: 'METER', quantity: 1, unitPrice: '0.05', billing: 'usage', startDate: '2030-03-10', endDate: '2030-12-31', taxCode: 'STANDARD', usagePrice: '0.02', changedBy: 'ORD-1-C1' } },
    ]);
  });

  it('amends to the new quantity; cancelling or returning some units amends to what is left, all of them cancels', () => {
    const amend = subscriptionChangeOf(change([{ id: 'CI-1', product: 'SEAT', quantity: 7, unitPrice: '50.00', action: 'Amend', originalItemId: 'OI-1' }], '2030-02-15'), subscription, settings, '2030-02-01');
    assert.deepEqual(amend.change, { changeId: 'ORD-1-C1', effectiveDate: '2030-02-15', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 7 }] });
    const some = subscriptionChangeOf(change([{ id: 'CI-1', product: 'SEAT', quantity: 2, unitPrice: '50.00', action: 'Cancel', originalItemId: 'OI-1' }]), subscription, settings, '2030-02-01');
    assert.deepEqual(some.change, { changeId: 'ORD-1-C1', effectiveDate: '2030-02-01', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: 3 }] }, 'effective today without a date');
    const all = subscriptionChangeOf(change([{ id: 'CI-1', product: 'API', quantity: 1, unitPrice: '0.10', action: 'Return', originalItemId: 'OI-2' }]), subscription, settings, '2030-02-01');
    assert.deepEqual(all.change?.actions, [{ type: 'Cancel', itemId: 'OI-2' }]);
    const withContext = subscriptionChangeOf(
      change([
        { id: 'CI-0', product: 'SUITE', quantity: 1, unitPrice: '0.00', action: 'NoChange', originalItemId: 'OI-0' },
        { id: 'CI-1', product: 'SEAT', quantity: 6, unitPrice: '50.00', action: 'Amend', originalItemId: 'OI-1' },
      ]),
      subscription,
      settings,
      '2030-02-01',
    );
    assert.equal(withContext.change?.changeId, 'ORD-1-C1', 'a NoChange item bills nothing of its own');
  });

  it('takes nothing when the change touches no item the subscription bills', () => {
    const none = subscriptionChangeOf(change([{ id: 'CI-1', product: 'LAPTOP', quantity: 1, unitPrice: '0.00', action: 'Return', originalItemId: 'OI-7' }]), subscription, settings, '2030-02-01');
    assert.deepEqual(none, { itemIds: [] });
  });
});
