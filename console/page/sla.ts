import type { Jeopardy } from './desk-types';

/** The SLA countdown's arithmetic and words (console/page/desk-parts.tsx shows them), kept apart to be tested alone. */

/** `1h 05m`, `3m 20s`, `45s`: a span short enough to read at a glance. */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The SLA state now: the workflow's word, or later if a deadline has passed since it was read. */
export function slaNow(item: { jeopardy: Jeopardy; jeopardyAt?: string; lateAt?: string }, now: number): Jeopardy {
  if (item.jeopardy === 'late' || (item.lateAt && Date.parse(item.lateAt) <= now)) return 'late';
  if (item.jeopardy === 'inJeopardy' || (item.jeopardyAt && Date.parse(item.jeopardyAt) <= now)) return 'inJeopardy';
  return 'none';
}
