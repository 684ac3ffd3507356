import * as path from 'node:path';

/** The catalog of the large order with a point of no return per bundle (bench/catalogs/ponr-kits.yaml). */
export const PONR_CATALOG = path.resolve(__dirname, 'catalogs', 'ponr-kits.yaml');

/**
 * An order of `items` sealed kits (bench/catalogs/ponr-kits.yaml): one line item each, so one bundle each, each with
 * its own point-of-no-return step. `held` kits end their split with a manual `hold`, keeping the order in flight
 * past PONR. Ids are zero-padded (`K0001`) so they sort as listed; everything is derived from the index.
 */
export function ponrOrder(items: number, id = `PONR-${items}`, options: { held?: boolean } = {}): Record<string, unknown> {
  const width = String(items).length;
  return {
    id,
    accountId: 'BENCH-PONR',
    channel: 'b2b',
    currency: 'USD',
    effectiveDate: '2026-11-23',
    items: Array.from({ length: items }, (_, i) => ({
      id: `K${String(i + 1).padStart(width, '0')}`,
      product: options.held ? 'PONR-KIT-HELD' : 'PONR-KIT',
      quantity: 1,
      unitPrice: '49.00',
    })),
  };
}
