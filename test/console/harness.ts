import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addLocalAccount } from '../../console/accounts';
import { createConsoleContext } from '../../console/console-context';
import type { ConsoleContext } from '../../console/context';
import { startConsole } from '../../console/server';
import type { LoadedConfig } from '../../config/load';
import { knownOperators } from '../../config/operator-keys';
import { chromiumPath, CHROMIUM_INSTALL_HINT } from '../../scripts/chromium';
import { getHarness, type Harness } from '../e2e/harness';
import { atEndOfRun } from '../hooks';

/**
 * The console on the shared end-to-end stack (test/e2e/harness.ts), started once per run on a free port, with a
 * local account per queue member (password `TEST_PASSWORD`) and `visitor`, who is in no queue (read-only). And
 * one headless Chromium per run (Debian's, driven by playwright-core); without it, browser tests skip saying
 * what to install, in one line.
 *
 * Tests that act share the stack with every other test: scope batch actions to your own orders (their ids or
 * account), never a whole queue.
 */

export const TEST_PASSWORD = 'correct horse battery staple';
export const READ_ONLY_USER = 'visitor';

export interface ConsoleHarness {
  stack: Harness;
  config: LoadedConfig;
  context: ConsoleContext;
  /** http://localhost:<port> */
  url: string;
}

let running: Promise<ConsoleHarness> | undefined;

export function getConsole(): Promise<ConsoleHarness> {
  running ??= startTestConsole();
  return running;
}

async function startTestConsole(): Promise<ConsoleHarness> {
  const stack = await getHarness();
  const config: LoadedConfig = {
    ...stack.config,
    consoleAccountsFile: path.join(stack.dataDir, 'console-accounts.json'),
    consoleSessionKeyFile: path.join(stack.dataDir, 'console-session.key'),
  };
  for (const name of [...knownOperators(config.queues), READ_ONLY_USER]) addLocalAccount(config.consoleAccountsFile, name, TEST_PASSWORD);
  const context = createConsoleContext(config, stack.client);
  const server = await startConsole({ context, port: 0 });
  atEndOfRun(() => server.close());
  return { stack, config, context, url: server.url };
}

let browser: Promise<Browser | undefined> | undefined;

/** The run's Chromium, or undefined when this machine has none (the caller skips with `browserMissing`). */
export function getBrowser(): Promise<Browser | undefined> {
  browser ??= (async () => {
    const executablePath = chromiumPath();
    if (!executablePath) return undefined;
    const { chromium } = await import('playwright-core');
    // Without the background-networking flags Chromium keeps calling home, which this machine's closed network refuses.
    const launched = await chromium.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    atEndOfRun(() => launched.close());
    return launched;
  })();
  return browser;
}

export const browserMissing = `no Chromium on this machine: ${CHROMIUM_INSTALL_HINT} (npm run chromium does it as root)`;

/** A fresh browser context signed in to the console as `name` (through the sign-in API, as the page does). */
export async function signedInPage(consoleUrl: string, name: string, password = TEST_PASSWORD): Promise<{ page: Page; context: BrowserContext }> {
  const launched = await getBrowser();
  if (!launched) throw new Error(browserMissing);
  const context = await launched.newContext({ baseURL: consoleUrl, viewport: { width: 1400, height: 900 } });
  const answer = await context.request.post('/api/sign-in', { data: { name, password } });
  if (!answer.ok()) throw new Error(`sign-in as ${name} failed: ${answer.status()} ${await answer.text()}`);
  const page = await context.newPage();
  return { page, context };
}
