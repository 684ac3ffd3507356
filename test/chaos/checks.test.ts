import assert from 'node:assert/strict';
import { checkChaosRun, type BillingDocument, type OrderOutcome, type SubmittedOrder } from '../../scripts/chaos/checks';

/**
 * The chaos run's verdict must catch what it is there to catch: fabricated runs with a lost order, a second invoice,
 * a wrong total, an order billed without completing, a subscription period billed twice. A checker that passed them
 * would let the chaos test pass whatever the workers did.
 */

const orders: SubmittedOrder[] = [
  { orderId: 'ORD-1', example: 'laptop-bundle.json', currency: 'USD', expectedTotal: '4111.34' },
  { orderId: 'ORD-2', example: 'mixed.json', currency: 'USD', expectedTotal: '100.00' },
  { orderId: 'ORD-3', example: 'saas-suite.json', currency: 'USD', expectedTotal: '0.10' },
];
const invoice = (orderId: string, total: string, id = `INV-${orderId}-1`): BillingDocument => ({ id, kind: 'invoice', orderId, total, currency: 'USD' });
const allCompleted = () => new Map<string, OrderOutcome>(orders.map((o) => [o.orderId, { kind: 'completed' }]));
const cleanBilling = () => orders.map((o) => invoice(o.orderId, o.expectedTotal));
const failed = (figures: ReturnType<typeof checkChaosRun>) => figures.checks.filter((c) => !c.ok).map((c) => c.name);

describe('chaos run checks (scripts/chaos/checks.ts)', () => {
  it('passes a run where every order completed, billed once at its expected total', () => {
    const figures = checkChaosRun(orders, allCompleted(), cleanBilling());
    assert.deepEqual(failed(figures), []);
    assert.equal(figures.ok, true);
    assert.equal(figures.sumBilled, '4211.44');
    assert.equal(figures.sumExpected, '4211.44');
  });

  it('fails a run where an order was billed twice, counting billing\'s documents, not a summary', () => {
    const figures = checkChaosRun(orders, allCompleted(), [...cleanBilling(), invoice('ORD-2', '100.00', 'INV-ORD-2-2')]);
    assert.equal(figures.ok, false);
    assert.deepEqual(failed(figures), ['none billed twice', 'Σ billed = Σ expected']);
    assert.match(figures.billedTwice[0], /ORD-2 \(2 invoices: INV-ORD-2-1, INV-ORD-2-2\)/);
    assert.equal(figures.sumBilled, '4311.44');
  });

  it('fails a run where an order was lost, or is absent from what it was told', () => {
    const outcomes = allCompleted();
    outcomes.set('ORD-3', { kind: 'lost' });
    const figures = checkChaosRun(orders, outcomes, cleanBilling().slice(0, 2));
    assert.deepEqual(failed(figures), ['none lost']);
    assert.equal(figures.lost, 1);
    outcomes.delete('ORD-3');
    assert.equal(checkChaosRun(orders, outcomes, cleanBilling().slice(0, 2)).lost, 1);
  });

  it('fails a run where a completed order was not billed, or billed a cent off', () => {
    assert.deepEqual(failed(checkChaosRun(orders, allCompleted(), cleanBilling().slice(1))), ['every completed order billed', 'Σ billed = Σ expected']);
    const offByACent = [invoice('ORD-1', '4111.35'), ...cleanBilling().slice(1)];
    assert.deepEqual(failed(checkChaosRun(orders, allCompleted(), offByACent)), ['each invoice at its expected total', 'Σ billed = Σ expected']);
  });

  it('accepts fallout (listed with its queue) but not an invoice for an order that did not complete', () => {
    const outcomes = allCompleted();
    outcomes.set('ORD-2', { kind: 'fallout', steps: [{ stepId: 'FO-1/activate', queue: 'provisioning-desk', error: 'outage' }] });
    const withoutIt = [cleanBilling()[0], cleanBilling()[2]];
    const figures = checkChaosRun(orders, outcomes, withoutIt);
    assert.equal(figures.ok, true);
    assert.deepEqual(figures.fallout, [{ orderId: 'ORD-2', steps: [{ stepId: 'FO-1/activate', queue: 'provisioning-desk', error: 'outage' }] }]);
    assert.equal(figures.sumExpected, '4111.44');
    assert.deepEqual(failed(checkChaosRun(orders, outcomes, cleanBilling())), ['each invoice at its expected total', 'Σ billed = Σ expected']);
  });

  it('fails a run where an order is still running without fallout, or ended otherwise', () => {
    const outcomes = allCompleted();
    outcomes.set('ORD-1', { kind: 'unsettled', state: 'inProgress' });
    outcomes.set('ORD-3', { kind: 'ended', state: 'failed', reason: 'boom' });
    const figures = checkChaosRun(orders, outcomes, [cleanBilling()[1]]);
    assert.deepEqual(failed(figures), ['every order completed or in fallout']);
    assert.match(figures.checks[1].detail!, /ORD-1: inProgress; ORD-3: failed \(boom\)/);
  });

  it('fails a run where a subscription period was billed twice, and ignores period invoices in the order count', () => {
    const period = (id: string): BillingDocument => ({ ...invoice('ORD-2', '250.00', id), subscriptionId: 'SUB-ORD-2', period: { start: '2026-12-01', end: '2026-12-31' } });
    assert.equal(checkChaosRun(orders, allCompleted(), [...cleanBilling(), period('INV-SUB-ORD-2-1')]).ok, true);
    const twice = checkChaosRun(orders, allCompleted(), [...cleanBilling(), period('INV-SUB-ORD-2-1'), period('INV-SUB-ORD-2-1b')]);
    assert.deepEqual(failed(twice), ['none billed twice']);
    assert.match(twice.billedTwice[0], /SUB-ORD-2 period 2026-12-01/);
  });
});
