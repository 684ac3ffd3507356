import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { InvalidInput, problemsFromZod } from '../domain/problems';

/**
 * The encryption keys of Ordo's histories (docs/security.md "Encrypted histories"). The current key encrypts;
 * every key decrypts, so payloads written before a rotation stay readable. Keys come from the keyring file
 * (encryption.keyring, mode 0600, never in the repository) or from ORDO_ENCRYPTION_KEYS, which wins.
 */

export const KEYS_ENV = 'ORDO_ENCRYPTION_KEYS';
/** AES-256: 32 bytes. */
export const KEY_BYTES = 32;

const KeyId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores');
const KeyMaterial = z
  .string()
  .refine((text) => Buffer.from(text, 'base64').length === KEY_BYTES, `must be ${KEY_BYTES} random bytes in base64 (44 characters)`);

/** The keyring file. `created` (when each key was made) is for `ordo keys list`; the keys themselves never leave the file. */
export const KeyringFile = z
  .strictObject({
    current: KeyId,
    keys: z.record(KeyId, KeyMaterial),
    created: z.record(KeyId, z.string()).default({}),
  })
  .refine((file) => file.current in file.keys, { message: 'names a key that is not in keys', path: ['current'] });
export type KeyringFile = z.infer<typeof KeyringFile>;

/** The keys a codec uses: loaded ones, in memory. */
export interface Keys {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Where a codec gets its keys: it asks for the current key on every encode and for a named one on every decode. */
export interface KeySource {
  /** The key new payloads are encrypted with. */
  current(): { id: string; key: Buffer };
  /** A key by id, or undefined when this keyring does not hold it. */
  byId(id: string): Buffer | undefined;
  /** Where the keys come from, for error messages: the file, the environment variable, or memory. */
  readonly origin: string;
}

/** The keys of a configuration: ORDO_ENCRYPTION_KEYS when set, else the keyring file (which must exist). */
export function keySourceFor(keyringFile: string, env: NodeJS.ProcessEnv = process.env): KeySource {
  const fromEnv = env[KEYS_ENV];
  if (fromEnv) return fixedKeys(parseKeysVariable(fromEnv), KEYS_ENV);
  return new FileKeySource(keyringFile);
}

/** Keys that never change: the environment's, or a random one in memory for a private server (`ordo simulate`, workflow tests). */
export function fixedKeys(keys: Keys, origin: string): KeySource {
  return {
    origin,
    current: () => ({ id: keys.current, key: keys.keys.get(keys.current)! }),
    byId: (id) => keys.keys.get(id),
  };
}

/** One random key that lives as long as the process: for a server no other process reads. */
export function inMemoryKeys(): KeySource {
  const id = newKeyId();
  return fixedKeys({ current: id, keys: new Map([[id, randomBytes(KEY_BYTES)]]) }, 'memory');
}

/**
 * `id1:base64,id2:base64`: every key listed decrypts, the last one is current (append a new key at the end to
 * rotate). Whitespace around entries is ignored.
 */
export function parseKeysVariable(value: string): Keys {
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  const keys = new Map<string, Buffer>();
  const problems: { path: string; message: string; fix: string }[] = [];
  const fix = `write ${KEYS_ENV} as id:base64key[,id:base64key…], each key ${KEY_BYTES} random bytes (openssl rand -base64 32); the last is current`;
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? entry : entry.slice(0, colon);
    const material = colon < 0 ? '' : entry.slice(colon + 1);
    const idProblem = KeyId.safeParse(id);
    const keyProblem = KeyMaterial.safeParse(material);
    if (!idProblem.success) problems.push({ path: `${KEYS_ENV}[${index}]`, message: `key id ${JSON.stringify(id)} ${idProblem.error.issues[0].message}`, fix });
    else if (!keyProblem.success) problems.push({ path: `${KEYS_ENV}[${index}] (${id})`, message: `key ${keyProblem.error.issues[0].message}`, fix });
    else keys.set(id, Buffer.from(material, 'base64'));
  });
  if (!entries.length) problems.push({ path: KEYS_ENV, message: 'holds no key', fix });
  if (problems.length) throw new InvalidInput(`encryption keys (${KEYS_ENV})`, problems);
  return { current: [...keys.keys()].at(-1)!, keys };
}

/**
 * The keyring file, read at start and again when a running process needs it (no restart after `ordo keys rotate`):
 * - encode: the file is re-read when its modification time changed (one stat per encode batch, cheap), so
 *   a rotation's new current key is used from the next payload on;
 * - decode of an unknown key id: the file is re-read once, so a payload another worker wrote with a key
 *   just added decodes; still unknown, the codec fails naming the key.
 * A file that became unreadable or invalid after start keeps the keys loaded before (and the next read retries).
 */
