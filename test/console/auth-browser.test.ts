import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startCodecServer } from '../../console/codec-server';
import { readSessionKey } from '../../console/session';
import { LargePayloadCodec } from '../../config/payload-codec';
import { atEndOfRun } from '../hooks';
import { browserMissing, getBrowser, getConsole, signedInPage, TEST_PASSWORD, type ConsoleHarness } from './harness';

/**
 * A signed-out person in real Chromium: the console shows the sign-in page and its API answers 401 to everything
 * but sign-in; a wrong password is refused on the page in the server's words; signing in through the form shows the
 * shell with their name, and signing out brings the sign-in page back.
 */
describe('console in the browser: a signed-out user is refused, and signs in through the form', function () {
  this.timeout(120_000);
  let h: ConsoleHarness;

  before(async function () {
    this.timeout(600_000);
    if (!(await getBrowser())) {
      console.log(`      skipped: ${browserMissing}`);
      this.skip();
    }
    h = await getConsole();
  });

  it('shows the sign-in page, refuses the API, then signs alice in and out', async () => {
    const context = await (await getBrowser())!.newContext({ baseURL: h.url });
    atEndOfRun(() => context.close());
    const page = await context.newPage();
    await page.goto('/#/orders', { waitUntil: 'domcontentloaded' });
    await page.getByTestId('sign-in-name').waitFor();
    assert.equal(await page.getByTestId('signed-in-user').count(), 0, 'no shell before sign-in');
    assert.equal(await page.getByTestId('sign-in-oidc').count(), 0, 'no OpenID Connect without console.oidc');

    // Everything under /api but sign-in answers 401 to this browser (its cookies, its origin).
    for (const route of ['/api/orders', '/api/orders/CONSOLE-AUTH-1', '/api/tasks', '/api/incidents', '/api/dashboards/orders']) {
      const answer = await context.request.get(route);
      assert.equal(answer.status(), 401, route);
    }
    assert.equal((await context.request.post('/api/anything', { data: {} })).status(), 401);

    await page.getByTestId('sign-in-name').fill('alice');
    await page.getByTestId('sign-in-password').fill('not her password');
    await page.getByTestId('sign-in-submit').click();
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'wrong name or password');

    await page.getByTestId('sign-in-password').fill(TEST_PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    const who = page.getByTestId('signed-in-user');
    await who.waitFor();
    assert.equal((await who.textContent())?.trim(), 'alice');
    assert.equal((await context.request.get('/api/me')).status(), 200);
    const cookie = (await context.cookies()).find((c) => c.name === 'ordo_console_session');
    assert.ok(cookie?.httpOnly, 'the session cookie is HttpOnly: the page script cannot read it');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in-name').waitFor();
    assert.equal((await context.request.get('/api/tasks')).status(), 401);
  });

  it('lets the codec server decode for the browser signed in to the console: the cookie crosses ports, not sites', async () => {
    const codec = new LargePayloadCodec(0);
    // Here the console's page stands in for the Web UI: another port on localhost, calling with credentials.
    const codecServer = await startCodecServer({ port: 0, codecs: [codec], publicKeys: () => ({}), consoleSessionKey: () => readSessionKey(h.config.consoleSessionKeyFile), allowedOrigins: [h.url] });
    atEndOfRun(() => codecServer.close());
    const [encoded] = await codec.encode([{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{"plan":"readable"}') }]);
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    const body = { payloads: [{ metadata: Object.fromEntries(Object.entries(encoded.metadata!).map(([k, v]) => [k, b64(v!)])), data: b64(encoded.data!) }] };
    const decodeFrom = (page: Page) =>
      page.evaluate(
        async ({ url, body }) => {
          const answer = await fetch(`${url}/decode`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-namespace': 'default' }, body: JSON.stringify(body) });
          return { status: answer.status, text: await answer.text() };
        },
        { url: `http://localhost:${codecServer.port}`, body },
      );

    const { page, context } = await signedInPage(h.url, 'alice');
    atEndOfRun(() => context.close());
    await page.goto('/', { waitUntil: 'domcontentloaded' });
    await page.getByTestId('signed-in-user').waitFor();
    const decoded = await decodeFrom(page);
    assert.equal(decoded.status, 200, decoded.text);
    const [payload] = (JSON.parse(decoded.text) as { payloads: { data: string }[] }).payloads;
    assert.deepEqual(JSON.parse(Buffer.from(payload.data, 'base64').toString()), { plan: 'readable' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in-name').waitFor();
    assert.equal((await decodeFrom(page)).status, 401);
  });
});
