import fc from 'fast-check';

/**
 * Mutated valid inputs: a parser sees mostly-right input far more often than random noise, and the interesting bugs
 * hide one field away from valid (a number where a string was, a missing key, an array that should be an object).
 * `mutated(valid)` picks up to three places in `valid` (any depth) and replaces what is there (with a plausible value
 * of its type, or anything), deletes or wraps it, or adds a key.
 */

type Json = unknown;

/** Every path into a JSON value: [] for the root, ['items', 0, 'quantity'], … */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

type Edit = { kind: 'replace'; value: unknown } | { kind: 'plausible'; pick: number } | { kind: 'delete' } | { kind: 'wrap' } | { kind: 'addKey'; key: string; value: unknown };

/**
 * Values of the right type that may still be wrong: they get past the schema and reach the arithmetic and the
 * cross-checks behind it (a date outside the term, an id of another item, a quantity of 0).
 */
const PLAUSIBLE: Record<'number' | 'string', unknown[]> = {
  number: [0, 1, 2, 3, 7, 12, 100, 1000, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER],
  string: ['OI-1', 'OI-2', 'OI-3', 'OI-9', 'NEW-1', 'ORD-1001', '0.00', '0.01', '19.99', '9999999999999.99', '2026-12-15', '2026-12-31', '2027-01-01', '2027-12-14', '2025-01-01', '2030-02-29', 'US-TX', 'EU', 'month', 'usage', 'Add', 'Amend', 'Cancel', 'Return', 'one', 'sum', 'bundle', 'order', 'account'],
};

function plausibleFor(current: unknown, pick: number): unknown {
  if (typeof current === 'boolean') return !current;
  const pool = typeof current === 'number' ? PLAUSIBLE.number : typeof current === 'string' ? PLAUSIBLE.string : undefined;
  return pool ? pool[pick % pool.length] : current;
}

/** Values that tend to break careless code: wrong types, edge numbers, odd strings, prototypes' names. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -1, -0, 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity, '', ' ', '0', '-1', '1e3', '9999999999999.99', '2026-02-30', '__proto__', 'constructor', 'toString', [], {}, [[]], { '': '' }),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
  fc.anything({ maxDepth: 2 }),
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.nat().map((pick) => ({ kind: 'plausible' as const, pick })) },
  { weight: 4, arbitrary: nasty.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrap' as const }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('__proto__', 'constructor', 'extra', 'toString', 'id', 'items'), nasty).map(([key, value]) => ({ kind: 'addKey' as const, key, value })) },
);

function applyEdit(root: Json, path: (string | number)[], change: Edit): Json {
  if (path.length === 0) {
    if (change.kind === 'replace') return change.value;
    if (change.kind === 'plausible') return plausibleFor(root, change.pick);
    if (change.kind === 'delete') return undefined;
    if (change.kind === 'wrap') return [root];
    if (root !== null && typeof root === 'object' && !Array.isArray(root)) return withKey(root as Record<string, unknown>, change.key, change.value);
    return root;
  }
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    if (rest.length === 0 && change.kind === 'delete') copy.splice(head as number, 1);
    else copy[head as number] = applyEdit(copy[head as number], rest, change);
    return copy;
  }
  const copy = { ...(root as Record<string, unknown>) };
  if (rest.length === 0 && change.kind === 'delete') delete copy[head as string];
  else copy[head as string] = applyEdit(copy[head as string], rest, change);
  return copy;
}

/** Sets a key as an own property, even `__proto__`, as JSON.parse would. */
function withKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

export function mutated(valid: Json): fc.Arbitrary<unknown> {
  const paths = pathsOf(valid);
  const one = fc.tuple(fc.constantFrom(...paths), edit);
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((edits) => edits.reduce<Json>((value, [path, change]) => {
    try {
      return applyEdit(value, path, change);
    } catch {
      return value; // the path no longer exists after an earlier edit
    }
  }, valid));
}
