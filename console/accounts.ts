import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { operatorNameProblem } from '../config/operator-keys';

/**
 * Local accounts (console.accounts: a JSON file of scrypt password hashes, 0600): development sign-in.
 * `{ "accounts": { "<name>": { "passwordHash": "scrypt$N$r$p$<salt b64>$<hash b64>" } } }`. The cost parameters go
 * with each hash, so raising them later keeps old hashes checkable.
 */

interface AccountsFile {
  accounts: Record<string, { passwordHash: string }>;
}

const COST = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function readAccounts(file: string): AccountsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { accounts: {} };
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<AccountsFile>;
  if (!parsed || typeof parsed.accounts !== 'object' || parsed.accounts === null) {
    throw new Error(`${file} is not a console accounts file: it needs { "accounts": { NAME: { "passwordHash": … } } }. Fix: remove it and run \`ordo console accounts add NAME\``);
  }
  return { accounts: parsed.accounts };
}

function hashPassword(password: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** A stored hash's parts, or undefined when it is not one of ours. */
function parseHash(passwordHash: string): { salt: Buffer; expected: Buffer; cost: crypto.ScryptOptions } | undefined {
  const [scheme, N, r, p, salt, hash] = passwordHash.split('$');
  const expected = Buffer.from(hash ?? '', 'base64');
  if (scheme !== 'scrypt' || !salt || expected.length === 0) return undefined;
  return { salt: Buffer.from(salt, 'base64'), expected, cost: { N: Number(N), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 } };
}

function matches(passwordHash: string, password: string): boolean {
  const parsed = parseHash(passwordHash);
  if (!parsed) return false;
  return crypto.timingSafeEqual(crypto.scryptSync(password, parsed.salt, parsed.expected.length, parsed.cost), parsed.expected);
}

/** matches(), without holding the event loop for the hash's ~50 ms (the console's sign-in). */
async function matchesAsync(passwordHash: string, password: string): Promise<boolean> {
  const parsed = parseHash(passwordHash);
  if (!parsed) return false;
  const actual = await new Promise<Buffer>((resolve, reject) =>
    crypto.scrypt(password, parsed.salt, parsed.expected.length, parsed.cost, (error, key) => (error ? reject(error) : resolve(key))),
  );
  return crypto.timingSafeEqual(actual, parsed.expected);
}

/** Adds (or replaces the password of) `name`. Creates the file (0600) and its folder when missing. */
export function addLocalAccount(file: string, name: string, password: string): void {
  const problem = operatorNameProblem(name);
  if (problem) throw new Error(problem);
  if (!password) throw new Error('a password cannot be empty');
  const current = readAccounts(file);
  current.accounts[name] = { passwordHash: hashPassword(password) };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written beside and renamed over: a reader never sees half a file, and the mode is 0600 from the first byte.
  const next = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(next, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(next, file);
}

/**
 * The hash to check `password` against: `name`'s, or for an unknown name a decoy that never matches, so an unknown
 * name costs the same scrypt as a known one and the answer's timing does not tell which names exist.
 */
function hashToCheck(file: string, name: string): { passwordHash: string; known: boolean } {
  const { accounts } = readAccounts(file);
  if (Object.prototype.hasOwnProperty.call(accounts, name)) return { passwordHash: accounts[name].passwordHash, known: true };
  decoyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return { passwordHash: decoyHash, known: false };
}
let decoyHash: string | undefined;

/** Whether `password` is `name`'s (constant-time compare); false for an unknown name or a missing file. */
export function checkPassword(file: string, name: string, password: string): boolean {
  const { passwordHash, known } = hashToCheck(file, name);
  return matches(passwordHash, password) && known;
}

/** checkPassword() for a server: the hash runs on libuv's thread pool, not the event loop. */
export async function checkPasswordAsync(file: string, name: string, password: string): Promise<boolean> {
  const { passwordHash, known } = hashToCheck(file, name);
  return (await matchesAsync(passwordHash, password)) && known;
}

/** The names with a local account, sorted (never their hashes). */
export function localAccountNames(file: string): string[] {
  return Object.keys(readAccounts(file).accounts).sort();
}

/** A strong random password (24 characters, about 143 bits) for `ordo console accounts add` and the stack. */
export function generatePassword(): string {
  return crypto.randomBytes(18).toString('base64url');
}
