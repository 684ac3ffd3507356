import { z } from 'zod';
import { isSuccess, type Reply } from './http';

/**
 * Stored responses by Idempotency-Key, the way a real fulfillment API keeps them. Every simulated
 * system owns one of these; the first successful answer for a key is kept and answered again for that
 * key, and the work behind it is never done twice.
 *
 * Choices:
 * - Keys are scoped per operation: `reserve` and `release` with the same key are two different requests.
 * - Only 2xx answers are stored. A refusal such as 409 out-of-stock is not: when an operator fixes the
 *   cause and retries the step with the same (stable) key, the system tries again.
 * - A request that arrives while the first one with its key is still being worked on waits for it and
 *   gets its answer, so a client retrying after a timeout cannot make the work happen twice.
 */

export const StoredResponseSchema = z.object({
  status: z.number().int(),
  body: z.unknown(),
  storedAt: z.string(),
});
export type StoredResponse = z.infer<typeof StoredResponseSchema>;

/** operation → key → stored response; the shape persisted in each system's data file. */
export const IdempotencyRecordsSchema = z.record(z.string(), z.record(z.string(), StoredResponseSchema));
export type IdempotencyRecords = z.infer<typeof IdempotencyRecordsSchema>;

export interface IdempotentOutcome {
  reply: Reply;
  /** True when this answer was stored earlier (or produced by a concurrent request with the same key). */
  replayed: boolean;
}

export class IdempotencyStore {
  private readonly inFlight = new Map<string, Promise<Reply>>();

  /**
   * @param records what was stored before (loaded from disk), mutated in place
   * @param commit persists the system's data after a new response is stored, together with whatever
   *   state the work changed, so both survive a restart or neither does
   */
  constructor(
    private readonly records: IdempotencyRecords,
    private readonly commit: () => void,
  ) {}

  find(operation: string, key: string): StoredResponse | undefined {
    return this.records[operation]?.[key];
  }

  async run(operation: string, key: string, work: () => Reply | Promise<Reply>): Promise<IdempotentOutcome> {
    const stored = this.find(operation, key);
    if (stored) return { reply: { status: stored.status, body: stored.body }, replayed: true };

    const slot = `${operation}\u0000${key}`;
    const pending = this.inFlight.get(slot);
    if (pending) {
      const reply = await pending;
      return { reply, replayed: isSuccess(reply.status) };
    }

    const attempt = Promise.resolve().then(work);
    this.inFlight.set(slot, attempt);
    try {
      const reply = await attempt;
      if (isSuccess(reply.status)) {
        (this.records[operation] ??= {})[key] = {
          status: reply.status,
          body: reply.body,
          storedAt: new Date().toISOString(),
        };
        this.commit();
      }
      return { reply, replayed: false };
    } finally {
      this.inFlight.delete(slot);
    }
  }

  snapshot(): IdempotencyRecords {
    return this.records;
  }
}
