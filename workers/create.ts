import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createBillingActivities } from '../activities/billing';
import { orderEventActivities } from '../activities/order-events';
import { createChannelActivities } from '../activities/channels';
import type { HandlerRegistry } from '../activities/handlers';
import { BUNDLE_CONVERTERS, dataConverterFor } from '../config/connection';
import type { LoadedConfig } from '../config/load';
import type { WorkerDeployment } from '../config/schema';
import type { Catalog } from '../domain/catalog';

export interface OrdoWorkerOptions {
  connection: NativeConnection;
  config: Pick<LoadedConfig, 'temporal' | 'worker' | 'systems' | 'billing' | 'queues' | 'encryption' | 'keyringFile'> & Partial<Pick<LoadedConfig, 'decomposition' | 'dataDir'>>;
  /** A client for visibility look-ups (assignment by load); without it tasks go to the first member. */
  client?: Client;
  catalog: Catalog;
  handlers?: HandlerRegistry;
  /** A prebuilt workflow bundle (tests build it once per run); by default the worker bundles workflows/. */
  workflowBundle?: WorkflowBundle;
  /** The data converter; by default dataConverterFor(config). A private server passes one with keys in memory. */
  dataConverter?: DataConverter;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** Builds the workflow bundle once, so several workers (or test runs) need not re-bundle. It carries Ordo's payload converter. */
export function bundleOrdoWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...BUNDLE_CONVERTERS, logger: quietBundlerLogger });
}

/** A worker that runs Ordo's workflows and activities on the configured task queue. */
export function createOrdoWorker(options: OrdoWorkerOptions): Promise<Worker> {
  const { config } = options;
  const temporal = options.client ? { client: options.client, taskQueue: config.temporal.taskQueue } : undefined;
  return Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // The same converter in the bundle (bundleOrdoWorkflows, or workflowsPath below) and for activities.
    dataConverter: options.dataConverter ?? dataConverterFor(config),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: {
      ...createActivities({ config, catalog: options.catalog, handlers: options.handlers, visibility: temporal }),
      ...createChannelActivities({ config, catalog: options.catalog, temporal }),
      ...createBillingActivities({ config, catalog: options.catalog, temporal }),
      ...orderEventActivities(config),
    },
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: config.worker.maxConcurrentWorkflowTaskExecutions,
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    ...deploymentOptions(config.worker.deployment),
  });
}

/**
 * Worker Versioning, when the configuration names a deployment version: orders and splits are pinned to the
 * version that started them (the default here); account work and queue rotation say AUTO_UPGRADE in their own
 * modules, since they outlive any one deployment (docs/versioning.md).
 */
function deploymentOptions(deployment: WorkerDeployment | undefined): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!deployment) return {};
  return {
    workerDeploymentOptions: {
      version: { deploymentName: deployment.name, buildId: deployment.buildId },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    },
  };
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
  log: () => undefined,
};
