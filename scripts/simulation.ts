import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { listInvoices, listPayments, readLedger, type BillingInvoice, type BillingLedger, type BillingPayment } from '../client/billing-books';
import { OrdoClient, type StartedOrder } from '../client/ordo-client';
import { SystemApi } from '../client/system-api';
import { failureMessage } from '../client/failure-message';
import { postUsage } from '../client/usage-postings';
import { loadCatalogFiles } from '../config/catalog-files';
import { privateDataConverter } from '../config/connection';
import type { LoadedConfig } from '../config/load';
import type { Catalog } from '../domain/catalog';
import type { UsagePosting } from '../domain/usage';
import { startSimulators, type RunningSimulators } from '../simulators';
import { bundleOrdoWorkflows, createOrdoWorker } from '../workers/create';
import { PAYMENT_RUN_WORKFLOW_TYPE, type SchedulerRunInput, type SchedulerRunResult } from '../workflows/payment-messages';
import { addSearchAttributes } from './search-attributes';
import { ensureTemporalTestServer, startTimeSkippingServer } from './temporal-test-server';

/**
 * A year of billing in seconds (DESIGN.md Billing "Over time", `ordo simulate`; docs/billing.md "A year in seconds").
 *
 * A whole Ordo on one machine whose clock Temporal's time-skipping test server moves: the Java test server, the real
 * simulators in this process (port 0, a temporary data folder), and a real Ordo worker (real workflows, real
 * activities) whose systems are those simulators and whose billing bills per period. The simulation submits orders,
 * moves workflow time forward a day at a time (subscriptions bill on their own durable timers, dunning retries on
 * theirs), runs the payment run once per simulated day as its Schedule would (the test server has no Schedules),
 * and reads the account's books from the billing simulator. Used by `ordo simulate` and the billing scenario tests.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The hour of the day (UTC) the simulated day's payment run starts: after the midnight timers of bill dates. */
const RUN_HOUR_MS = 60 * 60 * 1000;
/** The task queue of the simulation's worker: its own server, so nothing else polls it. */
export const SIMULATION_TASK_QUEUE = 'ordo-simulate';

export interface SimulationOptions {
  /** The configuration whose catalog, tax rates and billing settings apply; systems and Temporal are replaced. */
  config: LoadedConfig;
  catalog?: Catalog;
  /** Dunning retries in days after each decline (billing.dunning.retryAfter); default the configuration's. */
  dunningRetryDays?: number[];
  /** Billing settings that differ from the configuration's (renewal, creditMemos); `recurring` is always perPeriod. */
  billing?: Partial<LoadedConfig['billing']>;
  /** A prebuilt workflow bundle (tests build one per run); by default built here. */
  workflowBundle?: WorkflowBundle;
  /** false: no payment run at all (invoices only). */
  payments?: boolean;
  /** `daily`: a payment run every simulated day; default: on the days billing received new invoices (the same outcome, faster). */
  paymentRuns?: 'daily' | 'whenInvoiced';
  /** Progress lines (what starts, what is slow); default: nothing. */
  log?: (line: string) => void;
}

/** An account's books as billing has them (DESIGN.md "Billing records"). */
export interface BillingRecords {
  invoices: BillingInvoice[];
  payments: BillingPayment[];
  ledger: BillingLedger;
}

export interface PaymentRun {
  date: string;
  result?: SchedulerRunResult;
}

/** Real time a payment run may take: it reads billing and starts payment workflows, a second or two at most. */
const PAYMENT_RUN_TIMEOUT_MS = 20_000;

export interface DayHooks {
  beforePayments?: (day: string) => Promise<void> | void;
  afterDay?: (day: string) => Promise<void> | void;
}

