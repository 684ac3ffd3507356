import { parseJson, HttpError, type Router } from './http';
import { StorefrontNotifier } from './storefront-notifier';
import { WebhookConfig, type StorefrontOrder, type StorefrontState } from './storefront-records';
import type { SystemStore } from './system-store';
import { parseBody } from './validation';

/**
 * How the storefront tells Ordo about new orders, both ways real connectors use: an outbox of
 * `order-created` events kept with the orders (`GET /storefront/events?after=<seq>`, the truth), and a
 * push of each event to the webhook configured with `PUT /storefront/webhook` (best effort, retried).
 */
export class StorefrontOutbox {
  private notifier: StorefrontNotifier | undefined;

  constructor(private readonly state: StorefrontState) {}

  /** Appends the order's event (saved with the order by the caller's commit) and pushes it, if a webhook is set. */
  announce(order: StorefrontOrder, signal: AbortSignal): void {
    const event = {
      seq: (this.state.events.at(-1)?.seq ?? 0) + 1,
      type: 'order-created' as const,
      orderId: order.id,
      accountId: order.accountId,
      origin: order.origin,
      syncToCPQ: order.syncToCPQ,
      total: order.total,
      at: new Date().toISOString(),
    };
    this.state.events.push(event);
    // The server's shutdown signal, the same for every request: pending retries stop with the simulators.
    if (this.state.webhook) (this.notifier ??= new StorefrontNotifier(signal)).push(this.state.webhook.url, event);
  }

  deliveries() {
    return this.notifier?.list() ?? [];
  }
}

export function mountOutboxRoutes(router: Router, store: SystemStore<StorefrontState>, outbox: StorefrontOutbox): void {
  const { state } = store;

  // The outbox a connector polls: events after the last sequence number it saw.
  router.on('GET', '/storefront/events', (ctx) => {
    const after = Number(ctx.query.get('after') ?? '0');
    if (!Number.isInteger(after) || after < 0) {
      throw new HttpError(400, 'invalid-request', 'after: must be the whole sequence number of the last event seen (0 for all)', { field: 'after' });
    }
    return { status: 200, body: { events: state.events.filter((event) => event.seq > after), lastSeq: state.events.at(-1)?.seq ?? 0 } };
  });

  router.on('PUT', '/storefront/webhook', async (ctx) => {
    state.webhook = parseBody(WebhookConfig, parseJson(await ctx.readText()));
    store.save();
    return { status: 200, body: state.webhook };
  });
  router.on('GET', '/storefront/webhook', () => ({ status: 200, body: { webhook: state.webhook, deliveries: outbox.deliveries() } }));
  router.on('DELETE', '/storefront/webhook', () => {
    state.webhook = null;
    store.save();
    return { status: 204 };
  });
}
