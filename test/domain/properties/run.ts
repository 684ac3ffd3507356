import fc from 'fast-check';
import { OrdoError } from '../../../client/errors';
import { InvalidInput } from '../../../domain/problems';

/**
 * How the property tests run: few, small cases by default, so the whole folder stays well under a minute on a
 * shared CI machine. ORDO_PROPERTY_RUNS raises the count for a longer local hunt (`ORDO_PROPERTY_RUNS=2000 npx mocha
 * test/domain/properties/*.test.ts`). No seed is fixed: fast-check prints the seed and path of a failure, and
 * `fc.assert(…, { seed, path })` replays it.
 */
export function runs(defaultRuns: number): number {
  const asked = Number(process.env.ORDO_PROPERTY_RUNS);
  return Number.isSafeInteger(asked) && asked > 0 ? asked : defaultRuns;
}

export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, defaultRuns = 100): void {
  fc.assert(property, { numRuns: runs(defaultRuns) });
}

/**
 * Runs `parse` on any input: it may return, or refuse with Ordo's own error (InvalidInput, or the client's OrdoError
 * carrying the same problems: each naming the field and the fix). Anything else (a TypeError, a RangeError, zod's own error) is a bug that would reach a user
 * as a stack trace. Returns the refusal, if any, so a property can look at its problems.
 */
export function onlyOrdoErrors(parse: () => unknown): InvalidInput | OrdoError | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    if (error instanceof InvalidInput || (error instanceof OrdoError && error.problems !== undefined)) {
      if (!Array.isArray(error.problems) || error.problems.length === 0) throw new Error(`InvalidInput without problems: ${error.message}`);
      for (const problem of error.problems) {
        if (typeof problem.path !== 'string' || typeof problem.message !== 'string' || problem.message === '') {
          throw new Error(`InvalidInput with a malformed problem: ${JSON.stringify(problem)}`);
        }
      }
      return error;
    }
    throw new Error(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} instead of InvalidInput or OrdoError with problems`, { cause: error });
  }
}
