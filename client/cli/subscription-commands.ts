import { config, parse, print, withClient } from './common';
import { formatRenewal, formatSubscription, formatSubscriptionList } from './format-subscriptions';
import { UsageError } from './usage';

/** `ordo subscriptions`, `ordo subscription ID`, `ordo bill-now ORDER`, `ordo renew ORDER`. */
export const subscriptionCommands: Record<string, (args: string[]) => Promise<number>> = {
  async subscriptions(args) {
    const { values, positionals } = parse(args, { account: { type: 'string' } });
    if (positionals.length) throw new UsageError('subscriptions takes no arguments, only [--account A]');
    if (values.account !== undefined && !values.account.trim()) throw new UsageError('subscriptions --account takes an account id, such as --account ACME');
    const { listSubscriptions } = require('../subscriptions') as typeof import('../subscriptions');
    return withClient(config(values.config), async (client) => {
      const rows = await listSubscriptions(client, { accountId: values.account?.trim() });
      print({ json: !!values.json }, formatSubscriptionList(rows, values.account?.trim()), { subscriptions: rows });
      return 0;
    });
  },

  async subscription(args) {
    const { values, positionals } = parse(args, {});
    if (positionals.length !== 1) throw new UsageError('subscription takes one ORDER id or SUB-ORDER subscription id');
    const { getSubscription } = require('../subscriptions') as typeof import('../subscriptions');
    return withClient(config(values.config), async (client) => {
      const view = await getSubscription(client, positionals[0]!);
      print({ json: !!values.json }, formatSubscription(view), view);
      return 0;
    });
  },

  async renew(args) {
    const { values, positionals } = parse(args, { effective: { type: 'string' }, actor: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('renew takes one ORDER id (the order whose subscription is renewed)');
    const effectiveDate = values.effective?.trim();
    if (effectiveDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(effectiveDate)) {
      throw new UsageError(`renew --effective takes a date YYYY-MM-DD (the new term's first day), not "${values.effective}"`);
    }
    const { renewSubscription } = require('../subscriptions') as typeof import('../subscriptions');
    return withClient(config(values.config), async (client) => {
      const answer = await renewSubscription(client, positionals[0]!, { effectiveDate, actor: values.actor?.trim() || process.env.USER || 'ordo-cli' });
      print({ json: !!values.json }, formatRenewal(answer, effectiveDate), answer);
      return 0;
    });
  },
};
