import type { z } from 'zod';
import { HttpError } from './http';

/**
 * Validates a request body with zod. A failure is a 400 `invalid-request` that names the first bad
 * field (`lineItems[0].quantity`), since that is what a client developer needs to fix.
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue ? fieldPath(issue.path) : '(body)';
  throw new HttpError(400, 'invalid-request', `${field}: ${issue?.message ?? 'invalid body'}`, { field });
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(body)';
}
