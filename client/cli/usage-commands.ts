import { config, parse, print, readJsonFile, systemApi } from './common';
import { formatUsageList, formatUsagePosted } from './format-usage';
import { UsageError } from './usage';

/**
 * `ordo usage post FILE.json` and `ordo usage list --account A [--item ID]`: usage records sent to, and read from,
 * the billing system (`systems.billing` in temporal-config.yaml). A file is checked here first, so a bad record is
 * refused naming its field and nothing is sent. They need billing only, not Temporal.
 */

export const usageCommands: Record<string, (args: string[]) => Promise<number>> = {
  async usage(args) {
    const [action, ...rest] = args;
    if (action === 'post') return post(rest);
    if (action === 'list') return list(rest);
    throw new UsageError('usage takes post FILE.json or list --account A');
  },
};

async function post(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (positionals.length !== 1) throw new UsageError('usage post takes one FILE.json: a usage record or a list of them');
  const { checkUsageFile, postUsage } = require('../usage-postings') as typeof import('../usage-postings');
  const records = checkUsageFile(readJsonFile(positionals[0]!, 'usage file'), positionals[0]!);
  const answer = await postUsage(systemApi(config(values.config), 'billing'), records);
  print({ json: !!values.json }, formatUsagePosted(answer), answer);
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { account: { type: 'string' }, item: { type: 'string' } });
  if (positionals.length) throw new UsageError('usage list takes no arguments, only --account A [--item ID]');
  const accountId = values.account?.trim();
  if (!accountId) throw new UsageError('usage list needs --account A: usage is listed per account, such as --account ACME');
  if (values.item !== undefined && values.item.trim() === '') throw new UsageError('usage list --item takes an order item id, such as --item OI-9');
  const { listUsage } = require('../usage-postings') as typeof import('../usage-postings');
  const usage = await listUsage(systemApi(config(values.config), 'billing'), accountId, values.item);
  print({ json: !!values.json }, formatUsageList(usage, accountId, values.item), usage);
  return 0;
}
