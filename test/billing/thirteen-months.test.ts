import { strict as assert } from 'node:assert';
import { loadConfig } from '../../config/load';
import { DAY_MS, listExecutions, startSimulation, type BillingRecords, type Simulation } from '../../scripts/simulation';
import { quietRuntime } from '../quiet-runtime';
import { assertNoDuplicates, periodsBilled, totalsOf } from './books';
import { scanHistoriesForCardNumbers } from './card-scan';
import { clearFaults, orderOf, seats, setFault, subscriptionOf, supportPlan, tokenize } from './scenario';

/**
 * Issue 11's "a year of billing in seconds": subscriptions run for 13+ months of workflow time on the time-skipping
 * test server, with the real workflows, activities and simulators (scripts/simulation.ts). One simulation, one
 * account per scenario, all on one timeline from now to 2028-03-20. Every expected amount is computed here, by hand,
 * in the comments: never by the code under test. Tax: EXEMPT items, except the monthly scenario (STANDARD, 8.25 %).
 */

const END = '2028-03-20';

describe('billing over 13 months (time-skipping)', function () {
  this.timeout(10 * 60_000);
  let simulation: Simulation;
  const books = new Map<string, BillingRecords>();
  const records = (accountId: string) => books.get(accountId)!;
  let visaToken = '';

  before(async function () {
    this.timeout(10 * 60_000);
    quietRuntime();
    simulation = await startSimulation({ config: loadConfig(), billing: { renewal: false } });
    // The card number exists only at the gateway: Ordo gets the token its hosted page answers.
    visaToken = await tokenize(simulation, '4242 4242 4242 4242');
    const orders = [
      orderOf('SIM-MONTHLY', [seats('OI-1', 10, '30.00', '2027-01-01', '2027-12-31', 'STANDARD'), { id: 'OI-2', product: 'SETUP-FEE', quantity: 1, unitPrice: '100.00', taxCode: 'STANDARD' }], { method: 'card', token: visaToken }),
      orderOf('SIM-ANNUAL', [supportPlan('OI-1', '1200.00', '2027-01-01', '2028-12-31')], { method: 'card', token: 'tok_visa_4242' }),
      orderOf('SIM-MIDMONTH', [seats('OI-1', 4, '45.00', '2027-01-15', '2027-07-14')], { method: 'card', token: 'tok_visa_4242' }),
      orderOf('SIM-LEAP', [seats('OI-1', 1, '29.00', '2027-01-31', '2028-03-15')], { method: 'card', token: 'tok_visa_4242' }),
      orderOf('SIM-TERM', [seats('OI-1', 2, '50.00', '2027-02-01', '2028-03-05')], { method: 'card', token: 'tok_visa_4242' }),
      orderOf('SIM-USAGE', [{ id: 'OI-1', product: 'API-CALLS', quantity: 1, unitPrice: '0.00', billing: 'usage', startDate: '2027-01-01', endDate: '2027-06-30', taxCode: 'EXEMPT' }], { method: 'card', token: 'tok_visa_4242' }),
    ];
    for (const order of orders) await simulation.submit(order);

    const usage = (id: string, date: string, quantity: number) => ({ id, accountId: 'SIM-USAGE', subscriptionId: subscriptionOf('SIM-USAGE'), itemId: 'OI-1', quantity, date });
    simulation.scheduleUsage([
      usage('U-1', '2027-01-10', 50_000),
      usage('U-2', '2027-01-20', 30_000),
      usage('U-3', '2027-02-14', 20_000),
      usage('U-4', '2027-03-15', 1_500_000),
      usage('U-5', '2027-04-02', 1_000),
      usage('U-6', '2027-05-31', 100_000),
      usage('U-7', '2027-06-01', 250_000),
    ]);
    await simulation.advanceTo('2027-01-25');
    // The meter sends U-2 again days later (a retry): billing keeps it once, the period counts it once.
    await simulation.postUsage([usage('U-2', '2027-01-20', 30_000)]);
    await simulation.advanceTo('2027-04-30');
    // A worker killed while it sends a bill date's invoices: billing answers slowly and loses its first answer, the
    // worker stops while the activity is in flight, and a fresh worker takes over. Nothing may be billed twice or missed.
    await setFault(simulation, 'billing', { operation: 'invoices', latencyMs: 1500, failNext: 1, failAfterWork: true });
    // To 2027-05-01 00:00, the bill date of SIM-MONTHLY, -TERM and -USAGE; the worker is stopped as soon as one of
    // their activities is in flight, whether or not the server holds its clock for it.
    const billDate = simulation.env.sleep(DAY_MS);
    await waitForPendingActivity(simulation);
    await simulation.restartWorker();
    await billDate;
    await clearFaults(simulation);
    await simulation.advanceTo(END);
    for (const order of orders) books.set(order.accountId, await simulation.records(order.accountId));
  });

  after(async () => {
    await simulation?.stop();
  });

  it('monthly, from the 1st, taxed: 12 periods of 324.75 after a setup fee of 108.25, all paid', () => {
    const books = records('SIM-MONTHLY');
    // Each period: 10 seats × 30.00 = 300.00, tax 300.00 × 0.0825 = 24.75, total 324.75.
    const months = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];
    const lastDay: Record<string, string> = { '01': '31', '02': '28', '03': '31', '04': '30', '05': '31', '06': '30', '07': '31', '08': '31', '09': '30', '10': '31', '11': '30', '12': '31' };
    assert.deepEqual(periodsBilled(books, subscriptionOf('SIM-MONTHLY')), months.map((m) => `2027-${m}-01..2027-${m}-${lastDay[m]} 324.75`));
    assertNoDuplicates(books);
    // Invoiced: the order's invoice, setup fee 100.00 + 8.25 tax = 108.25, plus 12 × 324.75 = 3897.00: 4005.25. Paid in full.
    assert.deepEqual(totalsOf(books), { invoiced: '4005.25', credited: '0.00', paid: '4005.25', refunded: '0.00', balance: '0.00' });
    assert.ok(books.payments.every((p) => p.method === 'card' && p.last4?.length === 4 && !JSON.stringify(p).includes(visaToken)), 'card payments keep four characters, never the token');
  });

  it('annual: one invoice per year on the anniversary', () => {
    const books = records('SIM-ANNUAL');
    // 1 × 1200.00 per year, 2027-01-01..2028-12-31: the periods starting 2027-01-01 and 2028-01-01 fall in the run.
    assert.deepEqual(periodsBilled(books, subscriptionOf('SIM-ANNUAL')), ['2027-01-01..2027-12-31 1200.00', '2028-01-01..2028-12-31 1200.00']);
    assert.deepEqual(totalsOf(books), { invoiced: '2400.00', credited: '0.00', paid: '2400.00', refunded: '0.00', balance: '0.00' });
  });

  it('a mid-month start bills on the 15th', () => {
    const books = records('SIM-MIDMONTH');
    // 4 × 45.00 = 180.00 a period, six periods 2027-01-15..2027-07-14: 1080.00.
    assert.deepEqual(periodsBilled(books, subscriptionOf('SIM-MIDMONTH')), [
      '2027-01-15..2027-02-14 180.00',
      '2027-02-15..2027-03-14 180.00',
      '2027-03-15..2027-04-14 180.00',
      '2027-04-15..2027-05-14 180.00',
      '2027-05-15..2027-06-14 180.00',
      '2027-06-15..2027-07-14 180.00',
    ]);
    assert.deepEqual(totalsOf(books), { invoiced: '1080.00', credited: '0.00', paid: '1080.00', refunded: '0.00', balance: '0.00' });
  });

  it('a Jan 31 anniversary through the leap February of 2028, with a partial last period', () => {
    const books = records('SIM-LEAP');
    // Anniversaries of 2027-01-31, clamped to shorter months: Feb 28 (2027), Mar 31, Apr 30, …, Jan 31 2028, Feb 29 2028.
    // The last period 2028-02-29..2028-03-15 is 16 days (Feb 29 + Mar 1..15) of the full period 2028-02-29..2028-03-30
    // (31 days): 29.00 × 16 / 31 = 14.967… → 14.97. Total: 13 × 29.00 = 377.00, + 14.97 = 391.97.
    assert.deepEqual(periodsBilled(books, subscriptionOf('SIM-LEAP')), [
      '2027-01-31..2027-02-27 29.00',
      '2027-02-28..2027-03-30 29.00',
      '2027-03-31..2027-04-29 29.00',
      '2027-04-30..2027-05-30 29.00',
      '2027-05-31..2027-06-29 29.00',
      '2027-06-30..2027-07-30 29.00',
      '2027-07-31..2027-08-30 29.00',
      '2027-08-31..2027-09-29 29.00',
      '2027-09-30..2027-10-30 29.00',
      '2027-10-31..2027-11-29 29.00',
      '2027-11-30..2027-12-30 29.00',
      '2027-12-31..2028-01-30 29.00',
      '2028-01-31..2028-02-28 29.00',
      '2028-02-29..2028-03-15 14.97',
    ]);
    assert.deepEqual(totalsOf(books), { invoiced: '391.97', credited: '0.00', paid: '391.97', refunded: '0.00', balance: '0.00' });
  });

  it('a term of 13 months and 5 days: 13 whole periods and 5 days of March 2028', () => {
    const books = records('SIM-TERM');
    // 2 × 50.00 = 100.00 a month, 2027-02-01..2028-02-29 (13 periods, the last ending on the leap day), then
    // 2028-03-01..2028-03-05: 5 of March's 31 days, 100.00 × 5 / 31 = 16.129… → 16.13. Total 1300.00 + 16.13 = 1316.13.
    const periods = periodsBilled(books, subscriptionOf('SIM-TERM'));
    assert.equal(periods.length, 14, periods.join('\n'));
    assert.equal(periods[0], '2027-02-01..2027-02-28 100.00');
    assert.equal(periods[12], '2028-02-01..2028-02-29 100.00');
    assert.equal(periods[13], '2028-03-01..2028-03-05 16.13');
    assert.deepEqual(totalsOf(books), { invoiced: '1316.13', credited: '0.00', paid: '1316.13', refunded: '0.00', balance: '0.00' });
  });

  it('usage with a spike, rated on graduated tiers, billed in arrears, a repeated record counted once', () => {
    const books = records('SIM-USAGE');
    // API-CALLS tiers: 0.002 up to 100,000; 0.001 up to 1,000,000; 0.0005 above.
    // Jan: 50,000 + 30,000 (U-2 sent twice, counted once) = 80,000 × 0.002 = 160.00
    // Feb: 20,000 × 0.002 = 40.00
    // Mar (the spike): 1,500,000 = 100,000 × 0.002 (200.00) + 900,000 × 0.001 (900.00) + 500,000 × 0.0005 (250.00) = 1350.00
    // Apr: 1,000 × 0.002 = 2.00
    // May: 100,000 × 0.002 = 200.00 (the whole first tier, on the period's last day)
    // Jun: 100,000 × 0.002 (200.00) + 150,000 × 0.001 (150.00) = 350.00
    // Total 160 + 40 + 1350 + 2 + 200 + 350 = 2102.00
    assert.deepEqual(periodsBilled(books, subscriptionOf('SIM-USAGE')), [
      '2027-01-01..2027-01-31 160.00',
      '2027-02-01..2027-02-28 40.00',
      '2027-03-01..2027-03-31 1350.00',
      '2027-04-01..2027-04-30 2.00',
      '2027-05-01..2027-05-31 200.00',
      '2027-06-01..2027-06-30 350.00',
    ]);
    assert.deepEqual(totalsOf(books), { invoiced: '2102.00', credited: '0.00', paid: '2102.00', refunded: '0.00', balance: '0.00' });
  });

  it('no card number anywhere in Temporal: every history, every payload', async () => {
    const scan = await scanHistoriesForCardNumbers(simulation.temporal);
    assert.ok(scan.histories >= 12, `read ${scan.histories} histories`);
    assert.ok(scan.payloads > 100, `decoded ${scan.payloads} payloads`);
    assert.deepEqual(scan.findings, []);
  });
});

/** Waits (real time) until some workflow has an activity in flight: the moment to kill the worker. */
async function waitForPendingActivity(simulation: Simulation, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const run of await listExecutions(simulation.temporal, 'open')) {
      const { raw } = await simulation.temporal.workflow.getHandle(run.workflowId, run.runId).describe();
      if (raw.pendingActivities?.length) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no activity was in flight on the bill date: the worker could not be stopped mid-activity');
}
