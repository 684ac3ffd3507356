import { InvalidInput, type Problem } from './problems';

/**
 * Runs a parse that throws InvalidInput and, instead of stopping at the first bad field, appends its
 * problems to `problems` and returns undefined: validators report every mistake in one go.
 * Anything that is not InvalidInput (a bug) still throws.
 */
export function collectProblems<T>(problems: Problem[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidInput) {
      problems.push(...error.problems);
      return undefined;
    }
    throw error;
  }
}
