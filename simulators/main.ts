import { parseCommandLine, UsageError, USAGE } from './cli';
import { InvalidSimulatorOptions, SIMULATED_SYSTEMS, startSimulators } from './index';

/**
 * `tsx simulators/main.ts --port 7300 --data-dir .ordo/simulators [--faults FILE] [--stock FILE]`
 * Exit codes: 0 after a clean stop (SIGINT/SIGTERM), 1 when the simulators cannot start, 2 for a
 * usage error. Messages, never stack traces.
 */
async function main(): Promise<void> {
  let commandLine;
  try {
    commandLine = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return fail(2, `simulators: ${error.message}\n\n${USAGE}`);
  }
  if (commandLine.help) {
    console.log(USAGE);
    return;
  }

  const { options } = commandLine;
  let running;
  try {
    running = await startSimulators(options);
  } catch (error) {
    if (error instanceof InvalidSimulatorOptions) return fail(2, `simulators: ${error.message}\n\n${USAGE}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') return fail(1, `simulators: port ${options.port} on ${options.host} is already in use; pick another with --port`);
    return fail(1, `simulators: cannot start: ${(error as Error).message}`);
  }
  console.log(`simulators listening on ${running.url} (${SIMULATED_SYSTEMS.join(', ')})`);

  const stop = () => {
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(1, `simulators: stop failed: ${(error as Error).message}`),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function fail(exitCode: number, message: string): void {
  console.error(message);
  process.exitCode = exitCode;
}

main().catch((error: unknown) => {
  fail(1, `simulators: ${(error as Error)?.message ?? String(error)}`);
});
