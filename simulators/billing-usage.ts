import type { CallLog } from './call-log';
import type { FaultBook } from './faults';
import { HttpError, type Router } from './http';
import type { IdempotencyStore } from './idempotency';
import { mountIdempotentRoute } from './idempotent-route';
import type { UsagePosting } from '../domain/usage';
import { UsageIntake, type BillingState, type StoredUsage } from './billing-records';

/**
 * Usage intake: a metering system posts usage records (`POST /billing/usage`), billing keeps them, and Ordo reads
 * them back (`GET /billing/usage`) to rate and bill them per period (domain/usage.ts). Billing rates nothing itself.
 *
 * A record's `id` is the meter's, and a record is counted once whatever key it comes under: the same content again
 * answers `duplicate: true` and stores nothing; other content under a known id is refused (409 `usage-id-conflict`
 * naming `id`), because billing cannot tell which of the two is the usage that happened. A batch is all or
 * nothing: one conflicting record refuses the whole batch, so a meter can correct it and send the batch again.
 */

export const USAGE_OPERATIONS = ['usage'] as const;

export interface UsageDeps {
  state: BillingState;
  idempotency: IdempotencyStore;
  calls: CallLog;
}

const sameUsage = (a: UsagePosting, b: UsagePosting) =>
  a.accountId === b.accountId && a.itemId === b.itemId && a.quantity === b.quantity && a.date === b.date && a.subscriptionId === b.subscriptionId;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function mountUsage(router: Router, faults: FaultBook, deps: UsageDeps): void {
  const { state } = deps;

  mountIdempotentRoute(router, faults, deps.calls, {
    system: 'billing',
    method: 'POST',
    pattern: '/billing/usage',
    operation: 'usage',
    requestSchema: UsageIntake,
    idempotency: deps.idempotency,
    work: ({ records, batch }) => {
      const known = new Map<string, UsagePosting>(state.usage.map((stored) => [stored.id, stored]));
      const answers = records.map((record, index) => {
        const first = known.get(record.id);
        const field = batch ? `records[${index}].id` : 'id';
        if (first && !sameUsage(first, record)) {
          const was = `${first.accountId} ${first.itemId}, ${first.quantity} on ${first.date}`;
          throw new HttpError(409, 'usage-id-conflict', `${field}: usage record ${record.id} was received before with other content (${was}); give a corrected record a new id`, {
            field,
            id: record.id,
          });
        }
        known.set(record.id, record);
        return { id: record.id, duplicate: first !== undefined };
      });
      const receivedAt = new Date().toISOString();
      const fresh = records.filter((_record, index) => !answers[index]!.duplicate);
      // A record repeated inside one batch is stored once: `known` marked its later copies duplicates.
      state.usage.push(...fresh.map((record): StoredUsage => ({ ...record, receivedAt })));
      const status = fresh.length > 0 ? 201 : 200;
      return { status, body: batch ? { records: answers } : answers[0] };
    },
  });

  router.on('GET', '/billing/usage', (ctx) => {
    const filter = Object.fromEntries(['accountId', 'itemId', 'from', 'to'].map((name) => [name, ctx.query.get(name) ?? undefined]));
    for (const name of ['from', 'to'] as const) {
      if (filter[name] !== undefined && !DATE.test(filter[name])) {
        throw new HttpError(400, 'invalid-request', `${name}: must be a date in the form YYYY-MM-DD, such as 2026-11-01`, { field: name });
      }
    }
    const { accountId, itemId, from, to } = filter;
    const listed = state.usage.filter(
      (stored) =>
        (!accountId || stored.accountId === accountId) && (!itemId || stored.itemId === itemId) && (!from || stored.date >= from) && (!to || stored.date <= to),
    );
    return { status: 200, body: { usage: listed } };
  });
}
