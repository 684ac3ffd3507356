import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { OrdoClient } from '../client/ordo-client';
import { loadCatalogFiles } from '../config/catalog-files';
import { loadConfig, type LoadedConfig } from '../config/load';
import { privateKeyFile } from '../config/operator-keys';
import { codecToken } from '../console/codec-server';
import { chromiumPath, CHROMIUM_INSTALL_HINT } from './chromium';
import { codecServerUrl } from './stack';

/**
 * The console's screenshots in docs/console.md "Screenshots", taken from a running stack with the demo's orders:
 *
 *   bin/ordo stack up --detach && npm run demo      (or the demo alone: it starts the stack)
 *   npx tsx scripts/console-screenshots.ts [--as NAME] [--order ID] [--console URL] [--out DIR]
 *
 * It signs in to the console as NAME (default alice; password from ORDO_CONSOLE_PASSWORD, else the one `ordo stack
 * up` wrote to <dataDir>/console-passwords.txt) and saves docs/images/console-<page>.png: the sign-in page, an order's
 * swimlanes (--order, default the newest network kit), the task inbox, the incident desk, the dashboards, and a fleet
 * order's part in the Temporal Web UI decoded by the codec server. A page that does not show within 30 s is reported
 * and skipped; the others are still taken.
 */

const REPO_ROOT = path.resolve(__dirname, '..');
const WAIT_MS = 30_000;
const VIEWPORT = { width: 1400, height: 900 };
/** The demo's network kit (examples/network-kit.json) and fleet order (scripts/demo-console.ts) ids start so. */
const NETWORK_KIT = 'ORD-4001-';
const FLEET = 'FLEET-';

interface Shot {
  file: string;
  route: string;
  /** The page is ready when this shows (a data-testid selector). */
  ready: string;
}

function passwordOf(config: LoadedConfig, name: string): string {
  if (process.env.ORDO_CONSOLE_PASSWORD) return process.env.ORDO_CONSOLE_PASSWORD;
  const file = path.join(config.dataDir, 'console-passwords.txt');
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  } catch {
    throw new Error(`no password for ${name}: set ORDO_CONSOLE_PASSWORD, or start the stack with \`ordo stack up\` (it writes ${path.relative(REPO_ROOT, file)})`);
  }
  // `ordo stack up` writes a line saying who signs in with it, then the one password every queue member shares.
  const password = lines.at(-1);
  if (password && !/\s/.test(password) && lines.slice(0, -1).some((line) => line.includes(name))) return password;
  throw new Error(`${path.relative(REPO_ROOT, file)} has no password for ${name}: set ORDO_CONSOLE_PASSWORD`);
}

/** The newest order whose id starts with `prefix`, from Temporal visibility (the console keeps no list of its own). */
async function newestOrder(client: OrdoClient, prefix: string): Promise<string | undefined> {
  for await (const execution of client.temporal.workflow.list({ query: 'WorkflowType = "OrderWorkflow"' })) {
    const orderId = execution.searchAttributes?.OrderId?.[0];
    if (typeof orderId === 'string' && orderId.startsWith(prefix)) return orderId;
  }
  return undefined;
}

async function shoot(page: Page, shot: Shot, out: string, log: (line: string) => void): Promise<boolean> {
  const file = path.join(out, shot.file);
  try {
    await page.goto(shot.route);
    await page.waitForSelector(shot.ready, { timeout: WAIT_MS });
    // Charts and live views draw in the frame after their data: let the page settle before the picture.
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    await page.screenshot({ path: file });
    log(`  ${path.relative(REPO_ROOT, file)}`);
    return true;
  } catch (error) {
    log(`  ${shot.file}: skipped, ${shot.ready} did not show on ${shot.route} within ${WAIT_MS / 1000} s (${(error as Error).message.split('\n')[0]})`);
    return false;
  }
}

