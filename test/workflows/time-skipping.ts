import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataConverter } from '@temporalio/common';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { OrdoClient } from '../../client/ordo-client';
import { privateDataConverter } from '../../config/connection';
import { loadConfig, type LoadedConfig } from '../../config/load';
import type { Catalog } from '../../domain/catalog';
import type { Order } from '../../domain/order';
import { parseCatalog } from '../../domain/catalog-load';
import type { QueueDirectory } from '../../domain/queues';
import type { UsageRecord } from '../../domain/usage';
import { addSearchAttributes } from '../../scripts/search-attributes';
import { MissingToolchain } from '../../scripts/temporal-cli';
import { ensureTemporalTestServer, startTimeSkippingServer } from '../../scripts/temporal-test-server';
import { bundleOrdoWorkflows } from '../../workers/create';
import { fulfillmentOrderPlanQuery, summaryQuery } from '../../workflows/messages';
import type { FulfillmentOrderPlan, OrderSummary, StepStatus } from '../../workflows/types';
import { eventually } from '../e2e/eventually';
import { quietRuntime } from '../quiet-runtime';
import { stubActivities, type ActivityStubs, type StubCalls } from './stubs';

/**
 * The workflow test layer: Temporal's time-skipping test server (the Java one, installed by
 * scripts/temporal-test-server.ts) and the real workflow bundle, built once per run. Each test runs in a lane:
 * a server of its own (time skipping is global to a server: the SDK advises one per test, and a test that
 * fails half-way must not leave the next one a clock that no longer skips), and a worker with plain-function
 * activities under the real names, so hours of workflow time pass in milliseconds and nothing but the
 * workflows is real.
 */
export interface TimeSkipping {
  launcher: string;
  bundle: WorkflowBundle;
}

let shared: Promise<TimeSkipping> | undefined;

/** The test server installed and the bundle built: call it in a `before` hook with a generous timeout. */
export function getTimeSkipping(): Promise<TimeSkipping> {
  shared ??= prepare();
  return shared;
}

async function prepare(): Promise<TimeSkipping> {
  quietRuntime();
  let launcher: string;
  try {
    launcher = await ensureTemporalTestServer();
  } catch (error) {
    // One line that says what to install, not a stack trace from a child process.
    if (error instanceof MissingToolchain) throw new Error(`workflow tests cannot run: ${error.message}`);
    throw error;
  }
  return { launcher, bundle: await bundleOrdoWorkflows() };
}

/** A small catalog written in the test, as YAML, checked like any catalog file. */
export function catalogOf(name: string, yaml: string): Catalog {
  return parseCatalog([{ path: `test:${name}`, text: yaml }]);
}

export interface Lane {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** Every activity call, in the order they came, with the server's clock when each came. */
  calls: StubCalls;
  /** Starts an order as `ordo submit` does (checked, then OrderWorkflow under its public id). */
  start(order: Order): Promise<WorkflowHandle>;
  /** The order's workflow. */
  order(orderId: string): WorkflowHandle;
  /** The order's own summary query (OrdoClient.getSummary also asks visibility, which the test server lacks). */
  summary(orderId: string): Promise<OrderSummary>;
  /** Waits for the order's end, skipping workflow time while it waits. */
  completion(orderId: string): Promise<OrderSummary>;
}

export interface LaneOptions {
  catalog: Catalog;
  queues?: QueueDirectory;
  /** Activities that behave otherwise than the quiet defaults of stubs.ts. */
  activities?: ActivityStubs;
  /** The account workflow's joins per run (it continues as new after that many). */
  accountJoinsPerRun?: number;
  /** Billing settings over the configuration's (billing.recurring: perPeriod, renewal, tax). */
  billing?: Partial<LoadedConfig['billing']>;
  /** The usage records billing would answer for subscriptions' usage windows. */
  usage?: UsageRecord[];
}

let lanes = 0;

/**
 * Runs `test` while a worker with the real workflows and stubbed activities polls a task queue of its own.
 * Unstubbed activities behave as a quiet system would: callouts and auto tasks answer `{}`, alerts are taken,
 * invoices are built (not sent).
 */