export class FileKeySource implements KeySource {
  private loaded: { keys: Keys; version: string };

  constructor(readonly file: string) {
    this.loaded = readKeyringKeys(file);
  }

  get origin(): string {
    return this.file;
  }

  current(): { id: string; key: Buffer } {
    this.reloadIfChanged();
    const { current, keys } = this.loaded.keys;
    return { id: current, key: keys.get(current)! };
  }

  byId(id: string): Buffer | undefined {
    const key = this.loaded.keys.keys.get(id);
    if (key) return key;
    this.reload();
    return this.loaded.keys.keys.get(id);
  }

  private reloadIfChanged(): void {
    let version: string;
    try {
      version = fileVersion(this.file);
    } catch {
      return;
    }
    if (version !== this.loaded.version) this.reload();
  }

  private reload(): void {
    try {
      this.loaded = readKeyringKeys(this.file);
    } catch {
      // Mid-write or broken: keep encrypting and decrypting with what was loaded.
    }
  }
}

/** The keyring file's keys and its version; a missing or invalid file is a user mistake, named with its fix. */
function readKeyringKeys(file: string): { keys: Keys; version: string } {
  const version = statOrMissing(file);
  const ring = readKeyringFile(file);
  return { keys: { current: ring.current, keys: new Map(Object.entries(ring.keys).map(([id, key]) => [id, Buffer.from(key, 'base64')])) }, version };
}

/** Changes with every rewrite: rotation renames a new file into place (a new inode), even within one clock tick. */
function fileVersion(file: string): string {
  const stat = fs.statSync(file);
  return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
}

function statOrMissing(file: string): string {
  try {
    return fileVersion(file);
  } catch {
    throw new InvalidInput(`encryption keyring ${file}`, [
      {
        path: 'encryption.keyring',
        message: 'does not exist, and encryption is enabled',
        fix: `create it with \`ordo keys rotate\`, or set ${KEYS_ENV}, or set encryption.enabled: false in temporal-config.yaml (only for a server nobody else can read)`,
      },
    ]);
  }
}

/** Reads and checks the keyring file. */
export function readKeyringFile(file: string): KeyringFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing) statOrMissing(file);
    throw new InvalidInput(`encryption keyring ${file}`, [{ path: '', message: `cannot be read as JSON: ${(error as Error).message}`, fix: 'restore it from your secret store' }]);
  }
  const parsed = KeyringFile.safeParse(raw);
  if (!parsed.success) throw new InvalidInput(`encryption keyring ${file}`, problemsFromZod(parsed.error, { schema: KeyringFile }));
  return parsed.data;
}

/** A new key id: the day it was made and a random suffix, so ids sort by age and never collide. */
export function newKeyId(now: Date = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
}

/**
 * Adds a new random key and makes it current, keeping the old ones (they still decrypt older histories).
 * Creates the file (and its folder) when missing. Written to a temporary file and renamed, mode 0600, so a
 * running worker never reads half a keyring.
 */
export function rotateKeyring(file: string, now: Date = new Date()): { id: string; created: boolean } {
  const exists = fs.existsSync(file);
  const ring: KeyringFile = exists ? readKeyringFile(file) : { current: '', keys: {}, created: {} };
  const id = newKeyId(now);
  writeKeyringFile(file, {
    current: id,
    keys: { ...ring.keys, [id]: randomBytes(KEY_BYTES).toString('base64') },
    created: { ...ring.created, [id]: now.toISOString() },
  });
  return { id, created: !exists };
}

/** Makes a keyring with one key when none exists (the local stack, the test harness); answers whether it made one. */
export function ensureKeyring(file: string): boolean {
  if (fs.existsSync(file)) return false;
  rotateKeyring(file);
  return true;
}

/** The keys of a keyring, without their material: for `ordo keys list`. */
export function listKeyring(file: string): { id: string; current: boolean; createdAt?: string }[] {
  const ring = readKeyringFile(file);
  return Object.keys(ring.keys)
    .map((id) => ({ id, current: id === ring.current, createdAt: ring.created[id] }))
    .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id.localeCompare(b.id));
}

function writeKeyringFile(file: string, ring: KeyringFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600); // an existing umask or file mode must not widen it
  fs.renameSync(temporary, file);
}

/**
 * `ordo stack up`: makes the configured keyring when encryption is on and neither it nor ORDO_ENCRYPTION_KEYS
 * exists, so the local stack encrypts from its first order (the default keyring sits under the ignored .ordo/).
 */
export function ensureConfiguredKeyring(
  config: { encryption: { enabled: boolean }; keyringFile: string },
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (!config.encryption.enabled || env[KEYS_ENV]) return;
  if (ensureKeyring(config.keyringFile)) log(`Encryption: created the keyring ${config.keyringFile} (one key; \`ordo keys list\`). Keep it out of the repository`);
}
