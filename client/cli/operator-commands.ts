import type { LoadedConfig } from '../../config/load';
import { OrdoError } from '../errors';
import { FALLOUT_ACTIONS, type FalloutAction } from '../fallout-actions';
import type { OrdoOperator } from '../operator';
import { operatorIdentity, type OperatorSigner } from '../operator-credentials';
import { config, parse, print, withClient } from './common';
import { formatFallout, formatQueueResolutions, formatTasks } from './format-operator';
import { UsageError } from './usage';

/** The operator verbs: tasks, complete, fallout, resume, update. */

async function withOperator<T>(cfg: LoadedConfig, use: (operator: OrdoOperator) => Promise<T>, signer?: OperatorSigner): Promise<T> {
  // Loaded on use, like the client: the offline verbs need no Temporal libraries.
  const { OrdoOperator } = require('../operator') as typeof import('../operator');
  return withClient(cfg, (client) => use(new OrdoOperator(client, cfg.queues, signer)));
}

/**
 * Whom an acting verb acts as: the credential of `--actor NAME` (<operators.keys>/NAME.key) or of ORDO_OPERATOR_KEY,
 * never a typed name alone (docs/security.md "Operators are who they say"). In `trusted` mode `--actor` suffices.
 */
function actingAs(cfg: LoadedConfig, actorFlag: string | undefined, verb: string): { actor: string; signer?: OperatorSigner } {
  if (!actorFlag?.trim() && !process.env.ORDO_OPERATOR_KEY) throw new UsageError(`${verb} needs --actor NAME (acting with <operators.keys>/NAME.key) or ORDO_OPERATOR_KEY=FILE: say who is acting`);
  const { actor, signer } = operatorIdentity({ actor: actorFlag, keysDir: cfg.operatorKeysDir, authentication: cfg.operators.authentication });
  return { actor: actor ?? signer!.operator, signer };
}

/** `--output JSON`: a bad one is a refused request (exit 1) with the parser's reason. */
function parseOutput(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OrdoError('invalid', `--output is not valid JSON: ${(error as Error).message}. Quote it for the shell, e.g. --output '{"approved":true}'`);
  }
}

/** A number written the way JavaScript writes it back: `3`, `-1.5`; `02134` or `1.50` stay text (a postal code, a price). */
const isPlainNumber = (raw: string) => /^-?\d+(\.\d+)?$/.test(raw) && String(Number(raw)) === raw;

