import { useEffect, useState } from 'react';
import type { Jeopardy } from './desk-types';
import { slaNow, span } from './sla';
import { JEOPARDY_COLOURS } from './states';

/** What the desks' views share: a clock that ticks each second, the SLA countdown, and how a refusal is shown. */

/** How often the desks fetch their lists again, so new tasks and incidents appear without a reload. */
export const DESK_REFRESH_MS = 2500;

/** Now, ticking each second (the SLA countdowns count down live between fetches). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The SLA countdown: time to jeopardy, then to late, then how late; coloured as the swimlanes mark jeopardy. */
export function Sla({ item, now, testId }: { item: { jeopardy: Jeopardy; jeopardyAt?: string; lateAt?: string }; now: number; testId?: string }) {
  const state = slaNow(item, now);
  const jeopardyAt = item.jeopardyAt ? Date.parse(item.jeopardyAt) : undefined;
  const lateAt = item.lateAt ? Date.parse(item.lateAt) : undefined;
  const words =
    state === 'late'
      ? lateAt !== undefined ? `late by ${span(now - lateAt)}` : 'late'
      : state === 'inJeopardy'
        ? lateAt !== undefined ? `in jeopardy, late in ${span(lateAt - now)}` : 'in jeopardy'
        : jeopardyAt !== undefined ? `jeopardy in ${span(jeopardyAt - now)}` : lateAt !== undefined ? `late in ${span(lateAt - now)}` : 'no SLA';
  const colour = state === 'none' ? undefined : JEOPARDY_COLOURS[state];
  return (
    <span className={`sla sla-${state}`} data-testid={testId} data-sla={state} style={colour ? { color: colour } : undefined}>
      {words}
    </span>
  );
}

/** Whether an output field holds JSON (checked before it is sent). */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `5m ago` from an ISO time. */
export function ago(iso: string | undefined, now: number): string {
  return iso ? `${span(now - Date.parse(iso))} ago` : '';
}

/** Why the signed-in user may only look here (no queue): shown above the list; the buttons are disabled. */
export function ReadOnlyNote({ reason }: { reason?: string }) {
  if (!reason) return null;
  return (
    <p className="desk-read-only" data-testid="desk-read-only">
      Read-only: {reason}
    </p>
  );
}

/** A refusal as the server gave it (the workflow's reason, or the console's): shown as is. */
export function Refusal({ message, onDismiss, testId = 'desk-refusal' }: { message?: string; onDismiss?: () => void; testId?: string }) {
  if (!message) return null;
  return (
    <div className="refusal" data-testid={testId} role="alert">
      {message}
      {onDismiss && (
        <button type="button" className="dismiss" onClick={onDismiss} aria-label="dismiss">
          ×
        </button>
      )}
    </div>
  );
}
