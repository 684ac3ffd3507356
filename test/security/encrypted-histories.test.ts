import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { StorefrontOrderRecord } from '../../activities/types';
import { ENCRYPTED_ENCODING } from '../../config/encryption-codec';
import { newOrderSyncWorkflowId } from '../../workflows/ids';
import { syncQuery, type NewOrderSyncInput, type SyncView } from '../../workflows/sync-messages';
import { eventually } from '../e2e/eventually';
import { exampleOrder } from '../e2e/examples';
import { getHarness, type Harness } from '../e2e/harness';

/**
 * Issue 12's "no customer data readable in Temporal without a key" (docs/security.md "Encrypted histories"): orders
 * with a person's name, a delivery address, a buyer's email and card tokens run through the shared harness (whose
 * clients and workers encrypt); then EVERY history of the namespace is read by a plain client, without the codec,
 * and none of those strings appears anywhere in its bytes, while Ordo's client still reads the orders.
 */

const RUN = randomUUID().slice(0, 8);
const SECRETS = {
  name: `Hank Scorpio ${RUN}`,
  address: `1 Cypress Creek Rd ${RUN}`,
  email: `hank.${RUN}@globex.example`,
  orderToken: `tok_secret${RUN}_4242`,
  cartToken: `tok_cart${RUN}_1881`,
  /** Quoted in a workflow's failure message: failures are encoded too. */
  quotedInFailure: `9 Evergreen Terrace ${RUN}`,
};

async function post(h: Harness, path: string, body: unknown, key: string): Promise<any> {
  const response = await fetch(`${h.simulatorsUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
  assert.ok(response.ok, `POST ${path}: ${response.status}`);
  return response.json();
}

async function checkout(h: Harness, cart: Record<string, unknown>): Promise<StorefrontOrderRecord> {
  await post(h, '/storefront/carts', cart, `cart-${String(cart.id)}`);
  return ((await post(h, `/storefront/carts/${String(cart.id)}/checkout`, {}, `checkout-${String(cart.id)}`)) as { order: StorefrontOrderRecord }).order;
}

const seatsCart = (id: string, accountId: string) => ({
  id,
  accountId,
  buyer: SECRETS.email,
  currency: 'USD',
  items: [{ id: 'CI-1', product: 'SEATS', quantity: 5, unitPrice: '40.00', attributes: { edition: 'standard' } }],
  payment: { method: 'card', token: SECRETS.cartToken },
});

/** Every history of the namespace, as the bytes the server stores, read by a client with no codec. */
async function rawHistories(h: Harness): Promise<Map<string, Buffer>> {
  const namespace = h.config.temporal.namespace;
  const plain = new Client({ connection: h.env.connection, namespace });
  const histories = new Map<string, Buffer>();
  for await (const run of plain.workflow.list()) {
    const pages: Uint8Array[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await plain.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId: run.workflowId, runId: run.runId }, nextPageToken });
      pages.push(temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse.encode(page).finish());
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    histories.set(`${run.workflowId} ${run.runId}`, Buffer.concat(pages));
  }
  return histories;
}

describe('encrypted histories (real dev server, the harness encrypting with a keyring of its own)', function () {
  this.timeout(180_000);
  let h: Harness;
  let orderId: string;
  let sold: StorefrontOrderRecord;
  let optedOut: string;
  let failed: string;

  before(async function () {
    this.timeout(600_000);
    h = await getHarness();
    // An Ordo order with a person's name and address on its delivery group and a card token.
    const order = exampleOrder('laptop-bundle.json', `crypt-${RUN}`);
    order.deliveryGroups = [{ id: 'DG-HQ', name: SECRETS.name, address: { line1: SECRETS.address, city: 'Springfield', country: 'US' } }];
    order.payment = { method: 'card', token: SECRETS.orderToken };
    orderId = order.id;
    await h.client.startOrder(order);
    // A storefront checkout (the buyer's email, another token) synced to CPQ and Ordo: the channel workflows carry them too.
    sold = await checkout(h, seatsCart(`CART-CRYPT-${RUN}`, `CRYPT-${RUN}`));
    const start = (storefrontOrderId: string) => {
      const input: NewOrderSyncInput = { storefrontOrderId, trigger: 'encrypted-histories test' };
      return h.env.client.workflow.start('NewOrderSyncWorkflow', { workflowId: newOrderSyncWorkflowId(storefrontOrderId), taskQueue: h.config.temporal.taskQueue, args: [input] });
    };
    const sync = await start(sold.id);
    // An opted-out storefront order: its first step's activity fails with a message, and the sync falls out.
    const refused = await checkout(h, { ...seatsCart(`CART-CRYPT-OPTOUT-${RUN}`, `CRYPT-OPTOUT-${RUN}`), syncToCPQ: false });
    optedOut = newOrderSyncWorkflowId(refused.id);
    await start(refused.id);
    // A workflow failing with customer data in its message (the failure converter encodes it).
    await h.startWorker({ taskQueue: `encrypted-histories-${RUN}`, workflowsPath: require.resolve('./encrypted-histories/workflows') });
    failed = `fails-quoting-${RUN}`;
    const failing = await h.env.client.workflow.start('failsQuotingCustomerData', { workflowId: failed, taskQueue: `encrypted-histories-${RUN}`, args: [SECRETS.quotedInFailure] });
    await assert.rejects(failing.result(), (error: Error) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.equal(error.cause?.message, `the carrier refused the address ${SECRETS.quotedInFailure}`, "Ordo's client decodes the failure");
      return true;
    });
    assert.equal(((await sync.result()) as SyncView).state, 'completed');
    await Promise.all([h.client.waitForCompletion(orderId), h.client.waitForCompletion(sold.id)]);
  });

  after(async () => {
    await h?.env.client.workflow.getHandle(optedOut).terminate('encrypted-histories test done').catch(() => undefined);
  });

  it("Ordo's client reads the orders and the opted-out sync's fallout (it holds the key)", async () => {
    const summary = await h.client.getSummary(orderId);
    assert.equal(summary.state, 'completed');
    assert.equal((await h.client.getSummary(sold.id)).state, 'completed');
    const view = await eventually('the opted-out sync to fall out', async () => {
      const current = await h.env.client.workflow.getHandle(optedOut).query(syncQuery);
      return current.state === 'fallout' ? current : undefined;
    });
    assert.match(view.fallout?.errorMessage ?? '', /is not marked syncToCPQ/);
  });

  it('leaves no name, address, email, token or failure message in clear in any history of the namespace', async () => {
    const histories = await rawHistories(h);
    assert.ok(histories.size >= 5, `read ${histories.size} histories`);
    const ours = [...histories].filter(([id]) => id.includes(orderId) || id.includes(sold.id) || id.startsWith(optedOut) || id.startsWith(failed));
    assert.ok(ours.length >= 4, `the orders' and syncs' own histories are among them: ${[...histories.keys()].join(', ')}`);
    const found = [...histories].flatMap(([id, bytes]) =>
      Object.entries(SECRETS).filter(([, secret]) => bytes.includes(secret) || bytes.includes(Buffer.from(secret).toString('base64'))).map(([what]) => `${what} in ${id}`),
    );
    assert.deepEqual(found, []);
    for (const [id, bytes] of ours) assert.ok(bytes.includes(ENCRYPTED_ENCODING), `${id} holds encrypted payloads`);
  });
});
