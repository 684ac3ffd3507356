/**
 * The one place workflow code reads the time. Inside a workflow the SDK replaces Date with the
 * deterministic workflow clock (the time of the current workflow task), so replay sees the same value.
 */
export function nowMs(): number {
  return Date.now();
}

export function now(): string {
  return new Date(nowMs()).toISOString();
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The workflow's calendar date in UTC (bill dates and schedules are UTC days), `plusDays` later, as YYYY-MM-DD. */
export function today(plusDays = 0): string {
  return isoTime(nowMs() + plusDays * DAY_MS).slice(0, 10);
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** An ISO date-time as epoch milliseconds (pure: a recorded time, not the clock). */
export function msOf(isoDateTime: string): number {
  return Date.parse(isoDateTime);
}
