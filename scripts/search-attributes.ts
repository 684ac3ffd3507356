import type { Connection } from '@temporalio/client';
import { ORDO_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const TYPE_CODES: Record<string, number> = { TEXT: 1, KEYWORD: 2, KEYWORD_LIST: 7, BOOL: 5, DATETIME: 6 };

/**
 * Adds the search attributes Ordo needs that the server lacks (present ones are left alone). A server
 * whose database predates an attribute (a file-backed dev server from an earlier version, or one run by
 * someone else) gets it here, instead of failing the first query that names it.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = ORDO_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return [];
  await addSearchAttributes(connection, namespace, missing);
  return missing.map((key) => key.name);
}

/** Registers the given attributes, asking nothing first: for servers that cannot list theirs (the time-skipping test server). */
export async function addSearchAttributes(connection: Connection, namespace: string, keys = ORDO_SEARCH_ATTRIBUTES): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(keys.map((key) => [key.name, TYPE_CODES[key.type]])),
  });
}
