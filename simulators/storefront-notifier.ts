import { setTimeout as delay } from 'node:timers/promises';
import type { StorefrontEvent } from './storefront-records';

/**
 * Pushes storefront events to the configured webhook, retrying, the way commerce platforms notify
 * integrations. The outbox (`GET /storefront/events`) stays the source of truth: a connector that missed
 * a push (its intake was down longer than the retries) catches up by polling, so a push may be lost but
 * never an event. Each push carries `Idempotency-Key: storefront-event-<seq>` so a receiver can drop the
 * duplicates that retries after a lost response produce.
 */

/** Attempts per event; waits double from the first, so 5 attempts span about 3 s. */
export const WEBHOOK_ATTEMPTS = 5;
const FIRST_RETRY_MS = 200;
const MAX_DELIVERIES = 1000;

export interface WebhookDeliveryRecord {
  seq: number;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
}

export class StorefrontNotifier {
  private readonly deliveries: WebhookDeliveryRecord[] = [];

  constructor(private readonly signal: AbortSignal) {}

  list(): WebhookDeliveryRecord[] {
    return [...this.deliveries];
  }

  /** Starts delivering `event` in the background; the request that made it does not wait. */
  push(url: string, event: StorefrontEvent): void {
    const record: WebhookDeliveryRecord = { seq: event.seq, url, status: 'pending', attempts: 0, lastError: null };
    this.deliveries.push(record);
    if (this.deliveries.length > MAX_DELIVERIES) this.deliveries.splice(0, this.deliveries.length - MAX_DELIVERIES);
    void this.deliver(record, event);
  }

  private async deliver(record: WebhookDeliveryRecord, event: StorefrontEvent): Promise<void> {
    for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS && !this.signal.aborted; attempt++) {
      record.attempts = attempt;
      try {
        const response = await fetch(record.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `storefront-event-${event.seq}` },
          body: JSON.stringify(event),
          signal: this.signal,
        });
        await response.arrayBuffer();
        if (response.ok) {
          record.status = 'delivered';
          record.lastError = null;
          return;
        }
        record.lastError = `HTTP ${response.status}`;
      } catch (error) {
        record.lastError = (error as Error).message;
      }
      if (attempt < WEBHOOK_ATTEMPTS) {
        try {
          await delay(FIRST_RETRY_MS * 2 ** (attempt - 1), undefined, { signal: this.signal });
        } catch {
          break; // the simulators are stopping
        }
      }
    }
    record.status = 'failed';
  }
}
