import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { fleetOrder } from '../../bench/large-order';
import { queuesOf } from '../../console/console-context';
import type { OrderListAnswer, OrderView } from '../../console/page/order-types';
import type { Order } from '../../domain/order';
import { exampleOrder } from '../e2e/examples';
import { eventually } from '../e2e/eventually';
import { browserMissing, getBrowser, getConsole, signedInPage, type ConsoleHarness } from './harness';

/**
 * The order page on the real stack, in Chromium: a network kit's approval task and delivery pause, moved on through
 * the client while the page is open, change their boxes' colour and the order's state without a reload; a 500-step
 * fleet split draws every box; the API answers 404 for an unknown order and filters the order list.
 */

const RUN = `CONSOLE-ORDER-${process.pid}`;
let serial = 0;
const orderId = () => `${RUN}-${++serial}`;
/** Without Chromium, say what to install, and skip. */
function skip(test: Mocha.Context): void {
  console.log(`      ${browserMissing}`);
  test.skip();
}

/** With ORDO_SCREENSHOTS=<folder>, the page as the test saw it (docs/console.md "Screenshots": `ORDO_SCREENSHOTS=docs/images`). */
async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  const folder = process.env.ORDO_SCREENSHOTS;
  if (folder) await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage });
}

const box = (stepId: string) => `g[data-testid="step-${stepId}"]`;

/** The page's state of a step, read from its box (what a person sees as its colour). */
async function waitForBoxState(page: Page, stepId: string, state: string, timeout = 30_000): Promise<void> {
  await page.waitForSelector(`${box(stepId)}[data-state="${state}"]`, { state: 'attached', timeout });
}

/** The first server-sent event of `url` (its `event:` name, `message` by default, and its data), then the stream is closed. */
async function firstEvent(url: string, cookie: string): Promise<{ event: string; data: string }> {
  const aborter = new AbortController();
  const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: aborter.signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = response.body!.getReader();
  let text = '';
  try {
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } finally {
    aborter.abort();
  }
  const lines = text.split('\n\n')[0].split('\n');
  const field = (name: string) => lines.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).trimStart());
  return { event: field('event')[0] ?? 'message', data: field('data').join('\n') };
}

