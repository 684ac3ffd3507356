import type { FaultBook } from './faults';
import { jsonOrText, type Router } from './http';

/**
 * A webhook receiver that keeps whatever is POSTed to `/webhook/<anything>` — where SLA alerts and
 * other notifications can be pointed, and then read back with `GET /webhook/received` (optionally
 * `?path=alerts/sla`). Kept in memory: deliveries are observations, not state worth persisting.
 * Faults apply to deliveries like to any other business POST (the "operation" is the path after
 * `/webhook/`), so an alerting client's retries can be exercised too.
 */

/** Like the call logs: keep the most recent deliveries of a long-running stack. */
const MAX_DELIVERIES = 5000;

export interface WebhookDelivery {
  seq: number;
  /** The path after `/webhook/`, e.g. `alerts/sla`. */
  path: string;
  receivedAt: string;
  contentType: string | null;
  idempotencyKey: string | null;
  /** The body as JSON when it parses, else its text. */
  body: unknown;
}

export function mountWebhook(router: Router, faults: FaultBook): void {
  const deliveries: WebhookDelivery[] = [];
  let seq = 0;

  router.on('GET', '/webhook/received', (ctx) => {
    const path = ctx.query.get('path');
    return { status: 200, body: { received: deliveries.filter((d) => !path || d.path === path) } };
  });

  router.on('DELETE', '/webhook/received', () => {
    deliveries.length = 0;
    return { status: 204 };
  });

  router.on('POST', '/webhook/*', async (ctx) => {
    const path = ctx.params['*']!;
    const text = await ctx.readText();
    const failureAfterWork = await faults.enter('webhook', path, ctx.signal);
    const delivery: WebhookDelivery = {
      seq: ++seq,
      path,
      receivedAt: new Date().toISOString(),
      contentType: header(ctx.headers['content-type']),
      idempotencyKey: header(ctx.headers['idempotency-key']),
      body: jsonOrText(text),
    };
    deliveries.push(delivery);
    if (deliveries.length > MAX_DELIVERIES) deliveries.splice(0, deliveries.length - MAX_DELIVERIES);
    if (failureAfterWork) throw failureAfterWork;
    return { status: 200, body: { received: true, seq: delivery.seq } };
  });
}

function header(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
