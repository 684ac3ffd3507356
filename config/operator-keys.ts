import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OperatorRecord } from '../domain/operator-signature';
import type { LoadedConfig } from './load';

/**
 * Operators' key files (docs/security.md "Operators are who they say"), in `operators.keys`:
 * `<name>.pub` (SPKI PEM: what workers read and record with each order) and `<name>.key` (PKCS8 PEM, or JSON
 * `{ "operator": name, "privateKey": PEM }`, mode 0600: that operator's own, never on a worker).
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/** Why `name` cannot be an operator's file name, or undefined. */
export function operatorNameProblem(name: string): string | undefined {
  return NAME.test(name) ? undefined : `operator name ${JSON.stringify(name)} must be letters, digits, '.', '_', '@' or '-' (it names the key files)`;
}

export const publicKeyFile = (dir: string, operator: string) => path.join(dir, `${operator}.pub`);
export const privateKeyFile = (dir: string, operator: string) => path.join(dir, `${operator}.key`);

/** An Ed25519 public key as the workflow records it: the raw 32 bytes, hex. */
export function publicKeyHex(key: crypto.KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url').toString('hex');
}

/** Creates a key pair for each operator that has none yet; answers the names it created keys for. */
export function createOperatorKeys(dir: string, operators: Iterable<string>): string[] {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const created: string[] = [];
  for (const operator of new Set(operators)) {
    const problem = operatorNameProblem(operator);
    if (problem) throw new Error(problem);
    if (fs.existsSync(publicKeyFile(dir, operator))) continue;
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    // The private key first, with its mode from the start: there is no moment it is readable by others.
    fs.writeFileSync(privateKeyFile(dir, operator), privateKey, { mode: 0o600 });
    fs.writeFileSync(publicKeyFile(dir, operator), publicKey, { mode: 0o644 });
    created.push(operator);
  }
  return created;
}

/** Every operator with a public key in `dir`, and the key (hex). A missing folder has none. */
export function readPublicKeys(dir: string): Record<string, string> {
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const keys: Record<string, string> = {};
  for (const file of files.filter((f) => f.endsWith('.pub')).sort()) {
    const operator = file.slice(0, -'.pub'.length);
    try {
      keys[operator] = publicKeyHex(crypto.createPublicKey(fs.readFileSync(path.join(dir, file), 'utf8')));
    } catch (error) {
      throw new Error(`${path.join(dir, file)} is not an Ed25519 public key (PEM): ${(error as Error).message}. Fix: run \`ordo operators init ${operator}\` after removing it`);
    }
  }
  return keys;
}

/**
 * What the decomposition records with each plan: the authentication mode, and in `signed` mode every public key
 * of `operators.keys` (read at each decomposition, so a key added is known to orders decomposed after it).
 */
export function operatorRecordFor(config: Partial<Pick<LoadedConfig, 'operators' | 'operatorKeysDir'>>): OperatorRecord | undefined {
  if (!config.operators) return undefined;
  const signed = config.operators.authentication === 'signed';
  return {
    authentication: config.operators.authentication,
    keys: signed && config.operatorKeysDir ? readPublicKeys(config.operatorKeysDir) : {},
    signatureMaxAgeMs: config.operators.signatureMaxAge,
  };
}

/** Everyone who may act on orders: every queue member of the configuration and every `runAs` identity of the catalog. */
export function knownOperators(queues: LoadedConfig['queues'], catalog?: { workspaces: Array<{ groups: Array<{ steps: Array<{ runAs?: string }> }> }> }): string[] {
  const members = Object.values(queues).flatMap((queue) => queue.members);
  const runAs = (catalog?.workspaces ?? []).flatMap((w) => w.groups.flatMap((g) => g.steps.flatMap((s) => (s.runAs ? [s.runAs] : []))));
  return [...new Set([...members, ...runAs])].sort();
}
