import { DefaultLogger, Runtime } from '@temporalio/worker';

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
  Runtime.install({
    logger: new DefaultLogger(verbose ? 'INFO' : 'ERROR'),
    // The SDK core's own warnings too (e.g. that the time-skipping test server lacks a newer server's capability).
    telemetryOptions: { logging: { filter: { core: verbose ? 'WARN' : 'ERROR', other: 'ERROR' } } },
  });
}
