import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { testKeysVariable } from '../encryption-keys';
import { captureLog } from '../log-capture';

/** Runs the real `bin/ordo` as users run it: a child process, from the repository root. */

export const REPO_ROOT = path.resolve(__dirname, '../..');
const ORDO = path.join(REPO_ROOT, 'bin', 'ordo');

export interface OrdoRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The parent's environment without anything that would point the CLI elsewhere (a TEMPORAL_* or ORDO_*
 * variable of whoever runs the tests), plus the test run's encryption keys (test/encryption-keys.ts) and `extra`.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(TEMPORAL_|ORDO_)/.test(key)));
  return { ...env, ORDO_ENCRYPTION_KEYS: testKeysVariable(), ...extra };
}

export function ordo(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<OrdoRun> {
  return new Promise((resolve, reject) => {
    execFile(
      ORDO,
      args,
      { cwd: REPO_ROOT, env: options.env ?? cleanEnv(), timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        captureLog(`ordo ${args[0] ?? ''}`, `${stdout}\n${stderr}`);
        if (error && typeof error.code !== 'number') {
          reject(new Error(`ordo ${args.join(' ')} did not exit normally (${error.signal ?? error.message})\nstdout: ${stdout}\nstderr: ${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Parses stdout as JSON, failing with the whole run shown when it is not. */
export function jsonOf<T = Record<string, unknown>>(run: OrdoRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code})\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }
}

/** Shows the run when an exit code is not the expected one. */
export function describeRun(run: OrdoRun): string {
  return `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

/** A Node stack frame line ("    at fn (file:1:2)"): the CLI must never show one for a user's mistake. */
export const STACK_FRAME = /^\s+at .+/m;
