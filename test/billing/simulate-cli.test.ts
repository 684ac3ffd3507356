import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanEnv, describeRun, jsonOf, ordo, STACK_FRAME } from '../cli/run-ordo';
import { cents, money } from './books';

/**
 * `ordo simulate` as a person runs it (the real bin/ordo). Mistakes are refused before any server starts: a bad flag
 * exits 2 with the usage, a bad order or usage file exits 1 naming the field; a machine without Java is told in
 * one line what to install. One real run of the example for two months shows the JSON's shape and that its
 * ledger agrees with its documents and payments.
 */

describe('ordo simulate', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-simulate-cli-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, JSON.stringify(content));
    return target;
  };

  for (const args of [['examples/subscription.json'], ['--months', 'twelve', 'examples/subscription.json'], ['--months', '0', 'examples/subscription.json'], ['--months', '13'], ['--months', '13', '--weeks', '2', 'examples/subscription.json']]) {
    it(`a usage error exits 2: simulate ${args.join(' ')}`, async () => {
      const run = await ordo(['simulate', ...args]);
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, /^ordo: /);
      assert.doesNotMatch(run.stderr, STACK_FRAME);
    });
  }

  it('a bad order exits 1 naming the field, before any server starts', async () => {
    const order = JSON.parse(fs.readFileSync('examples/subscription.json', 'utf8'));
    order.items[0].quantity = -2;
    const started = Date.now();
    const run = await ordo(['simulate', '--months', '13', file('bad-order.json', order)]);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stderr, /items\[0\]\.quantity/);
    assert.doesNotMatch(run.stderr, /Starting the time-skipping/);
    assert.doesNotMatch(run.stderr, STACK_FRAME);
    assert.ok(Date.now() - started < 20_000);
  });

  it('a bad usage file exits 1 naming the record and field', async () => {
    const usage = [{ id: 'U-1', accountId: 'INITECH', itemId: 'OI-3', quantity: 'many', date: '2027-01-05' }];
    const run = await ordo(['simulate', '--months', '13', '--usage', file('bad-usage.json', usage), 'examples/subscription.json']);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stderr, /\[0\]\.quantity/);
    assert.doesNotMatch(run.stderr, /Starting the time-skipping/);
  });

  it('without Java, one line says what to install', async () => {
    // A PATH with what bin/ordo needs (bash, node, dirname, readlink) and no java.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const tool of ['bash', 'node', 'dirname', 'readlink']) {
      const target = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      fs.symlinkSync(target, path.join(bin, tool));
    }
    const run = await ordo(['simulate', '--months', '13', 'examples/subscription.json'], { env: cleanEnv({ PATH: bin }) });
    assert.equal(run.code, 1, describeRun(run));
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /java.*install a JDK/i);
  });

  it('simulates the example for two months and prints { invoices, payments, ledger } with --json', async () => {
    const run = await ordo(['simulate', '--months', '2', '--json', '--usage', 'examples/subscription-usage.json', 'examples/subscription.json'], { timeoutMs: 170_000 });
    assert.equal(run.code, 0, describeRun(run));
    const books = jsonOf<{ invoices: { kind: string; total: string; accountId?: string }[]; payments: { status: string; amount: string; last4?: string }[]; ledger: { accountId: string; balance: string } }>(run);
    assert.deepEqual(Object.keys(books), ['invoices', 'payments', 'ledger']);
    assert.equal(books.ledger.accountId, 'INITECH');
    assert.ok(books.invoices.length >= 1, 'at least the order invoice (setup fee)');
    assert.ok(books.invoices.every((d) => d.accountId === 'INITECH'));
    // The ledger agrees with the documents and payments, summed here.
    const sum = (xs: string[]) => xs.reduce((t, x) => t + cents(x), 0);
    const balance = sum(books.invoices.filter((d) => d.kind === 'invoice').map((d) => d.total)) - sum(books.invoices.filter((d) => d.kind === 'creditMemo').map((d) => d.total)) - sum(books.payments.filter((p) => p.status === 'Settled').map((p) => p.amount));
    assert.equal(books.ledger.balance, money(balance));
    assert.ok(books.payments.every((p) => p.last4 === undefined || p.last4 === '4242'));
    assert.match(run.stderr, /Starting the time-skipping test server/);
  });
});