describe('console: the order page', function () {
  this.timeout(180_000);
  let cons: ConsoleHarness;
  const opened: BrowserContext[] = [];

  before(async function () {
    this.timeout(600_000);
    cons = await getConsole();
  });
  after(async () => {
    for (const context of opened) await context.close();
  });

  async function open(name = 'alice'): Promise<{ page: Page; context: BrowserContext }> {
    const signedIn = await signedInPage(cons.url, name);
    opened.push(signedIn.context);
    return signedIn;
  }

  it('turns a waiting step Completed and the order completed as it runs, without a reload', async function () {
    if (!(await getBrowser())) return skip(this);
    const order: Order = { ...exampleOrder('network-kit.json'), id: orderId() };
    await cons.stack.client.startOrder(order);
    const { page } = await open();
    await page.goto(`/#/orders/${order.id}`);
    await page.evaluate(() => Object.assign(globalThis, { ordoSamePage: true }));

    // The approval is a manual task: it waits, InProgress, until an operator completes it.
    await waitForBoxState(page, 'router-delivery.approve', 'InProgress');
    assert.equal(await page.textContent('[data-testid="order-state"]'), 'inProgress');
    // Shipping the router passes the point of no return of the whole kit (the bundle OI-1 and its items).
    for (const item of ['OI-1', 'OI-2', 'OI-3']) await page.waitForSelector(`[data-testid="ponr-${item}"][data-passed="false"]`);
    await screenshot(page, 'console-order-waiting');
    const alice = cons.context.operatorFor({ name: 'alice', via: 'password', queues: queuesOf(cons.config, 'alice') });
    await alice.completeTask(order.id, 'approve', 'alice');
    await waitForBoxState(page, 'router-delivery.approve', 'Completed');

    // Shipping passes the router's point of no return; delivery is a pause step that waits for its signal.
    await waitForBoxState(page, 'router-delivery.delivered', 'InProgress');
    for (const item of ['OI-1', 'OI-2', 'OI-3']) await page.waitForSelector(`[data-testid="ponr-${item}"][data-passed="true"]`);
    await alice.resume(order.id, 'delivered', 'alice');
    await waitForBoxState(page, 'router-delivery.delivered', 'Completed');
    await page.waitForSelector('[data-testid="order-state"]:text-is("completed")', { timeout: 30_000 });

    assert.equal(await page.evaluate(() => (globalThis as unknown as { ordoSamePage?: boolean }).ordoSamePage), true, 'the page was not reloaded');
    const actions = await page.textContent('[data-testid="order-actions"]');
    assert.match(actions ?? '', /alice/, 'the timeline names who completed the task and resumed the delivery');
    await page.waitForSelector('[data-testid="order-invoices"] tbody tr');

    // A click on a box opens its detail.
    await page.click(box('router-delivery.approve'));
    assert.equal(await page.textContent('[data-testid="step-detail-state"]'), 'Completed');
    assert.match((await page.textContent('[data-testid="step-detail-completed-by"]')) ?? '', /alice/);
    await screenshot(page, 'console-order-page');
  });

  it('draws every box of a 500-step split (a fleet order of 100 sensor kits)', async function () {
    if (!(await getBrowser())) return skip(this);
    const order = fleetOrder(100, orderId());
    await cons.stack.client.startOrder(order);
    const { page, context } = await open('visitor');
    const view = await eventually('the fleet order has its plan', async () => {
      const answer = await context.request.get(`/api/orders/${order.id}`);
      const body = (await answer.json()) as OrderView;
      return body.splits?.some((split) => split.steps.length > 0) ? body : undefined;
    });
    const split = view.splits.find((s) => s.steps.length > 0)!;
    assert.equal(split.steps.length, 500);
    let started = Date.now();
    await context.request.get(`/api/orders/${order.id}`);
    console.log(`      the 500-step order's view read from Temporal in ${Date.now() - started} ms`);
    started = Date.now();
    await page.goto(`/#/orders/${order.id}`);
    await page.waitForSelector(`[data-testid="split-${split.id}"] svg`);
    await eventually('500 boxes drawn', async () => ((await page.locator(`[data-testid="split-${split.id}"] g[data-testid^="step-"]`).count()) === 500 ? true : undefined));
    await screenshot(page, 'console-order-500-steps', false);
    // Find a step by name: the page scrolls to it and opens its detail.
    await page.fill(`[data-testid="split-${split.id}"] [data-testid="find-step"]`, 'activate S050');
    await page.press(`[data-testid="split-${split.id}"] [data-testid="find-step"]`, 'Enter');
    await page.waitForSelector('[data-testid="step-detail"] h3:has-text("activate")');
    assert.match((await page.textContent('[data-testid="step-detail"] h3')) ?? '', /sensor-rollout\.activate\[.*S050\]/);
    // A lane per group too (a large split starts with a lane per workspace, a row per item).
    const lanesBefore = await page.locator(`[data-testid="split-${split.id}"] rect.lane`).count();
    await page.click(`[data-testid="split-${split.id}"] [data-testid="lanes-by-group"]`);
    await eventually('lanes per group', async () => ((await page.locator(`[data-testid="split-${split.id}"] rect.lane`).count()) > lanesBefore ? true : undefined));
    assert.equal(await page.locator(`[data-testid="split-${split.id}"] g[data-testid^="step-"]`).count(), 500);
    console.log(`      500-step split drawn in ${Date.now() - started} ms (page load, first view, layout and render)`);
  });

  it('answers 404 naming an unknown order, and filters the order list', async function () {
    if (!(await getBrowser())) return skip(this);
    const { context } = await open('visitor');
    const unknown = `${RUN}-NO-SUCH-ORDER`;
    const missing = await context.request.get(`/api/orders/${unknown}`);
    assert.equal(missing.status(), 404);
    assert.match(((await missing.json()) as { error: string }).error, new RegExp(unknown));
    const { page } = await open('visitor');
    await page.goto(`/#/orders/${unknown}`);
    await page.waitForSelector(`[data-testid="order-refusal"]:has-text("${unknown}")`);

    const saas: Order = { ...exampleOrder('saas-suite.json'), id: orderId() };
    const fleet = fleetOrder(2, orderId());
    await cons.stack.client.startOrder(saas);
    await cons.stack.client.startOrder(fleet);
    const list = async (query: string) => ((await (await context.request.get(`/api/orders?${query}`)).json()) as OrderListAnswer).orders.map((o) => o.orderId);
    await eventually('both orders are visible', async () => ((await list(`q=${RUN}`)).includes(String(fleet.id)) && (await list(`q=${RUN}`)).includes(saas.id) ? true : undefined));
    const mine = await list(`q=${RUN}`);
    assert.ok(mine.every((id) => id.startsWith(RUN)), 'q finds orders by the start of their id');
    assert.ok(mine.indexOf(String(fleet.id)) < mine.indexOf(saas.id), 'newest first');
    const byChannel = await list(`q=${RUN}&channel=b2b`);
    assert.ok(byChannel.includes(String(fleet.id)) && !byChannel.includes(saas.id), 'channel filters');
    const byAccount = await list(`q=${RUN}&account=GLOBEX`);
    assert.ok(byAccount.includes(saas.id) && !byAccount.includes(String(fleet.id)), 'account filters');
    await eventually('the fleet order completes', async () => ((await list(`q=${fleet.id}&state=completed`)).includes(String(fleet.id)) ? true : undefined), 60_000);
    assert.deepEqual(await list(`q=${fleet.id}&state=held`), [], 'state filters');

    // The list on the page: filter by the start of the id, follow a row to the order.
    await page.goto('/#/orders');
    await page.fill('[data-testid="filter-q"]', RUN);
    await page.selectOption('[data-testid="filter-state"]', 'completed');
    await page.click('[data-testid="filter-apply"]');
    await page.click(`[data-testid="order-row-${fleet.id}"] a`);
    await page.waitForSelector(`[data-testid="order-id"]:text-is("${fleet.id}")`);

    const badState = await context.request.get('/api/orders?state=running');
    assert.equal(badState.status(), 400);
    const refusal = (await badState.json()) as { error: string; problems: Array<{ path: string }> };
    assert.match(refusal.error, /state "running" is not an order state; use one of acknowledged/);
    assert.equal(refusal.problems[0].path, 'state');

    // The live view as server-sent events: the view, or a refusal naming the unknown order.
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const live = await firstEvent(`${cons.url}/api/orders/${fleet.id}/live`, cookie);
    assert.equal(live.event, 'message');
    const liveView = JSON.parse(live.data) as OrderView;
    assert.equal(liveView.state, 'completed');
    assert.equal(liveView.final, true);
    const refused = await firstEvent(`${cons.url}/api/orders/${unknown}/live`, cookie);
    assert.equal(refused.event, 'refusal');
    assert.deepEqual(Object.keys(JSON.parse(refused.data)).sort(), ['code', 'error']);
    assert.equal(JSON.parse(refused.data).code, 'not-found');

    const signedOut = await fetch(`${cons.url}/api/orders`);
    assert.equal(signedOut.status, 401);
    assert.equal((await fetch(`${cons.url}/api/orders/${fleet.id}/live`)).status, 401);
  });
});
