import type { Connection } from '@temporalio/client';
import { ORDO_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/** Each search attribute type Ordo uses: its code in the operator API, and its name for `temporal server start-dev --search-attribute`. */
const ATTRIBUTE_TYPES: Record<string, { code: number; cliName: string }> = {
  TEXT: { code: 1, cliName: 'Text' },
  KEYWORD: { code: 2, cliName: 'Keyword' },
  BOOL: { code: 5, cliName: 'Bool' },
  DATETIME: { code: 6, cliName: 'Datetime' },
  KEYWORD_LIST: { code: 7, cliName: 'KeywordList' },
};

function attributeType(type: string): { code: number; cliName: string } {
  const known = ATTRIBUTE_TYPES[type];
  if (!known) throw new Error(`search attribute type ${type} has no entry in scripts/search-attributes.ts ATTRIBUTE_TYPES: add its code and CLI name`);
  return known;
}

/** `--search-attribute Name=Type` pairs for `temporal server start-dev`: Ordo's custom search attributes. */
export const SEARCH_ATTRIBUTE_FLAGS: Record<string, string> = Object.fromEntries(
  ORDO_SEARCH_ATTRIBUTES.map((key) => [key.name, attributeType(key.type).cliName]),
);

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
    searchAttributes: Object.fromEntries(keys.map((key) => [key.name, attributeType(key.type).code])),
  });
}
