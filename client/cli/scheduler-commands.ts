import { config, parse, print, withClient } from './common';
import { formatBillNow, formatSchedules } from './format-schedules';
import { UsageError } from './usage';

/**
 * `ordo schedules [pause|unpause|trigger NAME]`: the invoice and payment schedulers (Temporal Schedules, made by
 * the worker at start-up); `ordo bill-now ORDER`: one order's subscription billed at once. Their logic is in
 * client/schedules.ts and client/bill-now.ts.
 */

const CONTROLS = ['pause', 'unpause', 'trigger'] as const;
type Control = (typeof CONTROLS)[number];

export const schedulerCommands: Record<string, (args: string[]) => Promise<number>> = {
  async schedules(args) {
    const { values, positionals } = parse(args, { reason: { type: 'string' } });
    const out = { json: !!values.json };
    if (positionals.length === 0) {
      if (values.reason !== undefined) throw new UsageError('schedules --reason goes with pause, unpause or trigger');
      const { describeSchedules } = require('../schedules') as typeof import('../schedules');
      return withClient(config(values.config), async (client) => {
        const schedules = await describeSchedules(client.temporal);
        print(out, formatSchedules(schedules), schedules);
        return 0;
      });
    }
    const [verb, name, ...extra] = positionals;
    if (!CONTROLS.includes(verb as Control) || !name || extra.length) {
      throw new UsageError('schedules takes no argument (the list), or: pause|unpause|trigger NAME [--reason TEXT], NAME being invoice or payment');
    }
    if (values.reason !== undefined && !values.reason.trim()) throw new UsageError('schedules --reason takes a text: say why');
    const { controlSchedule } = require('../schedules') as typeof import('../schedules');
    return withClient(config(values.config), async (client) => {
      const done = await controlSchedule(client.temporal, name, verb as Control, values.reason);
      const human = {
        pause: `${done.scheduleId} paused: it starts no runs until unpaused (ordo schedules unpause ${name}, or the Web UI)`,
        unpause: `${done.scheduleId} unpaused: its next run starts at its next scheduled time`,
        trigger: `${done.scheduleId} triggered: its run starts now, unless one is still running (overlap: skip). \`ordo schedules\` shows it`,
      }[done.done];
      print(out, human, done);
      return 0;
    });
  },

  async 'bill-now'(args) {
    const { values, positionals } = parse(args, { 'as-of': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('bill-now takes one ORDER id [--as-of YYYY-MM-DD]');
    const { billNow } = require('../bill-now') as typeof import('../bill-now');
    return withClient(config(values.config), async (client) => {
      const outcome = await billNow(client, positionals[0], values['as-of']);
      print({ json: !!values.json }, formatBillNow(outcome), outcome);
      return 0;
    });
  },
};
