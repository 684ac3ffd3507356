import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSigned, serializeSigned, type CookieOptions } from 'hono/utils/cookie';

/**
 * The console's session (docs/console.md "Who is who"): an HMAC-signed cookie (hono's signed cookies) holding
 * `{ name, via, exp }`, with the key in console.sessionKey. Queues are not in it: they are read from the
 * configuration on each request, so a change of membership counts at once. The codec server reads the same cookie
 * (cookies go by host, not port), so one console sign-in lets the Temporal Web UI decode.
 */

export const CONSOLE_SESSION_COOKIE = 'ordo_console_session';

export interface Session {
  name: string;
  via: 'password' | 'oidc';
  /** Epoch milliseconds after which the session is over. */
  exp: number;
}

/** The session key in `file`, made (32 random bytes, 0600, folder made) when missing. */
export function ensureSessionKey(file: string): Buffer {
  const existing = readSessionKey(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx': two processes starting together do not overwrite each other's key; the loser reads the winner's.
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSessionKey(file)!;
}

/** The session key in `file`, or undefined when there is none yet (the console makes it when it starts). */
export function readSessionKey(file: string): Buffer | undefined {
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length < 16) throw new Error(`${file} holds no session key (under 16 bytes). Fix: remove it; the console makes a new one (everyone signs in again)`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The Set-Cookie header value for `session`. */
export function sessionCookie(session: Session, key: Buffer, secure: boolean): Promise<string> {
  const value = Buffer.from(JSON.stringify(session)).toString('base64url');
  const options: CookieOptions = { path: '/', httpOnly: true, sameSite: 'Lax', secure, maxAge: Math.max(0, Math.floor((session.exp - Date.now()) / 1000)) };
  return serializeSigned(CONSOLE_SESSION_COOKIE, value, key, options);
}

/** The session a Cookie header carries, when it is signed with `key` and not expired; undefined otherwise. */
export async function readSession(cookieHeader: string | undefined, key: Buffer, nowMs = Date.now()): Promise<Session | undefined> {
  if (!cookieHeader) return undefined;
  try {
    const value = (await parseSigned(cookieHeader, key, CONSOLE_SESSION_COOKIE))[CONSOLE_SESSION_COOKIE];
    if (!value) return undefined; // absent, or its signature is not ours (tampered, or signed with another key)
    const session = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Session>;
    if (typeof session.name !== 'string' || (session.via !== 'password' && session.via !== 'oidc') || typeof session.exp !== 'number') return undefined;
    return session.exp > nowMs ? (session as Session) : undefined;
  } catch {
    return undefined; // a malformed cookie is no session
  }
}
