import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { request, startTestSimulators, type TestSimulators } from './harness';

/**
 * Billing accounts, bill dates, partial refunds for credit memos (billing-accounts.ts, billing-payments.ts), and the
 * storefront's card checkout authorized at the payment gateway (storefront.ts, payments.ts). simulators/README.md.
 */
describe('simulators: billing accounts, bill dates, credit memo refunds and checkout authorizations', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  const call = (method: string, urlPath: string, body?: unknown, key?: string) =>
    request(sims.url, method, urlPath, { ...(body !== undefined ? { body } : {}), headers: key ? { 'Idempotency-Key': key } : {} });
  const setMethod = (accountId: string, body: unknown, key = `pm-${accountId}-${JSON.stringify(body)}`) => call('PUT', `/billing/accounts/${accountId}/payment-method`, body, key);
  const postInvoice = (id: string, total: string, extra: Record<string, unknown> = {}) =>
    call('POST', '/billing/invoices', { id, orderId: `ORD-${id}`, accountId: 'ACME', kind: 'invoice', currency: 'USD', total, lines: [{ amount: total }], ...extra }, `doc-${id}`);

  it('keeps a card token for later charges, answers its last four only, and lists auto-pay accounts', async () => {
    const set = await setMethod('ACME', { method: 'card', token: 'tok_acme_4242', last4: '4242' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.paymentMethod, { method: 'card', last4: '4242' });
    assert.equal(set.body.autoPay, true, 'a card is auto-pay unless told otherwise');
    assert.equal(JSON.stringify(set.body).includes('tok_acme'), false);

    await setMethod('GLOBEX', { method: 'account', reference: 'PO-7788' });
    await setMethod('INITECH', { method: 'card', token: 'tok_initech_1111', autoPay: false });
    const autoPay = await call('GET', '/billing/accounts?autoPay=true');
    assert.deepEqual(autoPay.body.accounts.map((a: { accountId: string }) => a.accountId), ['ACME']);
    assert.equal(JSON.stringify(autoPay.body).includes('tok_'), false);
    const shown = await call('GET', '/billing/accounts/GLOBEX');
    assert.deepEqual([shown.body.paymentMethod, shown.body.autoPay], [{ method: 'account', reference: 'PO-7788' }, false]);
    const token = await call('GET', '/billing/accounts/ACME/payment-token');
    assert.equal(token.body.token, 'tok_acme_4242', 'the integration reads the token to charge it');

    const saved = fs.readFileSync(path.join(sims.dataDir, 'billing.json'), 'utf8');
    assert.ok(saved.includes('tok_acme_4242'), 'billing keeps the token across a restart');
    assert.equal((await call('GET', '/billing/accounts/NOBODY')).status, 404);
  });

  it('refuses a raw card number, a purchase order on auto-pay and a missing key, naming the field', async () => {
    const raw = await setMethod('ACME', { method: 'card', token: '4242 4242 4242 4242' });
    assert.equal(raw.status, 400);
    assert.match(raw.body.error.message, /token/);
    assert.equal(JSON.stringify(raw.body).includes('4242 4242 4242 4242'), false, 'the number is not repeated back');
    const po = await setMethod('ACME', { method: 'account', reference: 'PO-1', autoPay: true });
    assert.equal(po.status, 400);
    assert.match(po.body.error.message, /autoPay/);
    const noKey = await call('PUT', '/billing/accounts/ACME/payment-method', { method: 'card', token: 'tok_x_1234' });
    assert.equal(noKey.status, 400);
    assert.equal((await call('GET', '/billing/accounts/ACME')).status, 404, 'nothing was stored');
  });

  it('lists invoices by status, kind and bill date; ledger entries carry the documents\' dates', async () => {
    await postInvoice('INV-1', '100.00', { invoiceDate: '2027-01-31' });
    await postInvoice('INV-2', '50.00', { invoiceDate: '2027-02-28' });
    const bad = await postInvoice('INV-3', '10.00', { invoiceDate: '31/01/2027' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /invoiceDate/);
    await call('POST', '/billing/payments', { invoiceId: 'INV-1', amount: '100.00', method: 'card', token: 'tok_acme_4242', status: 'Settled', date: '2027-02-01', processorId: 'CH-1' }, 'pay-1');

    const ids = async (query: string) => (await call('GET', `/billing/invoices?${query}`)).body.invoices.map((i: { id: string }) => i.id);
    assert.deepEqual(await ids('status=Posted'), ['INV-2']);
    assert.deepEqual(await ids('status=Paid'), ['INV-1']);
    assert.deepEqual(await ids('invoiceDateTo=2027-01-31'), ['INV-1']);
    assert.deepEqual(await ids('kind=creditMemo'), []);
    assert.equal((await call('GET', '/billing/invoices?invoiceDateTo=soon')).status, 400);
    assert.equal((await call('GET', '/billing/invoices/INV-2')).body.open, '50.00');

    const ledger = (await call('GET', '/billing/ledger?accountId=ACME')).body;
    assert.deepEqual(ledger.entries.map((e: { kind: string; amount: string; date: string }) => [e.kind, e.amount, e.date]), [
      ['invoice', '100.00', '2027-01-31'],
      ['invoice', '50.00', '2027-02-28'],
      ['payment', '-100.00', '2027-02-01'],
    ]);
    assert.equal(ledger.balance, '50.00'); // 100.00 + 50.00 − 100.00
  });

  it('refunds part of a settled payment for a credit memo: the invoice stays Paid, the memo becomes Refunded', async () => {
    await postInvoice('INV-1', '100.00');
    await call('POST', '/billing/invoices', { id: 'CM-1', orderId: 'ORD-INV-1', accountId: 'ACME', kind: 'creditMemo', currency: 'USD', total: '30.00', lines: [{ amount: '30.00' }] }, 'doc-CM-1');
    const paid = await call('POST', '/billing/payments', { invoiceId: 'INV-1', amount: '100.00', method: 'card', token: 'tok_acme_4242', status: 'Settled' }, 'pay-1');
    const first = await call('POST', `/billing/payments/${paid.body.id}/refund`, { amount: '20.00', creditMemoId: 'CM-1' }, 'refund-a');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.status, 'Settled');
    assert.equal((await call('GET', '/billing/invoices/CM-1')).body.status, 'Posted', '20.00 of 30.00 refunded');
    await call('POST', `/billing/payments/${paid.body.id}/refund`, { amount: '10.00', creditMemoId: 'CM-1' }, 'refund-b');
    assert.equal((await call('GET', '/billing/invoices/CM-1')).body.status, 'Refunded');
    assert.equal((await call('GET', '/billing/invoices/INV-1')).body.status, 'Paid');
    const tooMuch = await call('POST', `/billing/payments/${paid.body.id}/refund`, { amount: '70.01' }, 'refund-c');
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.body.error.refundable, '70.00');
    // 100.00 invoiced − 30.00 credited − 100.00 paid + 30.00 refunded
    assert.equal((await call('GET', '/billing/ledger?accountId=ACME')).body.balance, '0.00');
  });

  it('applies a credit memo\'s credit to an invoice: what is open drops, the ledger does not move', async () => {
    await postInvoice('INV-1', '50.00');
    await call('POST', '/billing/invoices', { id: 'CM-1', orderId: 'ORD-X', accountId: 'ACME', kind: 'creditMemo', currency: 'USD', total: '30.00', lines: [{ amount: '30.00' }] }, 'doc-CM-1');
    const before = (await call('GET', '/billing/ledger?accountId=ACME')).body.balance;
    assert.equal(before, '20.00'); // 50.00 − 30.00
    const tooMuch = await call('POST', '/billing/credits/applications', { creditMemoId: 'CM-1', invoiceId: 'INV-1', amount: '30.01' }, 'apply-0');
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.body.error.field, 'amount');
    const applied = await call('POST', '/billing/credits/applications', { creditMemoId: 'CM-1', invoiceId: 'INV-1', amount: '30.00', date: '2027-03-01' }, 'apply-1');
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    assert.equal((await call('GET', '/billing/invoices/INV-1')).body.open, '20.00');
    assert.deepEqual([(await call('GET', '/billing/invoices/CM-1')).body.status, (await call('GET', '/billing/invoices/CM-1')).body.open], ['Applied', '0.00']);
    const overpay = await call('POST', '/billing/payments', { invoiceId: 'INV-1', amount: '20.01', method: 'card', token: 'tok_acme_4242', status: 'Settled' }, 'pay-over');
    assert.equal(overpay.status, 422, 'the applied credit counts against what is due');
    await call('POST', '/billing/payments', { invoiceId: 'INV-1', amount: '20.00', method: 'card', token: 'tok_acme_4242', status: 'Settled' }, 'pay-1');
    assert.equal((await call('GET', '/billing/invoices/INV-1')).body.status, 'Paid');
    assert.equal((await call('GET', '/billing/ledger?accountId=ACME')).body.balance, '0.00'); // 50.00 − 30.00 − 20.00
    const wrongKind = await call('POST', '/billing/credits/applications', { creditMemoId: 'INV-1', invoiceId: 'INV-1', amount: '1.00' }, 'apply-2');
    assert.equal(wrongKind.body.error.field, 'creditMemoId');
  });

  it('authorizes a card checkout at the gateway for the order total, and refuses a declined card placing nothing', async () => {
    const cart = (id: string, token: string) => ({
      id, accountId: 'ACME', buyer: 'pat@acme.example', currency: 'USD',
      items: [{ id: 'CI-1', product: 'SEATS', quantity: 5, unitPrice: '40.00', attributes: { edition: 'standard' } }],
      payment: { method: 'card', token },
    });
    await call('POST', '/storefront/carts', cart('CART-1', 'tok_visa_4242'), 'cart-1');
    const placed = await call('POST', '/storefront/carts/CART-1/checkout', {}, 'checkout-1');
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const method = (await call('GET', `/storefront/payments/${placed.body.order.paymentId}/method`)).body;
    assert.equal(method.token, 'tok_visa_4242');
    const authorization = (await call('GET', `/payments/authorizations/${method.authorizationId}`)).body;
    assert.deepEqual([authorization.amount, authorization.status, authorization.reference], [placed.body.order.total, 'Authorized', placed.body.order.id]);
    assert.equal(JSON.stringify(placed.body).includes('tok_visa'), false, 'the checkout answer shows no token');

    await call('POST', '/storefront/carts', cart('CART-2', 'tok_bad_decline'), 'cart-2');
    const declined = await call('POST', '/storefront/carts/CART-2/checkout', {}, 'checkout-2');
    assert.equal(declined.status, 402);
    assert.equal(declined.body.error.code, 'payment-declined');
    assert.equal((await call('GET', '/storefront/carts/CART-2')).body.status, 'Open', 'nothing was placed');
  });
});
