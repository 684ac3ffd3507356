import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { captureLog } from './log-capture';

let installed = false;

/**
 * Workers log every state change and activity failure at INFO; tests want only what went wrong.
 * The runtime can be installed once per process, before any worker: every test that makes workers calls this first.
 * ORDO_TEST_LOG_LEVEL=INFO shows everything.
 */
export function quietRuntime(): void {
  if (installed) return;
  installed = true;
  const verbose = process.env.ORDO_TEST_LOG_LEVEL === 'INFO';
  const toConsole = new DefaultLogger(verbose ? 'INFO' : 'ERROR');
  // Everything from INFO up is kept for the end-of-run check that no key or token reached a log (test/log-capture.ts).
  const teeToRunLog = (entry: LogEntry) => {
    captureLog(`worker ${entry.level}`, `${entry.message} ${safeJson(entry.meta)}`);
    toConsole.log(entry.level, entry.message, entry.meta);
  };
  Runtime.install({
    logger: new DefaultLogger('INFO', teeToRunLog),
    // The SDK core's own warnings too (e.g. that the time-skipping test server lacks a newer server's capability).
    telemetryOptions: { logging: { filter: { core: verbose ? 'WARN' : 'ERROR', other: 'ERROR' } } },
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
  } catch {
    return String(value);
  }
}
