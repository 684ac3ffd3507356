import assert from 'node:assert/strict';
import { getHarness } from '../e2e/harness';
import { browserMissing, getBrowser, getConsole, READ_ONLY_USER, signedInPage } from './harness';
import { FALLEN_STEP, OWN_ORDERS, runOwnOrders } from './dashboard-orders';

/**
 * The dashboards page in headless Chromium on the real stack: after this test's own orders complete, every chart
 * is drawn (a canvas each) and the counts include the orders just run. Read-only users see dashboards too.
 */
describe('dashboards page (browser)', function () {
  this.timeout(180_000);

  const CHARTS = ['orders-by-state', 'orders-by-channel', 'throughput', 'cycle-time', 'sla-by-queue', 'sla-by-definition', 'fallout-by-system', 'fallout-by-code'];

  before(async function () {
    if (!(await getBrowser())) {
      console.log(`    skipped: ${browserMissing}`);
      this.skip();
    }
    await runOwnOrders(await getHarness());
  });

  it('draws every chart and counts the orders just run', async function () {
    const { url } = await getConsole();
    const { page, context } = await signedInPage(url, READ_ONLY_USER);
    try {
      await page.goto('/#/dashboards');
      await page.getByTestId('dashboards').waitFor();
      for (const name of CHARTS) await page.locator(`[data-testid="chart-${name}"] canvas`).waitFor({ state: 'attached' });
      await page.getByTestId('chart-heatmap').waitFor();

      // The page refreshes on its own; visibility may lag a completion by a moment.
      const completed = async () => Number(await page.getByTestId('dashboard-completed-count').textContent());
      const deadline = Date.now() + 30_000;
      while ((await completed()) < OWN_ORDERS && Date.now() < deadline) await page.waitForTimeout(250);
      assert.ok((await completed()) >= OWN_ORDERS, `completed in 24h shows at least ${OWN_ORDERS}, not ${await completed()}`);
      assert.ok(Number(await page.getByTestId('dashboard-orders-total').textContent()) >= OWN_ORDERS);
      assert.notEqual((await page.getByTestId('dashboard-cycle-overall').textContent())?.trim(), '–', 'a cycle time is shown');

      // Another window reads again and draws the same charts.
      await page.getByTestId('dashboard-window-7d').click();
      await page.locator('[data-testid="dashboard-window-7d"].active').waitFor();
      await page.locator('.dashboard-totals dt', { hasText: 'Completed in 7d' }).waitFor();
      assert.ok((await completed()) >= OWN_ORDERS);
      assert.equal(await page.locator('[data-testid^="chart-"] canvas').count(), CHARTS.length);
      assert.equal(await page.locator('.refusal').count(), 0, 'no refusal shown');
      // The held order on the heatmap (the busiest plan is shown first; the laptop plan has this test's held order).
      await page.getByTestId('heatmap-plan').selectOption('LAPTOP-BUNDLE');
      await page.getByTestId(`heat-${FALLEN_STEP}`).waitFor();
      assert.ok(Number(await page.getByTestId('heatmap-orders').textContent()) >= 1);
    } finally {
      await context.close();
    }
  });
});
