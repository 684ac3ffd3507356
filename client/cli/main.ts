import * as path from 'node:path';
import { loadCatalogFiles, loadCatalogFilesForLint } from '../../config/catalog-files';
import { catalogGuardProblems } from '../../domain/catalog-guards';
import { decompose } from '../../domain/decompose';
import { subjectOf } from '../../domain/validate-order';
import { lintCatalog, loadProblemFinding } from '../../domain/lint';
import type { Availability } from '../../domain/plan';
import { InvalidInput } from '../../domain/problems';
import type { StackStatus } from '../../scripts/stack';
import { checkOrder } from '../check-order';
import { explainTemporalRefusal } from '../temporal-refusal';
import { OrdoError } from '../errors';
import { config, configuredCatalog, parse, print, readJsonFile, withClient } from './common';
import { formatDecomposition, formatFindings, formatPlanView, formatSummary } from './format';
import { billingCommands } from './billing-commands';
import { changeCommands } from './change-commands';
import { channelCommands } from './channel-commands';
import { operatorCommands } from './operator-commands';
import { usageCommands } from './usage-commands';
import { subscriptionCommands } from './subscription-commands';
import { paymentCommands } from './payment-commands';
import { schedulerCommands } from './scheduler-commands';
import { simulateCommands } from './simulate-commands';
import { keyCommands } from './key-commands';
import { identityCommands } from './identity-commands';
import { auditCommands } from './audit-commands';
import { apiCommands } from './api-commands';
import { consoleCommands } from './console-commands';
import { USAGE, UsageError } from './usage';

/** `ordo`: one command for people and scripts. Exit 0 success, 1 refused or failed, 2 usage error. */

