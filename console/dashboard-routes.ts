import { OrdoError } from '../client/errors';
import { loadCatalogFiles } from '../config/catalog-files';
import type { Catalog } from '../domain/catalog';
import type { ConsoleApp, ConsoleContext } from './context';
import { catalogDefinitions, catalogPlans, cycleTimeSeries, falloutVolume, heatmap, orderCycle, slaAdherence, throughputSeries, windowSpan, type OrderCycle } from './dashboard-figures';
import { MAX_WORKFLOWS_READ, readDashboard } from './dashboard-sources';
import { requireUser } from './http';
import { DASHBOARD_WINDOWS, type DashboardFigures, type DashboardWindow } from './page/dashboard-types';

/**
 * The dashboards' API (docs/console.md "Dashboards"): GET /api/dashboard?window=1h|24h|7d answers every figure,
 * read from Temporal visibility, closed workflows' results and running splits' plans. Figures are kept for a few
 * seconds per window, so several open dashboards (each refreshing) share one set of reads.
 */

/** How long one reading serves every dashboard that asks. */
export const FIGURES_FRESH_MS = 5000;

export function dashboardRoutes(app: ConsoleApp, context: ConsoleContext): void {
  const cache = new Map<DashboardWindow, { at: number; figures: Promise<DashboardFigures> }>();
  let catalog: Catalog | undefined;
  const catalogOf = () => (catalog ??= context.client.catalog ?? loadCatalogFiles(context.config.catalogFiles));

  app.get('/api/dashboard', async (c) => {
    requireUser(c);
    const window = windowOf(c.req.query('window'));
    const now = Date.now();
    let entry = cache.get(window);
    if (!entry || now - entry.at > FIGURES_FRESH_MS) {
      entry = { at: now, figures: dashboardFigures(context, catalogOf(), window, now) };
      cache.set(window, entry);
      // A failed reading is not kept: the next request tries again.
      const failed = entry;
      entry.figures.catch(() => cache.get(window) === failed && cache.delete(window));
    }
    return c.json(await entry.figures);
  });
}

function windowOf(value: string | undefined): DashboardWindow {
  if (value === undefined || value === '') return '24h';
  if ((DASHBOARD_WINDOWS as readonly string[]).includes(value)) return value as DashboardWindow;
  throw new OrdoError('invalid', `window ${JSON.stringify(value)} is not one the dashboards show: use ${DASHBOARD_WINDOWS.join(', ')}`);
}

/** Reads Temporal once and computes every figure (console/dashboard-figures.ts). */
export async function dashboardFigures(context: Pick<ConsoleContext, 'client'>, catalog: Catalog, window: DashboardWindow, nowMs: number): Promise<DashboardFigures> {
  const span = windowSpan(window, nowMs);
  const reading = await readDashboard(context.client.temporal, span.sinceMs);
  const definitions = catalogDefinitions(catalog);
  const cycles = reading.completedOrders.map((order) => order.summary && orderCycle(order.summary, order.startTimeMs)).filter((cycle): cycle is OrderCycle => !!cycle);
  const cycleTime = cycleTimeSeries(cycles, span);
  // Each split once: a split read as running is left out of the closed ones (it may have closed between the reads).
  const running = new Set(reading.runningSplits.map((plan) => `${plan.orderId}/${plan.fulfillmentOrderId}`));
  const splits = [...reading.runningSplits, ...reading.closedSplits.filter((plan) => !running.has(`${plan.orderId}/${plan.fulfillmentOrderId}`))];
  return {
    window,
    since: new Date(span.sinceMs).toISOString(),
    asOf: new Date(nowMs).toISOString(),
    throughputBucketMs: span.throughputBucketMs,
    cycleBucketMs: span.cycleBucketMs,
    ordersByState: reading.ordersByState,
    ordersByChannel: reading.ordersByChannel,
    throughput: throughputSeries(reading.completedOrders.map((order) => order.closeTimeMs), span),
    cycleTime: cycleTime.series,
    cycleTimeOverall: cycleTime.overall,
    slaAdherence: slaAdherence(splits, span, definitions),
    fallout: falloutVolume(splits, span, definitions),
    heatmap: heatmap(catalogPlans(catalog), reading.runningSplits),
    reads: {
      maxWorkflows: MAX_WORKFLOWS_READ,
      completedOrders: { listed: reading.completedOrdersListed, read: reading.completedOrdersRead, truncated: reading.completedOrdersTruncated },
      closedSplits: { read: reading.closedSplits.length, truncated: reading.closedSplitsTruncated },
      runningSplits: { read: reading.runningSplits.length, truncated: reading.runningSplitsTruncated },
      unreadable: reading.unreadable,
    },
  };
}
