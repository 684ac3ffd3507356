import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, KEY_ID_METADATA } from '../../config/encryption-codec';
import { ensureConfiguredKeyring, FileKeySource, KEYS_ENV, listKeyring, parseKeysVariable, readKeyringFile, rotateKeyring } from '../../config/keyring';

const keyIdOf = (payload: { metadata?: Record<string, Uint8Array | null | undefined> | null }) => new TextDecoder().decode(payload.metadata![KEY_ID_METADATA]!);

describe('keyring', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-keyring-'));
    file = path.join(dir, 'secrets', 'keyring.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rotate creates the file (mode 0600) with one current key, then adds keys and keeps the old ones', () => {
    const first = rotateKeyring(file, new Date('2026-01-01T00:00:00Z'));
    assert.equal(first.created, true);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const second = rotateKeyring(file, new Date('2026-06-01T00:00:00Z'));
    assert.equal(second.created, false);
    const ring = readKeyringFile(file);
    assert.equal(ring.current, second.id);
    assert.deepEqual(Object.keys(ring.keys).sort(), [first.id, second.id].sort());
    for (const key of Object.values(ring.keys)) assert.equal(Buffer.from(key, 'base64').length, 32);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(listKeyring(file), [
      { id: first.id, current: false, createdAt: '2026-01-01T00:00:00.000Z' },
      { id: second.id, current: true, createdAt: '2026-06-01T00:00:00.000Z' },
    ]);
  });

  it('refuses a broken keyring, naming the field', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ current: 'b', keys: { a: 'c2hvcnQ=' } }));
    assert.throws(() => readKeyringFile(file), (error: Error) => {
      assert.match(error.message, /keys\.a.*32 random bytes in base64/);
      assert.match(error.message, /current.*names a key that is not in keys/);
      return true;
    });
  });

  it('reads ORDO_ENCRYPTION_KEYS: every key decrypts, the last is current; a bad entry is named', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    const keys = parseKeysVariable(` one:${a} , two:${b}`);
    assert.equal(keys.current, 'two');
    assert.deepEqual([...keys.keys.keys()], ['one', 'two']);
    assert.throws(() => parseKeysVariable(`one:${a},two:tooshort`), new RegExp(`${KEYS_ENV}\\[1\\] \\(two\\): key must be 32 random bytes`));
    assert.throws(() => parseKeysVariable(a), /key id .* must be 1 to 64 letters/);
  });

  it('a running codec picks up a rotation: new payloads use the new key, old and other workers\' payloads still decode', async () => {
    const first = rotateKeyring(file).id;
    const worker = new EncryptionCodec(new FileKeySource(file));
    const other = new EncryptionCodec(new FileKeySource(file));
    const [old] = await worker.encode([defaultPayloadConverter.toPayload('old')]);
    assert.equal(keyIdOf(old), first);

    const second = rotateKeyring(file).id; // \`ordo keys rotate\` on this machine, while both run
    const [fresh] = await other.encode([defaultPayloadConverter.toPayload('fresh')]);
    assert.equal(keyIdOf(fresh), second);
    // The worker re-reads the file on an unknown key id, once, and on its next encode.
    assert.deepEqual((await worker.decode([old, fresh])).map((p) => defaultPayloadConverter.fromPayload(p)), ['old', 'fresh']);
    const [next] = await worker.encode([defaultPayloadConverter.toPayload('next')]);
    assert.equal(keyIdOf(next), second);
  });

  it('ordo stack up makes the configured keyring when there is none, and only then', () => {
    const lines: string[] = [];
    const config = { encryption: { enabled: true }, keyringFile: file };
    ensureConfiguredKeyring({ ...config, encryption: { enabled: false } }, (line) => lines.push(line), {});
    ensureConfiguredKeyring(config, (line) => lines.push(line), { [KEYS_ENV]: `k:${randomBytes(32).toString('base64')}` });
    assert.equal(fs.existsSync(file), false, 'not when encryption is off or the environment holds the keys');
    ensureConfiguredKeyring(config, (line) => lines.push(line), {});
    const made = readKeyringFile(file);
    ensureConfiguredKeyring(config, (line) => lines.push(line), {});
    assert.deepEqual(readKeyringFile(file), made, 'an existing keyring is kept as it is');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /created the keyring/);
  });
});
