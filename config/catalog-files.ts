import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Catalog } from '../domain/catalog';
import { parseCatalog, parseCatalogForLint, type CatalogSource } from '../domain/catalog-load';
import { InvalidInput, type Problem } from '../domain/problems';

/** Reads catalog YAML files and parses them into one Catalog; a missing file is named like any other mistake. */
export function loadCatalogFiles(files: string[]): Catalog {
  return parseCatalog(readCatalogSources(files));
}

/** For `ordo lint`: the catalog with its cross-reference problems, returned rather than thrown (see parseCatalogForLint). */
export function loadCatalogFilesForLint(files: string[]): { catalog: Catalog; problems: Problem[] } {
  return parseCatalogForLint(readCatalogSources(files));
}

function readCatalogSources(files: string[]): CatalogSource[] {
  return files.map((file) => {
    try {
      return { path: path.relative(process.cwd(), file) || file, text: fs.readFileSync(file, 'utf8') };
    } catch {
      throw new InvalidInput('catalog', [{ path: file, message: 'cannot be read', fix: 'check the path in temporal-config.yaml or on the command line' }]);
    }
  });
}
