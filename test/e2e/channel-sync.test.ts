import assert from 'node:assert/strict';
import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { cancelOrder } from '../../client/changes';
import type { CpqOrderRecord, CpqQuoteRecord, StorefrontOrderRecord } from '../../activities/types';
import type { Invoice } from '../../domain/invoice';
import { newOrderSyncWorkflowId, reorderSyncWorkflowId } from '../../workflows/ids';
import { resolveFalloutUpdate } from '../../workflows/messages';
import { syncQuery, type NewOrderSyncInput, type ReorderSyncInput, type SyncView } from '../../workflows/sync-messages';
import { eventually } from './eventually';
import { getHarness, simulatorGet, simulatorSend, type Harness } from './harness';

/**
 * The channel syncs on the real dev server and the real CPQ and storefront simulators: new order sync
 * (storefront → CPQ → Ordo) and reorder sync (CPQ → storefront → Ordo). Syncs are started with the Temporal
 * client directly, as the intake does.
 */

type Answer<T = any> = { status: number; body: T };

/** A simulator POST with an Idempotency-Key (the storefront's and CPQ's creates need one). */
async function post<T = any>(h: Harness, path: string, body: unknown, key: string): Promise<Answer<T>> {
  const response = await fetch(`${h.simulatorsUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function created<T = any>(h: Harness, path: string, body: unknown, key: string): Promise<T> {
  const answer = await post<T>(h, path, body, key);
  assert.ok(answer.status === 200 || answer.status === 201, `POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** A buyer's cart checked out on the storefront: the storefront order it placed. */
async function checkout(h: Harness, cart: Record<string, unknown>): Promise<StorefrontOrderRecord> {
  await created(h, '/storefront/carts', cart, `cart-${String(cart.id)}`);
  return (await created<{ order: StorefrontOrderRecord }>(h, `/storefront/carts/${String(cart.id)}/checkout`, {}, `checkout-${String(cart.id)}`)).order;
}

const cpqList = <T>(h: Harness, collection: string, filters: Record<string, string>) =>
  simulatorGet<Record<string, T[]>>(h, `/cpq/${collection}?${new URLSearchParams(filters).toString()}`).then((answer) => answer[collection]);

const storefrontOrder = (h: Harness, id: string) => simulatorGet<StorefrontOrderRecord>(h, `/storefront/orders/${id}`);

const invoicesOf = (h: Harness, orderId: string) =>
  simulatorGet<{ invoices: Invoice[] }>(h, `/billing/invoices?orderId=${encodeURIComponent(orderId)}`).then((answer) => answer.invoices);

function startNewOrderSync(h: Harness, storefrontOrderId: string, options: { workflowId?: string; taskQueue?: string } = {}): Promise<WorkflowHandle<() => Promise<SyncView>>> {
  const input: NewOrderSyncInput = { storefrontOrderId, trigger: 'channel-sync test' };
  return h.env.client.workflow.start('NewOrderSyncWorkflow', {
    workflowId: options.workflowId ?? newOrderSyncWorkflowId(storefrontOrderId),
    taskQueue: options.taskQueue ?? h.config.temporal.taskQueue,
    args: [input],
  });
}

function startReorderSync(h: Harness, cpqOrderId: string): Promise<WorkflowHandle<() => Promise<SyncView>>> {
  const input: ReorderSyncInput = { cpqOrderId, trigger: 'channel-sync test' };
  return h.env.client.workflow.start('ReorderSyncWorkflow', { workflowId: reorderSyncWorkflowId(cpqOrderId), taskQueue: h.config.temporal.taskQueue, args: [input] });
}

const stepsOf = (view: SyncView, outcome = 'Success') => view.log.filter((record) => record.outcome === outcome).map((record) => record.step);

const NEW_ORDER_STEPS = ['storefrontOrder', 'taxTables', 'account', 'opportunity', 'quote', 'quoteTotal', 'cpqOrder', 'activate', 'storefrontLinks', 'invoiceTotal', 'ordoOrder'];

/**
 * A cart with a bundle, two delivery groups, a recurring item (so the CPQ order is contracted), line discounts,
 * an order discount and the STANDARD, REDUCED and EXEMPT tax codes.
 */
function mixedCart(id: string, accountId: string): Record<string, unknown> {
  return {
    id,
    accountId,
    buyer: 'pat@acme.example',
    currency: 'USD',
    effectiveDate: '2026-11-23',
    discount: '100.00',
    deliveryGroups: [
      { id: 'DG-HQ', name: 'Headquarters', address: { line1: '1 Main St', city: 'Austin', region: 'TX', country: 'US' } },
      { id: 'DG-BRANCH', name: 'Branch office', address: { line1: '9 Harbor Rd', city: 'Seattle', region: 'WA', country: 'US' } },
    ],
    items: [
      { id: 'CI-1', product: 'LAPTOP-BUNDLE', quantity: 3, unitPrice: '1899.00', discount: '99.99', taxCode: 'STANDARD', deliveryGroupId: 'DG-HQ', attributes: { region: 'US' } },
      { id: 'CI-2', product: 'LAPTOP-14', quantity: 3, unitPrice: '0.00', parentItemId: 'CI-1', attributes: { color: 'black' } },
      { id: 'CI-3', product: 'AV-LICENSE', quantity: 3, unitPrice: '0.00', parentItemId: 'CI-1', startDate: '2026-12-01', endDate: '2027-11-30' },
      { id: 'CI-4', product: 'WARRANTY-3Y', quantity: 3, unitPrice: '0.00', parentItemId: 'CI-1' },
      { id: 'CI-5', product: 'LAPTOP-14', quantity: 1, unitPrice: '1499.00', deliveryGroupId: 'DG-BRANCH', attributes: { color: 'silver', region: 'US' } },
      { id: 'CI-6', product: 'SEATS', quantity: 10, unitPrice: '25.00', taxCode: 'REDUCED', attributes: { edition: 'standard' },
        billing: { type: 'recurring', period: 'month' }, startDate: '2026-12-01', endDate: '2027-11-30' },
      { id: 'CI-7', product: 'SETUP-FEE', quantity: 1, unitPrice: '150.00', discount: '50.00', taxCode: 'EXEMPT' },
    ],
    payment: { method: 'card', token: 'tok_visa_4242' },
    syncToCPQ: true,
  };
}

/** A small cart of seats only (nothing ships): quick to sync and to orchestrate. */
function seatsCart(id: string, accountId: string, product = 'SEATS'): Record<string, unknown> {
  return {
    id,
    accountId,
    buyer: 'pat@acme.example',
    currency: 'USD',
    items: [{ id: 'CI-1', product, quantity: 5, unitPrice: '40.00', attributes: { edition: 'standard' } }],
    payment: { method: 'account', reference: 'PO-7788' },
  };
}

/** Every CPQ record new order sync makes for one storefront order, found by the links it carries. */
async function cpqTwinsOf(h: Harness, storefrontOrderId: string) {
  const [opportunities, quotes, orders] = await Promise.all([
    cpqList<{ id: string; createdAt: string; accountId: string; name: string; closeDate: string }>(h, 'opportunities', { b2bSourceOrder: storefrontOrderId }),
    cpqList<CpqQuoteRecord & { createdAt: string }>(h, 'quotes', { b2bSource: storefrontOrderId }),
    cpqList<CpqOrderRecord & { createdAt: string }>(h, 'orders', { b2bSourceOrder: storefrontOrderId }),
  ]);
  return { opportunities, quotes, orders };
}

describe('channel syncs end to end (real Temporal dev server, CPQ and storefront simulators)', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
  });

  describe('new order sync of a storefront order with discounts and three tax codes', () => {
    let sold: StorefrontOrderRecord;
    let view: SyncView;

    before(async function () {
      this.timeout(120_000);
      sold = await checkout(h, mixedCart('CART-SYNC-MIXED', 'ACME-SYNC'));
      const first = await startNewOrderSync(h, sold.id);
      // A duplicated trigger: the same sync id again finds the first run.
      await assert.rejects(startNewOrderSync(h, sold.id), WorkflowExecutionAlreadyStartedError);
      view = await first.result();
    });

    it('creates opportunity → primary ordered quote priced as sold → CPQ order, in that order, linked both ways', async () => {
      assert.equal(view.state, 'completed', JSON.stringify(view.log, null, 1));
      assert.deepEqual(stepsOf(view), NEW_ORDER_STEPS);
      assert.deepEqual(stepsOf(view, 'Error'), []);

      const { opportunities, quotes, orders } = await cpqTwinsOf(h, sold.id);
      assert.equal(opportunities.length, 1);
      assert.equal(quotes.length, 1);
      assert.equal(orders.length, 1);
      const [opportunity, quote, cpqOrder] = [opportunities[0], quotes[0], orders[0]];
      assert.ok(opportunity.createdAt <= quote.createdAt && quote.createdAt <= cpqOrder.createdAt, 'opportunity, then quote, then order');
      assert.deepEqual(view.log.map((record) => record.step).filter((step) => ['opportunity', 'quote', 'cpqOrder'].includes(step)), ['opportunity', 'quote', 'cpqOrder']);

      assert.equal(opportunity.name, `Storefront order ${sold.id} (ACME-SYNC)`);
      assert.equal(opportunity.closeDate, sold.effectiveDate);
      const [account] = await cpqList<{ id: string }>(h, 'accounts', { accountNumber: 'ACME-SYNC' });
      assert.equal(opportunity.accountId, account.id);

      assert.equal(quote.opportunityId, opportunity.id);
      assert.equal(quote.pricing, 'source');
      assert.equal(quote.discount, sold.discount);
      assert.equal(quote.primary, true);
      assert.equal(quote.ordered, true);
      // Every line as sold: the storefront item it came from, its price, discount, tax code, term and billing.
      assert.deepEqual(quote.lines.map((line) => [line.sourceLineId, line.product, line.quantity, line.unitPrice, line.discount, line.taxCode, line.billing]),
        sold.items.map((item) => [item.id, item.product, item.quantity, item.unitPrice, item.discount, item.taxCode, item.billing]));
      const lineOf = new Map(quote.lines.map((line) => [line.sourceLineId, line.id]));
      assert.deepEqual(quote.lines.filter((line) => line.parentLineId).map((line) => [line.sourceLineId, line.parentLineId]),
        [['CI-2', lineOf.get('CI-1')], ['CI-3', lineOf.get('CI-1')], ['CI-4', lineOf.get('CI-1')]]);

      assert.equal(cpqOrder.quoteId, quote.id);
      assert.equal(cpqOrder.b2bSourceOrder, sold.id);
      assert.equal(cpqOrder.syncToB2B, false, 'the storefront order is its twin already');
      assert.equal(cpqOrder.status, 'Activated');
      assert.equal(cpqOrder.contracted, true, 'it has a recurring item');
      assert.equal(cpqOrder.effectiveDate, sold.effectiveDate);
      const subscriptions = await cpqList<{ product: string }>(h, 'subscriptions', { orderId: cpqOrder.id });
      assert.deepEqual(subscriptions.map((s) => s.product), ['SEATS']);

      const linked = await storefrontOrder(h, sold.id);
      assert.deepEqual(linked.links, { cpqOrder: cpqOrder.id, ordoOrder: sold.id });
      assert.deepEqual(view.records, { storefrontOrder: sold.id, cpqAccount: account.id, opportunity: opportunity.id, quote: quote.id, cpqOrder: cpqOrder.id, ordoOrder: sold.id });
      for (const record of view.log) assert.equal(record.trigger, 'channel-sync test');

      // Any twin's id finds the sync in visibility (SyncRecords).
      const found = await eventually('the sync in visibility by its CPQ order id', async () => {
        const ids: string[] = [];
        for await (const wf of h.env.client.workflow.list({ query: `SyncRecords = "${cpqOrder.id}"` })) ids.push(wf.workflowId);
        return ids.length > 0 ? ids : undefined;
      });
      assert.deepEqual(found, [newOrderSyncWorkflowId(sold.id)]);
    });

    it('submits the Ordo order (channel b2b, links to the twins), which runs and bills the storefront total', async () => {
      const { quotes, orders } = await cpqTwinsOf(h, sold.id);
      const summary = await h.client.waitForCompletion(sold.id);
      assert.equal(summary.state, 'completed');
      assert.equal(summary.channel, 'b2b');
      assert.deepEqual(summary.links, { storefrontOrder: sold.id, opportunity: orders[0].opportunityId, quote: quotes[0].id, cpqOrder: orders[0].id });
      assert.equal(summary.invoices.length, 1);
      assert.equal(summary.invoices[0].total, sold.total);
      const billed = await invoicesOf(h, sold.id);
      assert.deepEqual(billed.map((invoice) => invoice.total), [sold.total]);
    });

    it('has equal totals to the cent: storefront = quote = CPQ order = Ordo invoice', async () => {
      const { quotes, orders } = await cpqTwinsOf(h, sold.id);
      const [invoice] = await invoicesOf(h, sold.id);
      assert.deepEqual({ quote: quotes[0].total, cpqOrder: orders[0].total, invoice: invoice.total }, { quote: sold.total, cpqOrder: sold.total, invoice: sold.total });
    });

    it('runs again (another sync run of the same storefront order after the first completed) and creates nothing twice', async () => {
      const again = await startNewOrderSync(h, sold.id, { workflowId: `${newOrderSyncWorkflowId(sold.id)}-again` });
      const second = await again.result();
      assert.equal(second.state, 'completed');
      assert.deepEqual(second.records, view.records, 'it found the same records');
      const { opportunities, quotes, orders } = await cpqTwinsOf(h, sold.id);
      assert.deepEqual([opportunities.length, quotes.length, orders.length], [1, 1, 1]);
      assert.equal((await cpqList(h, 'accounts', { accountNumber: 'ACME-SYNC' })).length, 1);
      assert.equal((await invoicesOf(h, sold.id)).length, 1);
      const creates = (await simulatorGet<{ calls: Array<{ idempotencyKey?: string; replayed: boolean }> }>(h, '/cpq/calls')).calls
        .filter((call) => call.idempotencyKey?.startsWith(`new-order-sync:${sold.id}:`));
      assert.deepEqual(creates.filter((call) => !call.replayed).map((call) => call.idempotencyKey),
        ['account', 'opportunity', 'quote', 'cpqOrder', 'activate'].map((step) => `new-order-sync:${sold.id}:${step}`));
    });
  });

  it('rides out a CPQ outage mid-sync: logs Retrying, then completes with no duplicate records', async () => {
    const sold = await checkout(h, seatsCart('CART-SYNC-OUTAGE', 'OUTAGE-CO'));
    // Quotes fail twice; the order is made but its answer lost once (the retry must find it, not make another).
    await simulatorSend(h, 'PUT', '/_faults/cpq', { operation: 'quotes', failNext: 2 });
    await simulatorSend(h, 'PUT', '/_faults/cpq', { operation: 'orders', failNext: 1, failAfterWork: true });
    try {
      const view = await (await startNewOrderSync(h, sold.id)).result();
      assert.equal(view.state, 'completed');
      const retrying = view.log.filter((record) => record.outcome === 'Retrying');
      assert.deepEqual(retrying.map((record) => [record.step, record.attempts]), [['quote', 2], ['cpqOrder', 1]]);
      assert.match(retrying[0].errorMessage ?? '', /cpq answered 503/);
      assert.deepEqual(stepsOf(view), NEW_ORDER_STEPS);
      const { opportunities, quotes, orders } = await cpqTwinsOf(h, sold.id);
      assert.deepEqual([opportunities.length, quotes.length, orders.length], [1, 1, 1]);
    } finally {
      await simulatorSend(h, 'DELETE', '/_faults/cpq');
    }
  });

  it('resumes on another worker when the worker is killed mid-step, with no duplicates', async () => {
    const taskQueue = 'channel-sync-kill';
    const first = await h.startWorker({ taskQueue });
    const sold = await checkout(h, seatsCart('CART-SYNC-KILL', 'KILL-CO'));
    // The CPQ order's create is held long enough to stop the worker while it waits.
    await simulatorSend(h, 'PUT', '/_faults/cpq', { operation: 'orders', latencyMs: 3_000 });
    try {
      const handle = await startNewOrderSync(h, sold.id, { taskQueue });
      // The worker has the step's activity in hand (the server says it started), held by CPQ's latency.
      await eventually('the cpqOrder step to be running on the first worker', async () => {
        const { raw } = await handle.describe();
        return raw.pendingActivities?.some((activity) => activity.activityType?.name === 'findOrCreateCpqOrder' && activity.lastStartedTime) ? true : undefined;
      });
      first.shutdown();
      await eventually('the first worker to stop', async () => (first.getState() === 'STOPPED' ? true : undefined));
      await simulatorSend(h, 'DELETE', '/_faults/cpq');
      await h.startWorker({ taskQueue });
      const view = await handle.result();
      assert.equal(view.state, 'completed');
      // The stopped worker's attempt failed (or timed out) and the step ran again on the new worker.
      assert.deepEqual(view.log.filter((record) => record.outcome === 'Retrying').map((record) => record.step), ['cpqOrder']);
      assert.deepEqual(stepsOf(view), NEW_ORDER_STEPS);
      const { opportunities, quotes, orders } = await cpqTwinsOf(h, sold.id);
      assert.deepEqual([opportunities.length, quotes.length, orders.length], [1, 1, 1]);
    } finally {
      await simulatorSend(h, 'DELETE', '/_faults/cpq');
    }
  });

  it("falls out before making anything when the storefront's tax table differs from Ordo's billing config, naming both rates", async () => {
    const taskQueue = 'channel-sync-tax';
    await h.startWorker({ taskQueue, config: { billing: { ...h.config.billing, taxRates: { ...h.config.billing.taxRates, REDUCED: '0.06' } } } });
    const sold = await checkout(h, seatsCart('CART-SYNC-TAX', 'TAX-CO'));
    const handle = await startNewOrderSync(h, sold.id, { taskQueue });
    const view = await eventually('the sync to fall out', async () => {
      const current = await handle.query(syncQuery);
      return current.state === 'fallout' ? current : undefined;
    });
    assert.equal(view.fallout?.step, 'taxTables');
    assert.match(view.fallout?.errorMessage ?? '', /tax code REDUCED is 0\.05 in the storefront but 0\.06 in Ordo's billing config/);
    assert.deepEqual(await cpqList(h, 'accounts', { accountNumber: 'TAX-CO' }), []);
    await handle.executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'taxTables', actor: 'dave', action: 'skip' }] });
    assert.equal((await handle.result()).state, 'abandoned');
  });

  it('refuses a storefront order not marked syncToCPQ: an Error on its first step, and nothing made in CPQ', async () => {
    const sold = await checkout(h, { ...seatsCart('CART-SYNC-OPTOUT', 'OPTOUT-CO'), syncToCPQ: false });
    const handle = await startNewOrderSync(h, sold.id);
    const view = await eventually('the sync to fall out', async () => {
      const current = await handle.query(syncQuery);
      return current.state === 'fallout' ? current : undefined;
    });
    assert.equal(view.fallout?.step, 'storefrontOrder');
    assert.equal(view.fallout?.errorMessage, `storefront order ${sold.id} is not marked syncToCPQ (its company opted out of syncing): it gets no CPQ twin`);
    assert.deepEqual(view.log.map((record) => [record.step, record.outcome, record.sourceRecord]), [['storefrontOrder', 'Error', `storefront/order/${sold.id}`]]);
    // Only the sync fallout queue's members (sync-desk: alice, dave) may resolve it.
    await assert.rejects(
      handle.executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'storefrontOrder', actor: 'bob', action: 'skip' }] }),
      (error: Error & { cause?: Error }) => /bob may not act on this step: not a member of sync-desk \(alice, dave\)/.test(error.cause?.message ?? ''),
    );
    await handle.executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'storefrontOrder', actor: 'dave', action: 'skip' }] });
    assert.equal((await handle.result()).state, 'abandoned');
    assert.deepEqual(await cpqList(h, 'accounts', { accountNumber: 'OPTOUT-CO' }), []);
  });

  it("keeps the storefront's prices on the connector's quote, where a rep's quote gets CPQ's price rule", async () => {
    await simulatorSend(h, 'PUT', '/cpq/price-rules', { priceRules: [{ id: 'PR-SEATS-10', product: 'SEATS', percentOff: '10' }] });
    try {
      const sold = await checkout(h, seatsCart('CART-SYNC-RULE', 'RULE-CO'));
      const view = await (await startNewOrderSync(h, sold.id)).result();
      assert.equal(view.state, 'completed');
      const { quotes } = await cpqTwinsOf(h, sold.id);
      assert.deepEqual(quotes[0].lines.map((line) => [line.unitPrice, line.total]), [['40.00', '200.00']]);

      const rep = await created<{ lines: Array<{ unitPrice: string; adjustments: unknown[] }> }>(h, '/cpq/quotes', {
        opportunityId: quotes[0].opportunityId,
        pricing: 'cpq',
        lines: [{ product: 'SEATS', quantity: 5, unitPrice: '40.00' }],
      }, 'rep-quote-RULE-CO');
      assert.deepEqual(rep.lines.map((line) => [line.unitPrice, line.adjustments.length]), [['36.00', 1]]);
    } finally {
      await simulatorSend(h, 'PUT', '/cpq/price-rules', { priceRules: [] });
    }
  });

  it('falls out on a product unknown to CPQ with an Error naming the record and field, and finishes on retry once it is added', async () => {
    const { products } = await simulatorGet<{ products: Array<{ product: string }> }>(h, '/cpq/products');
    await simulatorSend(h, 'PUT', '/cpq/products', { products: products.filter((entry) => entry.product !== 'SEATS') });
    try {
      const sold = await checkout(h, seatsCart('CART-SYNC-UNKNOWN', 'UNKNOWN-CO'));
      const handle = await startNewOrderSync(h, sold.id);
      const fallout = await eventually('the sync to fall out', async () => {
        const view = await handle.query(syncQuery);
        return view.state === 'fallout' ? view : undefined;
      });
      assert.equal(fallout.fallout?.step, 'quote');
      assert.equal(fallout.fallout?.queue, 'sync-desk');
      const error = fallout.log.at(-1)!;
      assert.equal(error.outcome, 'Error');
      assert.equal(error.sourceRecord, `storefront/order/${sold.id}`);
      assert.match(error.errorMessage ?? '', new RegExp(`storefront/order/${sold.id} \\(item CI-1, product SEATS\\).*lines\\[0\\]\\.product`));
      assert.equal((await cpqTwinsOf(h, sold.id)).quotes.length, 0);

      await simulatorSend(h, 'PUT', '/cpq/products', { products });
      await handle.executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'quote', actor: 'dave', action: 'retry' }] });
      const view = (await handle.result()) as SyncView;
      assert.equal(view.state, 'completed');
      assert.deepEqual(stepsOf(view), NEW_ORDER_STEPS);
      assert.equal((await cpqTwinsOf(h, sold.id)).quotes.length, 1);
    } finally {
      await simulatorSend(h, 'PUT', '/cpq/products', { products });
    }
  });

  it("reorder sync puts a rep's activated CPQ order in the buyer's My Orders; its reorder goes through new order sync", async () => {
    // A rep's sale in CPQ: account, opportunity, a quote CPQ priced, an order marked syncToB2B, activated.
    const account = await created(h, '/cpq/accounts', { accountNumber: 'GLOBEX', name: 'Globex' }, 'rep-account-GLOBEX');
    const opportunity = await created(h, '/cpq/opportunities', { accountId: account.id, name: 'Globex seats', closeDate: '2026-11-30' }, 'rep-opp-GLOBEX');
    const quote = await created<CpqQuoteRecord>(h, '/cpq/quotes', {
      opportunityId: opportunity.id, primary: true, ordered: true, discount: '30.00',
      lines: [
        { product: 'SEATS', quantity: 20, taxCode: 'REDUCED', billing: { type: 'recurring', period: 'month' }, startDate: '2026-12-01', endDate: '2027-11-30' },
        { product: 'SETUP-FEE', quantity: 1, discount: '25.00' },
      ],
    }, 'rep-quote-GLOBEX');
    const draft = await created<CpqOrderRecord>(h, '/cpq/orders', { quoteId: quote.id, syncToB2B: true, effectiveDate: '2026-12-01' }, 'rep-order-GLOBEX');
    await created(h, '/cpq/activate', { orderId: draft.id, contracted: true }, 'rep-activate-GLOBEX');

    const view = await (await startReorderSync(h, draft.id)).result();
    assert.equal(view.state, 'completed', JSON.stringify(view.log, null, 1));
    assert.deepEqual(stepsOf(view), ['cpqOrder', 'storefrontTwin', 'markCpqOrder', 'invoiceTotal', 'ordoOrder']);

    const myOrders = (await simulatorGet<{ orders: StorefrontOrderRecord[] }>(h, '/storefront/orders?buyerAccount=GLOBEX')).orders;
    assert.equal(myOrders.length, 1);
    const twin = myOrders[0];
    assert.equal(twin.origin, 'cpq');
    assert.equal(twin.syncToCPQ, false);
    assert.deepEqual(twin.links, { cpqOrder: draft.id, ordoOrder: draft.id });
    const cpqOrder = (await cpqList<CpqOrderRecord>(h, 'orders', { b2bOrder: twin.id }))[0];
    assert.equal(cpqOrder.id, draft.id);
    assert.deepEqual(twin.items.map((item) => [item.id, item.product, item.quantity, item.unitPrice, item.discount]),
      cpqOrder.products.map((product) => [product.id, product.product, product.quantity, product.unitPrice, product.discount]));
    assert.equal(twin.discount, '30.00');
    assert.equal(twin.total, cpqOrder.total, 'the twin totals what the CPQ order does, to the cent');

    const summary = await h.client.waitForCompletion(draft.id);
    assert.equal(summary.channel, 'cpq');
    assert.deepEqual(summary.links, { storefrontOrder: twin.id, opportunity: opportunity.id, quote: quote.id, cpqOrder: draft.id });
    assert.deepEqual((await invoicesOf(h, draft.id)).map((invoice) => invoice.total), [twin.total]);

    // The buyer reorders it: a new cart, checked out, is a new storefront order that new order sync handles.
    const cart = await created(h, `/storefront/orders/${twin.id}/reorder`, { payment: { method: 'account', reference: 'PO-9' }, buyer: 'sam@globex.example' }, `reorder-${twin.id}`);
    const reorder = (await created<{ order: StorefrontOrderRecord }>(h, `/storefront/carts/${cart.id}/checkout`, {}, `checkout-${cart.id}`)).order;
    assert.equal(reorder.syncToCPQ, true);
    const synced = await (await startNewOrderSync(h, reorder.id)).result();
    assert.equal(synced.state, 'completed', JSON.stringify(synced.log, null, 1));
    const twins = await cpqTwinsOf(h, reorder.id);
    assert.deepEqual([twins.opportunities.length, twins.quotes.length, twins.orders.length], [1, 1, 1]);
    assert.equal(twins.opportunities[0].accountId, account.id, 'the same CPQ account: found by its number, not made again');
  });

  /** A rep's activated CPQ order of one router, marked syncToB2B; `shipTo` when given. */
  async function repRouterOrder(accountNumber: string, shipTo?: unknown): Promise<CpqOrderRecord> {
    const account = await created(h, '/cpq/accounts', { accountNumber, name: accountNumber }, `rep-account-${accountNumber}`);
    const opportunity = await created(h, '/cpq/opportunities', { accountId: account.id, name: `${accountNumber} router`, closeDate: '2026-11-30' }, `rep-opp-${accountNumber}`);
    const quote = await created(h, '/cpq/quotes', { opportunityId: opportunity.id, primary: true, ordered: true, lines: [{ product: 'ROUTER', quantity: 1 }] }, `rep-quote-${accountNumber}`);
    const order = await created<CpqOrderRecord>(h, '/cpq/orders', { quoteId: quote.id, syncToB2B: true, ...(shipTo ? { shipTo } : {}) }, `rep-order-${accountNumber}`);
    await created(h, '/cpq/activate', { orderId: order.id }, `rep-activate-${accountNumber}`);
    return order;
  }

  it("ships a reorder-synced CPQ order to its shipTo; without one, falls out naming the item's deliveryGroupId", async () => {
    const shipTo = { name: 'Initech HQ', address: { line1: '4120 Freidrich Ln', city: 'Austin', region: 'TX', country: 'US' } };
    const shipped = await repRouterOrder('SHIPTO-CO', shipTo);
    const view = await (await startReorderSync(h, shipped.id)).result();
    assert.equal(view.state, 'completed', JSON.stringify(view.log, null, 1));
    const twin = await storefrontOrder(h, view.records.storefrontOrder!);
    assert.deepEqual(twin.deliveryGroups, [{ id: 'SHIP-TO', ...shipTo }]);
    const summary = await eventually('the Ordo order to be decomposed', async () => {
      const current = await h.client.getSummary(shipped.id);
      return current.fulfillmentOrders.length > 0 ? current : undefined;
    });
    assert.deepEqual(summary.fulfillmentOrders.map((fo) => fo.deliveryGroupId), ['SHIP-TO']);
    // It waits for an approval (catalog/network.yaml): nothing more to see here.
    await cancelOrder(h.client, shipped.id, { reason: 'test done', actor: 'test' });

    const nowhere = await repRouterOrder('NOWHERE-CO');
    const handle = await startReorderSync(h, nowhere.id);
    const fallout = await eventually('the reorder sync to fall out', async () => {
      const current = await handle.query(syncQuery);
      return current.state === 'fallout' ? current : undefined;
    });
    assert.equal(fallout.fallout?.step, 'ordoOrder');
    assert.match(fallout.fallout?.errorMessage ?? '', /items\[0\]\.deliveryGroupId/);
    await handle.executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'ordoOrder', actor: 'dave', action: 'skip' }] });
    assert.equal((await handle.result()).state, 'abandoned');
  });

  it('refuses to reorder-sync a CPQ order that new order sync made: it already has its storefront twin', async () => {
    const sold = await checkout(h, seatsCart('CART-SYNC-TWICE', 'TWICE-CO'));
    await (await startNewOrderSync(h, sold.id)).result();
    const [cpqOrder] = (await cpqTwinsOf(h, sold.id)).orders;
    const handle = await startReorderSync(h, cpqOrder.id);
    const view = await eventually('the reorder sync to fall out', async () => {
      const current = await handle.query(syncQuery);
      return current.state === 'fallout' ? current : undefined;
    });
    assert.match(view.fallout?.errorMessage ?? '', new RegExp(`made by new order sync from storefront order ${sold.id}`));
    await handle.executeUpdate(resolveFalloutUpdate, { args: [{ stepId: 'cpqOrder', actor: 'dave', action: 'skip' }] });
    assert.equal(((await handle.result()) as SyncView).state, 'abandoned');
    // No twin was made: the only storefront order linked to it is the one it was made from.
    const linked = (await simulatorGet<{ orders: StorefrontOrderRecord[] }>(h, `/storefront/orders?cpqOrder=${cpqOrder.id}`)).orders;
    assert.deepEqual(linked.map((order) => order.id), [sold.id]);
  });
});
