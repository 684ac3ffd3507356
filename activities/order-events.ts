import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { queryMatches, queryMayTakeOrder, type OrderEvent } from '../domain/tmf622';

/**
 * The TMF622 hub (docs/api.md "Events"): event subscriptions in a small file under the data dir, which the API
 * (`POST /hub`) writes and the workers' `notifyOrderEvent` activity reads, and the delivery of one event to every
 * subscriber whose query takes it. Delivery is at least once: a subscriber that does not answer 2xx fails the
 * activity, Temporal retries it, and every retry carries the same `eventId` (subscribers deduplicate on it).
 */

export interface HubSubscription {
  id: string;
  callback: string;
  query?: string;
  createdAt: string;
}

export const hubFile = (dataDir: string) => path.join(dataDir, 'api-hub.json');

export function readSubscriptions(file: string): HubSubscription[] {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { subscriptions: HubSubscription[] }).subscriptions;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function writeSubscriptions(file: string, subscriptions: HubSubscription[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written whole and renamed into place, so a worker reading it never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify({ subscriptions }, null, 2), { mode: 0o600 });
  fs.renameSync(temporary, file);
}

export function addSubscription(file: string, callback: string, query?: string): HubSubscription {
  const subscription: HubSubscription = { id: randomUUID(), callback, ...(query ? { query } : {}), createdAt: new Date().toISOString() };
  writeSubscriptions(file, [...readSubscriptions(file), subscription]);
  return subscription;
}

/** Removes a subscription; false when there was none with that id. */
export function removeSubscription(file: string, id: string): boolean {
  const before = readSubscriptions(file);
  const after = before.filter((s) => s.id !== id);
  if (after.length === before.length) return false;
  writeSubscriptions(file, after);
  return true;
}

/** Whether any subscription may take the order's events (decomposition records it with the plan). */
export function orderHasSubscribers(dataDir: string | undefined, orderId: string): boolean {
  return !!dataDir && readSubscriptions(hubFile(dataDir)).some((s) => queryMayTakeOrder(s.query, orderId));
}

/** The body a subscriber receives: TMF's event envelope. */
export function eventBody(event: OrderEvent): Record<string, unknown> {
  return { eventId: event.eventId, eventTime: event.eventTime, eventType: event.eventType, event: event.event };
}

export function orderEventActivities(config: { dataDir?: string }) {
  return {
    /** Posts the event to every subscriber whose query takes it; fails (and is retried) while any of them does not take it. */
    async notifyOrderEvent(event: OrderEvent): Promise<{ delivered: number }> {
      if (!config.dataDir) return { delivered: 0 };
      const subscribers = readSubscriptions(hubFile(config.dataDir)).filter((s) => queryMatches(s.query, event));
      const failures: string[] = [];
      await Promise.all(
        subscribers.map(async (s) => {
          try {
            const answer = await fetch(s.callback, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(eventBody(event)),
              signal: AbortSignal.timeout(10_000),
            });
            if (!answer.ok) failures.push(`${s.callback} answered ${answer.status}`);
          } catch (error) {
            failures.push(`${s.callback} is unreachable: ${(error as Error).message}`);
          }
        }),
      );
      if (failures.length) {
        throw ApplicationFailure.retryable(`event ${event.eventId} not delivered to ${failures.length} subscriber(s): ${failures.join('; ')}`, 'EventNotDelivered');
      }
      return { delivered: subscribers.length };
    },
  };
}