export interface Simulation {
  env: TestWorkflowEnvironment;
  /** A client that never unlocks time skipping: waiting on it passes real time only. */
  temporal: Client;
  ordo: OrdoClient;
  /** The worker's configuration: systems at the simulators, billing per period. */
  config: LoadedConfig;
  catalog: Catalog;
  simulatorsUrl: string;
  billing: SystemApi;
  /** The server's date, YYYY-MM-DD (UTC). */
  today(): Promise<string>;
  /** Starts an order as `ordo submit` does and waits (in real time) until its workflow has completed. */
  submit(order: unknown, options?: { timeoutMs?: number }): Promise<StartedOrder>;
  /**
   * Moves workflow time forward a day at a time until 01:00 UTC of `date` (YYYY-MM-DD). Each day: time skips to its
   * 01:00 (timers due by then fire: bill dates at midnight, dunning retries), the system settles, then the usage
   * dated that day is posted, `beforePayments`, the day's payment run, `afterDay`.
   */
  advanceTo(date: string, hooks?: DayHooks): Promise<void>;
  /** Moves workflow time forward by `days` days, as advanceTo. */
  advanceDays(days: number, hooks?: DayHooks): Promise<void>;
  /** The payment run for today, as the payment Schedule's action would start it. */
  runPayments(): Promise<PaymentRun>;
  /** Posts usage records to billing (`POST /billing/usage`) now. */
  postUsage(records: UsagePosting[]): Promise<void>;
  /** Posts each record when the simulated day reaches its date (at the day's start, before the period it falls in closes); past dates at the next day. */
  scheduleUsage(records: UsagePosting[]): void;
  records(accountId: string): Promise<BillingRecords>;
  /** Stops the worker (at once: in-flight activities are cancelled, as a killed process would leave them) and starts a fresh one. */
  restartWorker(): Promise<void>;
  /** Stops the worker without starting another (a worker outage; `startWorker` brings one back). */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** Every run's payment runs so far. */
  paymentRuns: PaymentRun[];
  /** Stops everything and removes the temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** The date of a moment, YYYY-MM-DD in UTC: the calendar subscriptions bill by. */
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const dateMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** The configuration the simulation's worker runs with. */
export function simulationConfig(base: LoadedConfig, simulatorsUrl: string, address: string, namespace: string, options: Pick<SimulationOptions, 'dunningRetryDays' | 'billing'> = {}): LoadedConfig {
  const { dunningRetryDays } = options;
  const systems = Object.fromEntries(Object.entries(base.systems).map(([name, endpoint]) => [name, { ...endpoint, url: `${simulatorsUrl}/${name}` }]));
  // Every system the simulators serve, even one the base file leaves out (payments, for the gateway).
  for (const name of ['billing', 'payments', 'inventory', 'shipping', 'provisioning', 'warranty', 'webhook', 'cpq', 'storefront']) {
    systems[name] ??= { url: `${simulatorsUrl}/${name}`, timeout: 10_000 };
  }
  const billing = { ...base.billing, ...options.billing };
  return {
    ...base,
    temporal: { ...base.temporal, address, namespace, taskQueue: SIMULATION_TASK_QUEUE, tls: false, apiKey: undefined },
    // No sticky queues: a stopped worker's sticky queue would hold its workflows' next tasks (the test server is slow
    // to give them back), and every task replays its workflow's short history on whichever worker polls.
    worker: { ...base.worker, maxCachedWorkflows: 0 },
    systems,
    billing: {
      ...billing,
      recurring: 'perPeriod',
      dunning: { ...billing.dunning, retryAfter: dunningRetryDays ? dunningRetryDays.map((days) => days * DAY_MS) : billing.dunning.retryAfter },
      // The test server has no Schedules: the simulation starts the payment run itself, and subscriptions bill on their timers.
      schedulers: {
        invoice: { ...billing.schedulers.invoice, enabled: false },
        payment: { ...billing.schedulers.payment, enabled: false },
      },
    },
    // Nothing polls the storefront or CPQ in a simulation.
    channels: { ...base.channels, intake: { ...base.channels.intake, enabled: false, webhook: undefined } },
  };
}

/** The test server's launcher, or a one-line error saying what to install (MissingToolchain's message). */
export async function prepareSimulation(log?: (line: string) => void): Promise<string> {
  return ensureTemporalTestServer(log);
}

export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const log = options.log ?? (() => undefined);
  const launcher = await prepareSimulation(log);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-simulate-'));
  const stops: (() => Promise<void>)[] = [async () => fs.rmSync(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    // Newest first: the worker before the server it polls, the server before the folder.
    while (stops.length) await stops.pop()!().catch(() => undefined);
  };
  try {
    log('Starting the time-skipping test server, the simulators and a worker');
    const bundling = options.workflowBundle ? Promise.resolve(options.workflowBundle) : bundleOrdoWorkflows();
    const simulators: RunningSimulators = await startSimulators({ port: 0, dataDir });
    stops.push(() => simulators.stop());
    // A private server for one run: a random key in memory, shared by its clients and worker.
    const dataConverter = privateDataConverter();
    const env = await startTimeSkippingServer(launcher, dataConverter);
    stops.push(() => env.teardown());
    const namespace = env.namespace ?? 'default';
    await addSearchAttributes(env.connection, namespace);
    const config = simulationConfig(options.config, simulators.url, env.address, namespace, options);
    const catalog = options.catalog ?? loadCatalogFiles(config.catalogFiles);
    const bundle = await bundling;
    // The environment's own client unlocks time skipping while it waits on a result; this one never does, so
    // time moves only when the simulation says so.
    const temporal = new Client({ connection: env.connection, namespace, dataConverter });
    const ordo = new OrdoClient(temporal, SIMULATION_TASK_QUEUE, catalog);
    const billing = new SystemApi(config, 'billing');

    // Each worker has a connection of its own, closed when it stops: the test server hands a task to a poll whose
    // worker is gone as long as that poll's stream is open, and the task is then lost (a workflow that never moves
    // again). Closing the connection ends every stream of the stopped worker at once.
    let worker: { worker: Worker; running: Promise<void>; connection: NativeConnection } | undefined;
    const startWorker = async () => {
      if (worker) return;
      const connection = await NativeConnection.connect({ address: env.address });
      const created = await createOrdoWorker({ connection, config, catalog, workflowBundle: bundle, client: temporal, dataConverter });
      const running = created.run().catch((error: Error) => {
        log(`the simulation's worker stopped: ${error.message}`);
      });
      worker = { worker: created, running, connection };
    };
    const stopWorker = async () => {
      const current = worker;
      worker = undefined;
      if (!current) return;
      if (current.worker.getState() === 'RUNNING') current.worker.shutdown();
      await current.running;
      await current.connection.close().catch(() => undefined);
    };
    stops.push(stopWorker);
    await startWorker();

    const today = async () => isoDate(await env.currentTimeMs());
    const paymentRuns: PaymentRun[] = [];
    let runs = 0;
    const runPayments = async (): Promise<PaymentRun> => {
      const date = await today();
      const input: SchedulerRunInput = { targetDate: date };
      const run: PaymentRun = { date };
      const handle = await temporal.workflow.start(PAYMENT_RUN_WORKFLOW_TYPE, {
        taskQueue: SIMULATION_TASK_QUEUE,
        workflowId: `payment-run-${date}-${++runs}`,
        args: [input],
      });
      try {
        run.result = await withRealTimeout(handle.result() as Promise<SchedulerRunResult>, PAYMENT_RUN_TIMEOUT_MS, `the payment run of ${date} did not finish within ${PAYMENT_RUN_TIMEOUT_MS / 1000}s`);
      } catch (error) {
        // A run whose workflow task keeps failing holds the server's clock: end it, and say so.
        await handle.terminate('the simulation gave up on it').catch(() => undefined);
        throw new Error(`payment run ${handle.workflowId} failed: ${(error as Error).message}`);
      } finally {
        paymentRuns.push(run);
      }
      return run;
    };

    // The payment run picks the Posted invoices of auto-pay accounts. Each invoice's own workflow retries it on the
    // dunning schedule after that, so a run on a day billing received no new invoice would pick nothing new: the
    // simulation skips those (unless `paymentRuns: 'daily'`), which keeps a year to seconds.
    let invoicesAtLastRun = -1;
    const paymentRunDue = async (): Promise<boolean> => {
      if (options.payments === false) return false;
      if (options.paymentRuns === 'daily') return true;
      const count = (await listInvoices(billing)).length;
      if (count === invoicesAtLastRun) return false;
      invoicesAtLastRun = count;
      return true;
    };

    const scheduledUsage: UsagePosting[] = [];
    const postUsageDueBy = async (day: string) => {
      const due = scheduledUsage.filter((record) => record.date <= day);
      if (!due.length) return;
      scheduledUsage.splice(0, scheduledUsage.length, ...scheduledUsage.filter((record) => record.date > day));
      await postUsage(billing, due);
      log(`${day}: posted ${due.length} usage record(s)`);
    };

    const advanceTo = async (date: string, hooks: DayHooks = {}) => {
      const target = dateMs(date) + RUN_HOUR_MS;
      for (;;) {
        const now = await env.currentTimeMs();
        if (now >= target) return;
        // To 01:00 (UTC) of the next day: the day's bill dates (timers at midnight) have fired; then that day's
        // payment run, as a daily Schedule at 01:00 would start it.
        const nextDay = dateMs(isoDate(now - RUN_HOUR_MS)) + DAY_MS + RUN_HOUR_MS;
        const next = Math.min(target, nextDay);
        await env.sleep(Math.max(1, next - now));
        await settle(temporal);
        const day = await today();
        await postUsageDueBy(day);
        await hooks.beforePayments?.(day);
        if (await paymentRunDue()) {
          await runPayments();
          await settle(temporal);
        }
        await hooks.afterDay?.(day);
      }
    };

    const simulation: Simulation = {
      env,
      temporal,
      ordo,
      config,
      catalog,
      simulatorsUrl: simulators.url,
      billing,
      today,
      async submit(order, submitOptions = {}) {
        const started = await ordo.startOrder(order);
        const handle = temporal.workflow.getHandle(started.workflowId);
        await withRealTimeout(handle.result(), submitOptions.timeoutMs ?? 120_000, `order ${started.orderId} did not complete within ${(submitOptions.timeoutMs ?? 120_000) / 1000}s (does it wait for a person? ordo simulate needs an order that fulfils on its own)`);
        await settle(temporal);
        return started;
      },
      advanceTo,
      async advanceDays(days, hooks) {
        await advanceTo(isoDate(dateMs(await today()) + days * DAY_MS), hooks);
      },
      runPayments,
      async postUsage(records) {
        if (records.length) await postUsage(billing, records);
      },
      scheduleUsage(records) {
        scheduledUsage.push(...records);
      },
      async records(accountId) {
        const [invoices, payments, ledger] = await Promise.all([listInvoices(billing, accountId), listPayments(billing, accountId), readLedger(billing, accountId)]);
        return { invoices, payments, ledger };
      },
      async restartWorker() {
        await stopWorker();
        await startWorker();
      },
      stopWorker,
      startWorker,
      paymentRuns,
      stop,
    };
    return simulation;
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Waits (in real time, a few hundred milliseconds at most when nothing runs) until no open workflow has a workflow
 * task or an activity outstanding, so the next skip of time starts from a quiet system: a bill date's invoice is
 * sent before the day after it begins.
 */
export async function settle(temporal: Client, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await listExecutions(temporal, 'open');
    const descriptions = await Promise.all(
      open.map((execution) => temporal.workflow.getHandle(execution.workflowId, execution.runId).describe().catch(() => undefined)),
    );
    const busy = descriptions.filter((description) => description && ((description.raw.pendingActivities?.length ?? 0) > 0 || description.raw.pendingWorkflowTask));
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the simulation cannot move time on: ${(await Promise.all(busy.map((d) => stuckOf(temporal, d!)))).join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a workflow that does not settle is waiting for, with the last failure: what a person needs to fix it. */
async function stuckOf(temporal: Client, description: WorkflowExecutionDescription): Promise<string> {
  const activity = description.raw.pendingActivities?.[0];
  if (activity) {
    const message = await failureMessage(temporal, activity.lastFailure).catch(() => activity.lastFailure?.message ?? undefined);
    const failure = message ? ` (attempt ${activity.attempt}: ${message})` : '';
    return `workflow ${description.workflowId} still runs activity ${activity.activityType?.name ?? '?'}${failure}`;
  }
  return `workflow ${description.workflowId} (${description.type}) has a workflow task that does not complete (see its history: a failing workflow task)`;
}

export interface ExecutionRef {
  workflowId: string;
  runId: string;
  type: string;
}

/**
 * The server's open or closed workflow runs. The time-skipping test server has no visibility queries
 * (ListWorkflowExecutions is unimplemented there), but it answers the older open/closed lists.
 */
export async function listExecutions(temporal: Client, which: 'open' | 'closed'): Promise<ExecutionRef[]> {
  const service = temporal.workflowService;
  const namespace = temporal.options.namespace;
  const refs: ExecutionRef[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const request = { namespace, maximumPageSize: 1000, nextPageToken };
    const page = which === 'open' ? await service.listOpenWorkflowExecutions(request) : await service.listClosedWorkflowExecutions(request);
    for (const info of page.executions ?? []) {
      refs.push({ workflowId: info.execution?.workflowId ?? '', runId: info.execution?.runId ?? '', type: info.type?.name ?? '' });
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return refs;
}

function withRealTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
