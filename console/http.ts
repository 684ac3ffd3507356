import type { Context } from 'hono';
import { OrdoError, type OrdoErrorCode } from '../client/errors';
import { InvalidInput } from '../domain/problems';
import type { ConsoleEnv, ConsoleUser } from './context';

/**
 * How the console's API answers (docs/console.md "API"): JSON always; a refusal is `{ error, code, problems? }` with
 * the status below, the same words the CLI prints; never a stack trace.
 */

const STATUS: Record<OrdoErrorCode | 'signed-out' | 'read-only' | 'forbidden', 400 | 401 | 403 | 404 | 409 | 503 | 504> = {
  invalid: 400,
  'signed-out': 401,
  'read-only': 403,
  forbidden: 403,
  'not-found': 404,
  'already-exists': 409,
  refused: 409,
  'change-order-required': 409,
  unavailable: 503,
  timeout: 504,
};

export interface ApiError {
  error: string;
  code: keyof typeof STATUS;
  problems?: { path: string; message: string; fix?: string }[];
}

/** A refusal the console itself makes (signed out, read-only, not a member of the queue an action needs), answered like an OrdoError. */
export class ConsoleRefusal extends Error {
  constructor(
    readonly code: 'signed-out' | 'read-only' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

/** The answer for an error thrown by a route: user mistakes and refusals as ApiError, anything else as 500 without a trace. */
export function errorResponse(error: unknown, c: Context<ConsoleEnv>): Response {
  if (error instanceof ConsoleRefusal) return c.json<ApiError>({ error: error.message, code: error.code }, STATUS[error.code]);
  if (error instanceof OrdoError) {
    return c.json<ApiError>({ error: error.message, code: error.code, ...(error.problems.length ? { problems: error.problems } : {}) }, STATUS[error.code]);
  }
  if (error instanceof InvalidInput) return c.json<ApiError>({ error: error.message, code: 'invalid', problems: error.problems }, 400);
  console.error(`console: ${c.req.method} ${c.req.path} failed:`, error);
  return c.json({ error: 'the console failed to answer; its log says why', code: 'internal' }, 500);
}

/** The signed-in user, or 401. */
export function requireUser(c: Context<ConsoleEnv>): ConsoleUser {
  const user = c.get('user');
  if (!user) throw new ConsoleRefusal('signed-out', 'sign in first');
  return user;
}

/** The signed-in user who may act (a member of at least one queue), or 401/403 with the reason. */
export function requireActor(c: Context<ConsoleEnv>): ConsoleUser {
  const user = requireUser(c);
  if (user.queues.length === 0) {
    throw new ConsoleRefusal('read-only', `${user.name} is in no queue (temporal-config.yaml queues), so the console is read-only for them`);
  }
  return user;
}

/** The request's JSON body, or a 400 naming what is wrong. */
export async function jsonBody(c: Context<ConsoleEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new OrdoError('invalid', 'the request body is not JSON');
  }
}
