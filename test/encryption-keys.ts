import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KEYS_ENV, readKeyringFile, rotateKeyring } from '../config/keyring';
import { atEndOfRun } from './hooks';
import { registerSecret } from './log-capture';

/**
 * The encryption keys of one test run (docs/security.md "Encrypted histories"): a keyring file in a fresh temporary
 * folder, made on first use and removed at the end of the run. The harness's clients and workers read it, and it is
 * exported as ORDO_ENCRYPTION_KEYS, so the `ordo` processes the tests start (run-ordo's cleanEnv, or the test's own
 * environment) read what the harness wrote. Its key is registered as a secret no log line of the run may hold.
 */
let keyringFile: string | undefined;

export function testKeyringFile(): string {
  if (!keyringFile) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-keys-'));
    atEndOfRun(async () => fs.rmSync(dir, { recursive: true, force: true }));
    keyringFile = path.join(dir, 'keyring.json');
    const { id } = rotateKeyring(keyringFile);
    registerSecret(`the test run's encryption key ${id}`, readKeyringFile(keyringFile).keys[id]);
    process.env[KEYS_ENV] = testKeysVariable();
  }
  return keyringFile;
}

/** The run's keys as ORDO_ENCRYPTION_KEYS (`id:base64`), for child processes. */
export function testKeysVariable(): string {
  const ring = readKeyringFile(testKeyringFile());
  return `${ring.current}:${ring.keys[ring.current]}`;
}
