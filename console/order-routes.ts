import type { ConsoleApp, ConsoleContext } from './context';

/**
 * The order page's API (docs/console.md "Order page"): GET /api/orders (recent orders, filters),
 * GET /api/orders/:id (the order view: splits, plans, PONR per item, actions, invoices, Web UI links),
 * GET /api/orders/:id/live (server-sent events: the view again whenever it changes). STUB.
 */
export function orderRoutes(_app: ConsoleApp, _context: ConsoleContext): void {}
