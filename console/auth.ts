import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { OrdoError } from '../client/errors';
import { checkPasswordAsync } from './accounts';
import { queuesOf } from './console-context';
import type { ConsoleApp, ConsoleContext, ConsoleEnv, ConsoleUser } from './context';
import { ConsoleRefusal, jsonBody } from './http';
import { OidcRefusal, oidcSignIn, type OidcSignIn, type PendingSignIn } from './oidc';
import { CONSOLE_SESSION_COOKIE, ensureSessionKey, readSession, sessionCookie } from './session';
import { SignInBackoff } from './sign-in-backoff';

/**
 * Sign-in (docs/console.md "Who is who"): local accounts (console.accounts, scrypt hashes) and OpenID Connect
 * (console.oidc); a signed session cookie (console/session.ts) names the user, and the configuration's queues say
 * what they may do. Every /api route but sign-in and /api/me answers 401 to a signed-out request, here, before any
 * part's route runs. Actions are POSTs from the console's own page: a POST from another origin, or with a body that
 * is not JSON (what a cross-site form sends), is refused before it reaches a route.
 */

const OIDC_PENDING_COOKIE = 'ordo_console_oidc';
const SAME_MESSAGE = 'wrong name or password';

const sessionKeys = new Map<string, Buffer>();
/** The key that signs sessions, read (or made) once per file. */
function sessionKeyOf(context: ConsoleContext): Buffer {
  const file = context.config.consoleSessionKeyFile;
  let key = sessionKeys.get(file);
  if (!key) sessionKeys.set(file, (key = ensureSessionKey(file)));
  return key;
}

/** The user the request's session cookie names, or undefined (signed out, expired, tampered). */
export async function signedInUser(c: Context<ConsoleEnv>, context: ConsoleContext): Promise<ConsoleUser | undefined> {
  const session = await readSession(c.req.header('cookie'), sessionKeyOf(context));
  return session && { name: session.name, via: session.via, queues: queuesOf(context.config, session.name) };
}

/** The console's own origin: console.publicUrl's when set (behind a proxy), else the one the request was sent to. */
function ownOrigins(c: Context<ConsoleEnv>, context: ConsoleContext): string[] {
  const publicUrl = context.config.console.publicUrl;
  return [new URL(c.req.url).origin, ...(publicUrl ? [new URL(publicUrl).origin] : [])];
}

const secure = (c: Context<ConsoleEnv>, context: ConsoleContext) =>
  new URL(context.config.console.publicUrl ?? c.req.url).protocol === 'https:';

/** Refuses cross-site writes: any method but GET/HEAD/OPTIONS from another origin, or with a body that is not JSON. */
function sameOriginWrites(context: ConsoleContext): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return next();
    const origin = c.req.header('origin');
    // A browser always sends Origin on a cross-origin POST; a script (curl, a test) sends none and has no cookie to abuse.
    if (origin !== undefined && !ownOrigins(c, context).includes(origin)) {
      return c.json({ error: `refused: a ${c.req.method} from ${origin}, which is not this console's page (console.publicUrl says its address)`, code: 'cross-origin' }, 403);
    }
    const type = c.req.header('content-type');
    if (type !== undefined && !/^application\/json\b/i.test(type)) {
      return c.json({ error: `the console's actions take JSON (Content-Type: application/json), not ${type}`, code: 'invalid' }, 415);
    }
    return next();
  };
}

async function startSession(c: Context<ConsoleEnv>, context: ConsoleContext, name: string, via: ConsoleUser['via']) {
  const exp = Date.now() + context.config.console.sessionLifetime;
  c.header('set-cookie', await sessionCookie({ name, via, exp }, sessionKeyOf(context), secure(c, context)), { append: true });
}

/** POST /api/sign-in, POST /api/sign-out, GET /api/me, GET /auth/oidc, GET /auth/callback. */
export function authRoutes(app: ConsoleApp, context: ConsoleContext): void {
  const backoff = new SignInBackoff();
  // The session key now, not at the first request: the codec server (another process) reads the same file.
  sessionKeyOf(context);
  const oidc: OidcSignIn | undefined = context.config.console.oidc && oidcSignIn(context.config.console.oidc);

  app.use('*', sameOriginWrites(context));
  app.use('/api/*', async (c, next) => {
    if (!c.get('user') && c.req.path !== '/api/sign-in' && c.req.path !== '/api/me' && c.req.path !== '/api/sign-out') {
      throw new ConsoleRefusal('signed-out', 'sign in first');
    }
    return next();
  });

  app.get('/api/me', (c) => c.json({ user: c.get('user') ?? null, oidc: oidc !== undefined, ...(oidc ? { issuer: oidc.issuer } : {}) }));

  app.post('/api/sign-in', async (c) => {
    const body = (await jsonBody(c)) as { name?: unknown; password?: unknown } | null;
    const problems = [
      ...(typeof body?.name === 'string' && body.name ? [] : [{ path: 'name', message: 'name is required (text)' }]),
      ...(typeof body?.password === 'string' && body.password ? [] : [{ path: 'password', message: 'password is required (text)' }]),
    ];
    if (problems.length) throw new OrdoError('invalid', 'sign-in needs { "name", "password" }', problems);
    const { name, password } = body as { name: string; password: string };
    const wait = backoff.waitFor(name);
    if (wait > 0) return c.json({ error: `too many wrong passwords for ${name}: try again in ${Math.ceil(wait / 1000)} s`, code: 'too-many-tries' }, 429);
    if (!(await checkPasswordAsync(context.config.consoleAccountsFile, name, password))) {
      backoff.wrong(name);
      return c.json({ error: SAME_MESSAGE, code: 'signed-out' }, 401);
    }
    backoff.right(name);
    await startSession(c, context, name, 'password');
    return c.json({ user: { name, via: 'password', queues: queuesOf(context.config, name) } });
  });

  app.post('/api/sign-out', (c) => {
    deleteCookie(c, CONSOLE_SESSION_COOKIE, { path: '/' });
    return c.json({ user: null });
  });

  app.get('/auth/oidc', async (c) => {
    if (!oidc) return c.text('OpenID Connect sign-in is not configured (console.oidc)', 404);
    const redirectUri = new URL('/auth/callback', context.config.console.publicUrl ?? c.req.url).href;
    const { url, pending } = await oidc.start(redirectUri).catch((error: Error) => {
      throw new OrdoError('unavailable', error.message);
    });
    await setSignedCookie(c, OIDC_PENDING_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), sessionKeyOf(context), {
      path: '/auth',
      httpOnly: true,
      sameSite: 'Lax', // sent along when the issuer sends the browser back (a top-level GET)
      secure: secure(c, context),
      maxAge: 10 * 60,
    });
    return c.redirect(url, 302);
  });

  app.get('/auth/callback', async (c) => {
    if (!oidc) return c.text('OpenID Connect sign-in is not configured (console.oidc)', 404);
    const pendingText = await getSignedCookie(c, sessionKeyOf(context), OIDC_PENDING_COOKIE);
    deleteCookie(c, OIDC_PENDING_COOKIE, { path: '/auth' });
    if (!pendingText) return c.text('This sign-in was not started here, or took over 10 minutes: start again from the console.', 400);
    const pending = JSON.parse(Buffer.from(pendingText, 'base64url').toString('utf8')) as PendingSignIn;
    try {
      const name = await oidc.finish(new URL(c.req.url), pending);
      await startSession(c, context, name, 'oidc');
      return c.redirect('/', 302);
    } catch (error) {
      if (error instanceof OidcRefusal) return c.text(error.message, 401);
      throw new OrdoError('unavailable', (error as Error).message);
    }
  });
}
