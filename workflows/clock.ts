/**
 * The one place workflow code reads the time. Inside a workflow the SDK replaces Date with the
 * deterministic workflow clock (the time of the current workflow task), so replay sees the same value.
 */
export function now(): string {
  return new Date().toISOString();
}
