import assert from 'node:assert/strict';
import * as net from 'node:net';
import { exampleOrder } from '../e2e/examples';
import { getHarness, type Harness } from '../e2e/harness';
import { cleanEnv, describeRun, jsonOf, ordo, STACK_FRAME, type OrdoRun } from './run-ordo';

/**
 * `ordo invoices|payments|ledger` of the real `bin/ordo` against the shared end-to-end stack: an order billed by
 * the worker, payments taken on the billing simulator over HTTP, and the CLI pointed at billing with the
 * environment, as a user would. Each test has its own account, so the shared billing system's other records do
 * not get in the way.
 */

type Invoice = { id: string; orderId?: string; kind: string; total: string; status: string; lines: unknown[] };
type Payment = { id: string; invoiceId: string; amount: string; status: string; method: string; last4?: string; reference?: string; at: string };
type Ledger = { accountId: string; entries: Array<{ at: string; kind: string; documentId: string; amount: string }>; balance: string };
type ErrorJson = { error: { code: string; message: string } };

describe('ordo invoices, payments and ledger against billing and Temporal', function () {
  this.timeout(120_000);
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let counter = 0;
  const run = (args: string[], extraEnv: Record<string, string> = {}): Promise<OrdoRun> => ordo(args, { env: { ...env, ...extraEnv }, timeoutMs: 60_000 });
  const newAccount = () => `ACCT-${process.pid}-${++counter}`;

  /** A POST to the billing simulator, as Ordo's activities and a payment scheduler make them; must succeed. */
  async function billing<T>(path: string, body: unknown, key: string): Promise<T> {
    const response = await fetch(`${h.simulatorsUrl}/billing/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    assert.ok(response.ok, `POST /billing/${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer as T;
  }
  const invoiceOf = (accountId: string, id: string, total: string, kind = 'invoice', currency = 'USD') =>
    billing('invoices', { id, orderId: `ORD-${id}`, accountId, kind, currency, total, lines: [{ amount: total, tax: currency === 'JPY' ? '0' : '0.00' }] }, `cli-${id}`);
  const pay = (invoiceId: string, amount: string, status: string, key: string) =>
    billing<Payment>('payments', { invoiceId, amount, method: 'card', token: 'tok_visa_4242', status }, key);

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
    const billingUrl = h.config.systems.billing?.url;
    assert.ok(billingUrl, 'temporal-config.yaml names systems.billing');
    env = cleanEnv({
      TEMPORAL_ADDRESS: h.env.address,
      TEMPORAL_NAMESPACE: 'default',
      ORDO_TASK_QUEUE: h.config.temporal.taskQueue,
      ORDO_SYSTEM_BILLING_URL: billingUrl,
    });
  });

  it('shows an order billed by the worker: Posted, then Paid once a settled payment covers it, and the ledger back to 0.00', async () => {
    const accountId = newAccount();
    const order = { ...exampleOrder('laptop-bundle.json', 'books'), accountId };
    await h.client.startOrder(order);
    const summary = await h.client.waitForCompletion(order.id);
    assert.equal(summary.state, 'completed');
    const [billed] = summary.invoices;
    assert.ok(billed, 'the order was invoiced');

    const listed = await run(['invoices', '--account', accountId, '--json']);
    assert.equal(listed.code, 0, describeRun(listed));
    const invoices = jsonOf<Invoice[]>(listed);
    assert.deepEqual(invoices.map((i) => [i.id, i.orderId, i.kind, i.total, i.status]), [[billed.id, order.id, 'invoice', billed.total, 'Posted']]);
    assert.equal(invoices[0].lines.length, billed.lines.length);

    const payment = await pay(billed.id, billed.total, 'Authorized', `cli-pay-${order.id}`);
    await billing(`payments/${payment.id}/settle`, {}, `cli-settle-${order.id}`);
    assert.equal(jsonOf<Invoice[]>(await run(['invoices', '--account', accountId, '--json']))[0].status, 'Paid');

    const human = await run(['invoices', '--account', accountId]);
    assert.equal(human.code, 0, describeRun(human));
    assert.match(human.stdout, new RegExp(`^${billed.id}\\s+invoice\\s+${accountId}\\s+${order.id}\\s+-\\s+Paid\\s+${billed.total.replace('.', '\\.')}\\s+USD$`, 'm'));

    const ledger = jsonOf<Ledger>(await run(['ledger', '--account', accountId, '--json']));
    assert.deepEqual(ledger.entries.map((e) => [e.kind, e.documentId, e.amount]), [
      ['invoice', billed.id, billed.total],
      ['payment', payment.id, `-${billed.total}`],
    ]);
    assert.equal(ledger.balance, '0.00');
  });

  it('prints the ledger of several documents with a balance computed by hand, to the cent, in JSON and as a table', async () => {
    const accountId = newAccount();
    const id = (name: string) => `${name}-${accountId}`;
    await invoiceOf(accountId, id('INV-A'), '1000.00');
    await invoiceOf(accountId, id('INV-B'), '250.55');
    await invoiceOf(accountId, id('CM-A'), '100.10', 'creditMemo');
    const first = await pay(id('INV-A'), '600.00', 'Settled', id('p1'));
    const second = await pay(id('INV-B'), '250.55', 'Settled', id('p2'));
    await billing(`payments/${second.id}/refund`, {}, id('r2'));
    await pay(id('INV-B'), '0.01', 'Failed', id('p3'));

    const result = await run(['ledger', '--account', accountId, '--json']);
    assert.equal(result.code, 0, describeRun(result));
    const ledger = jsonOf<Ledger>(result);
    assert.deepEqual(Object.keys(ledger).sort(), ['accountId', 'balance', 'entries']);
    assert.equal(ledger.accountId, accountId);
    assert.deepEqual(ledger.entries.map((e) => [e.kind, e.documentId, e.amount]), [
      ['invoice', id('INV-A'), '1000.00'],
      ['invoice', id('INV-B'), '250.55'],
      ['creditMemo', id('CM-A'), '-100.10'],
      ['payment', first.id, '-600.00'],
      ['payment', second.id, '-250.55'],
      ['refund', second.id, '250.55'],
    ]);
    // By hand: 1000.00 + 250.55 − 100.10 − 600.00 − 250.55 + 250.55 = 550.45
    assert.equal(ledger.balance, '550.45');

    const human = await run(['ledger', '--account', accountId]);
    assert.equal(human.code, 0, describeRun(human));
    assert.match(human.stdout, new RegExp(`^Ledger of account ${accountId}$`, 'm'));
    assert.match(human.stdout, new RegExp(`\\s+credit memo\\s+${id('CM-A')}\\s+-100\\.10$`, 'm'));
    assert.match(human.stdout, new RegExp(`\\s+refund\\s+${second.id}\\s+250\\.55$`, 'm'));
    assert.match(human.stdout, /^Balance 550\.45 /m);
  });

  it('lists the account\'s payments with the token\'s last four characters only, and its invoices with their status', async () => {
    const accountId = newAccount();
    await invoiceOf(accountId, `INV-P-${accountId}`, '80.00');
    const settled = await pay(`INV-P-${accountId}`, '30.00', 'Settled', `pp1-${accountId}`);
    const byAccount = await billing<Payment>('payments', { invoiceId: `INV-P-${accountId}`, amount: '50.00', method: 'account', reference: 'PO-7788', status: 'Authorized' }, `pp2-${accountId}`);

    const machine = await run(['payments', '--account', accountId, '--json']);
    assert.equal(machine.code, 0, describeRun(machine));
    const payments = jsonOf<Payment[]>(machine);
    assert.deepEqual(payments.map((p) => [p.id, p.invoiceId, p.amount, p.status, p.method, p.last4 ?? p.reference]), [
      [settled.id, `INV-P-${accountId}`, '30.00', 'Settled', 'card', '4242'],
      [byAccount.id, `INV-P-${accountId}`, '50.00', 'Authorized', 'account', 'PO-7788'],
    ]);
    for (const payment of payments) assert.ok(Date.parse(payment.at));
    assert.ok(!machine.stdout.includes('tok_visa'), 'no token is shown');

    const human = await run(['payments', '--account', accountId]);
    assert.match(human.stdout, new RegExp(`^${settled.id}\\s+INV-P-${accountId}\\s+card …4242\\s+Settled\\s+30\\.00\\s`, 'm'));
    assert.match(human.stdout, new RegExp(`^${byAccount.id}\\s+INV-P-${accountId}\\s+account PO-7788\\s+Authorized\\s+50\\.00\\s`, 'm'));
    assert.match((await run(['invoices', '--account', accountId])).stdout, new RegExp(`^INV-P-${accountId}\\s.*\\sAuthorized\\s+80\\.00\\s+USD$`, 'm'), '30.00 settled and 50.00 authorized of 80.00: covered, not paid');

    const empty = await run(['payments', '--account', newAccount()]);
    assert.equal(empty.code, 0, describeRun(empty));
    assert.match(empty.stdout, /^No payments of account ACCT-/);
    assert.deepEqual(jsonOf(await run(['invoices', '--account', newAccount(), '--json'])), []);
  });

  it('without --account, lists every account\'s invoices and payments', async () => {
    const [a, b] = [newAccount(), newAccount()];
    await invoiceOf(a, `INV-ALL-${a}`, '1.00');
    await invoiceOf(b, `INV-ALL-${b}`, '2.00');
    const ids = jsonOf<Invoice[]>(await run(['invoices', '--json'])).map((i) => i.id);
    assert.ok(ids.includes(`INV-ALL-${a}`) && ids.includes(`INV-ALL-${b}`), ids.join(', '));
    const result = await run(['payments', '--json']);
    assert.equal(result.code, 0, describeRun(result));
    assert.ok(Array.isArray(jsonOf(result)));
  });

  it('asks for --currency when the account is billed in several, and shows each ledger with it', async () => {
    const accountId = newAccount();
    await invoiceOf(accountId, `INV-USD-${accountId}`, '10.00');
    await invoiceOf(accountId, `INV-JPY-${accountId}`, '1500', 'invoice', 'JPY');
    const refused = await run(['ledger', '--account', accountId]);
    assert.equal(refused.code, 1, describeRun(refused));
    assert.match(refused.stderr, /billed in USD and JPY: choose one with --currency/);
    const yen = jsonOf<Ledger>(await run(['ledger', '--account', accountId, '--currency', 'JPY', '--json']));
    assert.deepEqual([yen.entries.map((e) => e.documentId), yen.balance], [[`INV-JPY-${accountId}`], '1500']);
  });

  describe('usage errors exit 2 with the usage', () => {
    const cases: Array<[string[], RegExp]> = [
      [['ledger'], /ledger needs --account A/],
      [['ledger', '--json'], /ledger needs --account A/],
      [['ledger', 'ACME'], /ledger takes no arguments/],
      [['invoices', '--account', ''], /--account takes an account id/],
      [['payments', 'ACME'], /payments takes no arguments/],
      [['invoices', '--acount', 'ACME'], /Unknown option '--acount'/],
    ];
    for (const [args, says] of cases) {
      it(`ordo ${args.join(' ')}`, async () => {
        const result = await run(args);
        assert.equal(result.code, 2, describeRun(result));
        assert.match(result.stderr, says);
        assert.match(result.stderr, /Billing records/, 'the usage lists the billing verbs');
        assert.equal(result.stdout, '');
      });
    }
  });

  it('with billing down, exits 1 naming billing and where its URL is configured, without a stack trace', async () => {
    const closed = await closedPort();
    const down = { ORDO_SYSTEM_BILLING_URL: `http://127.0.0.1:${closed}/billing` };
    for (const verb of [['invoices'], ['payments', '--account', 'ACME'], ['ledger', '--account', 'ACME']]) {
      const human = await run(verb, down);
      assert.equal(human.code, 1, describeRun(human));
      assert.match(human.stderr, /billing is unreachable at .*Is the stack running.*systems\.billing in temporal-config\.yaml/s);
      assert.doesNotMatch(human.stderr, STACK_FRAME);
    }
    const machine = await run(['ledger', '--account', 'ACME', '--json'], down);
    assert.equal(machine.code, 1);
    assert.equal(jsonOf<ErrorJson>(machine).error.code, 'unavailable');
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
