import { OrdoError } from '../errors';
import { checkOrder } from '../check-order';
import { config, configuredCatalog, parse, print, readJsonFile } from './common';
import { formatSimulation } from './format-simulation';
import { UsageError } from './usage';

/**
 * `ordo simulate --months N ORDER.json [--json] [--usage FILE.json]`: a year of billing in seconds (DESIGN.md
 * Billing "Over time"; docs/billing.md "A year in seconds"). The order and the usage file are checked before
 * anything starts; then the time-skipping test server, the simulators and a worker run here, privately, for N
 * months of workflow time. Progress goes to stderr; stdout has the months (or `{ invoices, payments, ledger }`).
 */

const MAX_MONTHS = 120;

function monthsOf(value: string | undefined): number {
  if (value === undefined) throw new UsageError('simulate needs --months N, such as --months 13');
  const months = Number(value);
  if (!/^\d+$/.test(value) || months < 1 || months > MAX_MONTHS) throw new UsageError(`simulate --months takes a whole number of months from 1 to ${MAX_MONTHS}, not "${value}"`);
  return months;
}

export const simulateCommands: Record<string, (args: string[]) => Promise<number>> = {
  async simulate(args) {
    const { values, positionals } = parse(args, { months: { type: 'string' }, usage: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('simulate takes one ORDER.json');
    const months = monthsOf(values.months);
    const cfg = config(values.config);
    // Everything a person can get wrong is refused here, naming the field, before a server starts.
    const order = checkOrder(readJsonFile(positionals[0]!, 'order file'), configuredCatalog(cfg));
    const { checkUsageFile } = require('../usage-postings') as typeof import('../usage-postings');
    const usage = values.usage === undefined ? [] : checkUsageFile(readJsonFile(values.usage, 'usage file'), values.usage);

    const { MissingToolchain } = require('../../scripts/temporal-cli') as typeof import('../../scripts/temporal-cli');
    const { simulateOrder } = require('../../scripts/simulate-order') as typeof import('../../scripts/simulate-order');
    quietWorkers();
    const log = (line: string) => process.stderr.write(`${line}\n`);
    try {
      // Ctrl-C stops everything the simulation started (the test server, the simulators, the worker, its folder).
      const report = await simulateOrder({
        config: cfg,
        order,
        months,
        usage,
        log,
        onStarted: (simulation) => {
          const interrupt = () => {
            log('Interrupted: stopping the simulation');
            void simulation.stop().finally(() => process.exit(130));
          };
          process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
        },
      });
      const { invoices, payments, ledger } = report;
      print({ json: !!values.json }, formatSimulation(report), { invoices, payments, ledger });
      return 0;
    } catch (error) {
      if (error instanceof MissingToolchain) throw new OrdoError('unavailable', `ordo simulate runs Temporal's time-skipping test server: ${error.message}`);
      throw error;
    }
  },
};

/** The worker's own logs (every activity retry at INFO) are not for the person reading the months. */
function quietWorkers(): void {
  const { DefaultLogger, Runtime } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  try {
    // The core's own log is off: with no sticky cache (scripts/simulation.ts) it reports each eviction as an error.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: 'off' } } });
  } catch {
    // Installed already (a test running the command in-process): keep that one.
  }
}
