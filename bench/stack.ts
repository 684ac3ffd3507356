import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { loadCatalogFiles } from '../config/catalog-files';
import { dataConverterFor, payloadCodecsFor } from '../config/connection';
import { ensureKeyring } from '../config/keyring';
import { loadConfig, type LoadedConfig } from '../config/load';
import type { Catalog } from '../domain/catalog';
import { startTestServer } from '../scripts/dev-server';
import { startSimulators } from '../simulators';
import { bundleOrdoWorkflows } from '../workers/create';
import { bundleBaselineWorkflows } from './workers';

/** Everything a benchmark runs against, in this process except the Temporal server. */
export interface BenchStack {
  env: TestWorkflowEnvironment;
  /** Ordo's client (Ordo's data converter). */
  ordoClient: Client;
  /** The baseline's client: Temporal's default payload converter, and the same codecs as Ordo's (its histories are encrypted too). */
  baselineClient: Client;
  config: LoadedConfig;
  catalog: Catalog;
  ordoBundle: WorkflowBundle;
  baselineBundle: WorkflowBundle;
  /** Where the server keeps its state: persistence is part of every figure. */
  dbFile?: string;
  stop(): Promise<void>;
}

/**
 * A file-backed Temporal dev server (unless TEMPORAL_ADDRESS names one), the simulators on a free port with
 * no latency and a scratch data folder, the repository's configuration and catalog, and both workflow bundles.
 */
export async function startBenchStack(): Promise<BenchStack> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-bench-'));
  const dbFile = process.env.TEMPORAL_ADDRESS ? undefined : path.join(scratch, 'temporal.db');
  const dataDir = path.join(scratch, 'simulators');
  // Plenty of stock: a thousand laptop orders must not run the warehouses dry half way through.
  const unlimited = { 'LAPTOP-14': 1e9, 'LAPTOP-BUNDLE': 1e9, ROUTER: 1e9, 'SENSOR-KIT': 1e9 };
  const stock = { 'WH-EAST': unlimited, 'WH-WEST': unlimited };
  // Encrypted as in production (its cost is part of every figure), with a key of this run's own.
  const base = { ...loadConfig(), keyringFile: path.join(scratch, 'keyring.json') };
  ensureKeyring(base.keyringFile);
  const [env, simulators, ordoBundle, baselineBundle] = await Promise.all([
    startTestServer({ dbFilename: dbFile, dataConverter: dataConverterFor(base) }),
    // In memory: the systems Ordo calls stand for remote ones; their own disk writes are not Ordo's cost.
    startSimulators({ port: 0, dataDir, stock, inMemory: true }),
    bundleOrdoWorkflows(),
    bundleBaselineWorkflows(),
  ]);
  const config: LoadedConfig = {
    ...base,
    temporal: { ...base.temporal, address: env.address, namespace: env.namespace ?? 'default' },
    systems: Object.fromEntries(Object.entries(base.systems).map(([name, endpoint]) => [name, { ...endpoint, url: `${simulators.url}/${name}` }])),
  };
  const baselineClient = new Client({ connection: env.connection, namespace: config.temporal.namespace, dataConverter: { payloadCodecs: payloadCodecsFor(config) } });
  return {
    env,
    ordoClient: env.client,
    baselineClient,
    config,
    catalog: loadCatalogFiles(config.catalogFiles),
    ordoBundle,
    baselineBundle,
    dbFile,
    async stop() {
      await simulators.stop();
      await env.teardown();
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the bench stack, runs `bench` on it and stops it, on Ctrl-C too (exit 130), so no dev server outlives a
 * side-by-side or steady run.
 */
export async function withBenchStack<T>(log: (line: string) => void, bench: (stack: BenchStack) => Promise<T>): Promise<T> {
  const server = process.env.TEMPORAL_ADDRESS ? `Connecting to the Temporal server at ${process.env.TEMPORAL_ADDRESS}` : 'Starting a file-backed Temporal dev server';
  log(`${server}, the simulators (no latency) and the workflow bundles…`);
  const stack = await startBenchStack();
  const stopOnSignal = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  try {
    return await bench(stack);
  } finally {
    process.off('SIGINT', stopOnSignal);
    await stack.stop();
  }
}
