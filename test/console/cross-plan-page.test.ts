import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { OrdoOperator } from '../../client/operator';
import type { OrdoClient } from '../../client/ordo-client';
import { browserMissing, getBrowser, getConsole, signedInPage, type ConsoleHarness } from './harness';
import { routerKitOrder } from '../fixtures/cross-plan-order';

/**
 * A cross-plan dependency on the order page, on the real stack in Chromium (catalog cross-plan-catalog.yaml, its own
 * lane): the provisioning split's licence activation waits for its router's shipment in the warehouse split. The
 * waiting split draws that step as a stub in a lane named after the warehouse split, with a dashed edge to the step
 * that waits; the stub takes the shipment's colour as it moves on (the licence waits until it is Completed), and a
 * click on it opens the shipment's detail.
 */

const CATALOG = path.resolve(__dirname, '../fixtures/cross-plan.yaml');
const QUEUE = 'ordo-console-cross-plan';
const WAREHOUSE = 'FO-WH-EAST-DG-1';
const SHIP = 'router-delivery.ship[SHIP-ROUTER:R1]';
const PACK = 'router-delivery.pack[SHIP-ROUTER:R1]';
const ACTIVATE = 'firewall-activation.activate[ACTIVATE-FIREWALL:L1]';

describe('console: the order page shows dependencies across plans', function () {
  this.timeout(180_000);
  let cons: ConsoleHarness;
  let lane: OrdoClient;
  const opened: BrowserContext[] = [];

  before(async function () {
    this.timeout(600_000);
    cons = await getConsole();
    lane = await cons.stack.startLane({ taskQueue: QUEUE, catalogFiles: [CATALOG], config: { queues: { 'warehouse-desk': { members: ['wendy'], assignment: 'none' } } } });
  });
  after(async () => {
    for (const context of opened) await context.close();
  });

  it("draws the warehouse split's shipment as a stub in the provisioning split, coloured as it runs, and goes to it on a click", async function () {
    if (!(await getBrowser())) {
      console.log(`      ${browserMissing}`);
      return this.skip();
    }
    const order = routerKitOrder(`CONSOLE-XPLAN-${process.pid}`);
    await lane.startOrder(order);
    const { page, context } = await signedInPage(cons.url, 'visitor');
    opened.push(context);
    await page.goto(`/#/orders/${order.id}`);

    const provisioning = '[data-testid="split-FO-provisioning"]';
    const stub = `${provisioning} g[data-testid="step-${WAREHOUSE}/${SHIP}"][data-stub="true"]`;
    // The router waits to be packed: the shipment the licence waits for is Pending, and so is its stub.
    await page.waitForSelector(`[data-testid="split-${WAREHOUSE}"] g[data-testid="step-${PACK}"][data-state="InProgress"]`, { state: 'attached', timeout: 30_000 });
    await page.waitForSelector(`${stub}[data-state="Pending"]`, { state: 'attached' });
    assert.equal(await page.getAttribute(`${provisioning} g[data-testid="step-${ACTIVATE}"]`, 'data-state'), 'Pending', 'the licence waits with it');
    assert.match((await page.textContent(`${provisioning} .lane-workspace`)) ?? '', new RegExp(`↤ ${WAREHOUSE}`), 'the stub lane is named after the other split');
    const edge = await page.getAttribute(`${provisioning} [data-testid="cross-plan-edges"]`, 'd');
    assert.match(edge ?? '', /^M[\d.]+,[\d.]+ C/, 'a dashed edge runs from the stub to the step that waits');
    assert.match((await page.textContent('[data-testid="swimlane-legend"]')) ?? '', /waits for a step of another split/);
    assert.equal(await page.locator(`[data-testid="split-${WAREHOUSE}"] [data-stub]`).count(), 0, 'the warehouse split waits for nothing');
    // The other side: the shipment's box says a split waits for it.
    const shipment = `[data-testid="split-${WAREHOUSE}"] g[data-testid="step-${SHIP}"]`;
    assert.equal(await page.locator(`${shipment} [data-testid="awaited-marker"]`).count(), 1);
    assert.match((await page.textContent(`${shipment} > title`)) ?? '', /FO-provisioning waits for it/);

    // Packed, the router ships: the stub turns Completed with it, and the licence is activated.
    await new OrdoOperator(lane).completeTask(order.id, PACK, 'wendy');
    await page.waitForSelector(`${stub}[data-state="Completed"]`, { state: 'attached', timeout: 30_000 });
    await page.waitForSelector(`${provisioning} g[data-testid="step-${ACTIVATE}"][data-state="Completed"]`, { state: 'attached', timeout: 30_000 });

    // A click on the stub opens the shipment in the warehouse split.
    await page.click(stub);
    await page.waitForSelector('[data-testid="step-detail"]');
    assert.equal((await page.textContent('[data-testid="step-detail"] h3'))?.replace(/\s+/g, ' ').trim(), `${WAREHOUSE} / ${SHIP}`);
    assert.equal(await page.textContent('[data-testid="step-detail-state"]'), 'Completed');
    await page.waitForSelector(`[data-testid="split-${WAREHOUSE}"] g[data-testid="step-${SHIP}"].selected`, { state: 'attached' });
    // With ORDO_SCREENSHOTS=<folder>, the page as the test saw it (docs/console.md "Screenshots").
    if (process.env.ORDO_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.ORDO_SCREENSHOTS, 'console-order-cross-plan.png'), fullPage: true });
  });
});
