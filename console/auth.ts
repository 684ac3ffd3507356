import type { Context } from 'hono';
import type { ConsoleApp, ConsoleContext, ConsoleEnv, ConsoleUser } from './context';

/**
 * Sign-in (docs/console.md "Who is who"): local accounts (console.accounts, scrypt hashes) and OpenID Connect
 * (console.oidc); a signed session cookie names the user. STUB: the auth helper fills this in.
 */

/** The user the request's session cookie names, or undefined (signed out, expired, tampered). */
export async function signedInUser(_c: Context<ConsoleEnv>, _context: ConsoleContext): Promise<ConsoleUser | undefined> {
  return undefined;
}

/** POST /api/sign-in, POST /api/sign-out, GET /api/me, GET /auth/oidc, GET /auth/callback. */
export function authRoutes(app: ConsoleApp, _context: ConsoleContext): void {
  app.get('/api/me', (c) => c.json({ user: c.get('user') ?? null }));
}
