import { OrdoError } from '../errors';
import { config, parse, print, systemApi } from './common';
import { formatInvoices, formatLedger, formatPayments } from './format-billing';
import { UsageError } from './usage';

/**
 * An account's books, read from the billing system (`systems.billing` in temporal-config.yaml): `ordo invoices`,
 * `ordo payments` and `ordo ledger`. `--json` prints DESIGN.md's shapes: an array of invoices, an array of
 * payments, the ledger object. They need billing only, not Temporal.
 */

const ACCOUNT = { account: { type: 'string' } } as const;

/** `--account` when given: never empty (an empty filter would quietly list every account's records). */
function accountOf(value: string | undefined, verb: string): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${verb} --account takes an account id, such as --account ACME`);
  return value;
}

export const billingCommands: Record<string, (args: string[]) => Promise<number>> = {
  async invoices(args) {
    const { values, positionals } = parse(args, ACCOUNT);
    if (positionals.length) throw new UsageError('invoices takes no arguments, only --account A');
    const accountId = accountOf(values.account, 'invoices');
    const { listInvoices } = require('../billing-books') as typeof import('../billing-books');
    const invoices = await listInvoices(systemApi(config(values.config), 'billing'), accountId);
    print({ json: !!values.json }, formatInvoices(invoices, accountId), invoices);
    return 0;
  },

  async payments(args) {
    const { values, positionals } = parse(args, ACCOUNT);
    if (positionals.length) throw new UsageError('payments takes no arguments, only --account A');
    const accountId = accountOf(values.account, 'payments');
    const { listPayments } = require('../billing-books') as typeof import('../billing-books');
    const payments = await listPayments(systemApi(config(values.config), 'billing'), accountId);
    print({ json: !!values.json }, formatPayments(payments, accountId), payments);
    return 0;
  },

  async ledger(args) {
    const { values, positionals } = parse(args, { ...ACCOUNT, currency: { type: 'string' } });
    if (positionals.length) throw new UsageError('ledger takes no arguments, only --account A [--currency C]');
    const accountId = accountOf(values.account, 'ledger');
    if (accountId === undefined) throw new UsageError('ledger needs --account A: the ledger is kept per account');
    const { readLedger } = require('../billing-books') as typeof import('../billing-books');
    const { SystemCallError } = require('../system-api') as typeof import('../system-api');
    const ledger = await readLedger(systemApi(config(values.config), 'billing'), accountId, values.currency).catch((error: unknown) => {
      // Billing keeps one ledger per currency; its hint is an HTTP query, the person here needs the flag.
      if (error instanceof SystemCallError && error.remoteCode === 'several-currencies') {
        throw new OrdoError('refused', `${error.message.replace(/: ask for one ledger with &currency=\S+$/, '')}: choose one with --currency (ordo ledger --account ${accountId} --currency C)`);
      }
      throw error;
    });
    print({ json: !!values.json }, formatLedger(ledger), ledger);
    return 0;
  },
};
