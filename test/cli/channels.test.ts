import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Twins } from '../../client/twins';
import type { SyncLogRecord as SyncRecord } from '../../domain/sync-log';
import { eventually } from '../e2e/eventually';
import { getHarness, simulatorGet, simulatorSend, type Harness } from '../e2e/harness';
import { cleanEnv, describeRun, jsonOf, ordo, STACK_FRAME, type OrdoRun } from './run-ordo';

/**
 * The commerce channel verbs of the real `bin/ordo` (checkout, reorder, sync-log, twins) against the shared
 * end-to-end stack: the storefront, CPQ and billing simulators over HTTP and a Temporal dev server with a worker,
 * pointed there with environment variables as a user would.
 *
 * The tests under "with the sync workflows" need NewOrderSyncWorkflow registered by the worker; until it is,
 * they are skipped with that reason (everything else runs now).
 */

type ErrorJson = { error: { code: string; message: string; problems: Array<{ path: string; message: string; fix?: string }> } };
type Cart = Record<string, unknown> & { id: string; items: Array<Record<string, unknown>> };
type Placed = { order: { id: string; cartId: string; total: string; subtotal: string; tax: string; reorderOf?: string; syncToCPQ: boolean }; payment: { method: string; last4?: string; reference?: string; amount: string }; alreadyCheckedOut: boolean; cartId?: string };

const TWIN_KEYS = ['cpqOrder', 'invoices', 'opportunity', 'ordoOrder', 'quote', 'storefrontOrder'];
const SYNC_RECORD_KEYS = new Set(['id', 'process', 'step', 'sourceRecord', 'targetRecord', 'trigger', 'outcome', 'errorMessage', 'attempts', 'at']);

/** Whether the worker registers the sync workflows (the index lists each type it serves, without loading them). */
// eslint-disable-next-line @typescript-eslint/no-require-imports

