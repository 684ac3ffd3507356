import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../config/load';
import { buildInvoice } from '../../domain/invoice';
import type { Order } from '../../domain/order';
import { request, setFault, startTestSimulators, type JsonResponse, type TestSimulators } from './harness';

describe('simulators: cpq', () => {
  let sims: TestSimulators;
  beforeEach(async () => {
    sims = await startTestSimulators();
  });
  afterEach(async () => {
    await sims.dispose();
  });

  const create = (operation: string, body: unknown, key: string, baseUrl = sims.url): Promise<JsonResponse> =>
    request(baseUrl, 'POST', `/cpq/${operation}`, { body, headers: { 'Idempotency-Key': key } });
  const get = async (urlPath: string, baseUrl = sims.url) => (await request(baseUrl, 'GET', `/cpq/${urlPath}`)).body;

  /** The storefront order B2B-1001 as the connector sends it: a bundle, a recurring line, a fee with a discount. */
  const storefrontLines = [
    { product: 'LAPTOP-BUNDLE', quantity: 2, unitPrice: '1899.00', sourceLineId: 'OI-1', taxCode: 'STANDARD' },
    { product: 'LAPTOP-14', quantity: 2, unitPrice: '0.00', sourceLineId: 'OI-2', parentSourceLineId: 'OI-1' },
    {
      product: 'SEATS', quantity: 25, unitPrice: '40.00', sourceLineId: 'OI-3', taxCode: 'REDUCED',
      billing: { type: 'recurring', period: 'month' }, startDate: '2026-12-01', endDate: '2027-11-30',
    },
    { product: 'SETUP-FEE', quantity: 1, unitPrice: '150.00', discount: '50.00', sourceLineId: 'OI-4' },
  ];

  /** account → opportunity → quote → order, as the new order sync makes them; returns each record. */
  async function twinOf(source: string, quoteOverrides: Record<string, unknown> = {}) {
    const account = (await create('accounts', { accountNumber: 'ACME', name: 'Acme Corp' }, `${source}/account`)).body;
    const opportunity = (
      await create('opportunities', { accountId: account.id, name: `Storefront order ${source}`, closeDate: '2026-11-23', b2bSourceOrder: source }, `${source}/opportunity`)
    ).body;
    const quote = (
      await create('quotes', {
        opportunityId: opportunity.id, pricing: 'source', primary: true, ordered: true, b2bSource: source, lines: storefrontLines, ...quoteOverrides,
      }, `${source}/quote`)
    ).body;
    const order = (await create('orders', { quoteId: quote.id, b2bSourceOrder: source, effectiveDate: '2026-11-23' }, `${source}/order`)).body;
    return { account, opportunity, quote, order };
  }

  it('creates the twin of a storefront order, each record linked and found by its link', async () => {
    const { account, opportunity, quote, order } = await twinOf('B2B-1001');
    assert.match(account.id, /^ACC-/);
    assert.equal(opportunity.b2bSourceOrder, 'B2B-1001');
    assert.deepEqual([quote.opportunityId, quote.accountId, quote.primary, quote.ordered, quote.b2bSource], [opportunity.id, account.id, true, true, 'B2B-1001']);
    assert.deepEqual(quote.lines.map((line: any) => [line.sourceLineId, line.unitPrice, line.total]), [
      ['OI-1', '1899.00', '3798.00'],
      ['OI-2', '0.00', '0.00'],
      ['OI-3', '40.00', '1000.00'],
      ['OI-4', '150.00', '100.00'],
    ]);
    assert.equal(quote.lines[1].parentLineId, quote.lines[0].id, 'the component points at its bundle line');
    // The quote's money is the invoice arithmetic: SEATS is 12 months of 1000.00; tax STANDARD on 3898.00 → 321.59, REDUCED on 12000.00 → 600.00.
    const money = (record: any) => [record.subtotal, record.discountTotal, record.tax, record.total];
    assert.deepEqual(money(quote), ['15948.00', '50.00', '921.59', '16819.59']);

    assert.deepEqual([order.quoteId, order.opportunityId, order.accountId, order.b2bSourceOrder, order.status, order.syncToB2B], [quote.id, opportunity.id, account.id, 'B2B-1001', 'Draft', false]);
    assert.deepEqual(money(order), money(quote), 'an order copies its quote\'s money');
    assert.equal(order.products[1].parentProductId, order.products[0].id);
    assert.deepEqual(order.products.map((p: any) => p.quoteLineId), quote.lines.map((l: any) => l.id));

    assert.deepEqual((await get('accounts?accountNumber=ACME')).accounts.map((a: any) => a.id), [account.id]);
    assert.deepEqual((await get('opportunities?b2bSourceOrder=B2B-1001')).opportunities.map((o: any) => o.id), [opportunity.id]);
    assert.deepEqual((await get(`quotes?opportunityId=${opportunity.id}&b2bSource=B2B-1001`)).quotes.map((q: any) => q.id), [quote.id]);
    assert.deepEqual((await get(`orders?b2bSourceOrder=B2B-1001&accountId=${account.id}&status=Draft`)).orders.map((o: any) => o.id), [order.id]);
    assert.deepEqual((await get('orders?b2bSourceOrder=B2B-9999')).orders, []);
    assert.deepEqual(await get(`orders/${order.id}`), order);
    assert.deepEqual(await get(`quotes/${quote.id}`), quote);
    assert.equal((await request(sims.url, 'GET', '/cpq/orders/ORD-NOPE')).status, 404);
  });

  it('answers the same Idempotency-Key with the same record and creates nothing twice', async () => {
    const { opportunity, order } = await twinOf('B2B-1001');
    const again = await create('orders', { quoteId: order.quoteId, b2bSourceOrder: 'B2B-1001' }, 'B2B-1001/order');
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replay'), 'true');
    assert.deepEqual(again.body, order);
    assert.equal((await get('orders')).orders.length, 1);

    const otherKey = await create('opportunities', { accountId: opportunity.accountId, name: 'again', closeDate: '2026-11-23', b2bSourceOrder: 'B2B-1001' }, 'another-key');
    assert.equal(otherKey.status, 409);
    assert.equal(otherKey.body.error.code, 'already-linked');
    assert.equal(otherKey.body.error.field, 'b2bSourceOrder');
    assert.equal(otherKey.body.error.existingId, opportunity.id);
    assert.equal((await get('opportunities')).opportunities.length, 1);

    const sameQuote = await create('orders', { quoteId: order.quoteId }, 'a-third-key');
    assert.equal(sameQuote.status, 409);
    assert.deepEqual([sameQuote.body.error.field, sameQuote.body.error.existingId], ['quoteId', order.id]);
    assert.equal((await get('orders')).orders.length, 1);
  });

  it('applies discount schedules and price rules to a rep quote, and none of them to the connector quote', async () => {
    const account = (await create('accounts', { accountNumber: 'ACME', name: 'Acme' }, 'a')).body;
    const schedules = await request(sims.url, 'PUT', '/cpq/discount-schedules', {
      body: { discountSchedules: [{ id: 'DS-SEATS', product: 'SEATS', tiers: [{ minQuantity: 10, percentOff: '5' }, { minQuantity: 20, percentOff: '10' }] }] },
    });
    assert.equal(schedules.status, 200);
    const rules = await request(sims.url, 'PUT', '/cpq/price-rules', {
      body: { priceRules: [
        { id: 'PR-ACME-SEATS', product: 'SEATS', accountId: account.id, percentOff: '5' },
        { id: 'PR-LAPTOP', product: 'LAPTOP-14', percentOff: '12.5' },
        { id: 'PR-OTHER', product: 'SEATS', accountId: 'ACC-SOMEONE-ELSE', percentOff: '50' },
      ] },
    });
    assert.equal(rules.status, 200);
    const opportunity = (await create('opportunities', { accountId: account.id, name: 'Rep deal', closeDate: '2026-12-15' }, 'o')).body;
    const lines = [{ product: 'SEATS', quantity: 25 }, { product: 'LAPTOP-14', quantity: 3 }];

    const rep = await create('quotes', { opportunityId: opportunity.id, lines }, 'rep');
    assert.equal(rep.status, 201);
    assert.equal(rep.body.pricing, 'cpq');
    // 40.00 × 0.90 × 0.95 = 34.20; 1499.00 × 0.875 = 1311.625 → 1311.63 (half away from zero, once)
    assert.deepEqual(rep.body.lines.map((l: any) => [l.listPrice, l.unitPrice, l.total, l.adjustments.map((a: any) => a.id)]), [
      ['40.00', '34.20', '855.00', ['DS-SEATS', 'PR-ACME-SEATS']],
      ['1499.00', '1311.63', '3934.89', ['PR-LAPTOP']],
    ]);
    // 855.00 + 3934.89 = 4789.89 before tax; STANDARD (the default code) 8.25 % → 395.17
    assert.deepEqual([rep.body.subtotal, rep.body.tax, rep.body.total], ['4789.89', '395.17', '5185.06']);

    const connector = await create('quotes', {
      opportunityId: opportunity.id, pricing: 'source', lines: [{ product: 'SEATS', quantity: 25, unitPrice: '40.00' }, { product: 'LAPTOP-14', quantity: 3, unitPrice: '1499.00' }],
    }, 'connector');
    assert.deepEqual(connector.body.lines.map((l: any) => [l.unitPrice, l.total, l.adjustments]), [['40.00', '1000.00', []], ['1499.00', '4497.00', []]]);
    assert.deepEqual([connector.body.subtotal, connector.body.tax, connector.body.total], ['5497.00', '453.50', '5950.50']);

    const noPrice = await create('quotes', { opportunityId: opportunity.id, pricing: 'source', lines: [{ product: 'SEATS', quantity: 1 }] }, 'no-price');
    assert.equal(noPrice.status, 400);
    assert.equal(noPrice.body.error.field, 'lines[0].unitPrice');
  });

  it('refuses money with three decimals, a product CPQ does not sell and a discount above its line, naming the field, creating nothing', async () => {
    const { opportunity } = await twinOf('B2B-1001');
    const quotesBefore = (await get('quotes')).quotes.length;
    const send = (lines: unknown[], key: string) => create('quotes', { opportunityId: opportunity.id, pricing: 'source', lines }, key);

    const threePlaces = await send([{ product: 'SEATS', quantity: 1, unitPrice: '40.005' }], 'k1');
    assert.equal(threePlaces.status, 400);
    assert.equal(threePlaces.body.error.code, 'invalid-request');
    assert.equal(threePlaces.body.error.field, 'lines[0].unitPrice');

    const unknown = await send([{ product: 'SEATS', quantity: 1, unitPrice: '40.00' }, { product: 'HOVERBOARD', quantity: 1, unitPrice: '10.00' }], 'k2');
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.error.code, 'unknown-product');
    assert.equal(unknown.body.error.field, 'lines[1].product');
    assert.match(unknown.body.error.message, /HOVERBOARD/);

    const discount = await send([{ product: 'SETUP-FEE', quantity: 1, unitPrice: '150.00', discount: '150.01' }], 'k3');
    assert.equal(discount.status, 422);
    assert.equal(discount.body.error.field, 'lines[0].discount');

    const parent = await send([{ product: 'LAPTOP-14', quantity: 1, unitPrice: '0.00', parentSourceLineId: 'OI-404' }], 'k4');
    assert.equal(parent.status, 422);
    assert.equal(parent.body.error.field, 'lines[0].parentSourceLineId');

    const huge = await send([{ product: 'SEATS', quantity: 9_000_000_000, unitPrice: '9999999999.00' }], 'k6');
    assert.equal(huge.status, 422);
    assert.equal(huge.body.error.code, 'amount-too-large');
    assert.equal(huge.body.error.field, 'lines[0].quantity');

    const yen = await create('quotes', { opportunityId: opportunity.id, currency: 'JPY', lines: [{ product: 'SEATS', quantity: 1 }] }, 'k5');
    assert.equal(yen.body.error.field, 'currency');

    assert.equal((await get('quotes')).quotes.length, quotesBefore);
    const retried = await send([{ product: 'SEATS', quantity: 1, unitPrice: '40.00' }], 'k2');
    assert.equal(retried.status, 201, 'a refusal is not stored: the same key works once the request is fixed');
  });

  /**
   * One sale in both channels: line discounts, an order discount of 100.01 whose cents need largest-remainder
   * allocation (shares 32.77 / 0 / 3.85 / 61.23 / 2.16), STANDARD + REDUCED + EXEMPT, a bundle component, and 25
   * monthly seats from Dec 15 (17/31 of a month, then three months: 3548.39).
   */
  const saleItems = [
    { id: 'CI-1', product: 'LAPTOP-BUNDLE', quantity: 1, unitPrice: '1899.00', taxCode: 'STANDARD' },
    { id: 'CI-2', product: 'LAPTOP-14', quantity: 1, unitPrice: '0.00', parentItemId: 'CI-1' },
    { id: 'CI-3', product: 'AV-LICENSE', quantity: 7, unitPrice: '33.33', discount: '10.00', taxCode: 'REDUCED' },
    {
      id: 'CI-4', product: 'SEATS', quantity: 25, unitPrice: '40.00', taxCode: 'REDUCED',
      billing: { type: 'recurring', period: 'month' }, startDate: '2026-12-15', endDate: '2027-03-31',
    },
    { id: 'CI-5', product: 'SETUP-FEE', quantity: 1, unitPrice: '150.00', discount: '25.00', taxCode: 'EXEMPT' },
  ];
  const SALE_DISCOUNT = '100.01';
  // STANDARD 1866.23 × 8.25 % → 153.96; REDUCED (219.46 + 3487.16) × 5 % → 185.33; EXEMPT 0
  const SALE_MONEY = ['5830.70', '135.01', '339.29', '6034.98'];
  const money = (record: any) => [record.subtotal, record.discountTotal, record.tax, record.total];

  /** The storefront order's items as the connector's quote lines: prices, discounts, codes and terms as they are. */
  const asQuoteLines = (items: any[]) =>
    items.map(({ id, parentItemId, ...line }) => ({ ...line, sourceLineId: id, ...(parentItemId ? { parentSourceLineId: parentItemId } : {}) }));

  it('gives a storefront order, its connector quote and order, and the Ordo invoice the same money to the cent; a rep quote with a price rule does not', async () => {
    const cart = {
      id: 'CART-SALE', accountId: 'ACME', buyer: 'pat@acme.example', currency: 'USD', discount: SALE_DISCOUNT,
      items: saleItems, payment: { method: 'account', reference: 'PO-77' },
    };
    assert.equal((await request(sims.url, 'POST', '/storefront/carts', { body: cart, headers: { 'Idempotency-Key': 'cart' } })).status, 201);
    const checkout = await request(sims.url, 'POST', '/storefront/carts/CART-SALE/checkout', { body: {}, headers: { 'Idempotency-Key': 'checkout' } });
    assert.equal(checkout.status, 201, JSON.stringify(checkout.body));
    const storefrontOrder = checkout.body.order;
    assert.deepEqual(money(storefrontOrder), SALE_MONEY);

    const { quote, order } = await twinOf(storefrontOrder.id, { lines: asQuoteLines(storefrontOrder.items), discount: storefrontOrder.discount });
    assert.equal(quote.discount, SALE_DISCOUNT);
    assert.deepEqual(money(quote), SALE_MONEY, 'the connector quote');
    assert.deepEqual(money(order), SALE_MONEY, 'the CPQ order');
    assert.equal(order.discount, SALE_DISCOUNT);
    assert.deepEqual(quote.lines.map((line: any) => line.total), ['1899.00', '0.00', '223.31', '1000.00', '125.00'], 'each line keeps its own total');

    // The Ordo invoice of the same sale, billed with the repository's billing configuration.
    const ordoOrder: Order = { id: storefrontOrder.id, accountId: 'ACME', channel: 'b2b', currency: 'USD', discount: SALE_DISCOUNT, items: storefrontOrder.items };
    const invoice = buildInvoice(ordoOrder, loadConfig({ file: DEFAULT_CONFIG_PATH, env: {} }).billing, { id: 'INV-SALE-1' });
    assert.deepEqual([invoice.subtotal, invoice.discount, invoice.tax, invoice.total], SALE_MONEY, 'the Ordo invoice');

    // A rep's quote of the same lines gets CPQ's pricing: 10 % off AV-LICENSE (33.33 → 30.00) moves the total.
    await request(sims.url, 'PUT', '/cpq/price-rules', { body: { priceRules: [{ id: 'PR-AV', product: 'AV-LICENSE', percentOff: '10' }] } });
    const rep = await create('quotes', { opportunityId: quote.opportunityId, discount: SALE_DISCOUNT, lines: asQuoteLines(saleItems) }, 'rep');
    assert.equal(rep.status, 201, JSON.stringify(rep.body));
    assert.equal(rep.body.lines[2].unitPrice, '30.00');
    assert.notEqual(rep.body.total, SALE_MONEY[3]);
    // shares of 100.01 now 32.90 / 0 / 3.46 / 61.48 / 2.17; STANDARD 1866.10 → 153.95, REDUCED 3683.45 → 184.17
    assert.deepEqual(money(rep.body), ['5807.39', '135.01', '338.12', '6010.50']);
  });

  it('allocates a quote discount across the lines by largest remainder and refuses one above the quote or an unknown tax code, naming the field', async () => {
    const { opportunity } = await twinOf('B2B-1001');
    const lines = [
      { product: 'SEATS', quantity: 1, unitPrice: '10.00', taxCode: 'STANDARD' },
      { product: 'SETUP-FEE', quantity: 1, unitPrice: '10.00', taxCode: 'STANDARD' },
      { product: 'AV-LICENSE', quantity: 1, unitPrice: '10.00', taxCode: 'STANDARD' },
    ];
    const quote = (await create('quotes', { opportunityId: opportunity.id, pricing: 'source', discount: '0.10', lines }, 'thirds')).body;
    // 0.10 over three equal lines: 0.04 + 0.03 + 0.03 (never 0.03 × 3 = 0.09); 29.90 × 8.25 % = 2.47
    assert.deepEqual(money(quote), ['30.00', '0.10', '2.47', '32.37']);
    const quotesBefore = (await get('quotes')).quotes.length;

    const tooMuch = await create('quotes', { opportunityId: opportunity.id, pricing: 'source', discount: '30.01', lines }, 'too-much');
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.body.error.code, 'discount-exceeds-quote');
    assert.equal(tooMuch.body.error.field, 'discount');
    assert.match(tooMuch.body.error.message, /30\.01.*30\.00/);

    const moon = await create('quotes', { opportunityId: opportunity.id, pricing: 'source', lines: [lines[0], { ...lines[1], taxCode: 'MOON' }] }, 'moon');
    assert.equal(moon.status, 422);
    assert.equal(moon.body.error.code, 'unknown-tax-code');
    assert.equal(moon.body.error.field, 'lines[1].taxCode');
    assert.match(moon.body.error.message, /MOON.*STANDARD, REDUCED, EXEMPT/);

    const threePlaces = await create('quotes', { opportunityId: opportunity.id, pricing: 'source', discount: '0.105', lines }, 'three-places');
    assert.equal(threePlaces.status, 400);
    assert.equal(threePlaces.body.error.field, 'discount');
    assert.equal((await get('quotes')).quotes.length, quotesBefore, 'a refused quote creates nothing');
  });

  it('answers the tax table its totals use, the storefront\'s', async () => {
    const cpqTax = await get('tax');
    assert.deepEqual(cpqTax, { taxRates: { STANDARD: '0.0825', REDUCED: '0.05', EXEMPT: '0' }, defaultTaxCode: 'STANDARD' });
    assert.deepEqual(cpqTax, (await request(sims.url, 'GET', '/storefront/tax')).body);
  });

  it('keeps at most one primary quote per opportunity', async () => {
    const { opportunity, quote } = await twinOf('B2B-1001');
    const second = await create('quotes', { opportunityId: opportunity.id, primary: true, lines: [{ product: 'SEATS', quantity: 1 }] }, 'second');
    const primaries = (await get(`quotes?opportunityId=${opportunity.id}&primary=true`)).quotes;
    assert.deepEqual(primaries.map((q: any) => q.id), [second.body.id]);
    assert.equal((await get(`quotes/${quote.id}`)).primary, false);
  });

  it('activates and contracts an order once: a contract, subscriptions for recurring lines, assets for the others', async () => {
    const { account, order } = await twinOf('B2B-1001');
    const activated = await create('activate', { orderId: order.id, contracted: true }, 'B2B-1001/activate');
    assert.equal(activated.status, 200);
    const { order: after, contract, subscriptions, assets } = activated.body;
    assert.equal(after.status, 'Activated');
    assert.equal(after.contracted, true);
    assert.equal(after.contractId, contract.id);
    assert.deepEqual([contract.accountId, contract.orderId, contract.startDate, contract.endDate], [account.id, order.id, '2026-11-23', '2027-11-30']);
    assert.deepEqual(subscriptions.map((s: any) => [s.product, s.quantity, s.unitPrice, s.billing.period]), [['SEATS', 25, '40.00', 'month']]);
    // SETUP-FEE is a fee: billed, never owned as an asset
    assert.deepEqual(assets.map((a: any) => [a.product, a.quantity]), [['LAPTOP-BUNDLE', 2], ['LAPTOP-14', 2]]);

    assert.deepEqual((await get(`orders?accountId=${account.id}&status=Activated`)).orders.map((o: any) => o.id), [order.id]);
    assert.equal((await get(`subscriptions?orderId=${order.id}`)).subscriptions.length, 1);
    assert.equal((await get(`assets?accountId=${account.id}`)).assets.length, 2);
    assert.deepEqual((await get(`contracts/${contract.id}`)).orderId, order.id);

    const replay = await create('activate', { orderId: order.id, contracted: true }, 'B2B-1001/activate');
    assert.equal(replay.status, 200);
    assert.equal(replay.headers.get('idempotent-replay'), 'true');
    const twice = await create('activate', { orderId: order.id }, 'another-key');
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'order-not-draft');
    assert.equal((await get('contracts')).contracts.length, 1);
    assert.equal((await get('assets')).assets.length, 2);
    const createdAgain = await create('orders', { quoteId: order.quoteId, b2bSourceOrder: 'B2B-1001' }, 'B2B-1001/order');
    assert.equal(createdAgain.body.status, 'Draft', 'a replay is the answer as first given');
  });

  it('activates without contracting: no contract, subscriptions or assets', async () => {
    const { order } = await twinOf('B2B-1001');
    const activated = await create('activate', { orderId: order.id }, 'act');
    assert.equal(activated.body.order.status, 'Activated');
    assert.equal(activated.body.order.contracted, false);
    assert.deepEqual([activated.body.subscriptions, activated.body.assets, (await get('contracts')).contracts], [[], [], []]);
  });

  it('refuses to activate an order whose quote is not primary and ordered, and an unknown order', async () => {
    const { opportunity } = await twinOf('B2B-1001');
    const draftQuote = (await create('quotes', { opportunityId: opportunity.id, lines: [{ product: 'SEATS', quantity: 1 }] }, 'q2')).body;
    const order = (await create('orders', { quoteId: draftQuote.id, syncToB2B: true }, 'o2')).body;
    assert.equal(order.syncToB2B, true);
    const refused = await create('activate', { orderId: order.id }, 'act2');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'quote-not-ordered');
    assert.equal(refused.body.error.field, 'quoteId');
    assert.equal((await get(`orders/${order.id}`)).status, 'Draft');

    const unknown = await create('activate', { orderId: 'ORD-NOPE' }, 'act3');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.field, 'orderId');
  });

  it("lets a rep mark a quote primary and ordered, then activate its order; an activated sale's quote stays ordered", async () => {
    const { opportunity } = await twinOf('B2B-1001');
    const repQuote = (await create('quotes', { opportunityId: opportunity.id, lines: [{ product: 'SEATS', quantity: 1 }] }, 'q2')).body;
    const order = (await create('orders', { quoteId: repQuote.id }, 'o2')).body;
    assert.equal((await create('activate', { orderId: order.id }, 'too-early')).status, 409);

    const marked = await create('update-quote', { quoteId: repQuote.id, primary: true, ordered: true }, 'mark');
    assert.equal(marked.status, 200);
    assert.deepEqual([marked.body.primary, marked.body.ordered], [true, true]);
    assert.equal((await get(`quotes?opportunityId=${opportunity.id}&primary=true`)).quotes.length, 1, 'the old primary lost its flag');
    assert.equal((await create('activate', { orderId: order.id }, 'act')).status, 200);

    const unmark = await create('update-quote', { quoteId: repQuote.id, ordered: false }, 'unmark');
    assert.equal(unmark.status, 409);
    assert.equal(unmark.body.error.code, 'quote-has-activated-order');
    assert.equal(unmark.body.error.orderId, order.id);
  });

  it("links an activated order to its storefront twin once, and lists the sync-to-B2B orders still without one", async () => {
    const { order } = await twinOf('B2B-1001');
    await create('activate', { orderId: order.id }, 'act');
    const waiting = () => get('orders?status=Activated&syncToB2B=true&b2bOrder=');
    assert.deepEqual((await waiting()).orders, []);

    const flagged = await create('update-order', { orderId: order.id, syncToB2B: true }, 'flag');
    assert.equal(flagged.body.syncToB2B, true);
    assert.deepEqual((await waiting()).orders.map((o: any) => o.id), [order.id]);

    const linked = await create('update-order', { orderId: order.id, b2bOrder: 'SF-ORD-7' }, 'link');
    assert.equal(linked.body.b2bOrder, 'SF-ORD-7');
    assert.deepEqual((await waiting()).orders, []);
    assert.deepEqual((await get('orders?b2bOrder=SF-ORD-7')).orders.map((o: any) => o.id), [order.id]);
    assert.equal((await create('update-order', { orderId: order.id, b2bOrder: 'SF-ORD-7' }, 'link-again')).status, 200, 'the same link again changes nothing');

    const second = await create('update-order', { orderId: order.id, b2bOrder: 'SF-ORD-8' }, 'link-other');
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'already-linked');
    assert.equal(second.body.error.existingId, 'SF-ORD-7');
    assert.equal((await get(`orders/${order.id}`)).b2bOrder, 'SF-ORD-7');
  });

  it('refuses a create that refers to a record CPQ does not have', async () => {
    const response = await create('opportunities', { accountId: 'ACC-NOPE', name: 'x', closeDate: '2026-11-23' }, 'k');
    assert.equal(response.status, 422);
    assert.equal(response.body.error.code, 'unknown-account');
    assert.equal(response.body.error.field, 'accountId');
    const order = await create('orders', { quoteId: 'Q-NOPE' }, 'k2');
    assert.equal(order.body.error.code, 'unknown-quote');
    const missingKey = await request(sims.url, 'POST', '/cpq/accounts', { body: { accountNumber: 'X', name: 'X' } });
    assert.equal(missingKey.status, 400);
    assert.equal(missingKey.body.error.code, 'missing-idempotency-key');
  });

  it('refuses a list filter it does not know, naming it', async () => {
    const response = await request(sims.url, 'GET', '/cpq/orders?b2bSourceOrdr=B2B-1001');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.field, 'b2bSourceOrdr');
  });

  it('checks pricing configuration: a rule for an unknown product, a percentage over 100', async () => {
    const unknown = await request(sims.url, 'PUT', '/cpq/price-rules', { body: { priceRules: [{ id: 'R', product: 'NOPE', percentOff: '5' }] } });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.error.field, 'priceRules[0].product');
    const tooMuch = await request(sims.url, 'PUT', '/cpq/price-rules', { body: { priceRules: [{ id: 'R', product: 'SEATS', percentOff: '101' }] } });
    assert.equal(tooMuch.status, 400);
    assert.equal(tooMuch.body.error.field, 'priceRules[0].percentOff');
    assert.deepEqual((await get('price-rules')).priceRules, []);

    const book = await request(sims.url, 'PUT', '/cpq/products', { body: { products: [{ product: 'GADGET', listPrice: '9.99' }] } });
    assert.deepEqual(book.body.products, [{ product: 'GADGET', listPrice: '9.99', assetizable: true }]);
    assert.ok((await get('products')).products.some((p: any) => p.product === 'GADGET'));
  });

  it('creates an order once when its answer is lost (fault after the work) and the client retries with its key', async () => {
    const { opportunity } = await twinOf('B2B-1001');
    const quote = (await create('quotes', { opportunityId: opportunity.id, lines: [{ product: 'SEATS', quantity: 1 }] }, 'q2')).body;
    assert.equal((await setFault(sims.url, 'cpq', { operation: 'orders', failNext: 1, failAfterWork: true })).status, 200);
    await request(sims.url, 'DELETE', `/cpq/calls`);
    const body = { quoteId: quote.id, b2bSourceOrder: 'B2B-2002' };
    const lost = await create('orders', body, 'B2B-2002/order');
    assert.equal(lost.status, 503);
    const retried = await create('orders', body, 'B2B-2002/order');
    assert.equal(retried.status, 200);
    assert.equal(retried.headers.get('idempotent-replay'), 'true');
    assert.deepEqual((await get('orders?b2bSourceOrder=B2B-2002')).orders.map((o: any) => o.id), [retried.body.id]);
    assert.deepEqual((await get('calls')).calls.map((c: any) => [c.operation, c.status, c.fault]), [['orders', 503, 'injected-fault'], ['orders', 200, null]]);
  });

  it('keeps records, pricing and keys across a restart; in memory writes nothing', async () => {
    const { order } = await twinOf('B2B-1001');
    await request(sims.url, 'PUT', '/cpq/price-rules', { body: { priceRules: [{ id: 'R', product: 'SEATS', percentOff: '5' }] } });
    await sims.stop();
    assert.equal(JSON.parse(fs.readFileSync(path.join(sims.dataDir, 'cpq.json'), 'utf8')).state.orders.length, 1);

    const restarted = await startTestSimulators({ dataDir: sims.dataDir });
    try {
      assert.equal((await get(`orders/${order.id}`, restarted.url)).total, '16819.59');
      assert.equal((await get('price-rules', restarted.url)).priceRules.length, 1);
      const again = await create('orders', { quoteId: order.quoteId, b2bSourceOrder: 'B2B-1001' }, 'B2B-1001/order', restarted.url);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, order.id);
    } finally {
      await restarted.stop();
    }

    const memory = await startTestSimulators({ inMemory: true });
    try {
      assert.equal((await create('accounts', { accountNumber: 'ACME', name: 'Acme' }, 'a', memory.url)).status, 201);
      assert.equal((await create('accounts', { accountNumber: 'ACME', name: 'Acme' }, 'a', memory.url)).status, 200);
      assert.equal((await get('accounts', memory.url)).accounts.length, 1);
      assert.deepEqual(fs.readdirSync(memory.dataDir), []);
    } finally {
      await memory.dispose();
    }
  });
});