export async function withLane<T>(
  options: LaneOptions,
  test: (lane: Lane) => Promise<T>,
): Promise<T> {
  const { launcher, bundle } = await getTimeSkipping();
  const dataConverter = privateDataConverter();
  const env = await startTimeSkippingServer(launcher, dataConverter);
  try {
    await addSearchAttributes(env.connection, env.namespace ?? 'default');
    return await runLane(env, bundle, dataConverter, options, test);
  } finally {
    await env.teardown();
  }
}

async function runLane<T>(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundle,
  dataConverter: DataConverter,
  options: LaneOptions,
  test: (lane: Lane) => Promise<T>,
): Promise<T> {
  const taskQueue = `time-skipping-${process.pid}-${++lanes}`;
  const config = loadConfig();
  const { activities, calls } = stubActivities({ env, taskQueue, catalog: options.catalog, queues: options.queues ?? {}, billing: { ...config.billing, ...options.billing }, accountJoinsPerRun: options.accountJoinsPerRun, usage: options.usage }, options.activities);
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, dataConverter, workflowBundle: bundle, activities });
  const client = new OrdoClient(env.client, taskQueue, options.catalog);
  const workflowIds = new Map<string, string>();
  const order = (orderId: string) => {
    const workflowId = workflowIds.get(orderId);
    if (!workflowId) throw new Error(`order ${orderId} was not started in this lane`);
    return env.client.workflow.getHandle(workflowId);
  };
  const lane: Lane = {
    env,
    taskQueue,
    calls,
    async start(submitted) {
      const started = await client.startOrder(submitted);
      workflowIds.set(started.orderId, started.workflowId);
      return order(started.orderId);
    },
    order,
    summary: (orderId) => order(orderId).query(summaryQuery),
    completion: (orderId) => order(orderId).result() as Promise<OrderSummary>,
  };
  return worker.runUntil(test(lane));
}

let serial = 0;

/** An order of one unit of each product, with an id no other test uses. */
export function orderOf(products: string[], options: { accountId?: string; attributes?: Record<string, Record<string, string | boolean>> } = {}): Order {
  return {
    id: `TS-${process.pid}-${++serial}`,
    accountId: options.accountId ?? 'TEST',
    channel: 'cpq',
    currency: 'USD',
    items: products.map((product, i) => ({ id: `OI-${i + 1}`, product, quantity: 1, unitPrice: '10.00', attributes: options.attributes?.[product] })),
  };
}

/** A split's workflow, found through the order's summary (which names each split's workflow); the first split by default. */
export async function splitHandle(lane: Lane, orderId: string, fulfillmentOrderId?: string): Promise<WorkflowHandle> {
  const splits = (await lane.summary(orderId)).fulfillmentOrders;
  const split = fulfillmentOrderId === undefined ? splits[0] : splits.find((fo) => fo.id === fulfillmentOrderId);
  if (!split) throw new Error(`order ${orderId} has no split ${fulfillmentOrderId ?? ''}`);
  return lane.env.client.workflow.getHandle(split.workflowId);
}

/** Every split's live plan, found through the order's summary (which names each split's workflow). */
export async function splitPlans(lane: Lane, orderId: string): Promise<FulfillmentOrderPlan[]> {
  const summary = await lane.summary(orderId);
  return Promise.all(summary.fulfillmentOrders.map((fo) => lane.env.client.workflow.getHandle(fo.workflowId).query(fulfillmentOrderPlanQuery)));
}

export async function stepOf(lane: Lane, orderId: string, stepId: string): Promise<StepStatus> {
  for (const plan of await splitPlans(lane, orderId)) {
    const step = plan.steps.find((s) => s.id === stepId);
    if (step) return step;
  }
  throw new Error(`order ${orderId} has no step ${stepId}`);
}

/** Polls (in real time, which the server does not skip) until the step satisfies `until`. */
export function waitForStep(lane: Lane, orderId: string, stepId: string, until: (step: StepStatus) => boolean, what: string): Promise<StepStatus> {
  return eventually(`${stepId} ${what}`, async () => {
    const step = await stepOf(lane, orderId, stepId);
    return until(step) ? step : undefined;
  });
}
