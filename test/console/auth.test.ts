import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Hono } from 'hono';
import { OrdoError } from '../../client/errors';
import type { LoadedConfig } from '../../config/load';
import type { Order } from '../../domain/order';
import { addLocalAccount } from '../../console/accounts';
import { authRoutes, signedInUser } from '../../console/auth';
import { createConsoleContext } from '../../console/console-context';
import type { ConsoleEnv, ConsoleUser } from '../../console/context';
import { errorResponse, requireActor } from '../../console/http';
import { startConsole } from '../../console/server';
import { CONSOLE_SESSION_COOKIE, readSessionKey, sessionCookie } from '../../console/session';
import { fulfillmentOrderWorkflowId } from '../../workflows/ids';
import { fulfillmentOrderPlanQuery } from '../../workflows/messages';
import { eventually } from '../e2e/eventually';
import { atEndOfRun } from '../hooks';
import { getConsole, READ_ONLY_USER, TEST_PASSWORD, type ConsoleHarness } from './harness';

/**
 * Who is who (docs/console.md): sign-in with local accounts over the console's real HTTP API, the signed session
 * cookie (expired, tampered), sign-out, read-only users, cross-origin writes refused, the wrong-password backoff;
 * and in `signed` mode, a console action reaches the workflow signed by the signed-in operator's own key.
 */

/** The `name=value` part of a Set-Cookie header, to send back as a Cookie header. */
const cookieOf = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith(`${CONSOLE_SESSION_COOKIE}=`));

async function signIn(url: string, name: string, password = TEST_PASSWORD, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name, password }) });
}

async function me(url: string, cookie?: string): Promise<{ user: ConsoleUser | null; oidc: boolean }> {
  return (await fetch(`${url}/api/me`, { headers: cookie ? { cookie } : {} })).json() as Promise<{ user: ConsoleUser | null; oidc: boolean }>;
}

describe('console: sign-in, sessions and who may act', function () {
  this.timeout(120_000);
  let h: ConsoleHarness;

  before(async function () {
    this.timeout(600_000);
    h = await getConsole();
  });

  it('signs in a local account with an HttpOnly, SameSite=Lax session cookie that /api/me reads', async () => {
    const answer = await signIn(h.url, 'alice');
    assert.equal(answer.status, 200, await answer.clone().text());
    const setCookie = cookieOf(answer)!;
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    const who = await me(h.url, setCookie.split(';')[0]);
    assert.equal(who.user?.name, 'alice');
    assert.equal(who.user?.via, 'password');
    assert.ok(who.user?.queues.includes('fulfillment-desk'), 'queues come from the configuration');
    assert.equal(who.oidc, false);
  });

  it('refuses a wrong password and an unknown name with the same words', async () => {
    const wrong = await signIn(h.url, 'carol', 'not it');
    const unknown = await signIn(h.url, 'nobody-console-auth', TEST_PASSWORD);
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    const [a, b] = [(await wrong.json()) as { error: string }, (await unknown.json()) as { error: string }];
    assert.equal(a.error, 'wrong name or password');
    assert.equal(b.error, a.error);
    assert.equal(cookieOf(wrong), undefined);
    const missing = await fetch(`${h.url}/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(missing.status, 400);
    assert.deepEqual(((await missing.json()) as { problems: { path: string }[] }).problems.map((p) => p.path), ['name', 'password']);
  });

  it('slows down guessing: after three wrong passwords a name waits, even with the right one', async () => {
    const name = `console-auth-guessed-${process.pid}`;
    addLocalAccount(h.config.consoleAccountsFile, name, TEST_PASSWORD);
    for (let i = 0; i < 4; i++) assert.equal((await signIn(h.url, name, `guess ${i}`)).status, 401);
    const waiting = await signIn(h.url, name);
    assert.equal(waiting.status, 429);
    assert.match(((await waiting.json()) as { error: string }).error, /too many wrong passwords for console-auth-guessed-\d+: try again in \d+ s/);
  });

  it('treats an expired or tampered session cookie as signed out, and every /api route answers 401 then', async () => {
    const key = readSessionKey(h.config.consoleSessionKeyFile)!;
    const expired = (await sessionCookie({ name: 'alice', via: 'password', exp: Date.now() - 1000 }, key, false)).split(';')[0];
    assert.equal((await me(h.url, expired)).user, null);

    const good = cookieOf(await signIn(h.url, 'bob'))!.split(';')[0];
    const [, value] = good.split('=');
    const [payload, signature] = decodeURIComponent(value).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { name: string };
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, name: 'grace' })).toString('base64url');
    const tampered = `${CONSOLE_SESSION_COOKIE}=${encodeURIComponent(`${forgedPayload}.${signature}`)}`;
    assert.equal((await me(h.url, tampered)).user, null);
    assert.equal((await me(h.url, good)).user?.name, 'bob');

    for (const cookie of [undefined, expired, tampered]) {
      for (const route of ['/api/orders', '/api/tasks', '/api/incidents', '/api/dashboards/orders', '/api/no-such-thing']) {
        const answer = await fetch(`${h.url}${route}`, { headers: cookie ? { cookie } : {} });
        assert.equal(answer.status, 401, `${route} with ${cookie ?? 'no cookie'}`);
        assert.deepEqual(await answer.json(), { error: 'sign in first', code: 'signed-out' });
      }
    }
  });

  it('signs out by clearing the cookie', async () => {
    const cookie = cookieOf(await signIn(h.url, 'alice'))!.split(';')[0];
    const out = await fetch(`${h.url}/api/sign-out`, { method: 'POST', headers: { cookie } });
    assert.equal(out.status, 200);
    assert.match(cookieOf(out)!, new RegExp(`^${CONSOLE_SESSION_COOKIE}=;.*Max-Age=0`));
  });

  it('refuses a POST from another origin or with a form body, and takes one from its own page', async () => {
    const evil = await signIn(h.url, 'alice', TEST_PASSWORD, { origin: 'http://evil.example' });
    assert.equal(evil.status, 403);
    assert.match(((await evil.json()) as { error: string }).error, /from http:\/\/evil.example, which is not this console's page/);
    const form = await fetch(`${h.url}/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=alice' });
    assert.equal(form.status, 415);
    assert.equal((await signIn(h.url, 'alice', TEST_PASSWORD, { origin: new URL(h.url).origin })).status, 200);
  });

  it('lets a read-only visitor look but answers 403 on an action', async () => {
    // The console's own middleware and sign-in, with one action route that needs an actor (as the desks' do).
    const app = new Hono<ConsoleEnv>();
    app.onError((error, c) => errorResponse(error, c));
    app.use('*', async (c, next) => {
      c.set('user', await signedInUser(c, h.context));
      await next();
    });
    authRoutes(app, h.context);
    app.post('/api/act', (c) => c.json({ actor: requireActor(c).name }));

    const visitor = cookieOf(await signIn(h.url, READ_ONLY_USER))!.split(';')[0];
    assert.deepEqual((await me(h.url, visitor)).user?.queues, []);
    const refused = await app.request('/api/act', { method: 'POST', headers: { cookie: visitor } });
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), { error: `${READ_ONLY_USER} is in no queue (temporal-config.yaml queues), so the console is read-only for them`, code: 'read-only' });
    const alice = cookieOf(await signIn(h.url, 'alice'))!.split(';')[0];
    assert.deepEqual(await (await app.request('/api/act', { method: 'POST', headers: { cookie: alice } })).json(), { actor: 'alice' });
    assert.throws(() => h.context.operatorFor({ name: READ_ONLY_USER, via: 'password', queues: [] }), /in no queue/);
  });
});

