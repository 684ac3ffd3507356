import * as fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadCatalogFiles } from '../config/catalog-files';
import { startChannelIntake } from '../client/channel-syncs';
import { ensureSchedules } from '../client/schedules';
import { connectionOptions, dataConverterFor } from '../config/connection';
import { loadConfig, type LoadedConfig } from '../config/load';
import { lintCatalog } from '../domain/lint';
import { InvalidInput } from '../domain/problems';
import { createOrdoWorker } from './create';
import { registerStorefrontWebhook, startStorefrontWebhook, type StorefrontWebhook } from './storefront-webhook';

/** `npm run worker`: one Ordo worker for the configured server, task queue, catalog and systems. */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataConverter = dataConverterFor(config); // a missing keyring fails here, before connecting
  const catalog = loadCatalogFiles(config.catalogFiles);
  // Lint's errors (with the configured billing systems and queues) are said at start, not fatal: `ordo lint` is the gate before go-live.
  for (const finding of lintCatalog(catalog, { billingSystems: config.billing.systems, queues: Object.keys(config.queues) }).filter((f) => f.severity === 'error')) {
    console.error(`catalog lint error ${finding.rule} at ${finding.path}: ${finding.message} (fix: ${finding.fix})`);
  }
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  const clientConnection = await Connection.connect(connectionOptions(config.temporal));
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter });
  const worker = await createOrdoWorker({ connection, config, catalog, client, dataConverter });
  console.log(`ordo worker polling ${config.temporal.address} namespace ${config.temporal.namespace} task queue ${config.temporal.taskQueue}`);
  const running = worker.run();
  // Every worker tries; the first start wins and the others find it running (one intake per namespace).
  if (config.channels.intake.enabled) {
    await startChannelIntake(client, config.temporal.taskQueue, config.channels.intake).then(
      ({ workflowId, runId }) => console.log(`channel intake ${workflowId} running (run ${runId})`),
      (error: Error) => console.error(`the channel intake could not be started, so storefront and CPQ orders are not synced until a worker starts it: ${error.message}`),
    );
  }
  // Every worker makes the schedulers match its configuration; a create race is lost to an update (one each per namespace).
  await ensureSchedules(client, config.temporal.taskQueue, config.billing.schedulers).then(
    (ensured) => console.log(`schedulers: ${ensured.map(({ scheduleId, outcome }) => `${scheduleId} ${outcome}`).join(', ')}`),
    (error: Error) => console.error(`the invoice and payment schedules could not be made, so nothing is billed or collected on schedule until a worker makes them: ${error.message}`),
  );
  const webhook = config.channels.intake.enabled && config.channels.intake.webhook ? await listenToStorefront(config, client) : undefined;
  // For `ordo stack`: who this worker is, once it runs; the stack counts it up when Temporal lists it polling.
  const healthFile = process.env.ORDO_WORKER_HEALTH_FILE;
  if (healthFile) fs.writeFileSync(healthFile, JSON.stringify({ pid: process.pid, identity: worker.options.identity, runningSince: new Date().toISOString() }));
  await running;
  await webhook?.close();
  if (healthFile) fs.rmSync(healthFile, { force: true });
  await Promise.all([connection.close(), clientConnection.close()]);
}

/** The storefront's push, when configured: a worker that cannot listen or register says so and goes on (the poll still works). */
async function listenToStorefront(config: LoadedConfig, client: Client): Promise<StorefrontWebhook | undefined> {
  const settings = config.channels.intake.webhook!;
  let webhook: StorefrontWebhook;
  try {
    webhook = await startStorefrontWebhook({ client, taskQueue: config.temporal.taskQueue, host: settings.host, port: settings.port });
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    console.log(inUse
      ? `storefront webhook: ${settings.host}:${settings.port} is taken (another worker on this host listens); this worker relies on the intake's poll`
      : `storefront webhook: cannot listen on ${settings.host}:${settings.port}: ${(error as Error).message}`);
    return undefined;
  }
  try {
    await registerStorefrontWebhook(config.systems.storefront, webhook.url);
    console.log(`storefront webhook: the storefront pushes new orders to ${webhook.url}`);
  } catch (error) {
    console.error(`storefront webhook: listening on ${webhook.url}, but the storefront could not be told (${(error as Error).message}); the intake's poll still finds every order`);
  }
  return webhook;
}

main().catch((error: Error) => {
  console.error(error instanceof InvalidInput ? error.message : error);
  process.exit(1);
});
