import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsoleContext } from '../../console/console-context';
import { startConsole } from '../../console/server';
import type { LoadedConfig } from '../../config/load';
import { atEndOfRun } from '../hooks';
import { browserMissing, getBrowser, getConsole } from './harness';

/**
 * Sign-in by OpenID Connect against a REAL provider: oidc-provider on a loopback port with one client (the console)
 * and its development login form, which takes any login. Its accounts say who they are in `preferred_username`,
 * given out by the userinfo endpoint (not the ID token): `carol-sso` is the operator carol; `bad-sso` says a name no
 * operator can have. Chromium goes through the provider's real login and consent pages.
 */

const SECRET_ENV = 'ORDO_TEST_CONSOLE_OIDC_SECRET';
const USERNAMES: Record<string, string> = { 'carol-sso': 'carol', 'bad-sso': 'not an operator name' };

function listen(server: http.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('console: sign-in with OpenID Connect (a real provider)', function () {
  this.timeout(120_000);
  let consoleUrl: string;
  let issuer: string;

  before(async function () {
    this.timeout(600_000);
    const h = await getConsole();
    const consolePort = await freePort();
    consoleUrl = `http://localhost:${consolePort}`;

    // The provider: one confidential client, accounts made up from the login typed in its form.
    const providerServer = http.createServer();
    const providerPort = await listen(providerServer);
    issuer = `http://127.0.0.1:${providerPort}`;
    process.env[SECRET_ENV] = 'console-client-secret-of-this-test';
    // @ts-expect-error oidc-provider ships no types
    const { default: Provider } = (await import('oidc-provider')) as { default: new (issuer: string, config: object) => { callback(): http.RequestListener } };
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'ordo-console', client_secret: process.env[SECRET_ENV], redirect_uris: [`${consoleUrl}/auth/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
      claims: { openid: ['sub'], profile: ['preferred_username'] },
      findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, ...(USERNAMES[id] ? { preferred_username: USERNAMES[id] } : {}) }) }),
      cookies: { keys: ['a test of the console, not a secret'] },
      pkce: { required: () => true },
    });
    providerServer.on('request', provider.callback());
    atEndOfRun(() => new Promise<void>((resolve) => providerServer.close(() => resolve())));

    const config: LoadedConfig = {
      ...h.config,
      console: { ...h.config.console, publicUrl: consoleUrl, oidc: { issuer, clientId: 'ordo-console', clientSecretEnv: SECRET_ENV, nameClaim: 'preferred_username', scopes: 'openid profile' } },
    };
    const running = await startConsole({ context: createConsoleContext(config, h.stack.client), port: consolePort });
    atEndOfRun(() => running.close());
  });

  it('sends the browser to the issuer with PKCE (S256) and a state', async () => {
    const me = (await (await fetch(`${consoleUrl}/api/me`)).json()) as { oidc: boolean; issuer: string };
    assert.deepEqual(me, { user: null, oidc: true, issuer: new URL(issuer).host });
    const start = await fetch(`${consoleUrl}/auth/oidc`, { redirect: 'manual' });
    assert.equal(start.status, 302);
    const to = new URL(start.headers.get('location')!);
    assert.equal(to.origin, issuer);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(to.searchParams.get('code_challenge') && to.searchParams.get('state'));
    assert.equal(to.searchParams.get('redirect_uri'), `${consoleUrl}/auth/callback`);
    assert.match(start.headers.get('set-cookie')!, /ordo_console_oidc=.*HttpOnly/);

    const stray = await fetch(`${consoleUrl}/auth/callback?code=x&state=y`);
    assert.equal(stray.status, 400, 'a callback this browser did not start is refused');
  });

  it('signs carol in through the provider’s login form, and refuses a name no operator can have', async function () {
    const browser = await getBrowser();
    if (!browser) {
      console.log(`      skipped: ${browserMissing}`);
      return this.skip();
    }
    const context = await browser.newContext();
    atEndOfRun(() => context.close());
    const page = await context.newPage();

    const signInAs = async (login: string) => {
      await page.goto(consoleUrl, { waitUntil: 'domcontentloaded' });
      const link = page.getByTestId('sign-in-oidc');
      await link.waitFor();
      assert.equal(await link.textContent(), `Sign in with ${new URL(issuer).host}`);
      await link.click();
      await page.locator('input[name=login]').waitFor();
      await page.fill('input[name=login]', login);
      await page.fill('input[name=password]', 'anything: the development form takes any');
      await page.click('button[type=submit]');
      await page.locator('button:has-text("Continue")').click(); // the consent page
    };

    await signInAs('carol-sso');
    const who = page.getByTestId('signed-in-user');
    await who.waitFor();
    assert.equal((await who.textContent())?.trim(), 'carol');
    const me = (await (await context.request.get(`${consoleUrl}/api/me`)).json()) as { user: { name: string; via: string; queues: string[] } };
    assert.equal(me.user.via, 'oidc');
    assert.ok(me.user.queues.includes('customer-care'));

    await context.clearCookies();
    await signInAs('bad-sso');
    await page.waitForURL(/\/auth\/callback/);
    const body = await page.locator('body').textContent();
    assert.match(body!, /preferred_username operator name "not an operator name" must be letters, digits/);
  });
});