describe('console: in signed mode an action is signed with the signed-in operator’s key', function () {
  this.timeout(120_000);
  const CATALOG = path.resolve(__dirname, '../fixtures/operator-identity.yaml');
  const TASK_QUEUE = 'ordo-operator-identity'; // the lane test/e2e/operator-identity.test.ts runs `signed`
  const NO_KEY = 'console-auth-nokey';
  let h: ConsoleHarness;
  let url: string;
  let context: ReturnType<typeof createConsoleContext>;
  let lane: Awaited<ReturnType<ConsoleHarness['stack']['startLane']>>;

  before(async function () {
    this.timeout(600_000);
    h = await getConsole();
    const signed = { ...h.stack.config.operators, authentication: 'signed' as const };
    lane = await h.stack.startLane({ taskQueue: TASK_QUEUE, catalogFiles: [CATALOG], config: { operators: signed } });
    // The console's view: signed mode, and one more fulfillment-desk member who has no key.
    const config: LoadedConfig = { ...h.config, operators: signed, queues: { ...h.config.queues, 'fulfillment-desk': { ...h.config.queues['fulfillment-desk'], members: [...h.config.queues['fulfillment-desk'].members, NO_KEY] } } };
    context = createConsoleContext(config, lane);
    const server = await startConsole({ context, port: 0 });
    atEndOfRun(() => server.close());
    url = server.url;
  });

  it('completes a task as carol, verified by the workflow; refuses a member without a key naming the fix', async () => {
    const order: Order = {
      id: `CONSOLE-AUTH-${process.pid}-1`,
      accountId: 'TEST',
      channel: 'cpq',
      currency: 'USD',
      items: [{ id: 'OI-1', product: 'NEEDS-DESK', quantity: 1, unitPrice: '10.00', attributes: { ready: false } }],
    };
    await lane.startOrder(order);
    const handle = h.stack.env.client.workflow.getHandle(fulfillmentOrderWorkflowId(order.id, 'FO-provisioning'));
    const stepOf = async () => (await handle.query(fulfillmentOrderPlanQuery)).steps.find((s) => s.id === 'desk.approve');
    await eventually('the approval task', async () => ((await stepOf())?.state === 'InProgress' ? true : undefined));

    const carol = (await me(url, cookieOf(await signIn(url, 'carol'))!.split(';')[0])).user!;
    assert.equal(carol.name, 'carol');
    await context.operatorFor(carol).completeTask(order.id, 'approve', carol.name);
    const done = await eventually('the approval completed', async () => {
      const step = await stepOf();
      return step?.state === 'Completed' ? step : undefined;
    });
    assert.equal(done.completedBy?.actor, 'carol');
    const [action] = done.operatorActions!;
    assert.equal(action.credential?.operator, 'carol');
    assert.equal(action.verified, true);

    assert.throws(
      () => context.operatorFor({ name: NO_KEY, via: 'password', queues: ['fulfillment-desk'] }),
      (error: unknown) => error instanceof OrdoError && error.code === 'refused' && error.message.includes(`\`ordo operators init ${NO_KEY}\``),
    );
  });
});
