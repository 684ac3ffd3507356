import type { z } from 'zod';
import { allowedKeysAt, unknownFieldFix } from './schema-fields';

/**
 * A user mistake, as data: where it is, what is wrong, and how to fix it.
 * Every entry point (client API, CLI, HTTP, config and catalog loading) reports these instead of stack traces.
 */
export interface Problem {
  /** Where: a dotted path such as `items[2].unitPrice`, prefixed with a file name where one is involved. */
  path: string;
  message: string;
  fix?: string;
}

/** Thrown for bad input. `problems` is the data; `message` is a readable rendering of it. */
export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
  constructor(
    readonly subject: string,
    readonly problems: Problem[],
  ) {
    super(renderProblems(subject, problems));
  }
}

export function renderProblems(subject: string, problems: Problem[]): string {
  const lines = problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}`);
  return `${subject} is invalid:\n${lines.join('\n')}`;
}

/** Renders a zod issue path as `items[2].unitPrice`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** `schema`, when given, lets an unknown field be answered with its closest known spelling. */
export function problemsFromZod(error: z.ZodError, prefix = '', schema?: z.core.$ZodType): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    // An unknown key is named by its own path (`temporal.adress`), not its parent's.
    if (issue.code === 'unrecognized_keys') {
      const allowed = schema ? allowedKeysAt(schema, issue.path) : [];
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key], prefix),
        message: `unknown key "${key}"`,
        fix: allowed.length > 0 ? unknownFieldFix(key, allowed) : 'remove it or correct its spelling',
      }));
    }
    const path = formatPath(issue.path, prefix);
    // A missing field says so plainly; the schema's own message then tells what to put there.
    const missing = issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined;
    if (!missing) return [{ path, message: issue.message }];
    // Our schemas phrase their messages as "must be …"; zod's own ("Invalid input: …") give a fix nothing to add.
    return [{ path, message: 'is required', fix: /^must\b/.test(issue.message) ? `add it; it ${issue.message}` : 'add it' }];
  });
}

/** Parses with a zod schema, turning failures into InvalidInput naming every bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, subject: string, prefix = ''): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new InvalidInput(subject, problemsFromZod(result.error, prefix, schema));
  return result.data;
}
