import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createConsoleContext } from '../../console/console-context';
import type { OrderView } from '../../console/page/order-types';
import { startConsole } from '../../console/server';
import type { OrdoClient } from '../../client/ordo-client';
import type { LoadedConfig } from '../../config/load';
import type { Order } from '../../domain/order';
import { orderWorkflowId } from '../../workflows/ids';
import { approveOrderUpdate } from '../../workflows/messages';
import { atEndOfRun } from '../hooks';
import { eventually } from '../e2e/eventually';
import { browserMissing, getBrowser, getConsole, signedInPage, type ConsoleHarness } from './harness';

/**
 * Approvals on the order page (docs/console.md "Approvals"), on the real stack in Chromium: an order whose product
 * asks for an approval by ops-leads (grace) waits pending; the page shows who may approve and the items that ask;
 * grace approves in the page and the order runs to completed, or refuses with a reason and it ends rejected with
 * it. Alice (in other queues) and visitor (in none) get no buttons and 403 from the API. In signed mode the console
 * signs grace's approval with her key, and the order verifies it. Catalog: test/fixtures/approvals.yaml.
 */
const CATALOG = path.resolve(__dirname, '../fixtures/approvals.yaml');
const RUN = `CONSOLE-APPROVE-${process.pid}`;
let serial = 0;

function skip(test: Mocha.Context): void {
  console.log(`      ${browserMissing}`);
  test.skip();
}

const orderOf = (): Order => ({
  id: `${RUN}-${++serial}`,
  accountId: 'TEST',
  channel: 'cpq',
  currency: 'USD',
  items: [
    { id: 'OI-1', product: 'CREDIT-KIT', quantity: 1, unitPrice: '100.00' },
    { id: 'OI-2', product: 'ADDON', quantity: 1, unitPrice: '10.00' },
  ],
});

