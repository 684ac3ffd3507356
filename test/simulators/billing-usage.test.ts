import assert from 'node:assert/strict';
import { request, setFault, startTestSimulators, type TestSimulators } from './harness';

/** Billing's usage intake over real HTTP: each record id counted once, conflicts refused, kept across a restart. */
describe('simulators: billing usage intake', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  const record = (overrides: Record<string, unknown> = {}) => ({ id: 'U-1', accountId: 'ACME', itemId: 'OI-9', quantity: 1200, date: '2026-12-03', ...overrides });
  const post = (body: unknown, key: string, url = sims.url) => request(url, 'POST', '/billing/usage', { body, headers: { 'Idempotency-Key': key } });
  const listed = async (query = '', url = sims.url) => {
    const answer = await request(url, 'GET', `/billing/usage${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return (answer.body.usage as Array<Record<string, unknown>>).map(({ receivedAt, ...rest }) => {
      assert.ok(Date.parse(String(receivedAt)), 'each record carries when billing received it');
      return rest;
    });
  };

  it('stores a record once: the same record under another key answers duplicate: true and is not counted again', async () => {
    const first = await post(record(), 'meter-1');
    assert.equal(first.status, 201);
    assert.deepEqual(first.body, { id: 'U-1', duplicate: false });
    const again = await post(record(), 'meter-2');
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { id: 'U-1', duplicate: true });
    const replay = await post(record(), 'meter-1');
    assert.equal(replay.headers.get('idempotent-replay'), 'true', 'the same key replays the first answer');
    assert.deepEqual(await listed('?accountId=ACME'), [record()]);
  });

  it('takes a batch, counting a record repeated inside it or sent before once', async () => {
    await post(record(), 'one');
    const batch = await post({ records: [record(), record({ id: 'U-2', quantity: 5 }), record({ id: 'U-2', quantity: 5 }), record({ id: 'U-3', date: '2027-01-02', subscriptionId: 'SUB-1' })] }, 'batch');
    assert.equal(batch.status, 201);
    assert.deepEqual(batch.body, {
      records: [
        { id: 'U-1', duplicate: true },
        { id: 'U-2', duplicate: false },
        { id: 'U-2', duplicate: true },
        { id: 'U-3', duplicate: false },
      ],
    });
    const all = await listed();
    assert.deepEqual(all.map((r) => [r.id, r.quantity]), [['U-1', 1200], ['U-2', 5], ['U-3', 1200]]);
    // 1200 + 5 + 1200 units: a duplicate adds nothing.
    assert.equal(all.reduce((sum, r) => sum + Number(r.quantity), 0), 2405);
    assert.equal(all[2]!.subscriptionId, 'SUB-1');
  });

  it('refuses other content under a known id with 409 naming id, and a batch holding one stores none of it', async () => {
    await post(record(), 'a');
    const single = await post(record({ quantity: 1300 }), 'b');
    assert.equal(single.status, 409);
    assert.equal(single.body.error.code, 'usage-id-conflict');
    assert.equal(single.body.error.field, 'id');
    assert.match(single.body.error.message, /^id: usage record U-1 was received before with other content \(ACME OI-9, 1200 on 2026-12-03\)/);

    const batch = await post({ records: [record({ id: 'U-5' }), record({ id: 'U-1', date: '2026-12-04' })] }, 'c');
    assert.equal(batch.status, 409);
    assert.match(batch.body.error.message, /^records\[1\]\.id: usage record U-1/);
    assert.equal(batch.body.error.field, 'records[1].id');
    assert.deepEqual((await listed()).map((r) => r.id), ['U-1'], 'U-5 of the refused batch is not kept');
  });

  it('answers a batch of one as a batch, naming records[0]', async () => {
    assert.deepEqual((await post({ records: [record()] }, 'one')).body, { records: [{ id: 'U-1', duplicate: false }] });
    const conflict = await post({ records: [record({ quantity: 2 })] }, 'two');
    assert.equal(conflict.body.error.field, 'records[0].id');
  });

  it('refuses bad records with 400 naming the field as sent, and stores nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [record({ quantity: 1.5 }), /^quantity: must be a whole number/],
      [record({ quantity: -1 }), /^quantity: must not be negative/],
      [record({ date: '2026-02-30' }), /^date: is not a real calendar date/],
      [record({ accountId: undefined }), /^accountId: /],
      [record({ units: 3 }), /units/],
      [{ records: [record(), record({ id: 'U-2', itemId: '' })] }, /^records\[1\]\.itemId: must not be empty/],
      [{ records: [] }, /^records: give at least one usage record/],
    ];
    for (const [body, says] of cases) {
      const answer = await post(body, `bad-${JSON.stringify(body)}`);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.error.message, says);
    }
    assert.deepEqual(await listed(), []);
  });

  it('lists by account, item and date range (both ends inclusive), and refuses a bad date', async () => {
    await post({ records: [record({ id: 'A', date: '2026-11-30' }), record({ id: 'B', date: '2026-12-01' }), record({ id: 'C', date: '2026-12-31', itemId: 'OI-10' }), record({ id: 'D', accountId: 'BETA' })] }, 'k');
    assert.deepEqual((await listed('?accountId=ACME&from=2026-12-01&to=2026-12-31')).map((r) => r.id), ['B', 'C']);
    assert.deepEqual((await listed('?accountId=ACME&itemId=OI-9')).map((r) => r.id), ['A', 'B']);
    assert.deepEqual((await listed('?accountId=BETA')).map((r) => r.id), ['D']);
    const bad = await request(sims.url, 'GET', '/billing/usage?from=12/01/2026');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^from: must be a date/);
  });

  it('keeps usage across a restart, so a record sent again after it is still a duplicate', async () => {
    await post(record(), 'a');
    await sims.stop();
    const restarted = await startTestSimulators({ dataDir: sims.dataDir });
    try {
      assert.deepEqual((await post(record(), 'b', restarted.url)).body, { id: 'U-1', duplicate: true });
      assert.equal((await listed('', restarted.url)).length, 1);
    } finally {
      await restarted.stop();
    }
  });

  it('is faulted as the usage operation: a lost answer retried under its key stores the record once', async () => {
    await setFault(sims.url, 'billing', { operation: 'usage', failNext: 1, failAfterWork: true });
    assert.equal((await post(record(), 'lost')).status, 503);
    const retried = await post(record(), 'lost');
    assert.equal(retried.status, 201);
    assert.deepEqual(retried.body, { id: 'U-1', duplicate: false });
    assert.equal((await listed()).length, 1);
  });
});
