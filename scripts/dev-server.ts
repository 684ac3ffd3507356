import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataConverter } from '@temporalio/common';
import { ORDO_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { ensureSearchAttributes } from './search-attributes';
import { ensureTemporalCli } from './temporal-cli';

/**
 * A Temporal server for tests and benchmarks: the one TEMPORAL_ADDRESS names, else a dev server started
 * from the Temporal CLI we find or build (never downloaded), with Ordo's search attributes registered.
 * Its `env.client` uses the given data converter (dataConverterFor(config)), as every Ordo client does.
 */
export async function startTestServer(options: { dbFilename?: string; dataConverter: DataConverter }): Promise<TestWorkflowEnvironment> {
  const { dataConverter } = options;
  if (process.env.TEMPORAL_ADDRESS) {
    const env = await TestWorkflowEnvironment.createFromExistingServer({
      address: process.env.TEMPORAL_ADDRESS,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      client: { dataConverter },
    });
    await ensureSearchAttributes(env.connection, process.env.TEMPORAL_NAMESPACE ?? 'default');
    return env;
  }
  const path = await ensureTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    client: { dataConverter },
    server: {
      executable: { type: 'existing-path', path },
      searchAttributes: ORDO_SEARCH_ATTRIBUTES,
      dbFilename: options.dbFilename,
      log: { format: 'pretty', level: 'error' },
    },
  });
}
