import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  type CalendarSpec,
  type Client,
  type ScheduleDescription,
} from '@temporalio/client';
import type { LoadedConfig } from '../config/load';
import {
  INVOICE_RUN_WORKFLOW_TYPE,
  INVOICE_SCHEDULE_ID,
  PAYMENT_RUN_WORKFLOW_TYPE,
  PAYMENT_SCHEDULE_ID,
  type SchedulerRunInput,
  type SchedulerRunResult,
} from '../workflows/payment-messages';
import { OrdoError } from './errors';

/**
 * The invoice and payment schedulers as Temporal Schedules (`ordo-invoice-scheduler`, `ordo-payment-scheduler`):
 * made by every worker at start-up from `billing.schedulers`, listed, paused and triggered by `ordo schedules`,
 * and visible and pausable in the Temporal Web UI (Schedules). One of each per namespace.
 */

type SchedulersSettings = LoadedConfig['billing']['schedulers'];
type SchedulerSettings = SchedulersSettings['invoice'];
export type SchedulerName = 'invoice' | 'payment';

interface Scheduler {
  name: SchedulerName;
  scheduleId: string;
  workflowType: string;
  /** The runs' workflow ids start with it; Temporal adds the scheduled time (`invoice-run-2027-01-01T00:00:00Z`). */
  workflowIdPrefix: string;
}

export const SCHEDULERS: readonly Scheduler[] = [
  { name: 'invoice', scheduleId: INVOICE_SCHEDULE_ID, workflowType: INVOICE_RUN_WORKFLOW_TYPE, workflowIdPrefix: 'invoice-run' },
  { name: 'payment', scheduleId: PAYMENT_SCHEDULE_ID, workflowType: PAYMENT_RUN_WORKFLOW_TYPE, workflowIdPrefix: 'payment-run' },
];

/** When each `every` fires: 00:00 UTC every day, every Monday, or on the 1st of every month. */
const CALENDARS: Record<SchedulerSettings['every'], CalendarSpec> = {
  day: { hour: 0, minute: 0, comment: 'every day at 00:00 UTC' },
  week: { dayOfWeek: 'MONDAY', hour: 0, minute: 0, comment: 'every Monday at 00:00 UTC' },
  month: { dayOfMonth: 1, hour: 0, minute: 0, comment: 'on the 1st of every month at 00:00 UTC' },
};

const CATCHUP_WINDOW = '1 day' as const;

export type EnsuredSchedule = { scheduleId: string; outcome: 'created' | 'updated' | 'deleted' | 'absent' };

/**
 * Makes both schedules match the configuration: created when missing, updated when there (any worker may run this
 * at start-up, at the same time as others: the loser of a create race updates instead), deleted when
 * `enabled: false`. `paused: true` pauses it; `paused: false` leaves an operator's pause alone, so restarting a
 * worker never resumes a scheduler someone stopped on purpose (`ordo schedules unpause` does).
 */
export async function ensureSchedules(client: Client, taskQueue: string, settings: SchedulersSettings): Promise<EnsuredSchedule[]> {
  const ensured: EnsuredSchedule[] = [];
  for (const scheduler of SCHEDULERS) ensured.push(await ensureSchedule(client, taskQueue, scheduler, settings[scheduler.name]));
  return ensured;
}

