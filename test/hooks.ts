import { checkLogsForSecrets } from './log-capture';

/**
 * Mocha root hooks, loaded for every run (.mocharc.json). Kept free of heavy imports: the shared
 * end-to-end stack registers its teardown here only when a test actually started it.
 */
const teardowns: Array<() => Promise<void>> = [];

export function atEndOfRun(teardown: () => Promise<void>): void {
  teardowns.unshift(teardown);
}

export const mochaHooks = {
  async afterAll() {
    for (const teardown of teardowns.splice(0)) await teardown().catch((error) => console.error('teardown failed:', error));
    // Last, once every worker and stack has stopped and written its logs: a key or token in a log fails the run.
    checkLogsForSecrets();
  },
};
