/**
 * Every business call a system received, in arrival order — what tests and demos read to see what the
 * orchestrator actually sent (`GET /<system>/calls`). Kept in memory only: it is an observation aid,
 * not system state.
 */
export interface CallRecord {
  seq: number;
  at: string;
  operation: string;
  idempotencyKey: string | null;
  orderId: string | null;
  body: unknown;
  status: number;
  response: unknown;
  /** The answer was a stored response given again. */
  replayed: boolean;
  /** The error code of an injected fault that shaped this answer, if any. */
  fault: string | null;
  durationMs: number;
}

/** A dev stack may run for days; the log keeps the most recent calls, which are the ones anyone reads. */
const MAX_CALLS = 5000;

export class CallLog {
  private readonly calls: CallRecord[] = [];
  private seq = 0;

  record(call: Omit<CallRecord, 'seq'>): void {
    this.calls.push({ seq: ++this.seq, ...call });
    if (this.calls.length > MAX_CALLS) this.calls.splice(0, this.calls.length - MAX_CALLS);
  }

  list(filter: { orderId?: string | null } = {}): CallRecord[] {
    return filter.orderId ? this.calls.filter((call) => call.orderId === filter.orderId) : [...this.calls];
  }

  clear(): void {
    this.calls.length = 0;
  }
}

/** The `orderId` of a JSON body, when it has one. */
export function orderIdOf(body: unknown): string | null {
  if (body && typeof body === 'object' && 'orderId' in body) {
    const { orderId } = body as { orderId: unknown };
    if (typeof orderId === 'string') return orderId;
  }
  return null;
}
