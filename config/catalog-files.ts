import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Catalog } from '../domain/catalog';
import { parseCatalog } from '../domain/catalog-load';
import { InvalidInput } from '../domain/problems';

/** Reads catalog YAML files and parses them into one Catalog; a missing file is named like any other mistake. */
export function loadCatalogFiles(files: string[]): Catalog {
  const sources = files.map((file) => {
    try {
      return { path: path.relative(process.cwd(), file) || file, text: fs.readFileSync(file, 'utf8') };
    } catch {
      throw new InvalidInput('catalog', [{ path: file, message: 'cannot be read', fix: 'check the path in temporal-config.yaml or on the command line' }]);
    }
  });
  return parseCatalog(sources);
}
