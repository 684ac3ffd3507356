import type { ConsoleApp, ConsoleContext } from './context';

/**
 * The desks' API (docs/console.md "Desks"): the task inbox, the incident desk (fallout, filters, batch actions) and
 * pause steps; every action goes through client/operator.ts as the signed-in user. STUB.
 */
export function deskRoutes(_app: ConsoleApp, _context: ConsoleContext): void {}
