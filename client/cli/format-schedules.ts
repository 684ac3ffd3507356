import type { BillNowOutcome } from '../bill-now';
import type { ScheduleRun, ScheduleView } from '../schedules';

/** Human renderings of `ordo schedules` and `ordo bill-now`. */

export function formatSchedules(schedules: ScheduleView[]): string {
  return schedules.map(formatSchedule).join('\n\n');
}

function formatSchedule(s: ScheduleView): string {
  if (!s.exists) return `${s.scheduleId} (${s.name} scheduler): not created — a worker creates it at start-up unless billing.schedulers.${s.name}.enabled is false`;
  const lines = [
    `${s.scheduleId} (${s.name} scheduler): ${s.paused ? 'PAUSED' : 'active'}${s.note ? ` — ${s.note}` : ''}`,
    `  starts    ${s.workflowType} on task queue ${s.taskQueue}, target date = run date + ${s.targetDays ?? 0} day(s)`,
    `  runs      ${s.spec}`,
    `  next      ${s.paused ? '(paused)' : s.nextRuns?.join(', ') || '-'}`,
  ];
  const recent = s.recentRuns ?? [];
  if (recent.length === 0) lines.push('  recent    none yet');
  else lines.push('  recent', ...recent.map((run) => `    ${formatRun(run)}`));
  return lines.join('\n');
}

function formatRun(run: ScheduleRun): string {
  const head = `${run.scheduledAt}  ${run.workflowId}  ${run.status.toLowerCase()}`;
  if (run.result) {
    const { targetDate, picked, issued, skipped } = run.result;
    return `${head}: target ${targetDate}, ${picked.length} picked, ${issued.length} issued${issued.length ? ` (${issued.join(', ')})` : ''}, ${skipped.length} skipped${skipped.length ? ` (${skipped.map((s) => `${s.id}: ${s.reason}`).join('; ')})` : ''}`;
  }
  return run.failure ? `${head}: ${run.failure}` : head;
}

export function formatBillNow(outcome: BillNowOutcome): string {
  const asOf = outcome.asOf ? ` as of ${outcome.asOf}` : '';
  const next = outcome.nextBillDate ? ` Next bill date: ${outcome.nextBillDate}.` : '';
  switch (outcome.outcome) {
    case 'billed':
      return [
        `Billed order ${outcome.orderId}${asOf}: ${outcome.issued.length} document(s) issued.${next}`,
        ...outcome.issued.map((d) => `  ${d.id}  ${d.kind}  ${d.date}  ${d.total}`),
      ].join('\n');
    case 'nothingDue':
      return `Order ${outcome.orderId}: nothing due${asOf} — every period due by then is billed already.${next}`;
    case 'ended':
      return `Order ${outcome.orderId}: nothing due — its subscription has ended, with everything billed.`;
    case 'invoicedAlready':
      return `Order ${outcome.orderId} has no subscription; it was invoiced already at its billing milestone: ${outcome.invoices!.map((i) => `${i.id} (${i.kind}, ${i.total})`).join(', ')}. Nothing more to bill.`;
  }
}
