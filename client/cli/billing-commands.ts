import * as fs from 'node:fs';
import * as path from 'node:path';
import { OrdoError } from '../errors';
import { config, parse, print, systemApi } from './common';
import { formatInvoices, formatLedger, formatPayments } from './format-billing';
import { UsageError } from './usage';

/**
 * An account's books, read from the billing system (`systems.billing` in temporal-config.yaml): `ordo invoices`,
 * `ordo payments` and `ordo ledger`. `--json` prints DESIGN.md's shapes: an array of invoices, an array of
 * payments, the ledger object. They need billing only, not Temporal. `ordo ledger --export csv|json [--out FILE]`
 * writes the ERP export (client/ledger-export.ts, docs/billing.md "ERP export").
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
    const { values, positionals } = parse(args, { ...ACCOUNT, currency: { type: 'string' }, export: { type: 'string' }, out: { type: 'string' } });
    if (positionals.length) throw new UsageError('ledger takes no arguments, only --account A [--currency C] [--export csv|json [--out FILE]]');
    const accountId = accountOf(values.account, 'ledger');
    if (accountId === undefined) throw new UsageError('ledger needs --account A: the ledger is kept per account');
    const format = exportFormatOf(values.export, values.out, !!values.json);
    const { readLedger, listInvoices, listPayments } = require('../billing-books') as typeof import('../billing-books');
    const { SystemCallError } = require('../system-api') as typeof import('../system-api');
    const billing = systemApi(config(values.config), 'billing');
    const ledger = await readLedger(billing, accountId, values.currency).catch((error: unknown) => {
      // Billing keeps one ledger per currency; its hint is an HTTP query, the person here needs the flag.
      if (error instanceof SystemCallError && error.remoteCode === 'several-currencies') {
        throw new OrdoError('refused', `${error.message.replace(/: ask for one ledger with &currency=\S+$/, '')}: choose one with --currency (ordo ledger --account ${accountId} --currency C)`);
      }
      throw error;
    });
    if (format === undefined) {
      print({ json: !!values.json }, formatLedger(ledger), ledger);
      return 0;
    }
    const { ledgerExportRecords, renderLedgerExport } = require('../ledger-export') as typeof import('../ledger-export');
    const [invoices, payments] = await Promise.all([listInvoices(billing, accountId), listPayments(billing, accountId)]);
    const text = renderLedgerExport(ledgerExportRecords(ledger, invoices, payments), format);
    if (values.out === undefined) {
      process.stdout.write(text);
      return 0;
    }
    writeExport(values.out, text);
    const written = { accountId, format, entries: ledger.entries.length, file: path.resolve(values.out) };
    print({ json: !!values.json }, `Exported ${written.entries} ledger entries of account ${accountId} as ${format} to ${values.out}`, written);
    return 0;
  },
};

/** `--export csv|json`; `--out` only with it, and `--json` only with `--out` (without it the export is the output). */
function exportFormatOf(value: string | undefined, out: string | undefined, json: boolean): 'csv' | 'json' | undefined {
  if (value === undefined) {
    if (out !== undefined) throw new UsageError('ledger --out FILE goes with --export csv|json');
    return undefined;
  }
  if (value !== 'csv' && value !== 'json') throw new UsageError(`ledger --export takes csv or json, not "${value}"`);
  if (out !== undefined && out.trim() === '') throw new UsageError('ledger --out takes a file name, such as --out ledger.csv');
  if (json && out === undefined) throw new UsageError('ledger --export prints the export itself: --json goes with --out FILE only');
  return value;
}

/** Writes the whole export or nothing: a temporary file renamed into place, so an ERP never reads half of one. */
function writeExport(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new OrdoError('refused', `cannot write the export to ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check the folder exists and is writable`);
  }
}
