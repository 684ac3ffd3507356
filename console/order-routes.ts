import { streamSSE } from 'hono/streaming';
import { OrdoError } from '../client/errors';
import type { ConsoleApp, ConsoleContext } from './context';
import { errorResponse, requireUser, type ApiError } from './http';
import { buildOrderView, listOrders, newViewCache } from './order-view';

/**
 * The order page's API (docs/console.md "Order page"): GET /api/orders (recent orders, filters),
 * GET /api/orders/:id (the order view: splits, plans, PONR per item, actions, invoices, Web UI links),
 * GET /api/orders/:id/live (server-sent events: the view again whenever it changes).
 */

/** How often a live view reads Temporal while someone watches. */
export const LIVE_POLL_MS = 1000;

export function orderRoutes(app: ConsoleApp, context: ConsoleContext): void {
  app.get('/api/orders', async (c) => {
    requireUser(c);
    const { state, channel, account, q } = c.req.query();
    return c.json(await listOrders(context.client.temporal, { state, channel, account, q: q?.trim() }));
  });

  app.get('/api/orders/:id', async (c) => {
    requireUser(c);
    return c.json(await buildOrderView(context, c.req.param('id')));
  });

  app.get('/api/orders/:id/live', (c) => {
    requireUser(c);
    const orderId = c.req.param('id');
    return streamSSE(c, async (stream) => {
      const cache = newViewCache();
      let sent = '';
      let stopped = false;
      stream.onAbort(() => {
        stopped = true;
      });
      while (!stopped) {
        try {
          const view = await buildOrderView(context, orderId, cache);
          const json = JSON.stringify(view);
          if (json !== sent) {
            await stream.writeSSE({ data: json });
            sent = json;
          }
          if (view.final) break;
        } catch (error) {
          const refusal = refusalOf(error, c);
          await stream.writeSSE({ event: 'refusal', data: JSON.stringify(await refusal.json()) });
          // An unknown order stays unknown; anything else (Temporal restarting) may pass: keep trying.
          if (error instanceof OrdoError && error.code === 'not-found') break;
        }
        await stream.sleep(LIVE_POLL_MS);
      }
      // Hold the stream open, idle, until the page goes: closing it would make the browser's EventSource reconnect
      // and read the final view again every few seconds.
      while (!stopped) await stream.sleep(30_000);
    });
  });
}

function refusalOf(error: unknown, c: Parameters<typeof errorResponse>[1]): Response & { json(): Promise<ApiError> } {
  return errorResponse(error, c) as Response & { json(): Promise<ApiError> };
}
