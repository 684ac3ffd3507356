import path from 'node:path';
import { z } from 'zod';
import { IdempotencyRecordsSchema, IdempotencyStore } from './idempotency';
import { JsonFile } from './store';

/**
 * What one simulated system keeps across restarts: its own state (stock, invoices, …) and its stored
 * idempotent responses, in ONE file (`<dataDir>/<system>.json`). One file means one atomic write, so
 * an effect and the record that prevents repeating it are never saved apart.
 */
export interface SystemStore<S> {
  readonly file: string;
  readonly state: S;
  readonly idempotency: IdempotencyStore;
  /** Writes state and idempotency records; call it after changing state outside `idempotency.run`. */
  save(): void;
}

/** Where systems keep their state: files under dataDir (the default), or memory only (benchmarks). */
export interface StoreLocation {
  dataDir: string;
  /** Nothing is read from or written to dataDir: a restart forgets everything. */
  inMemory?: boolean;
}

export function openSystemStore<S>(
  where: StoreLocation,
  system: string,
  stateSchema: z.ZodType<S>,
  initialState: () => NoInfer<S>,
): SystemStore<S> {
  const documentSchema = z.object({
    version: z.literal(1),
    system: z.literal(system),
    state: stateSchema,
    idempotency: IdempotencyRecordsSchema,
  });
  const file = new JsonFile(path.join(where.dataDir, `${system}.json`), documentSchema);
  const saved = where.inMemory ? undefined : file.read();
  const state = saved?.state ?? initialState();
  const records = saved?.idempotency ?? {};
  const save = where.inMemory ? () => undefined : () => file.write({ version: 1, system, state, idempotency: records });
  return { file: file.file, state, idempotency: new IdempotencyStore(records, save), save };
}
