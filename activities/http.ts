import { ApplicationFailure } from '@temporalio/activity';
import type { SystemEndpoint } from '../config/schema';

/**
 * The one HTTP path every outbound call of Ordo takes (callouts, availability, invoices), so that the
 * success/retry/fallout classification of DESIGN.md is written once:
 * 2xx succeeds; 4xx is a non-retryable failure; 5xx, timeouts and network errors are retryable.
 */

export interface HttpFailureDetails {
  system: string;
  status?: number;
  code: string;
  /** The system's error as it answered it (`{ code, message, field?, existingId?, … }`), for callers that act on its fields. */
  error?: Record<string, unknown>;
}

export interface SystemRequest {
  system: string;
  endpoint: SystemEndpoint;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Appended to the endpoint URL: `reserve`, `invoices`, `availability?products=…`. */
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** The configured endpoint of `system`; a non-retryable failure naming the config key when there is none. */
export function systemEndpoint(systems: Record<string, SystemEndpoint>, system: string): SystemEndpoint {
  const found = systems[system];
  if (!found) {
    throw ApplicationFailure.nonRetryable(
      `no endpoint is configured for system "${system}": add systems.${system}.url to temporal-config.yaml`,
      'UnknownSystem',
      { system, code: 'unknown-system' },
    );
  }
  return found;
}

export async function callSystem<T = unknown>(request: SystemRequest): Promise<T> {
  const url = `${request.endpoint.url.replace(/\/$/, '')}/${request.path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
  if (request.endpoint.token) headers.authorization = `Bearer ${request.endpoint.token}`;
  const timeout = AbortSignal.timeout(request.endpoint.timeout);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;

  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
    });
  } catch (error) {
    const timedOut = timeout.aborted;
    throw failure(request.system, timedOut ? 'timeout' : 'unreachable', undefined,
      timedOut ? `${request.system} did not answer ${request.path} within ${request.endpoint.timeout} ms` : `${request.system} is unreachable at ${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  const body = parseJson(text);
  if (response.ok) return body as T;
  const remote = (body as { error?: { code?: string; message?: string } & Record<string, unknown> } | undefined)?.error;
  const code = remote?.code ?? `http-${response.status}`;
  const message = `${request.system} answered ${response.status} to ${request.method} ${request.path}: ${remote?.message ?? (text.slice(0, 200) || response.statusText)}`;
  throw failure(request.system, code, response.status, message, remote);
}

function failure(system: string, code: string, status: number | undefined, message: string, error?: Record<string, unknown>): ApplicationFailure {
  const details: HttpFailureDetails = { system, status, code, ...(error ? { error } : {}) };
  const clientError = status !== undefined && status >= 400 && status < 500;
  return clientError
    ? ApplicationFailure.nonRetryable(message, 'CalloutRejected', details)
    : ApplicationFailure.retryable(message, status === undefined ? 'CalloutUnavailable' : 'CalloutServerError', details);
}

function parseJson(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}
