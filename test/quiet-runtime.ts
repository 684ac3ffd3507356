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
  Runtime.install({ logger: new DefaultLogger(process.env.ORDO_TEST_LOG_LEVEL === 'INFO' ? 'INFO' : 'ERROR') });
}
