import { formatCount, LIMITS } from '../domain/limits';

/** gRPC status names for the codes a Temporal server refuses with. */
const STATUS: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

const WHAT_TO_DO: Record<string, string> = {
  RESOURCE_EXHAUSTED: `the request is too large or the server is overloaded: keep orders within Ordo's limits (${formatCount(LIMITS.orderBytes)} bytes, ${formatCount(LIMITS.orderItems)} items; docs/limits.md) and try again`,
  INVALID_ARGUMENT: 'the server found the request malformed (a payload over its size limit, or an id it does not accept)',
  PERMISSION_DENIED: 'check TEMPORAL_API_KEY or the TLS client certificate, and the namespace',
  UNAUTHENTICATED: 'check TEMPORAL_API_KEY or the TLS client certificate',
  UNAVAILABLE: 'is the server running? `ordo stack up --detach`, or check TEMPORAL_ADDRESS',
  DEADLINE_EXCEEDED: 'the server did not answer in time; try again, and check its load',
};

/**
 * One line for an error Temporal's server returned, such as `Failed to start Workflow` whose cause
 * (RESOURCE_EXHAUSTED and the server's reason) the SDK keeps in `cause`. Undefined for anything else.
 */
export function explainTemporalRefusal(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (typeof code !== 'number' || !STATUS[code]) continue;
    const status = STATUS[code];
    const outer = error instanceof Error ? error.message : String(error);
    const reason = typeof details === 'string' && details ? details : (e as Error).message;
    return `${outer}: Temporal refused it with ${status} (${reason.split('\n')[0]}); ${WHAT_TO_DO[status] ?? 'see the server log'}`;
  }
  return undefined;
}
