import type { ConsoleApp, ConsoleContext } from './context';

/** The dashboards' API (docs/console.md "Dashboards"): figures from Temporal visibility and closed splits' results. STUB. */
export function dashboardRoutes(_app: ConsoleApp, _context: ConsoleContext): void {}
