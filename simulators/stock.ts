import { z } from 'zod';
import { HttpError } from './http';
import { parseBody } from './validation';

/**
 * Stock levels: `{ "<location>": { "<product>": qty } }` — the same shape as the availability that
 * `ordo decompose --availability FILE` takes, so one file can seed both. A stock document (the
 * `--stock` file, `PUT /inventory/stock`) may add one top-level number, `"defaultStock"`: the level of
 * any product a location does not list (0 when absent).
 */

export type StockLevels = Record<string, Record<string, number>>;

export const StockLevelsSchema = z.record(
  z.string().min(1),
  z.record(z.string().min(1), z.number().int().min(0)),
);

export interface StockDocument {
  levels: StockLevels;
  defaultStock?: number;
}

/**
 * Two warehouses with plenty of the reference catalog's devices: enough for demos without a file. Either one
 * holds a whole 2,000-kit fleet order (catalog/fleet.yaml), so such an order ships from one warehouse.
 */
export function defaultStockLevels(): StockLevels {
  return {
    'WH-EAST': { 'LAPTOP-14': 1000, 'LAPTOP-BUNDLE': 1000, ROUTER: 1000, 'SENSOR-KIT': 5000 },
    'WH-WEST': { 'LAPTOP-14': 1000, 'LAPTOP-BUNDLE': 1000, ROUTER: 1000, 'SENSOR-KIT': 5000 },
  };
}

/** Reads a stock document; a bad one is a 400 `invalid-request` naming the field. */
export function parseStockDocument(document: unknown): StockDocument {
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new HttpError(400, 'invalid-request', 'stock must be an object { "<location>": { "<product>": qty } }', {
      field: '(body)',
    });
  }
  const { defaultStock, ...levels } = document as Record<string, unknown>;
  return {
    levels: parseBody(StockLevelsSchema, levels),
    defaultStock: parseBody(z.object({ defaultStock: z.number().int().min(0).optional() }), { defaultStock })
      .defaultStock,
  };
}

export function renderStockDocument(levels: StockLevels, defaultStock: number): Record<string, unknown> {
  return { ...levels, defaultStock };
}
