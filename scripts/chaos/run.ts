import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OrdoError } from '../../client/errors';
import { OrdoClient } from '../../client/ordo-client';
import { loadCatalogFiles } from '../../config/catalog-files';
import type { LoadedConfig } from '../../config/load';
import { simulatorsUrl } from '../stack';
import { checkChaosRun, type BillingDocument, type ChaosFigures } from './checks';
import { FaultControl, faultsFelt, LOST_ANSWER, type FaultEvent, type FaultsFelt } from './faults';
import { inBatches, settle } from './observe';
import { chaosOrders, type ChaosOrder } from './orders';
import { isolatedEnvironment, writePrivateConfig } from './private-stack';
import { ChaosStack, type Kill } from './processes';
import { mulberry32 } from '../seeded-random';

/**
 * One chaos run (docs/security.md "Chaos in the suite"): a private stack, orders submitted in three waves, and while
 * they run two worker SIGKILLs and one dev-server SIGKILL (each part brought back), an inventory outage, slow
 * shipping and lost billing answers; then, with nothing resolved by hand, where every order ended and what billing holds.
 */

export interface ChaosOptions {
  orders: number;
  /** Seeds the pauses between the faults (so the kill times of a run can be had again). */
  seed: number;
  /** How long inventory answers 503 `outage`. */
  outageMs: number;
  /** Shipping's latency (plus up to as much again at random). */
  slowMs: number;
  /** How long to wait, after the last kill, for every order to complete or fall out. */
  settleTimeoutMs: number;
  /** The worker's sticky cache size; the checkout's temporal-config.yaml's when absent. */
  maxCachedWorkflows?: number;
  /** Keep the scratch folder (logs, databases) even when every check passed. */
  keep?: boolean;
  log: (line: string) => void;
  /**
   * Handed the private stack's teardown before anything starts: a caller that may give up on the run (a test's
   * timeout) calls it from its own cleanup, so no process outlives the caller. Safe to call twice.
   */
  onTeardown?: (teardown: () => Promise<void>) => void;
}

export interface ChaosReport extends ChaosFigures {
  seed: number;
  startedAt: string;
  elapsedMs: number;
  /** From the first order submitted to the last one settled. */
  ordersElapsedMs: number;
  kills: Kill[];
  faults: FaultEvent[];
  faultsFelt: FaultsFelt;
  /** The scratch folder: removed after a run whose checks all passed unless `keep`. */
  dataDir: string;
  examples: Record<string, number>;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-chaos-'));
  const config = await writePrivateConfig({ dir, maxCachedWorkflows: options.maxCachedWorkflows });
  const catalog = loadCatalogFiles(config.catalogFiles);
  const stack = new ChaosStack(config, isolatedEnvironment(), log);
  options.onTeardown?.(() => stack.down());
  const startedAt = new Date();
  const random = mulberry32(options.seed);
  const pause = (fromMs: number, toMs: number) => new Promise((resolve) => setTimeout(resolve, fromMs + random() * (toMs - fromMs)));
  let client: OrdoClient | undefined;
  let report: ChaosReport | undefined;
  try {
    log(`private stack in ${dir}`);
    await stack.up();
    const faults = new FaultControl(simulatorsUrl(config), startedAt.getTime(), log);
    const orders = chaosOrders(options.orders, options.seed.toString(36).toUpperCase(), config, catalog);
    const waves = [0, 1, 2].map((wave) => orders.filter((_, index) => index % 3 === wave));
    client = await OrdoClient.connect(config, catalog);

    // Slow shipping and lost billing answers to the end: the first three invoice calls and then three in ten are
    // received and their answer never arrives, and each retry must find the first invoice (Idempotency-Key) rather
    // than make a second. (Not more: an invoice's retries back off to a minute apart, and the run would wait on them.)
    // Inventory is down as the first orders start (a reservation is a laptop order's first call), and for a while after.
    await faults.set('shipping', { latencyMs: options.slowMs, latencyJitterMs: options.slowMs });
    await faults.set('billing', { operation: 'invoices', failNext: 3, errorRate: 0.3, failAfterWork: true, errorStatus: 502, errorCode: LOST_ANSWER });
    await faults.set('inventory', { outageMs: options.outageMs });
    const ordersStarted = Date.now();
    await submit(client, waves[0], log);
    await pause(2000, 5000);
    await stack.killAndRestart('worker', await ordersRunning(client));
    await submit(client, waves[1], log);
    await pause(2000, 5000);
    const runningBeforeServerKill = await ordersRunning(client);
    await client.close().catch(() => undefined);
    await stack.killAndRestart('temporal', runningBeforeServerKill);
    client = await OrdoClient.connect(config, catalog);
    await submit(client, waves[2], log);
    await pause(2000, 5000);
    await stack.killAndRestart('worker', await ordersRunning(client));

    log(`every order submitted and every kill done; waiting up to ${Math.round(options.settleTimeoutMs / 1000)}s for each to complete or fall out`);
    const outcomes = await settle(client, orders.map((o) => o.order.id), { timeoutMs: options.settleTimeoutMs, log });
    const ordersElapsedMs = Date.now() - ordersStarted;
    const documents = await billingDocuments(config);
    const figures = checkChaosRun(
      orders.map(({ order, example, expectedTotal }) => ({ orderId: order.id, example, currency: order.currency, expectedTotal })),
      outcomes,
      documents,
    );
    report = {
      ...figures,
      seed: options.seed,
      startedAt: startedAt.toISOString(),
      elapsedMs: Date.now() - startedAt.getTime(),
      ordersElapsedMs,
      kills: stack.kills,
      faults: faults.events,
      faultsFelt: await faultsFelt((system) => config.systems[system].url),
      dataDir: dir,
      examples: countBy(orders, (o) => o.example),
    };
    return report;
  } finally {
    await client?.close().catch(() => undefined);
    await stack.down();
    if (report?.ok && !options.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir} (logs under data/logs)`);
  }
}

/**
 * Submits the orders, each until Temporal accepts it: a submission that met the server down is sent again, and one
 * already accepted (`already-exists`) counts as submitted, so a retried submission is never two orders.
 */
async function submit(client: OrdoClient, orders: readonly ChaosOrder[], log: (line: string) => void): Promise<void> {
  await inBatches(orders, 10, async ({ order }) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await client.startOrder(order);
        return;
      } catch (error) {
        if (error instanceof OrdoError && error.code === 'already-exists') return;
        if (Date.now() > deadline) throw new Error(`order ${order.id} could not be submitted for 60s: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  });
  log(`submitted ${orders.length} orders`);
}

/** Orders still running, as Temporal's visibility counts them (the run's server has no other orders). */
async function ordersRunning(client: OrdoClient): Promise<number | undefined> {
  try {
    return (await client.temporal.workflow.count('WorkflowType = "OrderWorkflow" AND ExecutionStatus = "Running"')).count;
  } catch {
    return undefined; // a figure for the report, not worth failing a run over
  }
}

/** Every document the billing system holds (its own list, not Ordo's summaries). */
async function billingDocuments(config: LoadedConfig): Promise<BillingDocument[]> {
  const response = await fetch(`${config.systems.billing.url}/invoices`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`billing answered ${response.status} to GET /billing/invoices`);
  return ((await response.json()) as { invoices: BillingDocument[] }).invoices;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
