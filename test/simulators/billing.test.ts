import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { invoice, request, startTestSimulators, type TestSimulators } from './harness';

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
});