/** `--set key=value`: true/false become booleans, numbers numbers, anything else stays a string. */
export function parseSets(sets: string[] | undefined): Record<string, string | number | boolean> {
  if (!sets?.length) throw new UsageError('update needs at least one --set key=value');
  const attributes: Record<string, string | number | boolean> = {};
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set takes key=value, not "${set}"`);
    const raw = set.slice(eq + 1);
    attributes[set.slice(0, eq).trim()] = raw === 'true' ? true : raw === 'false' ? false : isPlainNumber(raw) ? Number(raw) : raw;
  }
  return attributes;
}

const STEP_WORDS: Record<FalloutAction, string> = {
  retry: 'runs again from scratch',
  skip: 'is skipped; the steps after it go on',
  complete: 'is completed by hand; the steps after it go on',
};

export const operatorCommands: Record<string, (args: string[]) => Promise<number>> = {
  async tasks(args) {
    const { values, positionals } = parse(args, { queue: { type: 'string' }, actor: { type: 'string' }, order: { type: 'string' } });
    if (positionals.length) throw new UsageError('tasks takes no arguments, only --queue Q, --actor A, --order ORDER');
    const cfg = config(values.config);
    return withOperator(cfg, async (operator) => {
      const filter = { queue: values.queue, actor: values.actor, orderId: values.order };
      const tasks = await operator.listTasks(filter);
      print({ json: !!values.json }, formatTasks(tasks, filter), { tasks });
      return 0;
    });
  },

  async complete(args) {
    const { values, positionals } = parse(args, { actor: { type: 'string' }, output: { type: 'string' } });
    if (positionals.length !== 2) throw new UsageError('complete takes ORDER STEP');
    const cfg = config(values.config);
    const output = parseOutput(values.output);
    const { actor, signer } = actingAs(cfg, values.actor, 'complete');
    const [orderId, stepRef] = positionals;
    return withOperator(cfg, async (operator) => {
      const done = await operator.completeTask(orderId, stepRef, actor, output);
      print({ json: !!values.json }, `Task ${done.stepId} of order ${orderId} (${done.fulfillmentOrderId}) completed by ${actor}.`, { ...done, actor, completed: true });
      return 0;
    }, signer);
  },

  async fallout(args) {
    const { values, positionals } = parse(args, {
      queue: { type: 'string' },
      order: { type: 'string' },
      actor: { type: 'string' },
      output: { type: 'string' },
      note: { type: 'string' },
      all: { type: 'boolean' },
    });
    const out = { json: !!values.json };
    const cfg = config(values.config);
    const [first, ...rest] = positionals;
    if (first === undefined) {
      if (values.all || values.actor || values.output || values.note) throw new UsageError('fallout without an action only lists: use --queue Q, --order ORDER');
      return withOperator(cfg, async (operator) => {
        const steps = await operator.listFallout({ queue: values.queue, orderId: values.order });
        print(out, formatFallout(steps, { queue: values.queue }), { fallout: steps });
        return 0;
      });
    }
    if (!FALLOUT_ACTIONS.includes(first as FalloutAction)) throw new UsageError(`fallout takes ${FALLOUT_ACTIONS.join(', ')} (or nothing, to list), not "${first}"`);
    const action = first as FalloutAction;
    const { actor, signer } = actingAs(cfg, values.actor, `fallout ${action}`);
    const options = { output: parseOutput(values.output), note: values.note };
    if (values.all) {
      if (rest.length || !values.queue) throw new UsageError(`fallout ${action} --all takes no ORDER STEP, and needs --queue Q`);
      const queue = values.queue;
      return withOperator(cfg, async (operator) => {
        const results = await operator.resolveQueue(queue, action, actor, options);
        print(out, formatQueueResolutions(queue, action, results), { queue, action, results });
        return results.some((r) => r.outcome === 'refused') ? 1 : 0;
      }, signer);
    }
    if (rest.length !== 2) throw new UsageError(`fallout ${action} takes ORDER STEP (or --all --queue Q)`);
    const [orderId, stepRef] = rest;
    return withOperator(cfg, async (operator) => {
      const done = await operator.resolveFallout(orderId, stepRef, action, actor, options);
      print(out, `${done.stepId} of order ${orderId} (${done.fulfillmentOrderId}) ${STEP_WORDS[action]} (${action} by ${actor}).`, { ...done, actor, resolved: true });
      return 0;
    }, signer);
  },

  async resume(args) {
    const { values, positionals } = parse(args, { actor: { type: 'string' } });
    if (positionals.length !== 2) throw new UsageError('resume takes ORDER NAME (the signal name a pause step waits for)');
    const [orderId, name] = positionals;
    const cfg = config(values.config);
    const { actor, signer } = operatorIdentity({ actor: values.actor, keysDir: cfg.operatorKeysDir, authentication: cfg.operators.authentication });
    return withOperator(cfg, async (operator) => {
      const sent = await operator.resume(orderId, name, actor);
      const steps = sent.waitingSteps;
      const human = steps.length
        ? `Resumed "${name}" on order ${orderId}: ${steps.join(', ')} ${steps.length === 1 ? 'goes' : 'go'} on.`
        : `Sent "${name}" to order ${orderId}; no step waits for it any more.`;
      print({ json: !!values.json }, human, sent);
      return 0;
    }, signer);
  },

  async update(args) {
    const { values, positionals } = parse(args, {
      'line-item': { type: 'string' },
      'order-item': { type: 'string' },
      set: { type: 'string', multiple: true },
      actor: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('update takes one ORDER');
    const lineItemId = values['line-item'];
    const orderItemId = values['order-item'];
    if ((lineItemId === undefined) === (orderItemId === undefined)) throw new UsageError('update needs exactly one of --line-item ID or --order-item ID');
    const attributes = parseSets(values.set);
    const [orderId] = positionals;
    const cfg = config(values.config);
    const { actor, signer } = operatorIdentity({ actor: values.actor, keysDir: cfg.operatorKeysDir, authentication: cfg.operators.authentication });
    return withOperator(cfg, async (operator) => {
      const sent = await operator.updateAttributes(orderId, { ...(lineItemId !== undefined ? { lineItemId } : { orderItemId }), attributes, actor });
      const what = lineItemId !== undefined ? `line item ${lineItemId}` : `order item ${orderItemId}`;
      const pairs = Object.entries(attributes).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
      print({ json: !!values.json }, `Set ${pairs} on ${what} of order ${orderId} (${sent.fulfillmentOrderIds.join(', ')}).`, { ...sent, attributes });
      return 0;
    }, signer);
  },
};
