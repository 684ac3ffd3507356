import { config, parse, print, withClient } from './common';
import { UsageError } from './usage';

/** The change verbs: cancel (more come with amendments and change orders). */
export const changeCommands: Record<string, (args: string[]) => Promise<number>> = {
  async cancel(args) {
    const { values, positionals } = parse(args, { reason: { type: 'string' }, actor: { type: 'string' }, signal: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('cancel takes one ORDER id');
    if (!values.reason?.trim()) throw new UsageError('cancel needs --reason TEXT: say why the order is cancelled');
    const { cancelOrder } = require('../changes') as typeof import('../changes');
    return withClient(config(values.config), async (client) => {
      const answer = await cancelOrder(client, positionals[0], { reason: values.reason!, actor: values.actor, signal: values.signal });
      const human =
        'sent' in answer
          ? `Cancellation of ${positionals[0]} sent (signal: no answer; \`ordo status ${positionals[0]}\` shows whether it was taken)`
          : `Order ${answer.orderId} is being cancelled (${answer.state}): waiting steps stop, completed steps are compensated, nothing is billed. Follow it with: ordo status ${answer.orderId}`;
      print({ json: !!values.json }, human, answer);
      return 0;
    });
  },
};
