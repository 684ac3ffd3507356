import type { QueueResolution } from '../operator';
import type { FalloutStep, ManualTask } from '../worklists';

/** Human-readable renderings of the operator verbs: short, one task or step per entry. */

export function formatTasks(tasks: ManualTask[], filter: { queue?: string; actor?: string }, now = Date.now()): string {
  const where = [filter.queue ? `in ${filter.queue}` : '', filter.actor ? `for ${filter.actor}` : ''].filter(Boolean).join(' ');
  if (tasks.length === 0) return `No open manual tasks${where ? ` ${where}` : ''}.`;
  const lines = [`${tasks.length} open manual task(s)${where ? ` ${where}` : ''}:`];
  for (const task of tasks) {
    const details = [
      `queue ${task.queue}`,
      task.escalatedTo.length ? `escalated to ${task.escalatedTo.join(', ')}` : '',
      task.assignee ? `assigned to ${task.assignee}` : 'unassigned',
      task.startedAt ? `waiting ${since(task.startedAt, now)}` : '',
      jeopardyNote(task.jeopardy, task.lateAt, now),
    ].filter(Boolean);
    lines.push(`  ${task.orderId}  ${task.stepId}  (${task.fulfillmentOrderId})`, `      ${details.join(', ')}`);
    if (task.instructions) lines.push(`      ${task.instructions}`);
  }
  lines.push('', 'Complete one with: ordo complete ORDER STEP --actor YOU [--output JSON]');
  return lines.join('\n');
}

export function formatFallout(steps: FalloutStep[], filter: { queue?: string }, now = Date.now()): string {
  const where = filter.queue ? ` in ${filter.queue}` : '';
  if (steps.length === 0) return `Nothing in fallout${where}.`;
  const lines = [`${steps.length} step(s) in fallout${where}:`];
  for (const step of steps) {
    lines.push(`  ${step.orderId}  ${step.stepId}  (${step.fulfillmentOrderId})`);
    const details = [`queue ${step.falloutQueue}`, step.type, step.startedAt ? `since ${since(step.startedAt, now)}` : '', jeopardyNote(step.jeopardy, undefined, now)].filter(Boolean);
    lines.push(`      ${details.join(', ')}`);
    lines.push(`      why: ${describeError(step.error)}`);
  }
  lines.push('', 'Resolve one with: ordo fallout retry|skip|complete ORDER STEP --actor YOU, or a whole queue with --all --queue Q');
  return lines.join('\n');
}

export function formatQueueResolutions(queue: string, action: string, results: QueueResolution[]): string {
  if (results.length === 0) return `Nothing in fallout in ${queue}.`;
  const lines = results.map((r) =>
    r.outcome === 'resolved' ? `  ${action.padEnd(8)} ${r.orderId}  ${r.fulfillmentOrderId}/${r.stepId}` : `  refused  ${r.orderId}  ${r.fulfillmentOrderId}/${r.stepId}: ${r.reason}`,
  );
  const refused = results.filter((r) => r.outcome === 'refused').length;
  lines.push(`${results.length - refused} resolved, ${refused} refused (${queue}).`);
  return lines.join('\n');
}

/** `503 injected-fault after 2 attempt(s): provisioning answered 503`. */
export function describeError(error: FalloutStep['error']): string {
  if (!error) return '(no error recorded)';
  const head = [error.status, error.code ?? error.type].filter((part) => part !== undefined && part !== '').join(' ');
  return `${head ? `${head} ` : ''}after ${error.attempts} attempt(s): ${error.message}`;
}

/** `IN JEOPARDY (late in 5m)`, `LATE`, or nothing when on time. */
export function jeopardyNote(jeopardy: ManualTask['jeopardy'], lateAt: string | undefined, now: number): string {
  if (jeopardy === 'late') return 'LATE';
  if (jeopardy === 'inJeopardy') return `IN JEOPARDY${lateAt ? ` (late in ${since(new Date(now).toISOString(), Date.parse(lateAt))})` : ''}`;
  return '';
}

/** A short duration from `iso` to `now`: `45s`, `12m`, `3h 5m`, `2d 4h`. */
function since(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
