import type { Context } from 'hono';
import { OrdoError, type OrdoErrorCode } from '../client/errors';
import { InvalidInput, type Problem } from '../domain/problems';

/**
 * How the TMF622 API answers a refusal (docs/api.md "Errors"): TMF's Error `{ code, reason, message, status,
 * referenceError? }`, where `code` is Ordo's error code (the same as the CLI's `--json`), `reason` says what kind of
 * refusal it is, `message` is the CLI's words (each problem with its field and its fix) and `ordo:problems` the
 * problems as data. Never a stack trace.
 */

export interface TmfError {
  code: string;
  reason: string;
  message: string;
  status: string;
  referenceError?: string;
  'ordo:problems'?: Problem[];
}

type Status = 400 | 401 | 403 | 404 | 409 | 500 | 503 | 504;
const ANSWERS: Record<OrdoErrorCode | 'unauthorized' | 'forbidden' | 'internal', { status: Status; reason: string }> = {
  invalid: { status: 400, reason: 'Invalid request' },
  unauthorized: { status: 401, reason: 'Missing or unknown API key' },
  forbidden: { status: 403, reason: 'Forbidden: the key may not do this' },
  'not-found': { status: 404, reason: 'Not found' },
  'already-exists': { status: 409, reason: 'Conflict: the order id is taken' },
  refused: { status: 409, reason: 'Refused by the order' },
  'change-order-required': { status: 409, reason: 'ChangeOrderRequired' },
  unavailable: { status: 503, reason: 'Temporal is unavailable' },
  timeout: { status: 504, reason: 'Timed out' },
  internal: { status: 500, reason: 'Internal error' },
};

const DOCS = 'docs/api.md#errors';

/** A refusal the API itself makes (no key, bad key; a key that may not act as it asks), answered like an OrdoError. */
export class ApiRefusal extends Error {
  constructor(
    readonly code: 'unauthorized' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

export function tmfError(code: keyof typeof ANSWERS, message: string, problems: Problem[] = []): { body: TmfError; status: Status } {
  const { status, reason } = ANSWERS[code];
  return {
    status,
    body: { code, reason, message, status: String(status), referenceError: `${DOCS}-${code}`, ...(problems.length ? { 'ordo:problems': problems } : {}) },
  };
}

/** The answer for an error a route threw: user mistakes and refusals as TMF errors, anything else a 500 without a trace. */
export function errorAnswer(error: unknown, c: Context): Response {
  let answer: ReturnType<typeof tmfError>;
  if (error instanceof ApiRefusal) answer = tmfError(error.code, error.message);
  else if (error instanceof OrdoError) answer = tmfError(error.code, error.message, error.problems);
  else if (error instanceof InvalidInput) answer = tmfError('invalid', error.message, error.problems);
  else {
    console.error(`api: ${c.req.method} ${c.req.path} failed:`, error);
    answer = tmfError('internal', 'the API failed to answer; its log says why');
  }
  return c.json(answer.body, answer.status);
}

/** The request's JSON body (an object), or a 400 saying what is wrong. */
export async function jsonObject(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new OrdoError('invalid', 'the request body is not JSON: send a JSON object with content-type application/json');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new OrdoError('invalid', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}