/** A fleet order's first part in the Temporal Web UI, its Input decoded by the codec server for `operator`. */
async function shootWebUi(browser: Browser, config: LoadedConfig, client: OrdoClient, operator: string, out: string, log: (line: string) => void): Promise<void> {
  const fleet = await newestOrder(client, FLEET);
  const part = fleet && (await client.getSummary(fleet)).fulfillmentOrders[0];
  if (!part) return log('  console-web-ui-fleet-part.png: skipped, no fleet order (the demo submits one)');
  const keyFile = privateKeyFile(config.operatorKeysDir, operator);
  if (!fs.existsSync(keyFile)) return log(`  console-web-ui-fleet-part.png: skipped, ${operator} has no operator key (\`ordo operators init ${operator}\`)`);
  const codec = codecServerUrl(config);
  const ui = `http://localhost:${config.stack.temporalUiPort}`;
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  try {
    const page = await context.newPage();
    // The codec server's sign-in link, then the Web UI's Codec Server setting "Include cross-origin credentials".
    await page.goto(`${codec}/sign-in?token=${codecToken(operator, crypto.createPrivateKey(fs.readFileSync(keyFile, 'utf8')))}`);
    await page.goto(`${ui}/namespaces/${config.temporal.namespace}/workflows`);
    const settings = { endpoint: codec, includeCredentials: true, overrideRemoteCodecConfiguration: true };
    await page.evaluate(`for (const [key, value] of Object.entries(${JSON.stringify(settings)})) localStorage.setItem(key, JSON.stringify(value))`);
    await page.goto(`${ui}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(part.workflowId)}`);
    const plan = page.getByText('"fulfillmentOrder"').first();
    await plan.waitFor({ timeout: WAIT_MS });
    // The page re-renders as the history streams in: bring the Input into view, best effort.
    await plan.scrollIntoViewIfNeeded({ timeout: 5_000 }).catch(() => undefined);
    const file = path.join(out, 'console-web-ui-fleet-part.png');
    await page.screenshot({ path: file });
    log(`  ${path.relative(REPO_ROOT, file)}`);
  } catch (error) {
    log(`  console-web-ui-fleet-part.png: skipped, the part's plan did not show decoded within ${WAIT_MS / 1000} s (${(error as Error).message.split('\n')[0]})`);
  } finally {
    await context.close();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { as: { type: 'string', default: 'alice' }, order: { type: 'string' }, console: { type: 'string' }, out: { type: 'string' } },
  });
  const log = (line: string) => console.log(line);
  const config = loadConfig();
  const name = values.as!;
  const consoleUrl = (values.console ?? config.console.publicUrl ?? `http://localhost:${config.stack.consolePort}`).replace(/\/$/, '');
  const out = path.resolve(values.out ?? path.join(REPO_ROOT, 'docs', 'images'));
  fs.mkdirSync(out, { recursive: true });

  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(`no Chromium: ${CHROMIUM_INSTALL_HINT} (npm run chromium does it as root)`);
  try {
    await fetch(`${consoleUrl}/api/me`, { signal: AbortSignal.timeout(3000) });
  } catch {
    throw new Error(`the console does not answer at ${consoleUrl}: start the stack (\`ordo stack up --detach\`) or name it with --console URL`);
  }
  const client = await OrdoClient.connect(config, loadCatalogFiles(config.catalogFiles));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  let taken = 0;
  try {
    log(`Screenshots of ${consoleUrl} as ${name}, into ${path.relative(REPO_ROOT, out) || '.'}:`);
    const signedOut = await browser.newContext({ baseURL: consoleUrl, viewport: VIEWPORT });
    if (await shoot(await signedOut.newPage(), { file: 'console-sign-in.png', route: '/', ready: '[data-testid="sign-in-submit"]' }, out, log)) taken++;
    await signedOut.close();

    const context = await browser.newContext({ baseURL: consoleUrl, viewport: VIEWPORT });
    const answer = await context.request.post('/api/sign-in', { data: { name, password: passwordOf(config, name) }, headers: { origin: consoleUrl } });
    if (!answer.ok()) throw new Error(`signing in to the console as ${name} failed: ${answer.status()} ${await answer.text()}`);
    const page = await context.newPage();
    const orderId = values.order ?? (await newestOrder(client, NETWORK_KIT));
    const shots: Shot[] = [
      ...(orderId ? [{ file: 'console-order.png', route: `/#/orders/${encodeURIComponent(orderId)}`, ready: '[data-testid="swimlanes"] g, [data-testid="swimlanes"] rect' }] : []),
      { file: 'console-tasks.png', route: '/#/tasks', ready: '[data-testid="task-table"], [data-testid="task-empty"]' },
      { file: 'console-incidents.png', route: '/#/incidents', ready: '[data-testid="incident-table"], [data-testid="incident-empty"]' },
      { file: 'console-dashboards.png', route: '/#/dashboards', ready: '[data-testid^="chart-"]' },
    ];
    if (!orderId) log('  console-order.png: skipped, no network kit order (run the demo, or name one with --order)');
    for (const shot of shots) if (await shoot(page, shot, out, log)) taken++;
    await context.close();
    await shootWebUi(browser, config, client, name, out, log);
  } finally {
    await browser.close();
    await client.close();
  }
  return taken > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
