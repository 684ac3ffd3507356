import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { invoice, request, setFault, startTestSimulators, type TestSimulators } from './harness';

describe('simulators: billing', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  const send = (baseUrl: string, body: unknown, key: string) =>
    request(baseUrl, 'POST', '/billing/invoices', { body, headers: { 'Idempotency-Key': key } });
  const list = async (baseUrl: string, orderId?: string) =>
    (await request(baseUrl, 'GET', `/billing/invoices${orderId ? `?orderId=${orderId}` : ''}`)).body.invoices;

  it('stores an invoice once per Idempotency-Key', async () => {
    const first = await send(sims.url, invoice(), 'ORD-1001/invoice/1');
    assert.equal(first.status, 201);
    assert.deepEqual(first.body, { invoiceId: 'INV-ORD-1001', duplicate: false });

    const again = await send(sims.url, invoice(), 'ORD-1001/invoice/1');
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { invoiceId: 'INV-ORD-1001', duplicate: true });
    assert.equal(again.headers.get('idempotent-replay'), 'true');

    const invoices = await list(sims.url);
    assert.equal(invoices.length, 1);
    assert.equal(invoices[0].id, 'INV-ORD-1001');
    assert.equal(invoices[0].total, '4098.00');
    assert.equal(invoices[0].idempotencyKey, 'ORD-1001/invoice/1');
    assert.ok(Date.parse(invoices[0].receivedAt));
  });

  it('keeps invoices and their keys across a restart with the same data directory', async () => {
    await send(sims.url, invoice(), 'ORD-1001/invoice/1');
    await sims.stop();

    const file = path.join(sims.dataDir, 'billing.json');
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).state.invoices.length, 1);
    assert.deepEqual(
      fs.readdirSync(sims.dataDir).filter((name) => name.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );

    const restarted = await startTestSimulators({ dataDir: sims.dataDir });
    try {
      const again = await send(restarted.url, invoice(), 'ORD-1001/invoice/1');
      assert.equal(again.status, 200);
      assert.equal(again.body.duplicate, true);
      assert.equal((await list(restarted.url)).length, 1);
    } finally {
      await restarted.stop();
    }
  });

  it('in memory, still refuses a second invoice per key but writes nothing to the data directory', async () => {
    const memory = await startTestSimulators({ inMemory: true });
    try {
      assert.equal((await send(memory.url, invoice(), 'ORD-1001/invoice/1')).status, 201);
      assert.equal((await send(memory.url, invoice(), 'ORD-1001/invoice/1')).body.duplicate, true);
      assert.equal((await list(memory.url)).length, 1);
      assert.deepEqual(fs.readdirSync(memory.dataDir), [], 'no file written');
    } finally {
      await memory.dispose();
    }
  });

  it('lists invoices by order', async () => {
    await send(sims.url, invoice(), 'a');
    await send(sims.url, invoice({ id: 'INV-ORD-2002', orderId: 'ORD-2002' }), 'b');
    await send(sims.url, invoice({ id: 'CM-ORD-2002', orderId: 'ORD-2002', kind: 'creditMemo' }), 'c');
    assert.deepEqual(
      (await list(sims.url, 'ORD-2002')).map((i: any) => [i.id, i.kind]),
      [
        ['INV-ORD-2002', 'invoice'],
        ['CM-ORD-2002', 'creditMemo'],
      ],
    );
    assert.equal((await list(sims.url)).length, 3);
    const one = await request(sims.url, 'GET', '/billing/invoices/CM-ORD-2002');
    assert.equal(one.body.idempotencyKey, 'c');
    assert.equal((await request(sims.url, 'GET', '/billing/invoices/NOPE')).status, 404);
  });

  it('lists invoices by the account billed, alone or with the order', async () => {
    await send(sims.url, invoice({ accountId: 'ACME' }), 'a');
    await send(sims.url, invoice({ id: 'INV-ORD-2002', orderId: 'ORD-2002', accountId: 'GLOBEX' }), 'b');
    await send(sims.url, invoice({ id: 'CM-ORD-2002', orderId: 'ORD-2002', kind: 'creditMemo', accountId: 'GLOBEX' }), 'c');
    await send(sims.url, invoice({ id: 'INV-ORD-3003', orderId: 'ORD-3003' }), 'd');
    const byAccount = async (query: string) =>
      (await request(sims.url, 'GET', `/billing/invoices?${query}`)).body.invoices.map((i: any) => [i.id, i.accountId]);
    assert.deepEqual(await byAccount('accountId=ACME'), [['INV-ORD-1001', 'ACME']]);
    assert.deepEqual(await byAccount('accountId=GLOBEX'), [['INV-ORD-2002', 'GLOBEX'], ['CM-ORD-2002', 'GLOBEX']]);
    assert.deepEqual(await byAccount('accountId=GLOBEX&orderId=ORD-1001'), []);
    assert.deepEqual(await byAccount('accountId=NOBODY'), [], 'an invoice without accountId belongs to no account filter');
    assert.equal((await list(sims.url)).length, 4);
    const refused = await send(sims.url, invoice({ id: 'INV-X', accountId: '' }), 'e');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.field, 'accountId');
  });

  it('refuses an invoice whose total is not the exact sum of its lines', async () => {
    const response = await send(sims.url, invoice({ total: '4098.01' }), 'k');
    assert.equal(response.status, 422);
    assert.equal(response.body.error.code, 'total-mismatch');
    assert.equal(response.body.error.linesTotal, '4098.00');
    assert.deepEqual(await list(sims.url), []);
  });

  it('refuses the same invoice id under another key', async () => {
    await send(sims.url, invoice(), 'first-key');
    const response = await send(sims.url, invoice(), 'second-key');
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'invoice-id-conflict');
    assert.equal((await list(sims.url)).length, 1);
  });

  it('names the bad field of an invalid invoice', async () => {
    const response = await send(sims.url, invoice({ total: 4098 }), 'k');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid-request');
    assert.equal(response.body.error.field, 'total');
    const badLine = await send(sims.url, invoice({ lines: [{ amount: '1.0005' }] }), 'k');
    assert.equal(badLine.body.error.field, 'lines[0].amount');
  });

  it('takes a subscription\'s invoice for a period, without an order, and refuses an invoice that bills nothing', async () => {
    const { orderId: _orderId, ...withoutOrder } = invoice();
    const period = { start: '2026-01-31', end: '2026-02-27' };
    const sub = await send(sims.url, { ...withoutOrder, id: 'INV-SUB-1-1', subscriptionId: 'SUB-1', accountId: 'ACME', period }, 'sub-1');
    assert.equal(sub.status, 201);
    const stored = (await request(sims.url, 'GET', '/billing/invoices/INV-SUB-1-1')).body;
    assert.deepEqual([stored.subscriptionId, stored.period, stored.orderId, stored.status], ['SUB-1', period, undefined, 'Posted']);
    assert.equal((await request(sims.url, 'GET', '/billing/ledger?accountId=ACME')).body.balance, '4098.00');
    const refused = await send(sims.url, { ...withoutOrder, id: 'INV-NOTHING' }, 'nothing');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.field, 'orderId');
  });

  describe('records: invoice status, payments and the ledger', () => {
    const post = (urlPath: string, body: unknown, key?: string) =>
      request(sims.url, 'POST', urlPath, { body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });
    const get = async (urlPath: string) => (await request(sims.url, 'GET', urlPath)).body;
    const pay = (body: Record<string, unknown>, key: string) => post('/billing/payments', body, key);
    const card = (invoiceId: string, amount: string, status: string) => ({ invoiceId, amount, method: 'card', token: 'tok_visa_4242', status });
    const statusOf = async (id: string) => (await get(`/billing/invoices/${id}`)).status;

    /** ACME's documents: INV-A 1000.00, INV-B 250.55, a credit memo CM-A 100.10; GLOBEX's INV-G 99.99. */
    async function documents(): Promise<void> {
      const docs = [
        invoice({ id: 'INV-A', accountId: 'ACME', total: '1000.00', lines: [{ amount: '900.00', tax: '100.00' }] }),
        invoice({ id: 'INV-B', accountId: 'ACME', total: '250.55', lines: [{ amount: '231.46', tax: '19.09' }] }),
        invoice({ id: 'CM-A', accountId: 'ACME', kind: 'creditMemo', total: '100.10', lines: [{ amount: '100.10', tax: '0.00' }] }),
        invoice({ id: 'INV-G', accountId: 'GLOBEX', total: '99.99', lines: [{ amount: '99.99' }] }),
      ];
      for (const doc of docs) assert.equal((await send(sims.url, doc, `key-${doc.id}`)).status, 201);
    }

    it('posts invoices and credit memos when received, and an invoice is Paid once settled payments cover it', async () => {
      await documents();
      assert.deepEqual((await get('/billing/invoices?accountId=ACME')).invoices.map((i: any) => [i.id, i.kind, i.status]), [
        ['INV-A', 'invoice', 'Posted'],
        ['INV-B', 'invoice', 'Posted'],
        ['CM-A', 'creditMemo', 'Posted'],
      ]);
      assert.equal((await pay(card('INV-A', '600.00', 'Settled'), 'p1')).status, 201);
      assert.equal(await statusOf('INV-A'), 'Posted', '600.00 of 1000.00 is not paid');
      const authorized = await pay(card('INV-A', '400.00', 'Authorized'), 'p2');
      assert.equal(await statusOf('INV-A'), 'Authorized', 'covered, partly by an authorization: not money received yet, not Paid');
      await post(`/billing/payments/${authorized.body.id}/settle`, {}, 's2');
      assert.equal(await statusOf('INV-A'), 'Paid');
      assert.equal((await get('/storefront/accounts/ACME/invoices')).invoices.find((i: any) => i.id === 'INV-A').status, 'Paid', 'My Invoices shows billing\'s status');
    });

    it('records payments with the token\'s last four characters at most, and lists them by account and invoice', async () => {
      await documents();
      const byCard = await pay(card('INV-A', '10.00', 'Settled'), 'p1');
      assert.equal(byCard.status, 201);
      assert.match(byCard.body.id, /^PAY-/);
      assert.deepEqual(Object.keys(byCard.body).sort(), ['amount', 'at', 'id', 'invoiceId', 'last4', 'method', 'status']);
      assert.deepEqual([byCard.body.invoiceId, byCard.body.amount, byCard.body.method, byCard.body.last4, byCard.body.status], ['INV-A', '10.00', 'card', '4242', 'Settled']);
      assert.ok(Date.parse(byCard.body.at));
      const byAccount = await pay({ invoiceId: 'INV-B', amount: '5', method: 'account', reference: 'PO-7788', status: 'Authorized' }, 'p2');
      assert.equal(byAccount.status, 201);
      assert.deepEqual([byAccount.body.amount, byAccount.body.reference, byAccount.body.last4], ['5.00', 'PO-7788', undefined], 'amounts come back with the currency\'s places');
      await pay(card('INV-G', '1.00', 'Settled'), 'p3');

      const ids = async (query: string) => (await get(`/billing/payments?${query}`)).payments.map((p: any) => p.id);
      assert.deepEqual(await ids('accountId=ACME'), [byCard.body.id, byAccount.body.id]);
      assert.deepEqual(await ids('invoiceId=INV-B'), [byAccount.body.id]);
      assert.deepEqual(await ids('accountId=GLOBEX&invoiceId=INV-A'), []);
      assert.equal((await get('/billing/payments')).payments.length, 3);
      assert.deepEqual(await get(`/billing/payments/${byCard.body.id}`), byCard.body);
      assert.equal((await request(sims.url, 'GET', '/billing/payments/PAY-NOPE')).status, 404);
      const file = fs.readFileSync(path.join(sims.dataDir, 'billing.json'), 'utf8');
      assert.ok(!file.includes('tok_visa_4242'), 'the token is not kept');
    });

    it('settles an authorization and refunds a settled payment, once each; other moves are refused naming the status', async () => {
      await documents();
      const { body: authorized } = await pay(card('INV-B', '250.55', 'Authorized'), 'p1');
      const refundEarly = await post(`/billing/payments/${authorized.id}/refund`, {}, 'r0');
      assert.equal(refundEarly.status, 409);
      assert.equal(refundEarly.body.error.code, 'payment-authorized');

      const settled = await post(`/billing/payments/${authorized.id}/settle`, undefined, 's1');
      assert.equal(settled.status, 200);
      assert.equal(settled.body.status, 'Settled');
      assert.equal(await statusOf('INV-B'), 'Paid');
      const settleAgain = await post(`/billing/payments/${authorized.id}/settle`, {}, 's2');
      assert.equal(settleAgain.status, 409);
      assert.equal(settleAgain.body.error.code, 'payment-settled');

      const refunded = await post(`/billing/payments/${authorized.id}/refund`, {}, 'r1');
      assert.equal(refunded.status, 200);
      assert.equal(refunded.body.status, 'Refunded');
      assert.equal(await statusOf('INV-B'), 'Posted', 'refunded: the invoice is due again');
      assert.equal((await post(`/billing/payments/${authorized.id}/refund`, {}, 'r2')).body.error.code, 'payment-refunded');

      const { body: failed } = await pay(card('INV-B', '0.01', 'Failed'), 'p2');
      assert.equal((await post(`/billing/payments/${failed.id}/settle`, {}, 's3')).body.error.code, 'payment-failed');
      assert.equal((await post('/billing/payments/PAY-NOPE/settle', {}, 's4')).status, 404);
      assert.equal((await post(`/billing/payments/${authorized.id}/settle`, {})).body.error.code, 'missing-idempotency-key');
    });

    it('keeps the ledger per account: every document and money movement, balance = invoiced − credited − paid (+ refunds) to the cent', async () => {
      await documents();
      await pay(card('INV-A', '600.00', 'Settled'), 'p1');
      const { body: authorized } = await pay(card('INV-A', '400.00', 'Authorized'), 'p2');
      await post(`/billing/payments/${authorized.id}/settle`, {}, 's2');
      const { body: paidB } = await pay({ invoiceId: 'INV-B', amount: '250.55', method: 'account', reference: 'PO-1', status: 'Settled' }, 'p3');
      await post(`/billing/payments/${paidB.id}/refund`, {}, 'r3');
      await pay(card('INV-B', '0.01', 'Failed'), 'p4');

      const ledger = await get('/billing/ledger?accountId=ACME');
      assert.deepEqual(Object.keys(ledger).sort(), ['accountId', 'balance', 'entries']);
      assert.equal(ledger.accountId, 'ACME');
      const p1 = (await get('/billing/payments?invoiceId=INV-A')).payments[0];
      assert.deepEqual(
        ledger.entries.map((e: any) => [e.kind, e.documentId, e.amount]),
        [
          ['invoice', 'INV-A', '1000.00'],
          ['invoice', 'INV-B', '250.55'],
          ['creditMemo', 'CM-A', '-100.10'],
          ['payment', p1.id, '-600.00'],
          ['payment', authorized.id, '-400.00'],
          ['payment', paidB.id, '-250.55'],
          ['refund', paidB.id, '250.55'],
        ],
        'the authorization posts only when settled; the failed payment posts nothing',
      );
      for (const entry of ledger.entries) assert.deepEqual(Object.keys(entry).sort(), ['amount', 'at', 'documentId', 'kind']);
      // By hand: 1000.00 + 250.55 − 100.10 − 600.00 − 400.00 − 250.55 + 250.55 = 150.45
      assert.equal(ledger.balance, '150.45');
      const globex = await get('/billing/ledger?accountId=GLOBEX');
      assert.deepEqual(globex.entries.map((e: any) => [e.kind, e.documentId, e.amount]), [['invoice', 'INV-G', '99.99']], 'another account\'s ledger is its own');
      assert.equal(globex.balance, '99.99');
      assert.ok(Date.parse(globex.entries[0].at));
      assert.deepEqual(await get('/billing/ledger?accountId=NOBODY'), { accountId: 'NOBODY', entries: [], balance: '0.00' });
      const missing = await request(sims.url, 'GET', '/billing/ledger');
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.field, 'accountId');
    });

    it('adds amounts that floats get wrong exactly, and keeps one ledger per currency', async () => {
      for (const [id, total] of [['INV-1', '0.10'], ['INV-2', '0.20'], ['INV-3', '0.70']]) {
        await send(sims.url, invoice({ id, accountId: 'TINY', total, lines: [{ amount: total }] }), id);
      }
      await pay(card('INV-3', '0.70', 'Settled'), 'p');
      assert.equal((await get('/billing/ledger?accountId=TINY')).balance, '0.30', '0.10 + 0.20 + 0.70 − 0.70');

      await send(sims.url, invoice({ id: 'INV-JPY', accountId: 'TINY', currency: 'JPY', total: '1500', lines: [{ amount: '1500' }] }), 'jpy');
      const mixed = await request(sims.url, 'GET', '/billing/ledger?accountId=TINY');
      assert.equal(mixed.status, 422);
      assert.equal(mixed.body.error.code, 'several-currencies');
      assert.deepEqual(mixed.body.error.currencies, ['USD', 'JPY']);
      assert.equal((await get('/billing/ledger?accountId=TINY&currency=JPY')).balance, '1500');
      assert.equal((await get('/billing/ledger?accountId=TINY&currency=USD')).balance, '0.30');
      const yen = await pay(card('INV-JPY', '1.5', 'Settled'), 'p-jpy');
      assert.equal(yen.status, 400);
      assert.equal(yen.body.error.field, 'amount');
    });

    it('refuses a raw card number anywhere in a payment, and stores nothing', async () => {
      await documents();
      for (const [body, field] of [
        [{ ...card('INV-A', '1.00', 'Settled'), token: '4111111111111111' }, 'token'],
        [{ invoiceId: 'INV-A', amount: '1.00', method: 'account', reference: 'card 4111-1111-1111-1111', status: 'Settled' }, 'reference'],
        [{ ...card('INV-A', '1.00', 'Settled'), note: '4111 1111 1111 1111' }, 'note'],
      ] as const) {
        const refused = await pay(body, `raw-${field}`);
        assert.equal(refused.status, 400);
        assert.equal(refused.body.error.field, field);
        assert.match(refused.body.error.message, /raw card number/);
      }
      assert.deepEqual((await get('/billing/payments')).payments, []);
      const file = fs.readFileSync(path.join(sims.dataDir, 'billing.json'), 'utf8');
      assert.ok(!file.includes('4111'), 'no card number kept');
    });

    it('refuses payments that would corrupt the books, naming the field', async () => {
      await documents();
      const refusals: Array<[Record<string, unknown>, number, string, string]> = [
        [card('INV-NOPE', '1.00', 'Settled'), 422, 'unknown-invoice', 'invoiceId'],
        [card('CM-A', '1.00', 'Settled'), 422, 'not-an-invoice', 'invoiceId'],
        [card('INV-A', '1000.01', 'Settled'), 422, 'amount-exceeds-due', 'amount'],
        [card('INV-A', '1.005', 'Settled'), 400, 'invalid-request', 'amount'],
        [card('INV-A', '0.00', 'Settled'), 400, 'invalid-request', 'amount'],
        [card('INV-A', '-1.00', 'Settled'), 400, 'invalid-request', 'amount'],
        [card('INV-A', '1.00', 'Refunded'), 400, 'invalid-request', 'status'],
        [{ invoiceId: 'INV-A', amount: '1.00', method: 'card', status: 'Settled' }, 400, 'invalid-request', 'token'],
        [{ invoiceId: 'INV-A', amount: '1.00', method: 'cash', status: 'Settled' }, 400, 'invalid-request', 'method'],
      ];
      for (const [body, status, code, field] of refusals) {
        const refused = await pay(body, `k-${JSON.stringify(body)}`);
        assert.equal(refused.status, status, JSON.stringify(refused.body));
        assert.equal(refused.body.error.code, code);
        assert.equal(refused.body.error.field, field, refused.body.error.message);
      }
      await pay(card('INV-A', '999.00', 'Authorized'), 'most');
      const over = await pay(card('INV-A', '1.01', 'Settled'), 'over');
      assert.equal(over.body.error.due, '1.00', 'authorized payments count against what is open');
      assert.deepEqual((await get('/billing/payments')).payments.length, 1);
      assert.equal((await get('/billing/ledger?accountId=ACME')).balance, '1150.45', 'nothing but the documents posted');
    });

    it('replays a payment, a settlement and a refund per Idempotency-Key, also after a lost response, posting each once', async () => {
      await documents();
      const first = await pay(card('INV-A', '100.00', 'Authorized'), 'pay-1');
      const again = await pay(card('INV-A', '100.00', 'Authorized'), 'pay-1');
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replay'), 'true');
      assert.deepEqual(again.body, first.body);

      await setFault(sims.url, 'billing', { operation: 'settle', failNext: 1, failAfterWork: true });
      const lost = await post(`/billing/payments/${first.body.id}/settle`, {}, 'settle-1');
      assert.equal(lost.status, 503);
      const retried = await post(`/billing/payments/${first.body.id}/settle`, {}, 'settle-1');
      assert.equal(retried.status, 200);
      assert.equal(retried.headers.get('idempotent-replay'), 'true');
      assert.equal(retried.body.status, 'Settled');
      for (let i = 0; i < 2; i++) assert.equal((await post(`/billing/payments/${first.body.id}/refund`, {}, 'refund-1')).status, 200);

      assert.equal((await get('/billing/payments')).payments.length, 1);
      const entries = (await get('/billing/ledger?accountId=ACME')).entries.map((e: any) => `${e.kind} ${e.amount}`);
      assert.deepEqual(entries.slice(3), ['payment -100.00', 'refund 100.00']);
      const calls = (await get('/billing/calls')).calls.map((c: any) => [c.operation, c.status, c.replayed]);
      assert.deepEqual(calls.slice(-6), [
        ['payments', 201, false],
        ['payments', 201, true],
        ['settle', 503, false],
        ['settle', 200, true],
        ['refund', 200, false],
        ['refund', 200, true],
      ]);
    });

    it('refuses payments while billing is down, as it does invoices', async () => {
      await documents();
      await setFault(sims.url, 'billing', { operation: 'payments', outageMs: 60_000 });
      assert.equal((await pay(card('INV-A', '1.00', 'Settled'), 'p')).status, 503);
      assert.equal((await request(sims.url, 'GET', '/billing/ledger?accountId=ACME')).status, 200, 'reads are never faulted');
      assert.equal((await send(sims.url, invoice({ id: 'INV-C', accountId: 'ACME' }), 'c')).status, 201, 'only the payments operation is down');
    });

    it('keeps payments and the ledger across a restart, and builds the ledger of a file written before it existed', async () => {
      await documents();
      const { body: payment } = await pay(card('INV-A', '1000.00', 'Authorized'), 'p1');
      await post(`/billing/payments/${payment.id}/settle`, {}, 's1');
      const before = await get('/billing/ledger?accountId=ACME');
      await sims.stop();

      const restarted = await startTestSimulators({ dataDir: sims.dataDir });
      try {
        assert.deepEqual((await request(restarted.url, 'GET', '/billing/ledger?accountId=ACME')).body, before);
        assert.equal((await request(restarted.url, 'GET', '/billing/invoices/INV-A')).body.status, 'Paid');
        const replay = await request(restarted.url, 'POST', `/billing/payments/${payment.id}/settle`, { body: {}, headers: { 'Idempotency-Key': 's1' } });
        assert.equal(replay.headers.get('idempotent-replay'), 'true');
      } finally {
        await restarted.stop();
      }

      const file = path.join(sims.dataDir, 'billing.json');
      const older = JSON.parse(fs.readFileSync(file, 'utf8'));
      older.state = { invoices: older.state.invoices };
      fs.writeFileSync(file, JSON.stringify(older));
      const upgraded = await startTestSimulators({ dataDir: sims.dataDir });
      try {
        const ledger = (await request(upgraded.url, 'GET', '/billing/ledger?accountId=ACME')).body;
        assert.deepEqual(ledger.entries.map((e: any) => [e.kind, e.documentId, e.amount]), [
          ['invoice', 'INV-A', '1000.00'],
          ['invoice', 'INV-B', '250.55'],
          ['creditMemo', 'CM-A', '-100.10'],
        ]);
        assert.equal(ledger.balance, '1150.45');
      } finally {
        await upgraded.stop();
      }
    });
  });
});
