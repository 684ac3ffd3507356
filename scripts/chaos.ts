import { parseArgs } from 'node:util';
import { formatChaosReport } from './chaos/report';
import { runChaos } from './chaos/run';

/**
 * `npm run chaos -- [--orders 100] [--seed N] [--outage-ms MS] [--json] [--keep]`: orders in flight through two
 * worker SIGKILLs, a dev-server SIGKILL, an inventory outage, slow shipping and lost billing answers, on a private
 * stack; then the figures. Exit 0 when every check passed, 1 when one failed, 2 for a usage error.
 */

const USAGE = `usage: npm run chaos -- [--orders N] [--seed N] [--outage-ms MS] [--slow-ms MS] [--max-cached-workflows N] [--settle-timeout-ms MS] [--keep] [--json]
  --orders N             orders to submit (default 100), examples laptop-bundle, mixed and saas-suite in turn
  --seed N               seeds the pauses between the kills (default: random, printed)
  --outage-ms MS         how long inventory is down (default 30000)
  --slow-ms MS           shipping's latency, plus up to as much at random (default 1500)
  --max-cached-workflows N  the worker's sticky cache (default: temporal-config.yaml's); small evicts runs mid-task
  --settle-timeout-ms MS how long to wait for every order to complete or fall out (default 900000)
  --keep                 keep the run's folder (logs, Temporal's database) even when every check passed
  --json                 print the report as JSON`;

function wholeNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  return n;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  let options;
  let json = false;
  try {
    const { values } = parseArgs({
      options: {
        orders: { type: 'string' },
        seed: { type: 'string' },
        'outage-ms': { type: 'string' },
        'slow-ms': { type: 'string' },
        'settle-timeout-ms': { type: 'string' },
        'max-cached-workflows': { type: 'string' },
        keep: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    json = values.json ?? false;
    const orders = wholeNumber(values.orders, '--orders', 100);
    if (orders < 3) throw new UsageError('--orders must be at least 3 (one per wave)');
    options = {
      orders,
      seed: wholeNumber(values.seed, '--seed', Math.floor(Math.random() * 2 ** 31)),
      outageMs: wholeNumber(values['outage-ms'], '--outage-ms', 30_000),
      slowMs: wholeNumber(values['slow-ms'], '--slow-ms', 1500),
      settleTimeoutMs: wholeNumber(values['settle-timeout-ms'], '--settle-timeout-ms', 900_000),
      keep: values.keep ?? false,
      ...(values['max-cached-workflows'] === undefined ? {} : { maxCachedWorkflows: wholeNumber(values['max-cached-workflows'], '--max-cached-workflows', 0) }),
      // Progress goes to stderr, so --json's stdout is the report alone.
      log: (line: string) => process.stderr.write(`${line}\n`),
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  // Ctrl-C stops what the run started (its parts lead process groups of their own, so they would outlive it).
  let teardown: (() => Promise<void>) | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`${signal}: stopping the run's stack\n`);
      void (teardown?.() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }
  const report = await runChaos({ ...options, onTeardown: (down) => (teardown = down) });
  console.log(json ? JSON.stringify(report, null, 2) : formatChaosReport(report));
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`chaos run failed: ${error.message}`);
    process.exit(1);
  },
);
