import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { OrdoClient } from '../../client/ordo-client';
import { loadCatalogFiles } from '../../config/catalog-files';
import { dataConverterFor } from '../../config/connection';
import { loadConfig, type LoadedConfig } from '../../config/load';
import { HISTORY_SHARDS, PORTS_PER_SERVER, startPostgresTemporal, type RunningPostgresTemporal } from '../../scripts/temporal-server';
import { startSimulators } from '../../simulators';
import { bundleOrdoWorkflows, createOrdoWorker } from '../../workers/create';
import { testKeyringFile } from '../encryption-keys';
import { requireProductionServer } from '../production-server';
import { quietRuntime } from '../quiet-runtime';
import { eventually } from './eventually';
import { freePortRange } from './free-ports';
import { exampleOrder } from './examples';
import { withTestOperators } from './operator-keys';

/**
 * The production-shaped Temporal (docs/production-temporal.md): the real server built from go.temporal.io/server,
 * on a PostgreSQL of this test's own for persistence and visibility, with several history shards. Its own server,
 * not the shared harness's dev server: one real order runs to completion on it with an Ordo worker, and visibility
 * (PostgreSQL's) finds it by Ordo's search attribute.
 */
describe('Ordo on the Temporal server backed by PostgreSQL', function () {
  this.timeout(120_000);
  let root: string;
  let temporal: RunningPostgresTemporal | undefined;
  let stopSimulators: (() => Promise<void>) | undefined;
  let connection: Connection | undefined;
  let nativeConnection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let client: Client;
  let ordo: OrdoClient;

  before(async function () {
    await requireProductionServer(this);
    quietRuntime();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-pg-'));
    fs.chmodSync(root, 0o755); // PostgreSQL runs as its own user when the tests run as root: it must reach its folder
    const frontendPort = await freePortRange(PORTS_PER_SERVER);
    const quiet = () => undefined;
    const [started, simulators, bundle] = await Promise.all([
      startPostgresTemporal({ root, postgresPort: await freePortRange(1), address: `127.0.0.1:${frontendPort}`, namespace: 'default', log: quiet }),
      startSimulators({ port: 0, dataDir: path.join(root, 'simulators') }),
      bundleOrdoWorkflows(),
    ]);
    temporal = started;
    stopSimulators = () => simulators.stop();
    const keyringFile = testKeyringFile();
    const base = loadConfig();
    const config: LoadedConfig = withTestOperators({
      ...base,
      encryption: { enabled: true, keyring: keyringFile },
      keyringFile,
      temporal: { ...base.temporal, address: temporal.address, namespace: temporal.namespace, taskQueue: 'ordo-postgres-test' },
      systems: Object.fromEntries(Object.entries(base.systems).map(([name, endpoint]) => [name, { ...endpoint, url: `${simulators.url}/${name}` }])),
    });
    const catalog = loadCatalogFiles(config.catalogFiles);
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection, namespace: temporal.namespace, dataConverter: dataConverterFor(config) });
    nativeConnection = await NativeConnection.connect({ address: temporal.address });
    worker = await createOrdoWorker({ connection: nativeConnection, client, config, catalog, workflowBundle: bundle });
    running = worker.run();
    ordo = new OrdoClient(client, config.temporal.taskQueue, catalog);
  });

  after(async function () {
    this.timeout(120_000);
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await nativeConnection?.close();
    await connection?.close();
    await stopSimulators?.();
    await temporal?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it(`is the real server on PostgreSQL with ${HISTORY_SHARDS} history shards`, async () => {
    const info = await connection!.workflowService.getClusterInfo({});
    assert.equal(info.historyShardCount, HISTORY_SHARDS);
    assert.equal(info.persistenceStore, 'postgres12');
    assert.match(info.visibilityStore ?? '', /postgres12/);
  });

  it('runs an order to completion, found by visibility through its OrderId search attribute', async () => {
    const order = exampleOrder('laptop-bundle.json', 'pg');
    await ordo.startOrder(order);
    const summary = await ordo.waitForCompletion(order.id);
    assert.equal(summary.state, 'completed');
    assert.equal(summary.invoices.length, 1);

    // Visibility on PostgreSQL is written by the server's visibility queue, a moment after the history.
    const count = async (type: string) => {
      let n = 0;
      for await (const _ of client.workflow.list({ query: `OrderId = "${order.id}" AND WorkflowType = "${type}" AND ExecutionStatus = "Completed"` })) n++;
      return n;
    };
    await eventually('the order and its three fulfillment orders in visibility', async () =>
      (await count('OrderWorkflow')) === 1 && (await count('FulfillmentOrderWorkflow')) === 3 ? true : undefined, 30_000);
  });
});
