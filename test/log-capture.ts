import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Every log line of a test run, kept in one file, so that the end of the run can check that no key or token the
 * tests used reached a log (docs/security.md, "Secrets in logs"). Workers log through the runtime's logger
 * (test/quiet-runtime.ts tees everything from INFO up here, whatever reaches the console), CLI runs add their
 * stdout and stderr (test/cli/run-ordo.ts), and a stack's log files are added before its folder is removed.
 * Kept free of heavy imports: the root hooks load it.
 */

const LOG_FILE = path.join(os.tmpdir(), `ordo-test-run-${process.pid}.log`);
const secrets = new Map<string, string>();

export function captureLog(source: string, text: string): void {
  fs.appendFileSync(LOG_FILE, `[${source}] ${text}\n`);
}

/** What the run has logged so far (for the test that the capture works). */
export function runLogText(): string {
  return fs.existsSync(LOG_FILE) ? fs.readFileSync(LOG_FILE, 'utf8') : '';
}

/** A key or token a test made or used: no log line of the run may contain it. Short values are ignored (they match by chance). */
export function registerSecret(name: string, value: string): void {
  if (value.length >= 12) secrets.set(value, name);
}

/** A fresh random token, registered as a secret. */
export function testSecret(name: string): string {
  const value = `tok_test_${randomBytes(18).toString('base64url')}`;
  registerSecret(name, value);
  return value;
}

/** Adds the `*.log` files of a folder (a stack's worker and simulator logs) to the run's log: call it before the folder goes. */
export function captureLogFolder(folder: string): void {
  for (const file of logFilesIn(folder)) captureLog(path.relative(folder, file), fs.readFileSync(file, 'utf8'));
}

export interface LeakedSecret {
  secret: string;
  where: string;
  line: string;
}

/** Where a secret appears in log text: the secret's name, the line's source and the line with the secret masked. */
export function secretsIn(logText: string, named: ReadonlyMap<string, string>): LeakedSecret[] {
  const leaks: LeakedSecret[] = [];
  for (const line of logText.split('\n')) {
    for (const [value, name] of named) {
      if (line.includes(value)) leaks.push({ secret: name, where: line.slice(0, line.indexOf(']') + 1), line: line.split(value).join('<secret>').slice(0, 300) });
    }
  }
  return leaks;
}

/** Scans what the run logged; the log file goes once it has been read. */
export function checkLogsForSecrets(): void {
  const leaks = fs.existsSync(LOG_FILE) ? secretsIn(fs.readFileSync(LOG_FILE, 'utf8'), secrets) : [];
  fs.rmSync(LOG_FILE, { force: true });
  if (leaks.length === 0) return;
  const shown = leaks.slice(0, 10).map((leak) => `  ${leak.secret} in ${leak.where}: ${leak.line}`).join('\n');
  throw new Error(`${leaks.length} log line(s) of this test run hold a key or token:\n${shown}`);
}

function logFilesIn(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.log')).map((name) => path.join(folder, name));
}