const commands: Record<string, (args: string[]) => Promise<number>> = {
  async submit(args) {
    const { values, positionals } = parse(args, { wait: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('submit takes one ORDER.json');
    const out = { json: !!values.json };
    const order = readJsonFile(positionals[0], 'order file');
    const cfg = config(values.config);
    // A bad order is refused before connecting, with or without a server running; with the catalog when it is readable here.
    checkOrder(order, configuredCatalog(cfg));
    return withClient(cfg, async (client) => {
      const started = await client.startOrder(order);
      if (!values.wait) {
        print(out, `Order ${started.orderId} submitted (workflow ${started.workflowId}). Follow it with: ordo status ${started.orderId}`, { ...started, state: 'acknowledged' });
        return 0;
      }
      const summary = await client.waitForCompletion(started.orderId);
      print(out, formatSummary(summary), summary);
      return summary.state === 'completed' ? 0 : 1;
    });
  },

  async status(args) {
    const { values, positionals } = parse(args, {});
    if (positionals.length !== 1) throw new UsageError('status takes one ORDER id');
    return withClient(config(values.config), async (client) => {
      const summary = await client.getSummary(positionals[0]);
      print({ json: !!values.json }, formatSummary(summary), summary);
      return 0;
    });
  },

  async plan(args) {
    const { values, positionals } = parse(args, {});
    if (positionals.length !== 1) throw new UsageError('plan takes one ORDER id');
    return withClient(config(values.config), async (client) => {
      const view = await client.getPlan(positionals[0]);
      print({ json: !!values.json }, formatPlanView(view), view);
      return 0;
    });
  },

  async decompose(args) {
    const { values, positionals } = parse(args, { catalog: { type: 'string', multiple: true }, availability: { type: 'string' } });
    const orderFile = positionals.at(-1);
    if (!orderFile) throw new UsageError('decompose needs an ORDER.json');
    const catalogFiles = [...(values.catalog ?? []).flatMap((c) => c.split(',')), ...positionals.slice(0, -1)];
    // The configuration is read even with --catalog: its decomposition settings apply, as on the worker.
    const cfg = config(values.config);
    const files = catalogFiles.length ? catalogFiles.map((f) => path.resolve(f)) : cfg.catalogFiles;
    const availability = values.availability ? (readJsonFile(values.availability, 'availability file') as Availability) : undefined;
    const catalog = loadCatalogFiles(files);
    const order = checkOrder(readJsonFile(orderFile, 'order file'));
    const outside = catalogGuardProblems(order, catalog);
    if (outside.length > 0) throw new InvalidInput(subjectOf(order), outside);
    const plan = decompose(order, catalog, availability, cfg.decomposition);
    print({ json: !!values.json }, formatDecomposition(plan), plan);
    return 0;
  },

  async lint(args) {
    const { values, positionals } = parse(args, {});
    const cfg = config(values.config);
    const files = positionals.length ? positionals.map((f) => path.resolve(f)) : cfg.catalogFiles;
    // Reference problems that would stop the catalog from loading are findings too, reported with lint's own in one pass.
    const { catalog, problems } = loadCatalogFilesForLint(files);
    const findings = [...problems.map(loadProblemFinding), ...lintCatalog(catalog, { billingSystems: cfg.billing.systems, queues: Object.keys(cfg.queues) })];
    print({ json: !!values.json }, formatFindings(findings), { findings });
    return findings.some((f) => f.severity === 'error') ? 1 : 0;
  },

  async stack(args) {
    // Loaded here, not at the top: decompose, lint and --help need neither Temporal's client nor the stack.
    const { PERSISTENCE_KINDS, stackDown, stackStatus, stackUp } = require('../../scripts/stack') as typeof import('../../scripts/stack');
    const { values, positionals } = parse(args, { detach: { type: 'boolean' }, persistence: { type: 'string' } });
    const persistence = values.persistence as (typeof PERSISTENCE_KINDS)[number] | undefined;
    if (persistence !== undefined && !PERSISTENCE_KINDS.includes(persistence)) {
      throw new UsageError(`--persistence must be one of ${PERSISTENCE_KINDS.join(', ')} (got ${JSON.stringify(persistence)})`);
    }
    if (persistence !== undefined && positionals[0] !== 'up') throw new UsageError('--persistence applies to `stack up` only');
    const cfg = config(values.config);
    const out = { json: !!values.json };
    const log = (line: string) => (out.json ? process.stderr : process.stdout).write(`${line}\n`);
    switch (positionals[0]) {
      case 'up': {
        const stack = await stackUp(cfg, { detach: !!values.detach, log, persistence });
        print(out, describeStack(stack.status), stack.status);
        if (values.detach) return 0;
        log('Stack running. Ctrl-C stops everything it started.');
        const stop = () => void stack.stop().then(() => process.exit(0));
        process.once('SIGINT', stop).once('SIGTERM', stop);
        const exited = await stack.exited;
        log(`${exited.part} exited (code ${exited.code}); stopping the rest.`);
        await stack.stop();
        return 1;
      }
      case 'down':
        await stackDown(cfg, log);
        return 0;
      case 'status': {
        const status = await stackStatus(cfg);
        print(out, describeStack(status), status);
        return status.temporal.reachable && status.simulators.healthy && status.worker.running ? 0 : 1;
      }
      default:
        throw new UsageError('stack takes up, down or status');
    }
  },
  ...operatorCommands,
  ...changeCommands,
  ...channelCommands,
  ...billingCommands,
  ...usageCommands,
  ...subscriptionCommands,
  ...paymentCommands,
  ...schedulerCommands,
  ...simulateCommands,
  ...keyCommands,
  ...identityCommands,
  ...auditCommands,
  ...consoleCommands,
  ...apiCommands,
};

function describeStack(status: StackStatus): string {
  const mark = (ok: boolean) => (ok ? 'up  ' : 'DOWN');
  return [
    `${mark(status.temporal.reachable)} Temporal    ${status.temporal.address}${status.temporal.persistence === 'postgres' ? '  (server on PostgreSQL)' : ''}${status.temporal.webUi ? `  Web UI ${status.temporal.webUi}` : ''}`,
    `${mark(status.simulators.healthy)} Simulators  ${status.simulators.url}`,
    `${mark(status.worker.running)} Worker      ${status.worker.pid ? `pid ${status.worker.pid}` : '(none started by ordo)'}`,
    `${mark(status.console.answering)} Console     ${status.console.url}`,
    `${mark(status.api.answering)} API         ${status.api.url}`,
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = globalOptionsAfterVerb(argv);
  const json = rest.includes('--json');
  try {
    if (!verb || verb === '-h' || verb === '--help' || verb === 'help') {
      console.log(USAGE);
      return verb ? 0 : 2;
    }
    const command = commands[verb];
    if (!command) throw new UsageError(`unknown verb "${verb}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(USAGE);
      return 0;
    }
    return await command(rest);
  } catch (error) {
    return report(error, json);
  }
}

/** The options every verb takes may also come first (`ordo --config FILE status X`): they move after the verb. */
function globalOptionsAfterVerb(argv: string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    if (argv[i] === '--json' || argv[i].startsWith('--config=')) leading.push(argv[i]);
    else if (argv[i] === '--config' && i + 1 < argv.length) leading.push(argv[i], argv[++i]);
    else break;
  }
  return i < argv.length ? [argv[i], ...leading, ...argv.slice(i + 1)] : [];
}

function report(error: unknown, json: boolean): number {
  if (error instanceof UsageError) {
    console.error(`ordo: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  const known = error instanceof OrdoError || error instanceof InvalidInput;
  const message = (!known && explainTemporalRefusal(error)) || (error instanceof Error ? error.message : String(error));
  if (json) {
    const code = error instanceof OrdoError ? error.code : error instanceof InvalidInput ? 'invalid' : 'failed';
    const problems = error instanceof OrdoError || error instanceof InvalidInput ? error.problems : [];
    console.log(JSON.stringify({ error: { code, message, problems } }, null, 2));
  } else console.error(`ordo: ${message}`);
  // A stack trace is for our bugs, not for the user's mistakes.
  if (!known && process.env.ORDO_DEBUG) console.error(error);
  return 1;
}

if (require.main === module) {
  // Writes to a pipe are asynchronous: exit once stdout has taken everything, or a large plan (`decompose --json |
  // jq`) would be cut off at the pipe's buffer size.
  main(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
}
