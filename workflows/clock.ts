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

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
