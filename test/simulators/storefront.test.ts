import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { invoice, request, setFault, startTestSimulators, type TestSimulators } from './harness';

/** A cart as `ordo checkout` sends it; `overrides` replace top-level fields. */
function cart(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'CART-1',
    accountId: 'ACME',
    buyer: 'pat@acme.example',
    currency: 'USD',
    items: [
      { id: 'CI-1', product: 'LAPTOP-14', quantity: 2, unitPrice: '1000.00', discount: '100.00', taxCode: 'STANDARD' },
      { id: 'CI-2', product: 'AV-LICENSE', quantity: 3, unitPrice: '33.33', taxCode: 'REDUCED' },
    ],
    payment: { method: 'card', token: 'tok_visa_4242' },
    ...overrides,
  };
}
// Σ: 2000.00 − 100.00 = 1900.00 at 8.25 % → 156.75; 99.99 at 5 % → 5.00 (4.9995 rounded once).
const CART_TOTAL = { subtotal: '2099.99', discountTotal: '100.00', tax: '161.75', total: '2161.74' };

describe('simulators: storefront', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  const post = (urlPath: string, body: unknown, key?: string) =>
    request(sims.url, 'POST', urlPath, { body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });
  const get = async (urlPath: string) => (await request(sims.url, 'GET', urlPath)).body;
  async function checkedOut(overrides: Record<string, unknown> = {}) {
    const created = await post('/storefront/carts', cart(overrides), `cart-${String(overrides.id ?? 'CART-1')}`);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const checkout = await post(`/storefront/carts/${created.body.id}/checkout`, {}, `checkout-${created.body.id}`);
    assert.equal(checkout.status, 201, JSON.stringify(checkout.body));
    return checkout.body as { order: any; payment: any };
  }

  it('creates a cart once per Idempotency-Key, showing the card only by its last four characters', async () => {
    const first = await post('/storefront/carts', cart(), 'k1');
    assert.equal(first.status, 201);
    assert.equal(first.body.status, 'Open');
    assert.equal(first.body.syncToCPQ, true);
    assert.deepEqual(first.body.payment, { method: 'card', last4: '4242' });
    const again = await post('/storefront/carts', cart(), 'k1');
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replay'), 'true');
    const other = await post('/storefront/carts', cart(), 'k2');
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'cart-id-conflict');
    assert.equal(other.body.error.field, 'id');
  });

  it('refuses bad carts naming the field, and creates nothing', async () => {
    const noKey = await post('/storefront/carts', cart());
    assert.equal(noKey.status, 400);
    assert.equal(noKey.body.error.code, 'missing-idempotency-key');

    const card = await post('/storefront/carts', cart({ payment: { method: 'card', token: '4111-1111-1111-1111' } }), 'bad-1');
    assert.equal(card.status, 400);
    assert.equal(card.body.error.field, 'payment.token');
    assert.match(card.body.error.message, /raw card number.*token/);

    const items = [{ id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '10.005' }];
    const threeDecimals = await post('/storefront/carts', cart({ items }), 'bad-2');
    assert.equal(threeDecimals.status, 400);
    assert.equal(threeDecimals.body.error.field, 'items[0].unitPrice');

    const taxItems = [{ id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '10.00', taxCode: 'MOON' }];
    const unknownTax = await post('/storefront/carts', cart({ items: taxItems }), 'bad-3');
    assert.equal(unknownTax.status, 422);
    assert.equal(unknownTax.body.error.field, 'items[0].taxCode');

    const dangling = [{ id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '10.00', parentItemId: 'CI-9' }];
    const orderRule = await post('/storefront/carts', cart({ items: dangling }), 'bad-4');
    assert.equal(orderRule.status, 422);
    assert.equal(orderRule.body.error.field, 'items[0].parentItemId');

    assert.equal((await request(sims.url, 'GET', '/storefront/carts/CART-1')).status, 404);
    assert.deepEqual((await get('/storefront/orders')).orders, []);
  });

  it('checks out: authorizes the payment, places the order with totals from the invoice arithmetic, and records an event', async () => {
    const { order, payment } = await checkedOut();
    assert.match(order.id, /^SO-/);
    assert.equal(order.origin, 'checkout');
    assert.equal(order.syncToCPQ, true);
    assert.equal(order.cartId, 'CART-1');
    assert.deepEqual(
      { subtotal: order.subtotal, discountTotal: order.discountTotal, tax: order.tax, total: order.total },
      CART_TOTAL,
    );
    assert.equal(payment.status, 'Authorized');
    assert.equal(payment.amount, CART_TOTAL.total);
    assert.equal(payment.last4, '4242');
    assert.equal('token' in payment, false, 'the token never leaves the storefront');
    assert.equal(order.paymentId, payment.id);

    const { events, lastSeq } = await get('/storefront/events?after=0');
    assert.equal(lastSeq, 1);
    assert.deepEqual(
      events.map((e: any) => [e.seq, e.type, e.orderId, e.syncToCPQ, e.total]),
      [[1, 'order-created', order.id, true, CART_TOTAL.total]],
    );
    assert.deepEqual((await get('/storefront/events?after=1')).events, []);
    assert.equal((await get('/storefront/carts/CART-1')).status, 'CheckedOut');
  });

  it('shows the tax table its totals use', async () => {
    assert.deepEqual(await get('/storefront/tax'), {
      taxRates: { STANDARD: '0.0825', REDUCED: '0.05', EXEMPT: '0' },
      defaultTaxCode: 'STANDARD',
    });
  });

  it('checks a cart out once: the same key replays, another key is refused naming the order', async () => {
    await post('/storefront/carts', cart(), 'c');
    const first = await post('/storefront/carts/CART-1/checkout', {}, 'x1');
    const replay = await post('/storefront/carts/CART-1/checkout', {}, 'x1');
    assert.equal(replay.headers.get('idempotent-replay'), 'true');
    assert.deepEqual(replay.body, first.body);
    const second = await post('/storefront/carts/CART-1/checkout', {}, 'x2');
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'cart-checked-out');
    assert.equal(second.body.error.orderId, first.body.order.id);
    assert.equal((await get('/storefront/orders')).orders.length, 1);
    assert.equal((await get('/storefront/events')).events.length, 1);
  });

  it('scopes checkout keys to the cart: the same key on another cart checks that cart out', async () => {
    await post('/storefront/carts', cart(), 'c1');
    await post('/storefront/carts', cart({ id: 'CART-2' }), 'c2');
    const first = await post('/storefront/carts/CART-1/checkout', {}, 'same');
    const second = await post('/storefront/carts/CART-2/checkout', {}, 'same');
    assert.equal(second.status, 201);
    assert.equal(second.headers.get('idempotent-replay'), null);
    assert.equal(second.body.order.cartId, 'CART-2');
    assert.notEqual(second.body.order.id, first.body.order.id);
  });

  it('settles a payment separately from its authorization, once', async () => {
    const { payment } = await checkedOut();
    const settled = await post(`/storefront/payments/${payment.id}/settle`, {}, 's1');
    assert.equal(settled.status, 200);
    assert.equal(settled.body.status, 'Settled');
    assert.ok(Date.parse(settled.body.settledAt));
    assert.equal((await post(`/storefront/payments/${payment.id}/settle`, {}, 's1')).headers.get('idempotent-replay'), 'true');
    const twice = await post(`/storefront/payments/${payment.id}/settle`, {}, 's2');
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'payment-settled');
  });

  it('records an account payment with its reference and no last4', async () => {
    const { payment } = await checkedOut({ payment: { method: 'account', reference: 'PO-7788' } });
    assert.equal(payment.method, 'account');
    assert.equal(payment.reference, 'PO-7788');
    assert.equal('last4' in payment, false);
  });

  it('creates the twin of a CPQ order once per cpqOrder, lists it under My Orders and finds it by link', async () => {
    const twin = { cpqOrder: 'CPQ-ORD-1', accountId: 'ACME', currency: 'USD', items: cart().items, total: CART_TOTAL.total };
    const first = await post('/storefront/orders', twin, 't1');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.origin, 'cpq');
    assert.equal(first.body.syncToCPQ, false);
    assert.equal(first.body.links.cpqOrder, 'CPQ-ORD-1');
    const withCard = await post('/storefront/orders', { ...twin, cpqOrder: 'CPQ-ORD-CARD', items: [{ id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '10.00', attributes: { note: 'card 4111 1111 1111 1111' } }] }, 't-card');
    assert.equal(withCard.status, 400, 'a raw card number is refused in a twin as in a cart');
    assert.match(withCard.body.error.message, /raw card number/);
    const retried = await post('/storefront/orders', twin, 't2');
    assert.equal(retried.status, 200);
    assert.equal(retried.body.id, first.body.id);
    assert.equal(retried.body.existing, true);

    await checkedOut({ id: 'CART-2', accountId: 'OTHER' });
    assert.deepEqual((await get('/storefront/orders?buyerAccount=ACME')).orders.map((o: any) => o.id), [first.body.id]);
    assert.deepEqual((await get('/storefront/orders?cpqOrder=CPQ-ORD-1')).orders.map((o: any) => o.id), [first.body.id]);
    assert.equal((await get('/storefront/orders')).orders.length, 2);
  });

  it('refuses a twin whose CPQ total differs from the storefront total by a cent, naming both', async () => {
    const twin = { cpqOrder: 'CPQ-ORD-1', accountId: 'ACME', currency: 'USD', items: cart().items, total: '2161.73' };
    const refused = await post('/storefront/orders', twin, 't1');
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.code, 'total-mismatch');
    assert.equal(refused.body.error.storefrontTotal, CART_TOTAL.total);
    assert.match(refused.body.error.message, /2161\.73.*2161\.74/);
    assert.deepEqual((await get('/storefront/orders')).orders, []);
  });

  it('sets twin links, accepts the same links again, and refuses a different one', async () => {
    const { order } = await checkedOut();
    const patch = (body: unknown) => request(sims.url, 'PATCH', `/storefront/orders/${order.id}/links`, { body });
    assert.equal((await patch({ cpqOrder: 'CPQ-ORD-9' })).status, 200);
    const both = await patch({ cpqOrder: 'CPQ-ORD-9', ordoOrder: order.id });
    assert.deepEqual(both.body.links, { cpqOrder: 'CPQ-ORD-9', ordoOrder: order.id });
    const conflict = await patch({ cpqOrder: 'CPQ-ORD-10' });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.field, 'cpqOrder');
    const unknown = await patch({ quote: 'Q-1' });
    assert.equal(unknown.status, 400);
    assert.deepEqual((await get(`/storefront/orders?cpqOrder=CPQ-ORD-9`)).orders.map((o: any) => o.id), [order.id]);
  });

  it('reorders: a new open cart with the same items that checks out as a new order', async () => {
    const { order } = await checkedOut();
    const reorder = await post(`/storefront/orders/${order.id}/reorder`, {}, 'r1');
    assert.equal(reorder.status, 201, JSON.stringify(reorder.body));
    assert.equal(reorder.body.status, 'Open');
    assert.equal(reorder.body.reorderOf, order.id);
    assert.deepEqual(reorder.body.items, order.items);
    const checkout = await post(`/storefront/carts/${reorder.body.id}/checkout`, {}, 'r1-checkout');
    assert.equal(checkout.status, 201);
    assert.notEqual(checkout.body.order.id, order.id);
    assert.equal(checkout.body.order.reorderOf, order.id);
    assert.equal(checkout.body.order.total, order.total);
    assert.equal((await get('/storefront/events')).events.length, 2);
  });

  it('reordering a CPQ twin needs a payment method, named in the error', async () => {
    const twin = { cpqOrder: 'CPQ-ORD-1', accountId: 'ACME', currency: 'USD', buyer: 'pat@acme.example', items: cart().items };
    const created = await post('/storefront/orders', twin, 't1');
    const refused = await post(`/storefront/orders/${created.body.id}/reorder`, {}, 'r1');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.field, 'payment');
    const ok = await post(`/storefront/orders/${created.body.id}/reorder`, { payment: { method: 'account', reference: 'PO-1' } }, 'r2');
    assert.equal(ok.status, 201);
    assert.equal(ok.body.syncToCPQ, true);
  });

  it('My Invoices reads billing: the invoices of the account\'s orders and their twins, nobody else\'s', async () => {
    const { order } = await checkedOut();
    await request(sims.url, 'PATCH', `/storefront/orders/${order.id}/links`, { body: { ordoOrder: 'ORD-77' } });
    const billingPost = (body: unknown, key: string) => request(sims.url, 'POST', '/billing/invoices', { body, headers: { 'Idempotency-Key': key } });
    assert.equal((await billingPost(invoice({ id: 'INV-ORD-77-1', orderId: 'ORD-77' }), 'a')).status, 201);
    assert.equal((await billingPost(invoice({ id: 'INV-X-1', orderId: 'X' }), 'b')).status, 201);
    assert.equal((await billingPost(invoice({ id: 'INV-Y-1', orderId: 'Y', accountId: 'ACME' }), 'c')).status, 201);
    const { invoices } = await get('/storefront/accounts/ACME/invoices');
    assert.deepEqual(invoices.map((i: any) => i.id).sort(), ['INV-ORD-77-1', 'INV-Y-1']);
    assert.equal(invoices[0].total, '4098.00');
    assert.deepEqual((await get('/storefront/accounts/OTHER/invoices')).invoices, []);
  });

  it('My Invoices goes by the invoice\'s accountId first: an invoice naming another account is not this one\'s, whatever order it bills', async () => {
    const { order } = await checkedOut();
    await request(sims.url, 'PATCH', `/storefront/orders/${order.id}/links`, { body: { ordoOrder: 'ORD-77' } });
    const billingPost = (body: unknown, key: string) => request(sims.url, 'POST', '/billing/invoices', { body, headers: { 'Idempotency-Key': key } });
    assert.equal((await billingPost(invoice({ id: 'INV-ORD-77-1', orderId: 'ORD-77', accountId: 'ACME' }), 'a')).status, 201);
    assert.equal((await billingPost(invoice({ id: 'INV-ORD-77-2', orderId: 'ORD-77', accountId: 'GLOBEX' }), 'b')).status, 201);
    assert.equal((await billingPost(invoice({ id: 'INV-ORD-77-3', orderId: 'ORD-77' }), 'c')).status, 201);
    const ids = async (account: string) => (await get(`/storefront/accounts/${account}/invoices`)).invoices.map((i: any) => i.id).sort();
    assert.deepEqual(await ids('ACME'), ['INV-ORD-77-1', 'INV-ORD-77-3'], 'its own by accountId, and one naming no account by the order link');
    assert.deepEqual(await ids('GLOBEX'), ['INV-ORD-77-2']);
  });

  it('applies injected faults to its creates, and a lost checkout response replays the same order', async () => {
    await post('/storefront/carts', cart(), 'c');
    await setFault(sims.url, 'storefront', { operation: 'checkout', failNext: 1, failAfterWork: true });
    const lost = await post('/storefront/carts/CART-1/checkout', {}, 'x');
    assert.equal(lost.status, 503);
    const retried = await post('/storefront/carts/CART-1/checkout', {}, 'x');
    assert.equal(retried.status, 201);
    assert.equal(retried.headers.get('idempotent-replay'), 'true');
    assert.equal((await get('/storefront/orders')).orders.length, 1);
    const calls = (await get('/storefront/calls')).calls;
    assert.deepEqual(calls.map((c: any) => [c.operation, c.status, c.fault]), [
      ['carts', 201, null],
      ['checkout', 503, 'injected-fault'],
      ['checkout', 201, null],
    ]);
  });

  it('pushes each event to the configured webhook, retrying until it is received', async () => {
    const set = await request(sims.url, 'PUT', '/storefront/webhook', { body: { url: `${sims.url}/webhook/storefront-events` } });
    assert.equal(set.status, 200);
    await setFault(sims.url, 'webhook', { failNext: 2 });
    const { order } = await checkedOut();
    let delivered: any[] = [];
    for (let i = 0; i < 50 && delivered.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      delivered = (await get('/webhook/received?path=storefront-events')).received;
    }
    assert.equal(delivered.length, 1);
    assert.equal(delivered[0].body.orderId, order.id);
    assert.equal(delivered[0].idempotencyKey, 'storefront-event-1');
    const { deliveries } = await get('/storefront/webhook');
    assert.deepEqual(deliveries.map((d: any) => [d.seq, d.status, d.attempts]), [[1, 'delivered', 3]]);
  });

  it('refuses a webhook URL that is not http(s), naming url', async () => {
    const refused = await request(sims.url, 'PUT', '/storefront/webhook', { body: { url: 'ftp://x' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.field, 'url');
  });

  it('keeps carts, orders, payments, events and keys across a restart', async () => {
    const { order } = await checkedOut();
    await sims.stop();
    const saved = JSON.parse(fs.readFileSync(path.join(sims.dataDir, 'storefront.json'), 'utf8'));
    assert.equal(saved.state.payments[0].token, 'tok_visa_4242', 'the token is kept to settle later');
    const restarted = await startTestSimulators({ dataDir: sims.dataDir });
    try {
      const replay = await request(restarted.url, 'POST', '/storefront/carts/CART-1/checkout', { body: {}, headers: { 'Idempotency-Key': 'checkout-CART-1' } });
      assert.equal(replay.headers.get('idempotent-replay'), 'true');
      assert.equal(replay.body.order.id, order.id);
      assert.equal((await request(restarted.url, 'GET', `/storefront/orders/${order.id}`)).body.total, CART_TOTAL.total);
      assert.equal((await request(restarted.url, 'GET', '/storefront/events')).body.lastSeq, 1);
    } finally {
      await restarted.stop();
    }
  });

  it('keeps nothing on disk in memory mode', async () => {
    const memory = await startTestSimulators({ inMemory: true });
    try {
      const created = await request(memory.url, 'POST', '/storefront/carts', { body: cart(), headers: { 'Idempotency-Key': 'k' } });
      assert.equal(created.status, 201, 'the cart was made, so only memory mode can explain the missing file');
      assert.equal(fs.existsSync(path.join(memory.dataDir, 'storefront.json')), false);
    } finally {
      await memory.dispose();
    }
  });
});
