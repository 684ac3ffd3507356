import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogFile, type Catalog } from '../../domain/catalog';
import { parseCatalog, type CatalogSource } from '../../domain/catalog-load';
import { Order } from '../../domain/order';
import { InvalidInput } from '../../domain/problems';

/** Test helpers shared by the domain tests (tests may read files; domain code may not). */

export const ROOT = join(__dirname, '..', '..');

export function referenceCatalogSources(): CatalogSource[] {
  return readdirSync(join(ROOT, 'catalog'))
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => ({ path: `catalog/${name}`, text: readFileSync(join(ROOT, 'catalog', name), 'utf8') }));
}

export function referenceCatalog(): Catalog {
  return parseCatalog(referenceCatalogSources());
}

export function exampleOrder(name: string): Order {
  return Order.parse(JSON.parse(readFileSync(join(ROOT, 'examples', name), 'utf8')));
}

/** A catalog written inline, with the schema's defaults applied (as loading would). */
export function catalogOf(input: unknown): Catalog {
  return CatalogFile.parse(input);
}

/** An order with the boilerplate filled in. */
export function orderOf(items: unknown[], extra: Record<string, unknown> = {}): Order {
  return Order.parse({ id: 'ORD-T', accountId: 'ACME', channel: 'cpq', currency: 'USD', items, ...extra });
}

/** An order item with a price, so tests only write what matters. */
export function item(id: string, product: string, quantity = 1, extra: Record<string, unknown> = {}) {
  return { id, product, quantity, unitPrice: '1.00', ...extra };
}

/** The paths of the problems `fn` is refused with (it must throw InvalidInput). */
export function problemPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidInput, `expected InvalidInput, got ${String(error)}`);
    return error.problems.map((problem) => problem.path);
  }
  return assert.fail('expected InvalidInput');
}
