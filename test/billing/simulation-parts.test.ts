import assert from 'node:assert/strict';
import { formatSimulation } from '../../client/cli/format-simulation';
import { loadConfig } from '../../config/load';
import { monthsAfter } from '../../scripts/simulate-order';
import { DAY_MS, SIMULATION_TASK_QUEUE, simulationConfig } from '../../scripts/simulation';

/** The simulation's pieces that need no server: its worker's configuration, its calendar, its months for a person. */
describe('ordo simulate, the parts without a server', () => {
  it("points every system at the simulation's simulators and bills per period, schedulers and intake off", () => {
    const config = simulationConfig(loadConfig(), 'http://127.0.0.1:45678', '127.0.0.1:45679', 'default', { dunningRetryDays: [2, 5], billing: { creditMemos: 'credit' } });
    assert.equal(config.systems.billing!.url, 'http://127.0.0.1:45678/billing');
    assert.equal(config.systems.payments!.url, 'http://127.0.0.1:45678/payments');
    assert.ok(Object.values(config.systems).every((endpoint) => endpoint.url.startsWith('http://127.0.0.1:45678/')));
    assert.equal(config.temporal.address, '127.0.0.1:45679');
    assert.equal(config.temporal.taskQueue, SIMULATION_TASK_QUEUE);
    assert.equal(config.billing.recurring, 'perPeriod');
    assert.deepEqual(config.billing.dunning.retryAfter, [2 * DAY_MS, 5 * DAY_MS]);
    assert.equal(config.billing.creditMemos, 'credit');
    assert.equal(config.billing.schedulers.invoice.enabled, false);
    assert.equal(config.billing.schedulers.payment.enabled, false);
    assert.equal(config.channels.intake.enabled, false);
  });

  it('counts months on the calendar, clamped to shorter months', () => {
    assert.equal(monthsAfter('2026-12-02', 13), '2028-01-02');
    assert.equal(monthsAfter('2027-01-31', 1), '2027-02-28');
    assert.equal(monthsAfter('2028-01-31', 1), '2028-02-29');
  });

  it('tells the months for a person: documents, payments, the balance at each month end', () => {
    const invoice = { id: 'INV-SUB-ORD-1-2027-01-15', subscriptionId: 'SUB-ORD-1', kind: 'invoice', period: { start: '2027-01-15', end: '2027-02-14' }, total: '250.00', status: 'Paid', lines: [] };
    const text = formatSimulation({
      orderId: 'ORD-1',
      accountId: 'ACME',
      from: '2026-12-02',
      to: '2028-01-02',
      days: [
        { date: '2027-01-15', documents: [invoice], payments: [{ id: 'PAY-1', invoiceId: invoice.id, amount: '250.00', status: 'Failed', method: 'card', last4: '4242', at: 'x' }], balance: '250.00' },
        { date: '2027-01-18', documents: [], payments: [{ id: 'PAY-2', invoiceId: invoice.id, amount: '250.00', status: 'Settled', method: 'card', last4: '4242', at: 'x' }], balance: '0.00' },
      ],
      invoices: [invoice],
      payments: [],
      ledger: { balance: '0.00' },
    });
    assert.match(text, /^Order ORD-1, account ACME: billing from 2026-12-02 to 2028-01-02/);
    assert.match(text, /January 2027/);
    assert.match(text, /2027-01-15 +invoice +INV-SUB-ORD-1-2027-01-15 +2027-01-15\.\.2027-02-14 +250\.00/);
    assert.match(text, /2027-01-15 +declined +INV-SUB-ORD-1-2027-01-15 +card …4242 +\(250\.00\)/);
    assert.match(text, /2027-01-18 +paid +INV-SUB-ORD-1-2027-01-15 +card …4242 +-250\.00/);
    assert.match(text, /balance at month end: 0\.00/);
  });
});
