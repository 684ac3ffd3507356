import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { request, setFault, startTestSimulators, type TestSimulators } from './harness';

const VISA = '4242 4242 4242 4242';

describe('simulators: payments (the payment gateway)', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  let keys = 0;
  /** A POST with a fresh Idempotency-Key unless one is given; `null` sends none. */
  const post = (urlPath: string, body: unknown, key: string | null = `key-${++keys}`) =>
    request(sims.url, 'POST', urlPath, { body, headers: key === null ? {} : { 'Idempotency-Key': key } });
  const get = (urlPath: string) => request(sims.url, 'GET', urlPath);
  const pay = (token: string, amount: string, reference = 'INV-1', currency = 'USD') => ({ token, amount, currency, reference });
  async function created(urlPath: string, body: unknown, key?: string) {
    const response = await post(urlPath, body, key);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  it('tokenizes a card number and keeps only the token and last four digits: not in the file, the answer or the call log', async () => {
    const answer = await created('/payments/tokens', { cardNumber: VISA });
    assert.match(answer.token, /^tok_[0-9a-f]{16}$/);
    assert.deepEqual(answer, { token: answer.token, last4: '4242', brand: 'visa' });

    const file = fs.readFileSync(path.join(sims.dataDir, 'payments.json'), 'utf8');
    assert.ok(file.includes(answer.token), 'the token is stored');
    assert.ok(!file.includes('4242424242424242') && !file.includes(VISA), 'the number is not stored');
    const calls = JSON.stringify((await get('/payments/calls')).body);
    assert.ok(calls.includes('[card number removed]'));
    assert.ok(!calls.includes('4242424242424242') && !calls.includes(VISA), 'the number is not logged');
    assert.equal((await get(`/payments/tokens/${answer.token}`)).body.last4, '4242');

    const notACard = await post('/payments/tokens', { cardNumber: '4242 4242 4242 4241' });
    assert.equal(notACard.status, 400);
    assert.equal(notACard.body.error.field, 'cardNumber');
    assert.match(notACard.body.error.message, /Luhn/);
  });

  it('refuses a raw card number anywhere but tokenization, naming the field, and logs none', async () => {
    const asToken = await post('/payments/authorizations', pay('tok_4111111111111111', '10.00'));
    assert.equal(asToken.status, 400);
    assert.equal(asToken.body.error.field, 'token');
    assert.match(asToken.body.error.message, /raw card number.*POST \/payments\/tokens/);
    const inReference = await post('/payments/charges', pay('tok_visa', '10.00', 'card 4111-1111-1111-1111'));
    assert.equal(inReference.body.error.field, 'reference');
    const list = await get('/payments/charges?reference=4111111111111111');
    assert.equal(list.status, 400);
    assert.equal(list.body.error.field, 'reference');
    const brokenJson = await request(sims.url, 'POST', '/payments/tokens', { rawBody: '{"cardNumber": "4111 1111 1111 1111"', headers: { 'Idempotency-Key': 'broken' } });
    assert.equal(brokenJson.status, 400);
    for (const urlPath of ['/payments/tokens/4111111111111111', '/payments/charges/4111-1111-1111-1111']) {
      const byNumber = await get(urlPath);
      assert.equal(byNumber.status, 400, urlPath);
      assert.ok(!JSON.stringify(byNumber.body).includes('1111'), 'the number is not repeated');
    }
    const calls = JSON.stringify((await get('/payments/calls')).body);
    assert.ok(calls.includes('[card number removed]'));
    assert.ok(!/4111.?1111.?1111.?1111/.test(calls), calls);
    assert.deepEqual((await get('/payments/authorizations')).body, { authorizations: [] });
  });

  it('authorizes, then captures once, at most the amount authorized', async () => {
    const { token } = await created('/payments/tokens', { cardNumber: VISA });
    const authorization = await created('/payments/authorizations', pay(token, '120.5'));
    assert.equal(authorization.status, 'Authorized');
    assert.equal(authorization.amount, '120.50', 'money in the currency\'s places');
    assert.equal(authorization.last4, '4242');
    assert.equal(authorization.token, undefined, 'the token is not answered');

    const tooMuch = await post(`/payments/authorizations/${authorization.id}/capture`, { amount: '120.51' });
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.body.error.code, 'amount-exceeds-authorized');
    assert.equal(tooMuch.body.error.field, 'amount');

    const capture = await created(`/payments/authorizations/${authorization.id}/capture`, { amount: '100.00' });
    assert.deepEqual(
      { authorizationId: capture.authorizationId, amount: capture.amount, reference: capture.reference, status: capture.status },
      { authorizationId: authorization.id, amount: '100.00', reference: 'INV-1', status: 'Captured' },
    );
    const twice = await post(`/payments/authorizations/${authorization.id}/capture`, {});
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'authorization-captured');
    assert.equal(twice.body.error.captureId, capture.id);

    const after = (await get(`/payments/authorizations/${authorization.id}`)).body;
    assert.equal(after.status, 'Captured');
    assert.equal(after.captureId, capture.id);
    assert.deepEqual((await get('/payments/captures?reference=INV-1')).body.captures.map((c: any) => c.id), [capture.id]);
    assert.equal((await get('/payments/captures?reference=INV-2')).body.captures.length, 0);
  });

  it('captures the whole authorized amount by default, and refuses to capture a declined authorization', async () => {
    const authorization = await created('/payments/authorizations', pay('tok_plain', '75.00'));
    const capture = await created(`/payments/authorizations/${authorization.id}/capture`, {});
    assert.equal(capture.amount, '75.00');
    const declined = await created('/payments/authorizations', pay('tok_card_decline', '75.00'));
    const refused = await post(`/payments/authorizations/${declined.id}/capture`, {});
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'authorization-declined');
    assert.equal((await post('/payments/authorizations/AUTH-NOPE/capture', {})).status, 404);
  });

  it('charges a stored token in one step and lists charges by reference', async () => {
    const { token } = await created('/payments/tokens', { cardNumber: '5555-5555-5555-4444' });
    const charge = await created('/payments/charges', pay(token, '19.99', 'INV-7'));
    assert.equal(charge.status, 'Captured');
    assert.equal(charge.last4, '4444');
    assert.deepEqual((await get(`/payments/charges/${charge.id}`)).body, charge);
    const again = await created('/payments/charges', pay(token, '19.99', 'INV-8'));
    assert.deepEqual((await get('/payments/charges?reference=INV-7')).body.charges.map((c: any) => c.id), [charge.id]);
    assert.notEqual(again.id, charge.id);
    assert.equal((await get('/payments/charges/CH-NOPE')).status, 404);
    assert.equal((await get('/payments/charges?token=x')).body.error.field, 'token');
  });

  it('refunds at most what was paid, across refunds, of a charge or a capture', async () => {
    const charge = await created('/payments/charges', pay('tok_plain', '100.00'));
    const first = await created('/payments/refunds', { chargeId: charge.id, amount: '60.00' });
    assert.deepEqual({ chargeId: first.chargeId, amount: first.amount, reference: first.reference, status: first.status }, { chargeId: charge.id, amount: '60.00', reference: 'INV-1', status: 'Refunded' });
    const tooMuch = await post('/payments/refunds', { chargeId: charge.id, amount: '40.01' });
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.body.error.code, 'amount-exceeds-refundable');
    assert.equal(tooMuch.body.error.field, 'amount');
    assert.equal(tooMuch.body.error.refundable, '40.00');
    await created('/payments/refunds', { chargeId: charge.id, amount: '40.00' });
    assert.equal((await post('/payments/refunds', { chargeId: charge.id, amount: '0.01' })).body.error.refundable, '0.00');

    const authorization = await created('/payments/authorizations', pay('tok_plain', '50.00', 'INV-2'));
    const capture = await created(`/payments/authorizations/${authorization.id}/capture`, { amount: '30.00' });
    const overCapture = await post('/payments/refunds', { captureId: capture.id, amount: '30.01' });
    assert.equal(overCapture.body.error.refundable, '30.00', 'a capture refunds what was captured, not authorized');
    const refund = await created('/payments/refunds', { captureId: capture.id, amount: '30.00' });
    assert.equal(refund.reference, 'INV-2');
    assert.equal((await get('/payments/refunds?reference=INV-1')).body.refunds.length, 2);

    const both = await post('/payments/refunds', { chargeId: charge.id, captureId: capture.id, amount: '1.00' });
    assert.equal(both.status, 400);
    assert.equal(both.body.error.field, 'captureId');
    const neither = await post('/payments/refunds', { amount: '1.00' });
    assert.equal(neither.body.error.field, 'chargeId');
    const declined = await created('/payments/charges', pay('tok_x_decline', '5.00'));
    assert.equal((await post('/payments/refunds', { chargeId: declined.id, amount: '1.00' })).body.error.code, 'charge-declined');
    assert.equal((await post('/payments/refunds', { chargeId: 'CH-NOPE', amount: '1.00' })).status, 404);
  });

  it('declines by token and amount, as test cards do', async () => {
    const declined = await created('/payments/authorizations', pay('tok_any_decline', '1.00'));
    assert.deepEqual([declined.status, declined.declineCode], ['Declined', 'card_declined']);
    const expired = await created('/payments/charges', pay('tok_any_expired', '1.00'));
    assert.deepEqual([expired.status, expired.declineCode], ['Declined', 'expired_card']);
    const within = await created('/payments/charges', pay('tok_any_insufficient', '100.00'));
    assert.deepEqual([within.status, within.declineCode], ['Captured', undefined]);
    const above = await created('/payments/charges', pay('tok_any_insufficient', '100.01'));
    assert.deepEqual([above.status, above.declineCode], ['Declined', 'insufficient_funds']);
    const yen = await created('/payments/charges', pay('tok_any_insufficient', '101', 'INV-1', 'JPY'));
    assert.equal(yen.declineCode, 'insufficient_funds', '100 units of the currency, whatever its places');

    // The test card numbers tokenize into tokens that behave so.
    const { token } = await created('/payments/tokens', { cardNumber: '4000 0000 0000 0002' });
    assert.match(token, /_decline$/);
    assert.equal((await created('/payments/charges', pay(token, '1.00'))).declineCode, 'card_declined');
  });

  it('a tok_recover_2 token declines on its first two attempts and is approved on the third, replays not counted', async () => {
    const first = await created('/payments/charges', pay('tok_recover_2', '49.00'), 'dunning-1');
    assert.deepEqual([first.status, first.attempt], ['Declined', 1]);
    const replay = await post('/payments/charges', pay('tok_recover_2', '49.00'), 'dunning-1');
    assert.equal(replay.headers.get('idempotent-replay'), 'true');
    assert.deepEqual(replay.body, first);
    const second = await created('/payments/authorizations', pay('tok_recover_2', '49.00'), 'dunning-2');
    assert.deepEqual([second.status, second.attempt], ['Declined', 2]);
    const third = await created('/payments/charges', pay('tok_recover_2', '49.00'), 'dunning-3');
    assert.deepEqual([third.status, third.attempt, third.declineCode], ['Captured', 3, undefined]);
    assert.equal((await get('/payments/tokens/tok_recover_2')).body.attempts, 3);
  });

  it('answers the same Idempotency-Key with the same answer and does nothing twice; every create needs a key', async () => {
    const token = await post('/payments/tokens', { cardNumber: VISA }, 'page-1');
    const tokenAgain = await post('/payments/tokens', { cardNumber: VISA }, 'page-1');
    assert.equal(tokenAgain.status, 201);
    assert.equal(tokenAgain.headers.get('idempotent-replay'), 'true');
    assert.deepEqual(tokenAgain.body, token.body);

    const authorization = await created('/payments/authorizations', pay('tok_plain', '10.00'), 'auth-1');
    const capture = await post(`/payments/authorizations/${authorization.id}/capture`, {}, 'cap-1');
    const captureAgain = await post(`/payments/authorizations/${authorization.id}/capture`, {}, 'cap-1');
    assert.equal(captureAgain.status, 201);
    assert.equal(captureAgain.headers.get('idempotent-replay'), 'true');
    assert.deepEqual(captureAgain.body, capture.body);
    const refund = await post('/payments/refunds', { captureId: capture.body.id, amount: '10.00' }, 'rf-1');
    const refundAgain = await post('/payments/refunds', { captureId: capture.body.id, amount: '10.00' }, 'rf-1');
    assert.equal(refundAgain.status, 201, 'a replay, not a refund beyond the capture');
    assert.deepEqual(refundAgain.body, refund.body);

    assert.equal((await get('/payments/authorizations')).body.authorizations.length, 1);
    assert.equal((await get('/payments/captures')).body.captures.length, 1);
    assert.equal((await get('/payments/refunds')).body.refunds.length, 1);
    for (const [urlPath, body] of [
      ['/payments/tokens', { cardNumber: VISA }],
      ['/payments/authorizations', pay('tok_plain', '1.00')],
      ['/payments/charges', pay('tok_plain', '1.00')],
      ['/payments/refunds', { chargeId: 'CH-1', amount: '1.00' }],
    ] as const) {
      const noKey = await post(urlPath, body, null);
      assert.equal(noKey.body.error?.code, 'missing-idempotency-key', urlPath);
    }
  });

  it('refuses money the currency cannot hold, naming the field', async () => {
    const threePlaces = await post('/payments/charges', pay('tok_plain', '10.005'));
    assert.equal(threePlaces.status, 400);
    assert.equal(threePlaces.body.error.field, 'amount');
    assert.match(threePlaces.body.error.message, /USD has 2 decimal places/);
    assert.equal((await created('/payments/charges', pay('tok_plain', '1.005', 'INV-1', 'KWD'))).amount, '1.005');
    assert.equal((await post('/payments/charges', pay('tok_plain', '10.5', 'INV-1', 'JPY'))).body.error.field, 'amount');
    assert.equal((await post('/payments/charges', pay('tok_plain', '0.00'))).body.error.field, 'amount');
    assert.equal((await post('/payments/charges', pay('tok_plain', '-1.00'))).body.error.field, 'amount');
    assert.equal((await post('/payments/charges', pay('tok_plain', '1.00', 'INV-1', 'usd'))).body.error.field, 'currency');
    const authorization = await created('/payments/authorizations', pay('tok_plain', '10.00'));
    assert.equal((await post(`/payments/authorizations/${authorization.id}/capture`, { amount: '5.001' })).body.error.field, 'amount');
    assert.equal((await post('/payments/unknown', {})).body.error.code, 'unknown-operation');
  });

  it('injects faults per operation; a lost response is retried with its key and charges once', async () => {
    assert.equal((await setFault(sims.url, 'payments', { operation: 'charges', failNext: 1 })).status, 200);
    const failed = await post('/payments/charges', pay('tok_plain', '10.00'), 'ch-1');
    assert.equal(failed.status, 503);
    assert.equal(failed.body.error.code, 'injected-fault');
    assert.equal((await get('/payments/charges')).body.charges.length, 0, 'failed before the work');
    await created('/payments/authorizations', pay('tok_plain', '10.00'), 'other-operation-works');

    await setFault(sims.url, 'payments', { operation: 'charges', failNext: 1, failAfterWork: true });
    const lost = await post('/payments/charges', pay('tok_plain', '10.00'), 'ch-2');
    assert.equal(lost.status, 503);
    const retried = await post('/payments/charges', pay('tok_plain', '10.00'), 'ch-2');
    assert.equal(retried.status, 201);
    assert.equal(retried.headers.get('idempotent-replay'), 'true');
    assert.equal((await get('/payments/charges')).body.charges.length, 1, 'charged once');

    assert.equal((await setFault(sims.url, 'payments', { operation: 'settle' })).body.error.field, 'operation');
    await setFault(sims.url, 'payments', { outageMs: 60_000 });
    assert.equal((await post('/payments/tokens', { cardNumber: VISA })).body.error.code, 'outage');
    assert.equal((await get('/payments/charges')).status, 200, 'reads are never faulted');
  });

  it('keeps tokens, payments, attempts and keys across a restart', async () => {
    const { token } = await created('/payments/tokens', { cardNumber: VISA });
    const charge = await created('/payments/charges', pay(token, '80.00'), 'before-restart');
    await created('/payments/charges', pay('tok_recover_1', '1.00'));
    await sims.stop();
    const restarted = await startTestSimulators({ dataDir: sims.dataDir });
    sims = restarted;
    assert.deepEqual((await get(`/payments/charges/${charge.id}`)).body, charge);
    assert.equal((await get(`/payments/tokens/${token}`)).body.last4, '4242');
    const replay = await post('/payments/charges', pay(token, '80.00'), 'before-restart');
    assert.equal(replay.headers.get('idempotent-replay'), 'true');
    assert.equal(replay.body.id, charge.id);
    assert.equal((await created('/payments/charges', pay('tok_recover_1', '1.00'))).status, 'Captured', 'the attempt count survived');
    assert.equal((await post('/payments/refunds', { chargeId: charge.id, amount: '80.01' })).body.error.refundable, '80.00');
  });
});