describe('ordo commerce channel verbs against the storefront, CPQ, billing and Temporal', function () {
  this.timeout(120_000);
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let tmp: string;
  let counter = 0;
  const run = (args: string[]): Promise<OrdoRun> => ordo(args, { env, timeoutMs: 110_000 });

  /** The example cart with a fresh id, changed by `edit`, written to a file. */
  const cartFile = (edit: (cart: Cart) => void = () => {}): { file: string; cart: Cart } => {
    const cart = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/cart-laptop.json'), 'utf8')) as Cart;
    cart.id = `CART-cli-${process.pid}-${++counter}`;
    edit(cart);
    const file = path.join(tmp, `${cart.id}.json`);
    fs.writeFileSync(file, JSON.stringify(cart, null, 2));
    return { file, cart };
  };

  before(async function () {
    this.timeout(600_000); // the first run may build the Temporal CLI
    h = await getHarness();
    const systemUrl = (name: string) => {
      const endpoint = h.config.systems[name];
      assert.ok(endpoint, `temporal-config.yaml names systems.${name}`);
      return endpoint.url;
    };
    env = cleanEnv({
      TEMPORAL_ADDRESS: h.env.address,
      TEMPORAL_NAMESPACE: 'default',
      ORDO_TASK_QUEUE: h.config.temporal.taskQueue,
      ORDO_SYSTEM_STOREFRONT_URL: systemUrl('storefront'),
      ORDO_SYSTEM_CPQ_URL: systemUrl('cpq'),
      ORDO_SYSTEM_BILLING_URL: systemUrl('billing'),
    });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-cli-channels-'));
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  /** Nothing on the storefront knows the cart: no cart, no order, no call that carried its id. */
  async function assertNothingCreated(cartId: string): Promise<void> {
    const cart = await fetch(`${h.simulatorsUrl}/storefront/carts/${cartId}`);
    assert.equal(cart.status, 404, `the storefront has no cart ${cartId}`);
    const { orders } = await simulatorGet<{ orders: unknown[] }>(h, `/storefront/orders?cartId=${cartId}`);
    assert.deepEqual(orders, []);
    const { calls } = await simulatorGet<{ calls: unknown[] }>(h, '/storefront/calls');
    assert.deepEqual(calls.filter((call) => JSON.stringify(call).includes(cartId)), [], 'no request about the cart reached the storefront');
  }

  describe('a bad cart is refused with exit 1, naming the field and the fix, and nothing reaches the storefront', () => {
    const cases: Array<{ name: string; edit: (cart: Cart) => void; path: string; says: RegExp }> = [
      { name: 'an unknown product', edit: (c) => void (c.items[0].product = 'LAPTOP-BUNDEL'), path: 'items[0].product', says: /unknown product LAPTOP-BUNDEL.*did you mean "LAPTOP-BUNDLE"/ },
      {
        name: 'a raw card number in an item attribute',
        edit: (c) => void ((c.items[1].attributes as Record<string, unknown>).note = 'bill card 4111 1111 1111 1111'),
        path: 'items[1].attributes.note',
        says: /raw card number.*token/,
      },
      { name: 'a raw card number as the payment token', edit: (c) => void (c.payment = { method: 'card', token: '4111111111111111' }), path: 'payment.token', says: /raw card number/ },
      { name: 'a price with three decimals', edit: (c) => void (c.items[0].unitPrice = '1899.005'), path: 'items[0].unitPrice', says: /at most 2 places/ },
      { name: 'a missing payment', edit: (c) => void delete c.payment, path: 'payment', says: /is required.*"method": "card", "token"/ },
      { name: 'an unknown field', edit: (c) => void (c.channel = 'b2b'), path: 'channel', says: /unknown key "channel"/ },
    ];
    for (const { name, edit, path: field, says } of cases) {
      it(`refuses ${name} (${field})`, async () => {
        const { file, cart } = cartFile(edit);
        const human = await run(['checkout', file]);
        assert.equal(human.code, 1, describeRun(human));
        assert.match(human.stderr, new RegExp(`cart ${cart.id} is invalid`));
        assert.ok(human.stderr.includes(`- ${field}: `), `names ${field}: ${human.stderr}`);
        assert.match(human.stderr, says);
        assert.doesNotMatch(human.stderr, STACK_FRAME);
        assert.equal(human.stdout, '');

        const machine = await run(['checkout', file, '--json']);
        assert.equal(machine.code, 1, describeRun(machine));
        const { error } = jsonOf<ErrorJson>(machine);
        assert.equal(error.code, 'invalid');
        assert.ok(error.problems.some((p) => p.path === field), `problems name ${field}: ${JSON.stringify(error.problems)}`);
        await assertNothingCreated(cart.id);
      });
    }

    it('refuses a raw card number before any other problem of the cart', async () => {
      const { file } = cartFile((c) => {
        c.buyer = 'card 4111-1111-1111-1111';
        c.items[0].unitPrice = '1.005';
      });
      const { error } = jsonOf<ErrorJson>(await run(['checkout', file, '--json']));
      assert.deepEqual(error.problems.map((p) => p.path), ['buyer']);
    });

    it('refuses a file that is not JSON, naming the file', async () => {
      const file = path.join(tmp, 'not-json.json');
      fs.writeFileSync(file, '{ "id": ');
      const result = await run(['checkout', file]);
      assert.equal(result.code, 1, describeRun(result));
      assert.match(result.stderr, /cart file .*not-json\.json is not valid JSON/);
    });
  });

  describe('a good cart', () => {
    let cart: Cart;
    let file: string;
    let placed: Placed;

    before(async () => {
      ({ file, cart } = cartFile());
      const result = await run(['checkout', file, '--json']);
      assert.equal(result.code, 0, describeRun(result));
      placed = jsonOf<Placed>(result);
    });

    it('checks out on the storefront and prints its order, totals and payment (last four of the token only) as JSON', async () => {
      assert.match(placed.order.id, /^SO-/);
      assert.equal(placed.order.cartId, cart.id);
      // Two laptop bundles at 1899.00, STANDARD tax 8.25 %: 3798.00 + 313.34.
      assert.deepEqual([placed.order.subtotal, placed.order.tax, placed.order.total], ['3798.00', '313.34', '4111.34']);
      assert.deepEqual([placed.payment.method, placed.payment.last4, placed.payment.amount], ['card', '4242', '4111.34']);
      assert.equal(placed.alreadyCheckedOut, false);
      const stored = await simulatorGet<{ id: string; total: string }>(h, `/storefront/orders/${placed.order.id}`);
      assert.equal(stored.total, '4111.34');
    });

    it('never prints the card token', async () => {
      const again = await run(['checkout', file, '--json']);
      assert.ok(!again.stdout.includes('tok_visa_4242'));
    });

    it('checked out again, answers the order it became and places no second one', async () => {
      const again = await run(['checkout', file, '--json']);
      assert.equal(again.code, 0, describeRun(again));
      const second = jsonOf<Placed>(again);
      assert.equal(second.order.id, placed.order.id);
      assert.equal(second.alreadyCheckedOut, true);
      const { orders } = await simulatorGet<{ orders: unknown[] }>(h, `/storefront/orders?cartId=${cart.id}`);
      assert.equal(orders.length, 1);
      const human = await run(['checkout', file]);
      assert.equal(human.code, 0, describeRun(human));
      assert.match(human.stdout, new RegExp(`already checked out as storefront order ${placed.order.id}`));
    });

    it('prints a readable order without --json', async () => {
      const { file: other } = cartFile((c) => void (c.payment = { method: 'account', reference: 'PO-7788' }));
      const result = await run(['checkout', other]);
      assert.equal(result.code, 0, describeRun(result));
      assert.match(result.stdout, /Checked out cart CART-cli-\S+ as storefront order SO-\S+\./);
      assert.match(result.stdout, /subtotal 3798\.00 {2}discount 0\.00 {2}tax 313\.34 {2}total 4111\.34/);
      assert.match(result.stdout, /account PO-7788, Authorized 4111\.34/);
      assert.match(result.stdout, /ordo twins SO-/);
    });

    it('is reordered: a new storefront order with the same items, its cart pointing back', async () => {
      const result = await run(['reorder', placed.order.id, '--po', 'PO-9001', '--json']);
      assert.equal(result.code, 0, describeRun(result));
      const reordered = jsonOf<Placed>(result);
      assert.notEqual(reordered.order.id, placed.order.id);
      assert.equal(reordered.order.reorderOf, placed.order.id);
      assert.equal(reordered.order.total, placed.order.total);
      assert.deepEqual([reordered.payment.method, reordered.payment.reference], ['account', 'PO-9001']);
      const human = await run(['reorder', placed.order.id]);
      assert.equal(human.code, 0, describeRun(human));
      assert.match(human.stdout, new RegExp(`Reordered ${placed.order.id}: new cart CART-\\S+ checked out as storefront order SO-`));
    });

    it('refuses a reorder paid with a raw card number, sending nothing', async () => {
      const before = (await simulatorGet<{ calls: unknown[] }>(h, '/storefront/calls')).calls.length;
      const result = await run(['reorder', placed.order.id, '--payment-token', '4111 1111 1111 1111']);
      assert.equal(result.code, 1, describeRun(result));
      assert.match(result.stderr, /--payment-token: looks like a raw card number/);
      assert.equal((await simulatorGet<{ calls: unknown[] }>(h, '/storefront/calls')).calls.length, before);
    });
  });

  it('checkout with the storefront down exits 1, saying it is unreachable and where its URL is set', async () => {
    const { file, cart } = cartFile();
    // A port nothing listens on: the one a just-closed server had.
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const result = await ordo(['checkout', file], { env: { ...env, ORDO_SYSTEM_STOREFRONT_URL: `http://127.0.0.1:${closed}/storefront` } });
    assert.equal(result.code, 1, describeRun(result));
    assert.match(result.stderr, /storefront is unreachable at .*Is the stack running.*systems\.storefront in temporal-config\.yaml/s);
    assert.doesNotMatch(result.stderr, STACK_FRAME);
    await assertNothingCreated(cart.id);
  });

  it('reorder of an unknown storefront order exits 1 and says what to check', async () => {
    const result = await run(['reorder', 'SO-NOSUCHORDER']);
    assert.equal(result.code, 1, describeRun(result));
    assert.match(result.stderr, /the storefront has no order SO-NOSUCHORDER: check the id/);
  });

  describe('twins and the sync log without a sync', () => {
    it('twins of an order that is not synced (syncToCPQ false) print its storefront order and null for every twin not made', async () => {
      const { file } = cartFile((c) => void (c.syncToCPQ = false));
      const placed = jsonOf<Placed>(await run(['checkout', file, '--json']));
      assert.equal(placed.order.syncToCPQ, false);
      const result = await run(['twins', placed.order.id, '--json']);
      assert.equal(result.code, 0, describeRun(result));
      const twins = jsonOf<Twins>(result);
      assert.deepEqual(Object.keys(twins).sort(), TWIN_KEYS);
      assert.deepEqual(twins, {
        storefrontOrder: { id: placed.order.id, total: '4111.34' },
        opportunity: null,
        quote: null,
        cpqOrder: null,
        ordoOrder: null,
        invoices: [],
      });
      const human = await run(['twins', placed.order.id]);
      assert.match(human.stdout, new RegExp(`storefront order +${placed.order.id} +total 4111\\.34`));
      assert.match(human.stdout, /CPQ order +\(none yet\)/);
    });

    it('--sync and --wait on a cart that is not synced are refused before checkout, saying why', async () => {
      const { file, cart } = cartFile((c) => void (c.syncToCPQ = false));
      for (const flag of ['--sync', '--wait']) {
        const result = await run(['checkout', file, flag]);
        assert.equal(result.code, 1, describeRun(result));
        assert.match(result.stderr, new RegExp(`cart ${cart.id} has syncToCPQ false: no sync makes its twins`));
      }
      await assertNothingCreated(cart.id);
    });

    it('twins of an unknown id exits 1 and says what to check', async () => {
      const result = await run(['twins', 'NO-SUCH-SALE']);
      assert.equal(result.code, 1, describeRun(result));
      assert.match(result.stderr, /no storefront order, CPQ order or Ordo order is called NO-SUCH-SALE: check the id/);
      assert.doesNotMatch(result.stderr, STACK_FRAME);
      const machine = jsonOf<ErrorJson>(await run(['twins', 'NO-SUCH-SALE', '--json']));
      assert.equal(machine.error.code, 'not-found');
    });

    it('sync-log of an order no sync has touched is an empty list', async () => {
      const result = await run(['sync-log', '--order', 'SO-NEVER-SYNCED', '--json']);
      assert.equal(result.code, 0, describeRun(result));
      assert.deepEqual(jsonOf(result), []);
      const human = await run(['sync-log', '--order', 'SO-NEVER-SYNCED', '--process', 'ReorderSync']);
      assert.equal(human.stdout.trim(), 'No sync-log records (ReorderSync, order SO-NEVER-SYNCED).');
    });
  });

  describe('usage errors exit 2 with the usage', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['checkout without a cart', ['checkout'], /checkout takes one CART\.json/],
      ['checkout with two carts', ['checkout', 'a.json', 'b.json'], /checkout takes one CART\.json/],
      ['checkout with an unknown option', ['checkout', 'a.json', '--sink'], /Unknown option '--sink'/],
      ['sync-log with a bad --process', ['sync-log', '--process', 'NewOrder'], /--process takes NewOrderSync or ReorderSync, not "NewOrder"/],
      ['sync-log with an argument', ['sync-log', 'SO-1'], /sync-log takes no arguments/],
      ['twins without an id', ['twins'], /twins takes one ID/],
      ['reorder with both payments', ['reorder', 'SO-1', '--po', 'PO-1', '--payment-token', 'tok_1'], /not both/],
    ];
    for (const [name, args, says] of cases) {
      it(name, async () => {
        const result = await run(args);
        assert.equal(result.code, 2, describeRun(result));
        assert.match(result.stderr, says);
        assert.match(result.stderr, /Commerce channels/);
      });
    }
  });

  describe('with the sync workflows', function () {
    let placed: Placed;
    let twins: Twins;

    before(async function () {
      this.timeout(300_000);
      const { file } = cartFile();
      const result = await ordo(['checkout', file, '--sync', '--wait', '--json'], { env, timeoutMs: 280_000 });
      assert.equal(result.code, 0, describeRun(result));
      twins = jsonOf<Twins>(result);
      placed = { order: { id: twins.storefrontOrder!.id } } as Placed;
    });

    it('checkout --sync --wait prints the twins of DESIGN.md, every one made, linked, orchestrated and invoiced once', () => {
      assert.deepEqual(Object.keys(twins).sort(), TWIN_KEYS);
      const { storefrontOrder, opportunity, quote, cpqOrder, ordoOrder, invoices } = twins;
      assert.match(storefrontOrder!.id, /^SO-/);
      assert.match(opportunity!.id, /^OPP-/);
      assert.deepEqual([quote!.primary, quote!.ordered], [true, true]);
      assert.equal(cpqOrder!.b2bSourceOrder, storefrontOrder!.id);
      assert.equal(cpqOrder!.status, 'Activated');
      assert.deepEqual(ordoOrder, { id: storefrontOrder!.id, state: 'completed' });
      assert.equal(invoices.length, 1);
      assert.equal(invoices[0].total, storefrontOrder!.total, 'the invoice bills the storefront total to the cent');
    });

    it('twins finds the same sale from the CPQ order and from the Ordo order', async () => {
      for (const id of [twins.cpqOrder!.id, twins.ordoOrder!.id]) {
        const result = await run(['twins', id, '--json']);
        assert.equal(result.code, 0, describeRun(result));
        assert.deepEqual(jsonOf<Twins>(result), twins);
      }
    });

    it('sync-log --order lists the sync\'s records oldest first, in DESIGN.md\'s shape, by any id of the sale', async () => {
      const result = await run(['sync-log', '--order', placed.order.id, '--json']);
      assert.equal(result.code, 0, describeRun(result));
      const records = jsonOf<SyncRecord[]>(result);
      assert.ok(records.length >= 3, describeRun(result));
      for (const record of records) {
        assert.ok(Object.keys(record).every((key) => SYNC_RECORD_KEYS.has(key)), JSON.stringify(record));
        assert.equal(record.process, 'NewOrderSync');
        // `ordo checkout`, unless an intake polling the same storefront noticed the order first.
        assert.equal(record.trigger, records[0].trigger);
        assert.equal(record.outcome, 'Success');
      }
      assert.deepEqual(records.map((r) => r.at), records.map((r) => r.at).sort(), 'oldest first');
      const targets = records.map((r) => r.targetRecord).filter(Boolean);
      assert.ok(targets.includes(`cpq/opportunity/${twins.opportunity!.id}`));
      assert.ok(targets.includes(`cpq/order/${twins.cpqOrder!.id}`));
      const byCpqOrder = jsonOf<SyncRecord[]>(await run(['sync-log', '--order', twins.cpqOrder!.id, '--json']));
      assert.deepEqual(byCpqOrder, records);
      const reorders = jsonOf<SyncRecord[]>(await run(['sync-log', '--order', placed.order.id, '--process', 'ReorderSync', '--json']));
      assert.deepEqual(reorders, []);
      const human = await run(['sync-log', '--order', placed.order.id]);
      assert.match(human.stdout, /NewOrderSync +opportunity +Success +storefront\/order\/SO-\S+ → cpq\/opportunity\/OPP-/);
    });

    it('a sync CPQ refuses is listed by `ordo fallout` under its sync id, and `ordo fallout retry` finishes it once CPQ is fixed', async function () {
      this.timeout(120_000);
      // A 422 on the quote, as a CPQ validation rule would answer: the sync falls out at its quote step.
      await simulatorSend(h, 'PUT', '/_faults/cpq', { operation: 'quotes', failNext: 1, errorStatus: 422, errorCode: 'validation-rule' });
      try {
        const { file } = cartFile();
        const placed = jsonOf<Placed & { sync: { workflowId: string } }>(await run(['checkout', file, '--sync', '--json']));
        const syncId = placed.sync.workflowId;
        type Listed = Array<{ orderId: string; stepId: string; falloutQueue: string; type: string }>;
        const step = await eventually('the sync listed in fallout', async () =>
          jsonOf<{ fallout: Listed }>(await run(['fallout', '--queue', 'sync-desk', '--json'])).fallout.find((candidate) => candidate.orderId === syncId), 60_000);
        assert.deepEqual({ stepId: step.stepId, falloutQueue: step.falloutQueue, type: step.type }, { stepId: 'quote', falloutQueue: 'sync-desk', type: 'NewOrderSync' });
        const byOrder = jsonOf<{ fallout: Listed }>(await run(['fallout', '--order', placed.order.id, '--json'])).fallout;
        assert.deepEqual(byOrder.map((candidate) => candidate.orderId), [syncId], 'found by the storefront order id too');

        const completeRefused = await run(['fallout', 'complete', syncId, 'quote', '--actor', 'alice']);
        assert.equal(completeRefused.code, 1, describeRun(completeRefused));
        assert.match(completeRefused.stderr, /cannot be completed by hand/);
        const retried = await run(['fallout', 'retry', syncId, 'quote', '--actor', 'alice']);
        assert.equal(retried.code, 0, describeRun(retried));
        const quoteOutcomes = await eventually('the retried quote step logged', async () => {
          const log = jsonOf<SyncRecord[]>(await run(['sync-log', '--order', placed.order.id, '--json']));
          const outcomes = log.filter((record) => record.step === 'quote').map((record) => record.outcome);
          return outcomes.includes('Success') ? outcomes : undefined;
        }, 60_000);
        assert.deepEqual(quoteOutcomes, ['Error', 'Success']);
      } finally {
        await simulatorSend(h, 'DELETE', '/_faults/cpq');
      }
    });

    it('checkout --sync of a cart already synced starts nothing twice', async () => {
      const { file } = cartFile();
      const first = jsonOf<Placed & { sync: { workflowId: string; started: boolean } }>(await run(['checkout', file, '--sync', '--json']));
      // Started here, unless an intake polling the same storefront noticed the order first: either way, one sync.
      assert.equal(typeof first.sync.started, 'boolean');
      assert.equal(first.sync.workflowId, `sync-new-order-${first.order.id}`);
      const second = jsonOf<Placed & { sync: { workflowId: string; started: boolean } }>(await run(['checkout', file, '--sync', '--json']));
      assert.equal(second.order.id, first.order.id);
      assert.deepEqual(second.sync, { workflowId: first.sync.workflowId, started: false });
    });
  });
});