describe('console: approving a pending order', function () {
  this.timeout(180_000);
  let cons: ConsoleHarness;
  let lane: OrdoClient;
  const opened: BrowserContext[] = [];

  before(async function () {
    this.timeout(600_000);
    cons = await getConsole();
    lane = await cons.stack.startLane({ taskQueue: 'ordo-console-approvals', catalogFiles: [CATALOG] });
  });
  after(async () => {
    for (const context of opened) await context.close();
  });

  async function open(name: string, url = cons.url): Promise<{ page: Page; context: BrowserContext }> {
    const signedIn = await signedInPage(url, name);
    opened.push(signedIn.context);
    return signedIn;
  }

  async function pendingOnPage(page: Page, order: Order): Promise<void> {
    await page.goto(`/#/orders/${order.id}`);
    await page.waitForSelector('[data-testid="order-state"]:text-is("pending")', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="approval"][data-state="waiting"]');
    assert.equal(await page.textContent('[data-testid="approval-who"]'), 'ops-leads (grace)');
    assert.equal(await page.textContent('[data-testid="approval-items"]'), 'OI-1');
  }

  it('shows who may approve; grace approves in the page and the order runs to completed; others get no buttons and 403', async function () {
    if (!(await getBrowser())) return skip(this);
    const order = orderOf();
    await lane.startOrder(order);

    // Alice may act (she is in other queues) but not approve this order.
    const alice = await open('alice');
    await pendingOnPage(alice.page, order);
    await alice.page.waitForSelector('[data-testid="approval-not-yours"]');
    assert.equal(await alice.page.locator('[data-testid="approval-approve"]').count(), 0);
    const byAlice = await alice.context.request.post(`/api/orders/${order.id}/approval`, { data: { approved: true } });
    assert.equal(byAlice.status(), 403);
    assert.match(((await byAlice.json()) as { error: string }).error, /alice may not approve order .*: not a member of ops-leads \(grace\)/);
    const visitor = await open('visitor');
    const byVisitor = await visitor.context.request.post(`/api/orders/${order.id}/approval`, { data: { approved: true } });
    assert.equal(byVisitor.status(), 403);

    const grace = await open('grace');
    await pendingOnPage(grace.page, order);
    await grace.page.evaluate(() => Object.assign(globalThis, { ordoSamePage: true }));
    await grace.page.fill('[data-testid="approval-reason"]', 'credit checked');
    await grace.page.click('[data-testid="approval-approve"]');
    await grace.page.waitForSelector('[data-testid="approval-taken"]:has-text("Approved by grace")');
    await grace.page.waitForSelector('[data-testid="approval"][data-state="approved"]');
    assert.match((await grace.page.textContent('[data-testid="approval-outcome"]')) ?? '', /Approved by grace.*: credit checked/);
    await grace.page.waitForSelector('[data-testid="order-state"]:text-is("completed")', { timeout: 60_000 });
    assert.equal(await grace.page.evaluate(() => (globalThis as unknown as { ordoSamePage?: boolean }).ordoSamePage), true, 'the page was not reloaded');

    const summary = await lane.getSummary(order.id);
    assert.deepEqual(summary.stateLog?.map((entry) => entry.state), ['acknowledged', 'pending', 'inProgress', 'completed']);
    assert.equal(summary.approval?.actor, 'grace');
    // Approved once: a second approval is refused by the order (409), as the CLI's would be.
    const again = await grace.context.request.post(`/api/orders/${order.id}/approval`, { data: { approved: true } });
    assert.equal(again.status(), 409);
  });

  it('grace refuses with a reason in the page: the order ends rejected with it; a refusal without a reason is not sent', async function () {
    if (!(await getBrowser())) return skip(this);
    const order = orderOf();
    await lane.startOrder(order);
    const grace = await open('grace');
    await pendingOnPage(grace.page, order);
    await grace.page.click('[data-testid="approval-refuse"]');
    await grace.page.waitForSelector('[data-testid="approval-refusal"]:has-text("say why the order is refused")');
    const noReason = await grace.context.request.post(`/api/orders/${order.id}/approval`, { data: { approved: false } });
    assert.equal(noReason.status(), 400);
    assert.equal((await lane.getSummary(order.id)).state, 'pending');

    await grace.page.fill('[data-testid="approval-reason"]', 'credit check failed');
    await grace.page.click('[data-testid="approval-refuse"]');
    await grace.page.waitForSelector('[data-testid="order-state"]:text-is("rejected")', { timeout: 30_000 });
    await grace.page.waitForSelector('[data-testid="approval"][data-state="refused"]');
    assert.equal(await grace.page.textContent('.order-reason'), 'approval refused by grace: credit check failed');
    const view = (await (await grace.context.request.get(`/api/orders/${order.id}`)).json()) as OrderView;
    assert.deepEqual({ state: view.state, approval: { ...view.approval, at: undefined } }, {
      state: 'rejected',
      approval: { queues: ['ops-leads'], members: { 'ops-leads': ['grace'] }, itemIds: ['OI-1'], state: 'refused', actor: 'grace', reason: 'credit check failed', at: undefined },
    });
  });

  it('in signed mode signs the approval with the signed-in member’s key, which the order verifies', async function () {
    if (!(await getBrowser())) return skip(this);
    const signed = { ...cons.stack.config.operators, authentication: 'signed' as const };
    const signedLane = await cons.stack.startLane({ taskQueue: 'ordo-console-approvals-signed', catalogFiles: [CATALOG], config: { operators: signed } });
    const config: LoadedConfig = { ...cons.config, operators: signed };
    const server = await startConsole({ context: createConsoleContext(config, signedLane), port: 0 });
    atEndOfRun(() => server.close());

    const order = orderOf();
    await signedLane.startOrder(order);
    await eventually('the order pending', async () => ((await signedLane.getSummary(order.id)).state === 'pending' ? true : undefined));
    // Unsigned, the same approval is refused: the order believes only a signature.
    await assert.rejects(
      cons.stack.env.client.workflow.getHandle(orderWorkflowId(order.id)).executeUpdate(approveOrderUpdate, { args: [{ actor: 'grace', approved: true }] }),
      (error: Error & { cause?: Error }) => /unsigned approveOrder message/.test(error.cause?.message ?? ''),
    );
    const grace = await open('grace', server.url);
    await pendingOnPage(grace.page, order);
    await grace.page.click('[data-testid="approval-approve"]');
    await grace.page.waitForSelector('[data-testid="order-state"]:text-is("completed")', { timeout: 60_000 });
    assert.equal((await signedLane.getSummary(order.id)).approval?.actor, 'grace');
  });
});
