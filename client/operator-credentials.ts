import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { operatorNameProblem, privateKeyFile } from '../config/operator-keys';
import { signedText, type OperatorCredential } from '../domain/operator-signature';
import { OrdoError } from './errors';

/**
 * The credential an operator acts under (docs/security.md "Operators are who they say"): their private key,
 * from `ORDO_OPERATOR_KEY` or `<operators.keys>/<name>.key`. Every operator message the client sends is signed
 * with it; the workflow checks the signature against the public keys recorded with the order.
 */
export interface OperatorSigner {
  readonly operator: string;
  /** The credential for `request` (its fields but `credential`) sent as `message` to `workflowId`, issued now. */
  credential(message: string, workflowId: string, request: object): OperatorCredential;
}

/** A signer over an Ed25519 private key. */
export function keySigner(operator: string, privateKey: crypto.KeyObject): OperatorSigner {
  return {
    operator,
    credential(message, workflowId, request) {
      const issuedAt = new Date().toISOString();
      const signature = crypto.sign(null, Buffer.from(signedText(message, workflowId, request, issuedAt), 'utf8'), privateKey).toString('hex');
      return { operator, issuedAt, signature };
    },
  };
}

/** A signer that refuses with `error` when asked who it is or to sign: there is no credential. */
export function missingCredential(error: OrdoError): OperatorSigner {
  return {
    get operator(): string {
      throw error;
    },
    credential() {
      throw error;
    },
  };
}

/** `request` with its credential, when there is a signer; as it is otherwise (a `trusted` deployment). */
export function signRequest<T extends object>(signer: OperatorSigner | undefined, message: string, workflowId: string, request: T): T {
  return signer ? { ...request, credential: signer.credential(message, workflowId, request) } : request;
}

/**
 * Reads a credential file: a PKCS8 PEM private key (the operator is the file's name, `alice.key` → alice) or
 * JSON `{ "operator": "alice", "privateKey": "-----BEGIN PRIVATE KEY-----…" }`. Refuses, naming the file and
 * the fix, one that is missing, unreadable, readable by others, or not an Ed25519 key.
 */
export function readCredentialFile(file: string): OperatorSigner {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by you' : `cannot be read (${code})`;
    throw new OrdoError('refused', `operator credential ${file} ${why}: you can act only as an operator whose private key you can read. Fix: use your own key (ORDO_OPERATOR_KEY=FILE or --actor YOUR-NAME), or ask an admin to run \`ordo operators init NAME\``);
  }
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
    throw new OrdoError('refused', `operator credential ${file} is readable by others: a private key must be yours alone. Fix: chmod 600 ${file}`);
  }
  let operator = path.basename(file).replace(/\.key$/, '');
  let pem = text;
  if (text.trimStart().startsWith('{')) {
    try {
      const json = JSON.parse(text) as { operator?: unknown; privateKey?: unknown };
      if (typeof json.operator !== 'string' || typeof json.privateKey !== 'string') throw new Error('it needs "operator" and "privateKey" (PEM) as text');
      operator = json.operator;
      pem = json.privateKey;
    } catch (error) {
      throw new OrdoError('invalid', `operator credential ${file} is not a valid credential: ${(error as Error).message}. Fix: { "operator": NAME, "privateKey": PKCS8 PEM }, or the PEM alone`);
    }
  }
  const problem = operatorNameProblem(operator);
  if (problem) throw new OrdoError('invalid', `operator credential ${file}: ${problem}`);
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch (error) {
    throw new OrdoError('invalid', `operator credential ${file} holds no private key: ${(error as Error).message}. Fix: \`ordo operators init ${operator}\` creates one`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new OrdoError('invalid', `operator credential ${file} is a ${key.asymmetricKeyType} key; operators sign with Ed25519. Fix: \`ordo operators init ${operator}\``);
  return keySigner(operator, key);
}

/**
 * Whom the CLI acts as. `--actor NAME` (kept for scripts) means `<keysDir>/NAME.key`: you can act only as someone
 * whose private key you can read. Without it, the file in ORDO_OPERATOR_KEY. Without either: in `signed` mode,
 * refused with the fix; in `trusted` mode nobody signs and the typed name is believed.
 */
export function operatorIdentity(options: { actor?: string; keysDir: string; authentication: 'signed' | 'trusted'; env?: NodeJS.ProcessEnv }): { actor?: string; signer?: OperatorSigner } {
  const env = options.env ?? process.env;
  const actor = options.actor?.trim() || undefined;
  const file = actor ? privateKeyFile(options.keysDir, actor) : env.ORDO_OPERATOR_KEY || undefined;
  if (!file) {
    if (options.authentication === 'trusted') return {};
    // Refused when a message is about to be signed, so a mistake the client can see first (a typo) is named first.
    return { signer: missingCredential(new OrdoError('refused', `no operator credential: set ORDO_OPERATOR_KEY to your private key file, or pass --actor NAME to use ${privateKeyFile(options.keysDir, 'NAME')} (\`ordo operators init NAME\` creates it)`)) };
  }
  if (actor && options.authentication === 'trusted' && !fs.existsSync(file)) return { actor };
  if (actor) {
    const problem = operatorNameProblem(actor);
    if (problem) throw new OrdoError('invalid', `--actor: ${problem}`);
  }
  const signer = readCredentialFile(file);
  if (actor && signer.operator !== actor) throw new OrdoError('refused', `${file} is the credential of ${signer.operator}, not ${actor}`);
  return { actor: signer.operator, signer };
}
