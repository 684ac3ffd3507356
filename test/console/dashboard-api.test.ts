import assert from 'node:assert/strict';
import { dashboardFigures } from '../../console/dashboard-routes';
import type { DashboardFigures } from '../../console/page/dashboard-types';
import { eventually } from '../e2e/eventually';
import { getHarness } from '../e2e/harness';
import { getConsole, READ_ONLY_USER, TEST_PASSWORD } from './harness';
import { FALLEN_STEP, FALLOUT_CODE, OWN_ORDERS, runOwnOrders } from './dashboard-orders';

/**
 * The dashboards' figures on the real stack: after this test's own laptop orders complete, the figures count them
 * (other tests' orders are on the stack too: "at least"). Read straight (dashboardFigures) and through the API.
 */
describe('dashboards: figures from Temporal', function () {
  this.timeout(180_000);

  before(async () => {
    await runOwnOrders(await getHarness());
  });

  /** The figures once visibility has caught up with this test's completed orders. */
  async function figuresCounting(read: () => Promise<DashboardFigures>): Promise<DashboardFigures> {
    return eventually(`figures counting ${OWN_ORDERS} completed orders`, async () => {
      const figures = await read();
      const completed = figures.ordersByState.find((row) => row.key === 'completed')?.count ?? 0;
      const throughput = figures.throughput.reduce((n, bucket) => n + bucket.completed, 0);
      return completed >= OWN_ORDERS && throughput >= OWN_ORDERS && figures.cycleTimeOverall.orders >= OWN_ORDERS ? figures : undefined;
    });
  }

  it('counts the orders just run: by state and channel, throughput, cycle time, SLA, heatmap plans', async () => {
    const stack = await getHarness();
    const figures = await figuresCounting(() => dashboardFigures({ client: stack.client }, stack.catalog, '24h', Date.now()));
    assert.ok((figures.ordersByChannel.find((row) => row.key === 'cpq')?.count ?? 0) >= OWN_ORDERS, JSON.stringify(figures.ordersByChannel));
    assert.equal(figures.throughput.length, 25, 'hourly buckets over 24 h');
    const lastHours = figures.throughput.slice(-2).reduce((n, bucket) => n + bucket.completed, 0);
    assert.ok(lastHours >= OWN_ORDERS, 'the orders just completed are in the last two hours');
    assert.ok(figures.cycleTimeOverall.p50Ms! > 0 && figures.cycleTimeOverall.p95Ms! >= figures.cycleTimeOverall.p50Ms!, JSON.stringify(figures.cycleTimeOverall));
    assert.ok(figures.cycleTime.some((bucket) => bucket.orders > 0 && bucket.p50Ms !== undefined));
    const adhered = figures.slaAdherence.byDefinition.find((row) => row.key === 'device-delivery.reserve');
    assert.ok(adhered && adhered.finished + adhered.withoutSla >= OWN_ORDERS, `laptop splits' reserve steps counted: ${JSON.stringify(figures.slaAdherence.byDefinition)}`);
    // The held order: its fallout counted by system and code, and on the heatmap, waiting at the fallen step.
    assert.ok((figures.fallout.byCode.find((row) => row.key === FALLOUT_CODE)?.count ?? 0) >= 1, JSON.stringify(figures.fallout));
    assert.ok((figures.fallout.bySystem.find((row) => row.key === 'warranty')?.count ?? 0) >= 1, JSON.stringify(figures.fallout));
    assert.ok((figures.ordersByState.find((row) => row.key === 'held')?.count ?? 0) >= 1, JSON.stringify(figures.ordersByState));
    const laptop = figures.heatmap.find((plan) => plan.product === 'LAPTOP-BUNDLE');
    const fallen = laptop?.steps.find((step) => step.id === FALLEN_STEP);
    assert.ok(fallen && fallen.waiting >= 1 && fallen.fallout >= 1, JSON.stringify(fallen));
    assert.ok(laptop!.orders >= 1);
    assert.equal(figures.reads.maxWorkflows, 300);
  });

  it('answers GET /api/dashboard to a signed-in user, refuses a bad window and a signed-out caller', async () => {
    const { url } = await getConsole();
    const signIn = await fetch(`${url}/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: READ_ONLY_USER, password: TEST_PASSWORD }) });
    assert.equal(signIn.status, 200, await signIn.clone().text());
    const cookie = (signIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    const get = (query: string, headers: Record<string, string> = { cookie }) => fetch(`${url}/api/dashboard${query}`, { headers });

    const figures = await figuresCounting(async () => {
      const answer = await get('?window=24h');
      assert.equal(answer.status, 200);
      return (await answer.json()) as DashboardFigures;
    });
    assert.equal(figures.window, '24h');
    // Kept a few seconds: two dashboards asking at once (the first reading of this window) share one reading.
    const [hour, hourToo] = await Promise.all([get('?window=1h'), get('?window=1h')].map(async (answer) => (await (await answer).json()) as DashboardFigures));
    assert.equal(hourToo.asOf, hour.asOf);
    assert.equal(hour.throughputBucketMs, 5 * 60_000);
    assert.ok(hour.throughput.reduce((n, bucket) => n + bucket.completed, 0) >= OWN_ORDERS, 'the orders just run are in the last hour');

    const week = (await (await get('?window=7d')).json()) as DashboardFigures;
    assert.equal(week.window, '7d');
    assert.equal(week.cycleTime.length, 8, 'daily cycle-time buckets over 7 days');

    const bad = await get('?window=1y');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /use 1h, 24h, 7d/);
    assert.equal((await get('?window=24h', {})).status, 401);
  });
});
