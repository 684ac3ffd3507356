import { streamSSE } from 'hono/streaming';
import { OrdoError } from '../client/errors';
import type { ConsoleApp, ConsoleContext } from './context';
import { errorResponse, requireUser } from './http';
import { buildOrderView, listOrders, newViewCache } from './order-view';

/**
 * The order page's API (docs/console.md "Order page"): GET /api/orders (recent orders, filters),
 * GET /api/orders/:id (the order view: splits, plans, PONR per item, actions, invoices, Web UI links),
 * GET /api/orders/:id/live (server-sent events: the view again whenever it changes).
 */

/** How often a live view reads Temporal while someone watches. */
export const LIVE_POLL_MS = 1000;
/** How often a live view that has nothing more to send says it is still there. */
const IDLE_COMMENT_MS = 25_000;

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
      /** The last thing sent (a view or a refusal): the same again is not sent. */
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
          if (stopped) break;
          // The same words the JSON API would answer with (console/http.ts), as an event the page shows (api.ts useLive).
          const refusal = await errorResponse(error, c).text();
          if (refusal !== sent) await stream.writeSSE({ event: 'refusal', data: refusal });
          sent = refusal;
          // An unknown order stays unknown; anything else (Temporal restarting) may pass: keep trying.
          if (error instanceof OrdoError && error.code === 'not-found') break;
        }
        await stream.sleep(LIVE_POLL_MS);
      }
      // Hold the stream open, idle, until the page goes: closing it would make the browser's EventSource reconnect
      // and read the final view again every few seconds. A comment now and then keeps proxies from cutting it, and
      // finds out when the other end has gone without saying so.
      while (!stopped) {
        await stream.sleep(IDLE_COMMENT_MS);
        if (stopped) break;
        try {
          await stream.write(': still here\n\n');
        } catch {
          break;
        }
      }
    });
  });
}
