import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadedConfig } from '../config/load';
import { addLocalAccount, generatePassword } from '../console/accounts';

/**
 * The operations console as a part of the local stack (scripts/stack.ts, docs/console.md "Starting it"): its
 * address, whether it answers, and the development accounts `ordo stack up` makes when there are none.
 */

/** The console's address on this machine (localhost: the same site as the Web UI and the codec server). */
export const consoleUrl = (config: LoadedConfig) => `http://localhost:${config.stack.consolePort}`;

/** It answers as the console does (GET /api/me: JSON, 200 signed in or not). */
export async function consoleAnswering(url: string): Promise<boolean> {
  try {
    const answer = await fetch(`${url}/api/me`, { signal: AbortSignal.timeout(2000) });
    return answer.ok && 'user' in ((await answer.json()) as object);
  } catch {
    return false;
  }
}

export const consolePasswordsFile = (config: LoadedConfig) => path.join(config.dataDir, 'console-passwords.txt');

/** Every queue member, in the order temporal-config.yaml names them. */
const queueMembers = (config: LoadedConfig) => [...new Set(Object.values(config.queues).flatMap((queue) => queue.members))];

/** A path as the person who ran the command would type it: relative to where they are, when it is under it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * With no accounts file yet: a local account for every queue member, all with one generated password, written to
 * `<dataDir>/console-passwords.txt` (0600) for the person running the stack. Answers the line saying how to sign in.
 */
export function ensureStackConsoleAccounts(config: LoadedConfig): string {
  const url = consoleUrl(config);
  const members = queueMembers(config);
  const passwords = consolePasswordsFile(config);
  // Only when there are no accounts at all: an existing file is someone's choice of accounts and passwords.
  if (!fs.existsSync(config.consoleAccountsFile) && members.length) {
    const password = generatePassword();
    for (const name of members) addLocalAccount(config.consoleAccountsFile, name, password);
    fs.mkdirSync(path.dirname(passwords), { recursive: true });
    fs.writeFileSync(passwords, `Console ${url}: every queue member (${members.join(', ')}) signs in with this password:\n${password}\n`, { mode: 0o600 });
  }
  return `Console: ${url} (${consoleSignInHint(config)})`;
}

/** How to sign in to the stack's console, in a few words: whom as, and where the password is. */
export function consoleSignInHint(config: LoadedConfig): string {
  const [first] = queueMembers(config);
  const passwords = consolePasswordsFile(config);
  if (first && fs.existsSync(passwords)) return `sign in as ${first}, password in ${shown(passwords)}`;
  return 'sign in with a local account: `ordo console accounts list`, `ordo console accounts add NAME`';
}
