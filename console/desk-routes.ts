import { mapConcurrently } from '../client/concurrency';
import { OrdoError } from '../client/errors';
import { FALLOUT_ACTIONS } from '../client/fallout-actions';
import { OrdoOperator } from '../client/operator';
import type { Context } from 'hono';
import type { ConsoleApp, ConsoleContext, ConsoleEnv } from './context';
import { deskTasks, incidentFilter, incidents, waitingPauses } from './desk-views';
import { ConsoleRefusal, jsonBody, requireActor, requireUser } from './http';
import type { DeskTask, Incident, IncidentAction, IncidentList, ItemResult, Pause, PauseList, ResolveAnswer, ResumeAnswer, TaskList } from './page/desk-types';

/**
 * The desks' API (docs/console.md "Desks"): the task inbox, the incident desk (fallout, filters, batch actions) and
 * pause steps. Reads need a signed-in user; every action goes through client/operator.ts as the signed-in user
 * (never a name from the request), so the workflow refuses it exactly as it refuses the CLI's.
 */

/** How many fallout resolutions run at once in a batch (as `ordo fallout retry --queue`). */
const RESOLVE_CONCURRENCY = 4;

export function deskRoutes(app: ConsoleApp, context: ConsoleContext): void {
  /** Reads need no credential: a read-only user looks through an unsigned operator client. */
  const reader = new OrdoOperator(context.client, context.config.queues);
  // Pages refresh every few seconds; several open on the same list share the reading under way rather than each
  // querying every split again. Nothing is kept once it has answered.
  const readTasks = sharedReads<DeskTask[]>();
  const readIncidents = sharedReads<Incident[]>();
  const readPauses = sharedReads<Pause[]>();
  const acted = () => [readTasks, readIncidents, readPauses].forEach((reads) => reads.forget());

  app.get('/api/tasks', async (c) => {
    const user = requireUser(c);
    const queue = c.req.query('queue') || undefined;
    const mine = ['1', 'true', 'yes'].includes(c.req.query('mine') ?? '');
    const tasks = await readTasks.read(JSON.stringify([user.name, user.queues, queue, mine]), () => deskTasks(reader, context.config.queues, user, { queue, mine }));
    return c.json<TaskList>({ tasks, queues: Object.keys(context.config.queues).sort(), ...readOnlyReason(c) });
  });

  app.post('/api/tasks/complete', async (c) => {
    const user = requireActor(c);
    const body = objectBody(await jsonBody(c));
    const orderId = text(body, 'orderId');
    const stepId = text(body, 'stepId');
    const target = await context.operatorFor(user).completeTask(orderId, stepId, user.name, body.output).finally(acted);
    return c.json({ orderId: target.orderId, fulfillmentOrderId: target.fulfillmentOrderId, stepId: target.stepId, completedBy: user.name });
  });

  app.get('/api/incidents', async (c) => {
    requireUser(c);
    const filter = incidentFilter(c.req.query());
    const list = await readIncidents.read(JSON.stringify(filter), () => incidents(reader, context.client.temporal, filter));
    return c.json<IncidentList>({ incidents: list, ...readOnlyReason(c) });
  });

  app.post('/api/incidents/resolve', async (c) => {
    const user = requireActor(c);
    const body = objectBody(await jsonBody(c));
    const action = body.action as IncidentAction;
    if (!FALLOUT_ACTIONS.includes(action)) throw new OrdoError('invalid', `action must be ${FALLOUT_ACTIONS.join(', ')}, not ${JSON.stringify(body.action)}`);
    if (body.note !== undefined && typeof body.note !== 'string') throw new OrdoError('invalid', 'note must be text');
    const operator = context.operatorFor(user);
    // The batch form resolves what the filter matches now: listed, then resolved one by one (as resolveQueue does).
    const items = 'filter' in body ? (await incidents(reader, context.client.temporal, incidentFilter(objectBody(body.filter, 'filter')))).map(({ orderId, stepId }) => ({ orderId, stepId })) : itemsOf(body.items);
    const options = { ...(body.output !== undefined ? { output: body.output } : {}), ...(typeof body.note === 'string' ? { note: body.note } : {}) };
    const results = await mapConcurrently(items, RESOLVE_CONCURRENCY, (item) => resolveOne(operator, item, action, user.name, options)).finally(acted);
    return c.json<ResolveAnswer>({ action, results });
  });

  app.get('/api/pauses', async (c) => {
    requireUser(c);
    return c.json<PauseList>({ pauses: await readPauses.read('all', () => waitingPauses(context.client.temporal)), ...readOnlyReason(c) });
  });

  app.post('/api/pauses/resume', async (c) => {
    const user = requireActor(c);
    const body = objectBody(await jsonBody(c));
    const answer = await context.operatorFor(user).resume(text(body, 'orderId'), text(body, 'name'), user.name).finally(acted);
    return c.json<ResumeAnswer>({ orderId: answer.orderId, name: answer.name, waitingSteps: answer.waitingSteps });
  });
}

/** One item of a resolution: resolved, or refused with the reason (the workflow's, or why it cannot be found). */
async function resolveOne(operator: OrdoOperator, item: { orderId: string; stepId: string }, action: IncidentAction, actor: string, options: { output?: unknown; note?: string }): Promise<ItemResult> {
  try {
    await operator.resolveFallout(item.orderId, item.stepId, action, actor, options);
    return { ...item, outcome: 'resolved' };
  } catch (error) {
    if (error instanceof OrdoError && error.code !== 'unavailable' && error.code !== 'timeout') return { ...item, outcome: 'refused', reason: error.message };
    throw error;
  }
}

/**
 * Reads keyed by their question: a second ask while the first is under way gets the first's answer. After an action
 * `forget()` makes the next ask read afresh, so the page's reload shows what the action did.
 */
function sharedReads<T>() {
  const underWay = new Map<string, Promise<T>>();
  return {
    read(key: string, read: () => Promise<T>): Promise<T> {
      let reading = underWay.get(key);
      if (!reading) {
        const started: Promise<T> = read().finally(() => underWay.get(key) === started && underWay.delete(key));
        reading = started;
        underWay.set(key, reading);
      }
      return reading;
    },
    forget: () => underWay.clear(),
  };
}

/** Why the signed-in user may only look (the words an action of theirs would be refused with), for the page to show. */
function readOnlyReason(c: Context<ConsoleEnv>): { readOnly?: string } {
  try {
    requireActor(c);
    return {};
  } catch (error) {
    if (error instanceof ConsoleRefusal) return { readOnly: error.message };
    throw error;
  }
}

function objectBody(value: unknown, what = 'the request body'): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new OrdoError('invalid', `${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function text(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || !value.trim()) throw new OrdoError('invalid', `${field} is required (text), e.g. { "${field}": "…" }`);
  return value.trim();
}

function itemsOf(value: unknown): Array<{ orderId: string; stepId: string }> {
  if (!Array.isArray(value) || value.length === 0) throw new OrdoError('invalid', 'name the incidents to resolve: items [{ orderId, stepId }, …], or a filter {…} for every incident it matches');
  return value.map((item, index) => {
    const entry = objectBody(item, `items[${index}]`);
    return { orderId: text(entry, 'orderId'), stepId: text(entry, 'stepId') };
  });
}
