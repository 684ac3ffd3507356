import fs from 'node:fs';
import { mountAdmin } from './admin';
import { BILLING_OPERATIONS, mountBilling } from './billing';
import { CPQ_OPERATIONS, mountCpq } from './cpq';
import { FaultBook, FaultsConfigSchema, type FaultsConfig } from './faults';
import { FULFILLMENT_SYSTEMS, mountFulfillmentSystem, type FulfillmentSystemName } from './fulfillment-systems';
import { HttpError, Router, startHttpServer } from './http';
import { INVENTORY_OPERATIONS, mountInventory } from './inventory';
import { mountPayments, PAYMENTS_OPERATIONS } from './payments';
import { StockLevelsSchema, type StockLevels } from './stock';
import { mountStorefront, STOREFRONT_OPERATIONS } from './storefront';
import { mountWebhook } from './webhook';

export type { FaultSpec, FaultsConfig, FaultView } from './faults';
export type { StockLevels } from './stock';
export type { CallRecord } from './call-log';
export type { WebhookDelivery } from './webhook';

/** Bad `startSimulators` options (faults, stock): the message names the option and the field. */
export class InvalidSimulatorOptions extends Error {
  override readonly name = 'InvalidSimulatorOptions';
}

/** Every system, in the order they are announced. */
export const SIMULATED_SYSTEMS = ['inventory', 'shipping', 'provisioning', 'warranty', 'billing', 'webhook', 'cpq', 'storefront', 'payments'] as const;
export type SimulatedSystemName = (typeof SIMULATED_SYSTEMS)[number];

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the simulators are for this machine unless asked otherwise. */
  host?: string;
  /** Where systems keep what must survive a restart (billing's invoices, idempotency records, stock). */
  dataDir: string;
  /** Keep every system's state in memory only, nothing read from or written to dataDir (benchmarks: no disk writes of their own). */
  inMemory?: boolean;
  /** Faults active from the start: `{ "<system>": spec | [spec, …] }`. */
  faults?: FaultsConfig;
  /** Stock levels `{ "<location>": { "<product>": qty } }` replacing saved or default stock. */
  stock?: StockLevels;
  /** The level of any product a location does not list (default 0). */
  defaultStock?: number;
}

export interface RunningSimulators {
  /** e.g. `http://127.0.0.1:7300`; each system lives under `<url>/<system>/`. */
  url: string;
  port: number;
  /** Stops at once: in-flight requests are cut off, pending latency timers cancelled. */
  stop(): Promise<void>;
}

/** The operations a fault may name, per system (`undefined`: any, for the webhook's free-form paths). */
const FAULTABLE_OPERATIONS: Record<SimulatedSystemName, readonly string[] | undefined> = {
  inventory: INVENTORY_OPERATIONS,
  ...(Object.fromEntries(
    Object.entries(FULFILLMENT_SYSTEMS).map(([system, operations]) => [system, Object.keys(operations)]),
  ) as Record<FulfillmentSystemName, string[]>),
  billing: BILLING_OPERATIONS,
  webhook: undefined,
  cpq: CPQ_OPERATIONS,
  storefront: STOREFRONT_OPERATIONS,
  payments: PAYMENTS_OPERATIONS,
};

export async function startSimulators(options: SimulatorOptions): Promise<RunningSimulators> {
  const host = options.host ?? '127.0.0.1';
  fs.mkdirSync(options.dataDir, { recursive: true });

  const faults = new FaultBook(FAULTABLE_OPERATIONS);
  if (options.faults) {
    const config = FaultsConfigSchema.safeParse(options.faults);
    if (!config.success) throw new InvalidSimulatorOptions(`faults: ${describeIssue(config.error.issues[0])}`);
    try {
      faults.setAll(config.data);
    } catch (error) {
      throw new InvalidSimulatorOptions(`faults: ${(error as HttpError).message}`);
    }
  }
  if (options.defaultStock !== undefined && !(Number.isInteger(options.defaultStock) && options.defaultStock >= 0)) {
    throw new InvalidSimulatorOptions(`defaultStock: must be a whole number of units, 0 or more (got ${options.defaultStock})`);
  }
  if (options.stock) {
    const stock = StockLevelsSchema.safeParse(options.stock);
    if (!stock.success) throw new InvalidSimulatorOptions(`stock: ${describeIssue(stock.error.issues[0])}`);
  }

  const router = new Router();
  mountAdmin(router, faults, SIMULATED_SYSTEMS);
  const where = { dataDir: options.dataDir, inMemory: options.inMemory };
  mountInventory(router, faults, where, { stock: options.stock, defaultStock: options.defaultStock });
  for (const system of Object.keys(FULFILLMENT_SYSTEMS) as FulfillmentSystemName[]) {
    mountFulfillmentSystem(router, faults, where, system);
  }
  const billing = mountBilling(router, faults, where);
  mountWebhook(router, faults);
  mountCpq(router, faults, where);
  // The gateway first: the storefront's checkout authorizes cards with it.
  const gateway = mountPayments(router, faults, where);
  mountStorefront(router, faults, where, billing, gateway);
  router.on('POST', '/:system/:operation', (ctx) => {
    throw new HttpError(404, 'unknown-system', `there is no simulated system "${ctx.params.system}" (there are: ${SIMULATED_SYSTEMS.join(', ')})`);
  });

  const server = await startHttpServer(router, { port: options.port ?? 0, host });
  return { url: `http://${urlHost(host)}:${server.port}`, port: server.port, stop: server.stop };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function describeIssue(issue: { path: ReadonlyArray<PropertyKey>; message: string } | undefined): string {
  return issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'invalid';
}
