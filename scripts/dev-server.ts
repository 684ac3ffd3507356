import { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataConverter } from '../config/connection';
import { ORDO_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { ensureTemporalCli } from './temporal-cli';

/**
 * A Temporal server for tests and benchmarks: the one TEMPORAL_ADDRESS names, else a dev server started
 * from the Temporal CLI we find or build (never downloaded), with Ordo's search attributes registered.
 * Its `env.client` uses Ordo's data converter, as every Ordo client does.
 */
export async function startTestServer(options: { dbFilename?: string } = {}): Promise<TestWorkflowEnvironment> {
  if (process.env.TEMPORAL_ADDRESS) {
    const env = await TestWorkflowEnvironment.createFromExistingServer({
      address: process.env.TEMPORAL_ADDRESS,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      client: { dataConverter },
    });
    await registerSearchAttributes(env);
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

/** On a server Ordo did not start, add the search attributes it lacks (already-present ones are fine). */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const typeCodes: Record<string, number> = { KEYWORD: 2, KEYWORD_LIST: 7, BOOL: 5 };
  const existing = await env.connection.operatorService.listSearchAttributes({ namespace });
  const missing = ORDO_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  await env.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, typeCodes[key.type]])),
  });
}
