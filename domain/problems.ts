import type { z } from 'zod';
import { closestName } from './catalog-index';
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
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** How to place and explain zod's issues for one input. */
export interface ZodProblemOptions {
  /** The file the input came from: paths read `<file>: <path>`. */
  file?: string;
  /** The schema that was parsed: an unknown field then gets a did-you-mean and the fields allowed there. */
  schema?: z.core.$ZodType;
  /** For a value that matches no form of a union, the forms it may take, by the field's name. */
  unionForms?: Record<string, string>;
}

type Issue = z.core.$ZodIssue;

/** Every zod issue as problems with a readable message and, where there is one, a fix: the one renderer. */
export function problemsFromZod(error: z.ZodError, options: ZodProblemOptions = {}): Problem[] {
  return error.issues.flatMap((issue) => issueProblems(issue, [], options));
}

function issueProblems(issue: Issue, basePath: PropertyKey[], options: ZodProblemOptions): Problem[] {
  const path = [...basePath, ...issue.path];
  const where = locate(path, options);
  const input = 'input' in issue ? issue.input : undefined;
  switch (issue.code) {
    case 'unrecognized_keys': {
      // An unknown key is named by its own path (`temporal.adress`), not its parent's.
      const allowed = options.schema ? allowedKeysAt(options.schema, path) : [];
      return issue.keys.map((key) => ({
        path: locate([...path, key], options),
        message: `unknown key "${key}"`,
        fix: allowed.length > 0 ? unknownFieldFix(key, allowed) : 'remove it or correct its spelling',
      }));
    }
    case 'invalid_value': {
      if (!('input' in issue)) return [{ path: where, message: issue.message }];
      const allowed = issue.values.map(String);
      const close = typeof input === 'string' ? closestName(input, allowed) : undefined;
      return [{ path: where, message: `${JSON.stringify(input)} is not allowed`, fix: `${close ? `did you mean "${close}"? ` : ''}use one of: ${allowed.join(', ')}` }];
    }
    case 'invalid_union':
      return unionProblems(issue, path, options);
    case 'invalid_type':
      // A missing field says so plainly; the schema's own message then tells what to put there. Our schemas phrase
      // their messages as "must be …"; zod's own ("Invalid input: …") give a fix nothing to add.
      if ('input' in issue && input === undefined) return [{ path: where, message: 'is required', fix: /^must\b/.test(issue.message) ? `add it; it ${issue.message}` : 'add it' }];
      return [{ path: where, message: issue.message }];
    case 'too_small':
      if (issue.message.startsWith('Too small') && (issue.origin === 'string' || issue.origin === 'array')) {
        const minimum = Number(issue.minimum);
        return [{ path: where, message: issue.origin === 'string' ? 'must not be empty' : `must list at least ${minimum} entr${minimum === 1 ? 'y' : 'ies'}` }];
      }
      return [{ path: where, message: issue.message }];
    default:
      return [{ path: where, message: issue.message }];
  }
}

function locate(path: readonly PropertyKey[], options: ZodProblemOptions): string {
  return options.file === undefined ? formatPath(path) : `${options.file}: ${formatPath(path) || '(root)'}`;
}

/**
 * A value that matches none of a union's forms. When exactly one form fits best and fails only on a
 * nested field, that field's problem is the useful one; otherwise say which forms are allowed.
 */
function unionProblems(issue: Extract<Issue, { code: 'invalid_union' }>, path: PropertyKey[], options: ZodProblemOptions): Problem[] {
  const branches = (issue.errors ?? []).filter((branch) => branch.length > 0);
  const fewest = Math.min(...branches.map((branch) => branch.length));
  const best = branches.filter((branch) => branch.length === fewest);
  if (best.length === 1 && best[0].every((inner) => inner.path.length > 0)) {
    return best[0].flatMap((inner) => issueProblems(inner, path, options));
  }
  const field = [...path].reverse().find((key) => typeof key === 'string') as string | undefined;
  const forms = field === undefined ? undefined : options.unionForms?.[field];
  // A schema's own message ("must be an order action: …") says more than zod's "Invalid input".
  const message = issue.message.startsWith('Invalid input') ? 'does not match any allowed form' : issue.message;
  return [{ path: locate(path, options), message, ...(forms ? { fix: forms } : {}) }];
}

/** Parses with a zod schema, turning failures into InvalidInput naming every bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new InvalidInput(subject, problemsFromZod(result.error, { schema }));
  return result.data;
}
