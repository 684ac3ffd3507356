import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request, startTestSimulators, type TestSimulators } from '../simulators/harness';
import { cleanEnv, describeRun, jsonOf, ordo, STACK_FRAME, type OrdoRun } from './run-ordo';

/**
 * `ordo usage post|list` and `ordo ledger --export` of the real `bin/ordo` against a real billing simulator over HTTP
 * (they need billing only, not Temporal): usage counted once by record id, conflicts and bad files refused naming
 * the field, and the ERP export's exact text for a small ledger made by hand.
 */

type Usage = { id: string; accountId: string; itemId: string; quantity: number; date: string; subscriptionId?: string; receivedAt: string };
type ErrorJson = { error: { code: string; message: string } };

describe('ordo usage and the ERP export against the billing simulator', function () {
  this.timeout(60_000);
  let sims: TestSimulators;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const run = (args: string[]): Promise<OrdoRun> => ordo(args, { env, timeoutMs: 30_000 });
  const file = (name: string, content: unknown) => {
    const where = path.join(dir, name);
    fs.writeFileSync(where, typeof content === 'string' ? content : JSON.stringify(content));
    return where;
  };
  const record = (overrides: Record<string, unknown> = {}) => ({ id: 'U-1', accountId: 'ACME', itemId: 'OI-9', quantity: 1200, date: '2026-12-03', ...overrides });
  const stored = async () => (await request(sims.url, 'GET', '/billing/usage')).body.usage as Usage[];

  before(async () => {
    sims = await startTestSimulators();
    env = cleanEnv({ ORDO_SYSTEM_BILLING_URL: `${sims.url}/billing` });
  });
  after(async () => {
    await sims.dispose();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-usage-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('ordo usage', () => {
    it('posts a list, then counts each record once when the file is posted again, and lists them', async () => {
      const list = file('usage.json', [record({ id: 'UA-1' }), record({ id: 'UA-2', quantity: 300, date: '2026-12-04' }), record({ id: 'UA-3', itemId: 'OI-10', quantity: 7 })]);
      const first = await run(['usage', 'post', list, '--json']);
      assert.equal(first.code, 0, describeRun(first));
      assert.deepEqual(jsonOf(first), { records: [{ id: 'UA-1', duplicate: false }, { id: 'UA-2', duplicate: false }, { id: 'UA-3', duplicate: false }] });

      const again = await run(['usage', 'post', list]);
      assert.equal(again.code, 0, describeRun(again));
      assert.equal(again.stdout.trim(), 'Usage posted to billing: 0 records counted; already received, counted once: UA-1, UA-2, UA-3');
      const ofUa = (await stored()).filter((u) => u.id.startsWith('UA-'));
      assert.deepEqual(ofUa.map((u) => u.id), ['UA-1', 'UA-2', 'UA-3'], 'each record kept once');

      const one = await run(['usage', 'post', file('one.json', record({ id: 'UA-4', quantity: 5 }))]);
      assert.equal(one.stdout.trim(), 'Usage posted to billing: 1 record counted');
      const batch = await run(['usage', 'post', file('batch.json', { records: [record({ id: 'UA-4', quantity: 5 }), record({ id: 'UA-5', itemId: 'OI-10' })] }), '--json']);
      assert.deepEqual(jsonOf(batch), { records: [{ id: 'UA-4', duplicate: true }, { id: 'UA-5', duplicate: false }] }, "billing's batch body is a usage file too");

      const listed = await run(['usage', 'list', '--account', 'ACME', '--item', 'OI-9', '--json']);
      assert.equal(listed.code, 0, describeRun(listed));
      const usage = jsonOf<Usage[]>(listed).filter((u) => u.id.startsWith('UA-'));
      assert.deepEqual(usage.map((u) => [u.id, u.quantity, u.date]), [['UA-1', 1200, '2026-12-03'], ['UA-2', 300, '2026-12-04'], ['UA-4', 5, '2026-12-03']]);
      const human = await run(['usage', 'list', '--account', 'ACME', '--item', 'OI-9']);
      assert.match(human.stdout, /^Usage of account ACME, item OI-9$/m);
      assert.match(human.stdout, /^UA-2\s+OI-9\s+-\s+2026-12-04\s+300\s+\d{4}-/m);
      // By hand: 1200 + 300 + 5 (UA-3 is another item, the repeats count nothing).
      assert.match(human.stdout, /^Total 1505 units$/m);
    });

    it('refuses another record under a known id with exit 1 naming the id, and keeps the first', async () => {
      await run(['usage', 'post', file('a.json', record({ id: 'UC-1' }))]);
      const refused = await run(['usage', 'post', file('b.json', [record({ id: 'UC-2' }), record({ id: 'UC-1', quantity: 1300 })])]);
      assert.equal(refused.code, 1, describeRun(refused));
      assert.match(refused.stderr, /records\[1\]\.id: usage record UC-1 was received before with other content \(ACME OI-9, 1200 on 2026-12-03\)/);
      assert.doesNotMatch(refused.stderr, STACK_FRAME);
      const machine = await run(['usage', 'post', file('c.json', record({ id: 'UC-1', date: '2026-12-09' })), '--json']);
      assert.equal(machine.code, 1);
      assert.equal(jsonOf<ErrorJson>(machine).error.code, 'refused');
      const kept = (await stored()).filter((u) => u.id.startsWith('UC-'));
      assert.deepEqual(kept.map((u) => [u.id, u.quantity, u.date]), [['UC-1', 1200, '2026-12-03']], 'UC-2 of the refused batch is not kept either');
    });

    it('refuses a bad file with exit 1 naming the field, and sends nothing', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [record({ id: 'UB-1', quantity: 2.5 }), /quantity: must be a whole number/],
        [[record({ id: 'UB-2' }), record({ id: 'UB-3', date: '2026-13-01' })], /\[1\]\.date: /],
        [record({ id: 'UB-4', accountId: undefined }), /accountId: /],
        [record({ id: 'UB-5', qty: 3 }), /qty/],
        [[], /give at least one usage record/],
        [{ records: [record({ id: 'UB-6', quantity: -1 })] }, /records\[0\]\.quantity: must not be negative/],
      ];
      for (const [content, says] of cases) {
        const result = await run(['usage', 'post', file('bad.json', content)]);
        assert.equal(result.code, 1, describeRun(result));
        assert.match(result.stderr, /usage file .*bad\.json is invalid/);
        assert.match(result.stderr, says);
        assert.match(result.stderr, /Nothing was sent to billing/);
        assert.doesNotMatch(result.stderr, STACK_FRAME);
      }
      const notJson = await run(['usage', 'post', file('broken.json', '{ "id": ')]);
      assert.equal(notJson.code, 1);
      assert.match(notJson.stderr, /is not valid JSON/);
      assert.deepEqual((await stored()).filter((u) => u.id.startsWith('UB-')), [], 'nothing reached billing');
    });

    const usageErrors: Array<[string[], RegExp]> = [
      [['usage'], /usage takes post FILE\.json or list --account A/],
      [['usage', 'post'], /usage post takes one FILE\.json/],
      [['usage', 'list'], /usage list needs --account A/],
      [['usage', 'list', '--account', 'ACME', '--item', ''], /--item takes an order item id/],
    ];
    for (const [args, says] of usageErrors) {
      it(`ordo ${args.join(' ')} exits 2 with the usage`, async () => {
        const result = await run(args);
        assert.equal(result.code, 2, describeRun(result));
        assert.match(result.stderr, says);
        assert.match(result.stderr, /ordo usage post FILE\.json/);
      });
    }
  });

  describe('ordo ledger --export', () => {
    const billing = async (route: string, body: unknown, key: string) => {
      const answer = await request(sims.url, 'POST', `/billing/${route}`, { body, headers: { 'Idempotency-Key': key } });
      assert.ok(answer.status < 300, `${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };

    /** A small ledger by hand: an order's invoice, a subscription's invoice for a period, a credit memo, a card payment refunded, an account payment. */
    async function handMadeLedger(accountId: string) {
      await billing('invoices', { id: `INV-${accountId}-1`, orderId: 'ORD-7', accountId, kind: 'invoice', currency: 'USD', total: '1000.00', lines: [{ amount: '923.79', tax: '76.21' }] }, `${accountId}-i1`);
      await billing('invoices', { id: `INV-${accountId}-2`, subscriptionId: 'SUB-7', period: { start: '2027-01-15', end: '2027-02-14' }, accountId, kind: 'invoice', currency: 'USD', total: '40.00', lines: [{ amount: '40.00' }] }, `${accountId}-i2`);
      await billing('invoices', { id: `CM-${accountId}-1`, orderId: 'ORD-7, return', accountId, kind: 'creditMemo', currency: 'USD', total: '100.10', lines: [{ amount: '100.10' }] }, `${accountId}-c1`);
      const card = await billing('payments', { invoiceId: `INV-${accountId}-1`, amount: '600.00', method: 'card', token: 'tok_visa_4242', status: 'Settled' }, `${accountId}-p1`);
      await billing(`payments/${card.id}/refund`, {}, `${accountId}-r1`);
      const po = await billing('payments', { invoiceId: `INV-${accountId}-2`, amount: '40.00', method: 'account', reference: 'PO "77"', status: 'Settled' }, `${accountId}-p2`);
      const ledger = (await request(sims.url, 'GET', `/billing/ledger?accountId=${accountId}`)).body as { entries: Array<{ at: string }> };
      return { card: card.id as string, po: po.id as string, at: ledger.entries.map((e) => e.at) };
    }

    it('writes the CSV: a header row, one row per entry with its document, signed decimal amounts, RFC 4180 quoting', async () => {
      const a = 'EXP-CSV';
      const { card, po, at } = await handMadeLedger(a);
      const result = await run(['ledger', '--account', a, '--export', 'csv']);
      assert.equal(result.code, 0, describeRun(result));
      const expected = [
        'accountId,currency,at,kind,documentId,amount,invoiceId,orderId,subscriptionId,periodStart,periodEnd,paymentMethod,paymentReference',
        `${a},USD,${at[0]},invoice,INV-${a}-1,1000.00,INV-${a}-1,ORD-7,,,,,`,
        `${a},USD,${at[1]},invoice,INV-${a}-2,40.00,INV-${a}-2,,SUB-7,2027-01-15,2027-02-14,,`,
        `${a},USD,${at[2]},creditMemo,CM-${a}-1,-100.10,CM-${a}-1,"ORD-7, return",,,,,`,
        `${a},USD,${at[3]},payment,${card},-600.00,INV-${a}-1,ORD-7,,,,card,4242`,
        `${a},USD,${at[4]},refund,${card},600.00,INV-${a}-1,ORD-7,,,,card,4242`,
        `${a},USD,${at[5]},payment,${po},-40.00,INV-${a}-2,,SUB-7,2027-01-15,2027-02-14,account,"PO ""77"""`,
      ].map((line) => `${line}\r\n`).join('');
      assert.equal(result.stdout, expected);
      for (const moment of at) assert.match(moment, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'ISO 8601 in UTC');
      assert.ok(!result.stdout.includes('tok_visa'), 'no token beyond its last four');
      // By hand: 1000.00 + 40.00 − 100.10 − 600.00 + 600.00 − 40.00 = 899.90, the ledger's balance.
      const balance = (await run(['ledger', '--account', a, '--json'])).stdout;
      assert.equal(JSON.parse(balance).balance, '899.90');
    });

    it('writes the same records as a JSON array to --out, whole, and says so', async () => {
      const a = 'EXP-JSON';
      const { card, po, at } = await handMadeLedger(a);
      const out = path.join(dir, 'ledger.json');
      const result = await run(['ledger', '--account', a, '--export', 'json', '--out', out, '--json']);
      assert.equal(result.code, 0, describeRun(result));
      assert.deepEqual(jsonOf(result), { accountId: a, format: 'json', entries: 6, file: out });
      const row = (kind: string, documentId: string, amount: string, invoiceId: string, more: Record<string, string | null>, i: number) => ({
        accountId: a, currency: 'USD', at: at[i], kind, documentId, amount, invoiceId,
        orderId: null, subscriptionId: null, periodStart: null, periodEnd: null, paymentMethod: null, paymentReference: null, ...more,
      });
      const sub = { subscriptionId: 'SUB-7', periodStart: '2027-01-15', periodEnd: '2027-02-14' };
      const written = fs.readFileSync(out, 'utf8');
      assert.deepEqual(JSON.parse(written), [
        row('invoice', `INV-${a}-1`, '1000.00', `INV-${a}-1`, { orderId: 'ORD-7' }, 0),
        row('invoice', `INV-${a}-2`, '40.00', `INV-${a}-2`, sub, 1),
        row('creditMemo', `CM-${a}-1`, '-100.10', `CM-${a}-1`, { orderId: 'ORD-7, return' }, 2),
        row('payment', card, '-600.00', `INV-${a}-1`, { orderId: 'ORD-7', paymentMethod: 'card', paymentReference: '4242' }, 3),
        row('refund', card, '600.00', `INV-${a}-1`, { orderId: 'ORD-7', paymentMethod: 'card', paymentReference: '4242' }, 4),
        row('payment', po, '-40.00', `INV-${a}-2`, { ...sub, paymentMethod: 'account', paymentReference: 'PO "77"' }, 5),
      ]);
      assert.deepEqual(Object.keys(JSON.parse(written)[0]), ['accountId', 'currency', 'at', 'kind', 'documentId', 'amount', 'invoiceId', 'orderId', 'subscriptionId', 'periodStart', 'periodEnd', 'paymentMethod', 'paymentReference']);
      assert.deepEqual(fs.readdirSync(dir), ['ledger.json'], 'no temporary file left behind');

      const human = await run(['ledger', '--account', a, '--export', 'csv', '--out', path.join(dir, 'l.csv')]);
      assert.equal(human.stdout.trim(), `Exported 6 ledger entries of account ${a} as csv to ${path.join(dir, 'l.csv')}`);
    });

    it('exports an account without entries as the header alone, or []', async () => {
      assert.equal((await run(['ledger', '--account', 'EXP-NONE', '--export', 'csv'])).stdout.split('\r\n')[1], '');
      assert.equal((await run(['ledger', '--account', 'EXP-NONE', '--export', 'json'])).stdout, '[]\n');
    });

    it('refuses a folder that does not exist with exit 1, and bad flags with exit 2', async () => {
      const nowhere = await run(['ledger', '--account', 'EXP-NONE', '--export', 'csv', '--out', path.join(dir, 'missing', 'l.csv')]);
      assert.equal(nowhere.code, 1, describeRun(nowhere));
      assert.match(nowhere.stderr, /cannot write the export to .*missing\/l\.csv: ENOENT; check the folder exists/);
      const cases: Array<[string[], RegExp]> = [
        [['ledger', '--account', 'A', '--export', 'xml'], /--export takes csv or json, not "xml"/],
        [['ledger', '--account', 'A', '--out', 'l.csv'], /--out FILE goes with --export csv\|json/],
        [['ledger', '--account', 'A', '--export', 'csv', '--json'], /--json goes with --out FILE only/],
        [['ledger', '--export', 'csv'], /ledger needs --account A/],
      ];
      for (const [args, says] of cases) {
        const result = await run(args);
        assert.equal(result.code, 2, describeRun(result));
        assert.match(result.stderr, says);
      }
    });
  });
});