async function ensureSchedule(client: Client, taskQueue: string, scheduler: Scheduler, settings: SchedulerSettings): Promise<EnsuredSchedule> {
  const { scheduleId } = scheduler;
  const handle = client.schedule.getHandle(scheduleId);
  if (!settings.enabled) {
    try {
      await handle.delete();
      return { scheduleId, outcome: 'deleted' };
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return { scheduleId, outcome: 'absent' };
      throw error;
    }
  }
  const input: SchedulerRunInput = { targetDays: settings.targetDays };
  const spec = { calendars: [CALENDARS[settings.every]], timezone: 'UTC' };
  const action = { type: 'startWorkflow' as const, workflowType: scheduler.workflowType, workflowId: scheduler.workflowIdPrefix, taskQueue, args: [input] };
  // SKIP: a run still going when the next is due is not joined by a second one; it bills everything due anyway.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW };
  const note = settings.paused ? 'paused by the configuration (billing.schedulers.' + scheduler.name + '.paused)' : undefined;
  try {
    await client.schedule.create({ scheduleId, spec, action, policies, state: { paused: settings.paused, note } });
    return { scheduleId, outcome: 'created' };
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await handle.update((previous) => ({
    ...previous,
    spec,
    action,
    policies,
    state: settings.paused ? { ...previous.state, paused: true, note } : previous.state,
  }));
  return { scheduleId, outcome: 'updated' };
}

/** A scheduler's run as `ordo schedules` shows it. */
export interface ScheduleRun {
  workflowId: string;
  scheduledAt: string;
  status: string;
  result?: SchedulerRunResult;
  failure?: string;
}

/** What `ordo schedules --json` prints for each scheduler. */
export interface ScheduleView {
  scheduleId: string;
  name: SchedulerName;
  exists: boolean;
  workflowType?: string;
  taskQueue?: string;
  spec?: string;
  timezone?: string;
  paused?: boolean;
  note?: string;
  targetDays?: number;
  nextRuns?: string[];
  recentRuns?: ScheduleRun[];
}

export async function describeSchedules(client: Client): Promise<ScheduleView[]> {
  return Promise.all(SCHEDULERS.map((scheduler) => describeSchedule(client, scheduler)));
}

async function describeSchedule(client: Client, scheduler: Scheduler): Promise<ScheduleView> {
  let description: ScheduleDescription;
  try {
    description = await client.schedule.getHandle(scheduler.scheduleId).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return { scheduleId: scheduler.scheduleId, name: scheduler.name, exists: false };
    throw error;
  }
  const action = description.action;
  const calendars = description.spec.calendars ?? [];
  const input = (action.args?.[0] ?? {}) as SchedulerRunInput;
  const recent = description.info.recentActions.slice(-5).reverse();
  return {
    scheduleId: scheduler.scheduleId,
    name: scheduler.name,
    exists: true,
    workflowType: typeof action.workflowType === 'string' ? action.workflowType : scheduler.workflowType,
    taskQueue: action.taskQueue,
    spec: calendars.map((calendar) => calendar.comment ?? JSON.stringify(calendar)).join('; ') || 'no calendar',
    timezone: description.spec.timezone,
    paused: description.state.paused,
    note: description.state.note || undefined,
    targetDays: input.targetDays,
    nextRuns: description.info.nextActionTimes.slice(0, 3).map((time) => time.toISOString()),
    recentRuns: await Promise.all(recent.map((run) => runOf(client, run.action.workflow.workflowId, run.scheduledAt))),
  };
}

/** A run's status and, when it completed, its result (what it picked, issued and skipped). */
async function runOf(client: Client, workflowId: string, scheduledAt: Date): Promise<ScheduleRun> {
  const run: ScheduleRun = { workflowId, scheduledAt: scheduledAt.toISOString(), status: 'unknown' };
  const handle = client.workflow.getHandle<(input: SchedulerRunInput) => Promise<SchedulerRunResult>>(workflowId);
  try {
    run.status = (await handle.describe()).status.name;
    if (run.status === 'COMPLETED') run.result = await handle.result();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) run.status = 'deleted';
    else if (run.status === 'FAILED') run.failure = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    else throw error;
  }
  return run;
}

/** A scheduler by the name an operator types: `invoice`, `payment`, or the schedule id. */
export function schedulerNamed(name: string): Scheduler {
  const scheduler = SCHEDULERS.find((s) => s.name === name || s.scheduleId === name);
  if (!scheduler) {
    throw new OrdoError('invalid', `there is no scheduler "${name}": name invoice or payment (or ${SCHEDULERS.map((s) => s.scheduleId).join(', ')})`);
  }
  return scheduler;
}

/** Pauses, unpauses or triggers one scheduler; a missing schedule is explained, not a stack trace. */
export async function controlSchedule(client: Client, name: string, verb: 'pause' | 'unpause' | 'trigger', reason?: string): Promise<{ scheduleId: string; done: typeof verb; note?: string }> {
  const scheduler = schedulerNamed(name);
  const handle = client.schedule.getHandle(scheduler.scheduleId);
  try {
    if (verb === 'pause') await handle.pause(reason ?? 'paused with ordo schedules pause');
    else if (verb === 'unpause') await handle.unpause(reason ?? 'unpaused with ordo schedules unpause');
    // The schedule's overlap policy (SKIP) applies: a run still going means this trigger starts nothing.
    else await handle.trigger();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw notCreated(scheduler);
    throw error;
  }
  return { scheduleId: scheduler.scheduleId, done: verb, note: reason };
}

function notCreated(scheduler: Scheduler): OrdoError {
  return new OrdoError(
    'not-found',
    `schedule ${scheduler.scheduleId} does not exist: a worker creates it at start-up unless billing.schedulers.${scheduler.name}.enabled is false (start one with \`npm run worker\` or \`ordo stack up\`)`,
  );
}

