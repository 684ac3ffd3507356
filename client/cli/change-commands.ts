import { OrdoError } from '../errors';
import { operatorIdentity } from '../operator-credentials';
import { config, parse, print, readJsonFile, withClient } from './common';
import { formatSummary } from './format';
import { UsageError } from './usage';

/** The change verbs: cancel, and change orders (`change-order submit`). */
export const changeCommands: Record<string, (args: string[]) => Promise<number>> = {
  async cancel(args) {
    const { values, positionals } = parse(args, { reason: { type: 'string' }, actor: { type: 'string' }, signal: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('cancel takes one ORDER id');
    if (!values.reason?.trim()) throw new UsageError('cancel needs --reason TEXT: say why the order is cancelled');
    const { cancelOrder } = require('../changes') as typeof import('../changes');
    const cfg = config(values.config);
    // Signed with the actor's own credential (docs/security.md "Operators are who they say").
    const { actor, signer } = operatorIdentity({ actor: values.actor, keysDir: cfg.operatorKeysDir, authentication: cfg.operators.authentication });
    return withClient(cfg, async (client) => {
      const answer = await cancelOrder(client, positionals[0], { reason: values.reason!, actor, signal: values.signal }, signer);
      const human =
        'sent' in answer
          ? `Cancellation of ${positionals[0]} sent (signal: no answer; \`ordo status ${positionals[0]}\` shows whether it was taken)`
          : `Order ${answer.orderId} is being cancelled (${answer.state}): waiting steps stop, completed steps are compensated, nothing is billed. Follow it with: ordo status ${answer.orderId}`;
      print({ json: !!values.json }, human, answer);
      return 0;
    });
  },

  async approve(args) {
    const { values, positionals } = parse(args, { refuse: { type: 'boolean' }, reason: { type: 'string' }, actor: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('approve takes one ORDER id (an order waiting pending for its approval)');
    if (values.refuse && !values.reason?.trim()) throw new UsageError('approve --refuse needs --reason TEXT: say why the order is refused');
    const { approveOrder } = require('../changes') as typeof import('../changes');
    const cfg = config(values.config);
    const { actor, signer } = operatorIdentity({ actor: values.actor, keysDir: cfg.operatorKeysDir, authentication: cfg.operators.authentication });
    return withClient(cfg, async (client) => {
      const answer = await approveOrder(client, positionals[0], { actor, approved: !values.refuse, reason: values.reason }, signer);
      const human = values.refuse
        ? `Order ${answer.orderId} refused: it ends rejected. See it with: ordo status ${answer.orderId}`
        : `Order ${answer.orderId} approved: its fulfillment starts. Follow it with: ordo status ${answer.orderId}`;
      print({ json: !!values.json }, human, answer);
      return 0;
    });
  },

  async amend(args) {
    const { values, positionals } = parse(args, {});
    if (positionals.length !== 2) throw new UsageError('amend takes ORDER and CHANGES.json');
    const request = readJsonFile(positionals[1], 'amendment file');
    const { amendOrder, checkAmendment } = require('../changes') as typeof import('../changes');
    // A bad file (an unknown action, an address without its country) is named before anything connects.
    checkAmendment(request);
    const cfg = config(values.config);
    // The amendment's actor signs it: <operators.keys>/ACTOR.key, or ORDO_OPERATOR_KEY's when it names none.
    const named = typeof (request as { actor?: unknown })?.actor === 'string' ? (request as { actor: string }).actor : undefined;
    const { signer } = operatorIdentity({ actor: process.env.ORDO_OPERATOR_KEY ? undefined : named, keysDir: cfg.operatorKeysDir, authentication: cfg.operators.authentication });
    return withClient(cfg, async (client) => {
      const answer = await amendOrder(client, positionals[0], request, signer);
      const splits = answer.fulfillmentOrders;
      const readdressed = answer.changedDeliveryGroupIds?.length ? ` New delivery address for ${answer.changedDeliveryGroupIds.join(', ')}.` : '';
      const human = [
        `Order ${answer.orderId} amended: added ${answer.addedItemIds.join(', ') || 'none'}, changed ${answer.changedItemIds.join(', ') || 'none'}, removed ${answer.removedItemIds.join(', ') || 'none'}.${readdressed}`,
        `Fulfillment orders started ${splits.started.join(', ') || 'none'}, updated ${splits.updated.join(', ') || 'none'}, stopped ${splits.stopped.join(', ') || 'none'}. \`ordo plan ${answer.orderId}\` shows the steps.`,
      ].join('\n');
      print({ json: !!values.json }, human, answer);
      return 0;
    });
  },

  /** `change-order submit CHANGE.json [--wait]`: a change order is an order with changeOf; this verb insists on it. */
  async 'change-order'(args) {
    const { values, positionals } = parse(args, { wait: { type: 'boolean' } });
    if (positionals[0] !== 'submit' || positionals.length !== 2) throw new UsageError('change-order takes: submit CHANGE.json');
    const change = readJsonFile(positionals[1], 'change order file') as { changeOf?: unknown };
    if (typeof change?.changeOf !== 'string') {
      throw new OrdoError('invalid', `${positionals[1]} has no "changeOf": name the order this change applies to (a new order goes through \`ordo submit\`)`);
    }
    return withClient(config(values.config), async (client) => {
      const started = await client.startOrder(change);
      const out = { json: !!values.json };
      if (!values.wait) {
        print(out, `Change order ${started.orderId} of ${change.changeOf} submitted (workflow ${started.workflowId}). Follow it with: ordo status ${started.orderId}`, { ...started, state: 'acknowledged' });
        return 0;
      }
      const summary = await client.waitForCompletion(started.orderId);
      print(out, formatSummary(summary), summary);
      return summary.state === 'completed' ? 0 : 1;
    });
  },
};
