import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { machineInfo } from './machine';
import { writeReport } from './output';
import { runCeilingProbe, type CeilingFigures } from './probe';
import { machineLine, table } from './report';
import { runBenchEntry, scriptCommand } from './script-command';
import { startBenchStack } from './stack';

const USAGE = `usage: npm run bench:probe -- [--concurrency 10] [--seconds 20] [--out FILE] [--quiet]

The ceiling probe: omes's workflow_with_single_noop_activity (one workflow, one no-op activity) kept at a fixed
concurrency against the bench's file-backed Temporal dev server (or TEMPORAL_ADDRESS), reporting history events/s
and workflow tasks/s. Report: .ordo/bench/probe-latest.json.

  --concurrency N   workflows in flight at once (default 10, omes's default is 10 too)
  --seconds N       how long to keep starting workflows (default 20)
  --out FILE        where the JSON report goes
  --quiet           no progress bar`;

function parse(argv: string[]): { concurrency: number; seconds: number; out?: string; quiet: boolean } | string {
  try {
    const { values } = parseArgs({ args: argv, strict: true, options: { concurrency: { type: 'string' }, seconds: { type: 'string' }, out: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) return 'help';
    const whole = (text: string | undefined, flag: string, fallback: number) => {
      if (text === undefined) return fallback;
      if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`${flag} must be a whole number, 1 or more (got ${JSON.stringify(text)})`);
      return Number(text);
    };
    return { concurrency: whole(values.concurrency, '--concurrency', 10), seconds: whole(values.seconds, '--seconds', 20), out: values.out, quiet: !!values.quiet };
  } catch (error) {
    return `${(error as Error).message}\n\n${USAGE}`;
  }
}

export function probeTable(f: CeilingFigures): string {
  return table([
    ['ceiling probe', f.scenario],
    ['concurrency', String(f.concurrency)],
    ['workflows / window', `${f.workflows} in ${f.seconds.toFixed(1)} s`],
    ['workflows/s', f.workflowsPerSecond.toFixed(2)],
    ['history events / workflow', f.history.eventsPerOrder.toFixed(1)],
    ['workflow tasks / workflow', f.history.workflowTasksPerOrder.toFixed(1)],
    ['history events/s', f.eventsPerSecond.toFixed(1)],
    ['workflow tasks/s', f.workflowTasksPerSecond.toFixed(1)],
  ]);
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') return console.log(USAGE), 0;
  if (typeof args === 'string') return console.error(args), 2;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  process.stderr.write('Starting a file-backed Temporal dev server…\n');
  const stack = await startBenchStack();
  try {
    const figures = await runCeilingProbe({ connection: stack.env.nativeConnection, client: stack.baselineClient, namespace: stack.config.temporal.namespace, concurrency: args.concurrency, seconds: args.seconds, quiet: args.quiet });
    const machine = machineInfo();
    const command = scriptCommand('bench/probe-main.ts', argv);
    const file = writeReport({ kind: 'ceiling-probe', at: new Date().toISOString(), command, machine, loadAverage: (await import('node:os')).loadavg(), figures }, 'probe-latest', args.out);
    console.log(`\n${probeTable(figures)}\n\n${machineLine(machine)}\n${command}\nReport: ${file}`);
    return 0;
  } finally {
    await stack.stop();
  }
}

if (require.main === module) runBenchEntry(main);
