import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { payloadCodecsFor } from '../config/connection';
import type { LoadedConfig } from '../config/load';
import type { Catalog } from '../domain/catalog';
import { createOrdoWorker } from '../workers/create';
import { createBaselineActivities } from './baseline-activities';
import type { Tuning } from './tuning';

export const BASELINE_WORKFLOWS_PATH = require.resolve('./baseline-workflows');

/** The like-for-like baseline's own workflow bundle: no Ordo code and Temporal's default data converter. */
export function bundleBaselineWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: BASELINE_WORKFLOWS_PATH, logger: silentLogger });
}

export interface BenchWorkers {
  ordoTaskQueue: string;
  baselineTaskQueue: string;
  stop(): Promise<void>;
}

/**
 * One Ordo worker and one baseline worker, each on its own task queue, both with the same tuning. Both
 * poll for the whole run, so whichever phase runs, the other worker's idle polling costs the same.
 */
export async function startBenchWorkers(options: {
  connection: NativeConnection;
  client: Client;
  config: LoadedConfig;
  catalog: Catalog;
  tuning: Tuning;
  ordoBundle: WorkflowBundle;
  baselineBundle: WorkflowBundle;
  /** Distinguishes the task queues of several worker pairs on one server (a sweep, a shared test server). */
  tag: string;
}): Promise<BenchWorkers> {
  const ordoTaskQueue = `bench-ordo-${options.tag}`;
  const baselineTaskQueue = `bench-baseline-${options.tag}`;
  const ordo = await createOrdoWorker({
    connection: options.connection,
    client: options.client,
    config: { ...options.config, worker: options.tuning, temporal: { ...options.config.temporal, taskQueue: ordoTaskQueue } },
    catalog: options.catalog,
    workflowBundle: options.ordoBundle,
  });
  const baseline = await Worker.create({
    connection: options.connection,
    namespace: options.config.temporal.namespace,
    taskQueue: baselineTaskQueue,
    workflowBundle: options.baselineBundle,
    activities: createBaselineActivities(options.config),
    // The bench's client encrypts every payload (Ordo's data, and an app keeping customer data would have to as well),
    // so the baseline decodes with the same codecs; its payload converter stays Temporal's default.
    dataConverter: { payloadCodecs: payloadCodecsFor(options.config) },
    ...options.tuning,
  });
  const running = [ordo.run(), baseline.run()];
  return {
    ordoTaskQueue,
    baselineTaskQueue,
    async stop() {
      for (const worker of [ordo, baseline]) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.all(running);
    },
  };
}

const silentLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
  log: () => undefined,
};
