import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { OrdoClient } from '../../client/ordo-client';
import { loadCatalogFiles } from '../../config/catalog-files';
import { BUNDLE_CONVERTERS, dataConverterFor } from '../../config/connection';
import { loadConfig, type LoadedConfig } from '../../config/load';
import type { Catalog } from '../../domain/catalog';
import { startTestServer } from '../../scripts/dev-server';
import { startSimulators } from '../../simulators';
import { bundleOrdoWorkflows, createOrdoWorker } from '../../workers/create';
import { testKeyringFile } from '../encryption-keys';
import { atEndOfRun } from '../hooks';
import { dumpHistories } from '../replay/history-dump';
import { quietRuntime } from '../quiet-runtime';
import { withTestOperators } from './operator-keys';
import { testSecret } from '../log-capture';

/**
 * One real stack per test run, shared by every end-to-end test: a Temporal dev server, the simulators
 * on an ephemeral port with a fresh data folder, the workflow bundle built once, and an Ordo worker.
 */
export interface Harness {
  env: TestWorkflowEnvironment;
  config: LoadedConfig;
  catalog: Catalog;
  client: OrdoClient;
  simulatorsUrl: string;
  bundle: WorkflowBundle;
  dataDir: string;
  /** Starts another worker (e.g. one with its own task queue, catalog or queues); stopped at the end of the run. */
  startWorker(options?: WorkerOptions): Promise<Worker>;
  /** A worker on its own task queue with the given catalog files, and a client that submits to it. */
  startLane(options: { taskQueue: string; catalogFiles: string[]; config?: Partial<LoadedConfig> }): Promise<OrdoClient>;
}

interface WorkerOptions {
  taskQueue?: string;
  config?: Partial<LoadedConfig>;
  catalog?: Catalog;
  /** A test's own workflow bundle entry (stand-ins for Ordo's workflows), bundled for this worker; default: Ordo's bundle. */
  workflowsPath?: string;
}

/** Bundles a test's own workflows (stand-ins) with Ordo's payload converter, quietly. */
function bundleTestWorkflows(workflowsPath: string): Promise<WorkflowBundle> {
  const quiet = () => undefined;
  return bundleWorkflowCode({
    workflowsPath,
    ...BUNDLE_CONVERTERS,
    logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error, log: quiet },
  });
}

let harness: Promise<Harness> | undefined;

export function getHarness(): Promise<Harness> {
  harness ??= createHarness();
  return harness;
}

async function createHarness(): Promise<Harness> {
  quietRuntime();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-test-'));
  // Encrypted histories with a keyring of this run's own (test/encryption-keys.ts), also given to the CLI processes.
  const keyringFile = testKeyringFile();
  const encryption = { encryption: { enabled: true, keyring: keyringFile }, keyringFile };
  const [env, simulators, bundle] = await Promise.all([startTestServer({ dataConverter: dataConverterFor(encryption) }), startSimulators({ port: 0, dataDir }), bundleOrdoWorkflows()]);
  atEndOfRun(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  atEndOfRun(() => env.teardown());
  atEndOfRun(() => simulators.stop());
  // Runs after every worker has stopped (teardowns run newest first), so the histories are as the tests left them.
  const recordTo = process.env.ORDO_RECORD_HISTORIES;
  if (recordTo) atEndOfRun(async () => console.log(`recorded ${await dumpHistories(env.client, recordTo)} histories into ${recordTo}`));

  const base = loadConfig();
  // Each system gets a bearer token of this run, a secret no log line may hold (test/log-capture.ts).
  const systems = Object.fromEntries(
    Object.entries(base.systems).map(([name, endpoint]) => [name, { ...endpoint, url: `${simulators.url}/${name}`, token: testSecret(`the ${name} system's token`) }]),
  );
  const config: LoadedConfig = withTestOperators({
    ...base,
    ...encryption,
    temporal: { ...base.temporal, address: env.address, namespace: env.namespace ?? 'default', taskQueue: 'ordo-test' },
    systems,
  });
  const catalog = loadCatalogFiles(config.catalogFiles);
  const client = new OrdoClient(env.client, config.temporal.taskQueue, catalog);

  const startWorker = async (options: WorkerOptions = {}) => {
    const workerConfig = { ...config, ...options.config, temporal: { ...config.temporal, taskQueue: options.taskQueue ?? config.temporal.taskQueue } };
    const worker = await createOrdoWorker({
      connection: env.nativeConnection,
      config: workerConfig,
      catalog: options.catalog ?? catalog,
      workflowBundle: options.workflowsPath ? await bundleTestWorkflows(options.workflowsPath) : bundle,
      client: env.client,
    });
    const running = worker.run();
    atEndOfRun(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    return worker;
  };
  // One worker per lane for the whole run: test files that share a lane share its worker.
  const lanes = new Map<string, Promise<OrdoClient>>();
  const startLane = (options: { taskQueue: string; catalogFiles: string[]; config?: Partial<LoadedConfig> }) => {
    let lane = lanes.get(options.taskQueue);
    if (!lane) {
      const laneCatalog = loadCatalogFiles(options.catalogFiles);
      lane = startWorker({ taskQueue: options.taskQueue, catalog: laneCatalog, config: options.config }).then(() => new OrdoClient(env.client, options.taskQueue, laneCatalog));
      lanes.set(options.taskQueue, lane);
    }
    return lane;
  };
  await startWorker();
  return { env, config, catalog, client, simulatorsUrl: simulators.url, bundle, dataDir, startWorker, startLane };
}

/** Small HTTP helpers for reading and steering the simulators from tests. */
export async function simulatorGet<T>(h: Harness, pathAndQuery: string): Promise<T> {
  const response = await fetch(`${h.simulatorsUrl}${pathAndQuery}`);
  if (!response.ok) throw new Error(`GET ${pathAndQuery}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function simulatorSend(h: Harness, method: 'PUT' | 'DELETE' | 'POST', pathAndQuery: string, body?: unknown): Promise<void> {
  const response = await fetch(`${h.simulatorsUrl}${pathAndQuery}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${pathAndQuery}: ${response.status} ${await response.text()}`);
}
