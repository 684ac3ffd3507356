import { NativeConnection } from '@temporalio/worker';
import { loadCatalogFiles } from '../config/catalog-files';
import { connectionOptions } from '../config/connection';
import { loadConfig } from '../config/load';
import { InvalidInput } from '../domain/problems';
import { createOrdoWorker } from './create';

/** `npm run worker`: one Ordo worker for the configured server, task queue, catalog and systems. */
async function main(): Promise<void> {
  const config = loadConfig();
  const catalog = loadCatalogFiles(config.catalogFiles);
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  const worker = await createOrdoWorker({ connection, config, catalog });
  console.log(`ordo worker polling ${config.temporal.address} namespace ${config.temporal.namespace} task queue ${config.temporal.taskQueue}`);
  await worker.run();
  await connection.close();
}

main().catch((error: Error) => {
  console.error(error instanceof InvalidInput ? error.message : error);
  process.exit(1);
});
