import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError, encodeErrorToFailure, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { dataConverterFor, payloadCodecsFor, payloadCodecsWith } from '../../config/connection';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA } from '../../config/encryption-codec';
import { fixedKeys, inMemoryKeys, KEYS_ENV, rotateKeyring } from '../../config/keyring';
import { COMPRESS_FROM_BYTES } from '../../config/payload-codec';

const payloadOf = (value: unknown) => defaultPayloadConverter.toPayload(value);
const valueOf = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);
const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());
const CUSTOMER = { accountName: 'Globex Corporation', email: 'hank.scorpio@globex.example', address: '1 Cypress Creek Rd' };

/** Encodes and decodes through codecs in the SDK's order: encode in order, decode in reverse. */
async function encodeAll(codecs: { encode(p: Payload[]): Promise<Payload[]> }[], payloads: Payload[]) {
  for (const codec of codecs) payloads = await codec.encode(payloads);
  return payloads;
}
async function decodeAll(codecs: { decode(p: Payload[]): Promise<Payload[]> }[], payloads: Payload[]) {
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  return payloads;
}

function keysOf(entries: Record<string, Buffer>, current: string) {
  return fixedKeys({ current, keys: new Map(Object.entries(entries)) }, 'test');
}

describe('encryption codec', () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);

  it('round-trips a payload, metadata and data, and leaves nothing of it in clear', async () => {
    const codec = new EncryptionCodec(keysOf({ a: keyA }, 'a'));
    const plain = payloadOf(CUSTOMER);
    const [encrypted] = await codec.encode([plain]);
    assert.equal(text(encrypted.metadata!.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(encrypted.metadata![KEY_ID_METADATA]), 'a');
    const stored = Buffer.from(encrypted.data!).toString('latin1');
    for (const clear of [...Object.values(CUSTOMER), 'json/plain']) assert.ok(!stored.includes(clear), `${clear} is in clear`);
    const [decoded] = await codec.decode([encrypted]);
    assert.equal(text(decoded.metadata!.encoding), text(plain.metadata!.encoding));
    assert.deepEqual(valueOf(decoded), CUSTOMER);
  });

  it('uses a fresh IV for every payload: the same value never encrypts the same twice', async () => {
    const codec = new EncryptionCodec(keysOf({ a: keyA }, 'a'));
    const [one, two] = await codec.encode([payloadOf(CUSTOMER), payloadOf(CUSTOMER)]);
    assert.notDeepEqual(Buffer.from(one.data!), Buffer.from(two.data!));
  });

  it('refuses a tampered payload (GCM authentication), naming the key', async () => {
    const codec = new EncryptionCodec(keysOf({ a: keyA }, 'a'));
    const [encrypted] = await codec.encode([payloadOf(CUSTOMER)]);
    const data = Buffer.from(encrypted.data!);
    data[20] ^= 0x01;
    await assert.rejects(codec.decode([{ ...encrypted, data }]), /encrypted with key a fails authentication: it was altered/);
    await assert.rejects(codec.decode([{ ...encrypted, data: data.subarray(0, 10) }]), /too short/);
  });

  it('refuses a payload relabelled with another key id (the id is authenticated)', async () => {
    const codec = new EncryptionCodec(keysOf({ a: keyA, b: keyA }, 'a'));
    const [encrypted] = await codec.encode([payloadOf(CUSTOMER)]);
    const relabelled = { ...encrypted, metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('b') } };
    await assert.rejects(codec.decode([relabelled]), /fails authentication/);
  });

  it('fails on an unknown key with the key id and the fix, never the data', async () => {
    const [encrypted] = await new EncryptionCodec(keysOf({ gone: keyA }, 'gone')).encode([payloadOf(CUSTOMER)]);
    await assert.rejects(new EncryptionCodec(keysOf({ b: keyB }, 'b')).decode([encrypted]), (error: Error) => {
      assert.match(error.message, /encrypted with key gone, which the keyring \(test\) does not hold: add key gone to the keyring/);
      assert.ok(!error.message.includes('Globex'));
      return true;
    });
  });

  it('after a rotation, reads payloads written with the old key and writes new ones with the new key', async () => {
    const before = new EncryptionCodec(keysOf({ a: keyA }, 'a'));
    const [old] = await before.encode([payloadOf('written before')]);
    const after = new EncryptionCodec(keysOf({ a: keyA, b: keyB }, 'b'));
    const [fresh] = await after.encode([payloadOf('written after')]);
    assert.equal(text(fresh.metadata![KEY_ID_METADATA]), 'b');
    const decoded = await after.decode([old, fresh]);
    assert.deepEqual(decoded.map(valueOf), ['written before', 'written after']);
  });

  it('passes plain payloads through: histories from before encryption, the Web UI\'s own signal inputs', async () => {
    const codec = new EncryptionCodec(keysOf({ a: keyA }, 'a'));
    const plain = payloadOf({ actor: 'ops' });
    const fromWebUi = { metadata: { encoding: new TextEncoder().encode('json/protobuf'), messageType: new Uint8Array() }, data: new TextEncoder().encode('{"actor":"ops"}') };
    assert.deepEqual(await codec.decode([plain, fromWebUi]), [plain, fromWebUi]);
  });

  it('composes after gzip: a large payload is compressed, then encrypted, and restored exactly', async () => {
    const codecs = payloadCodecsWith(inMemoryKeys());
    const steps = Array.from({ length: 5000 }, (_, i) => ({ id: `fleet.reserve[SENSOR:OI-${i}]`, shipTo: CUSTOMER.address }));
    const large = payloadOf({ steps });
    assert.ok(large.data!.length >= COMPRESS_FROM_BYTES);
    const [stored] = await encodeAll(codecs, [large]);
    assert.equal(text(stored.metadata!.encoding), ENCRYPTED_ENCODING);
    assert.ok(stored.data!.length * 10 < large.data!.length, 'compressed before encryption');
    const [decoded] = await decodeAll(codecs, [stored]);
    assert.deepEqual(valueOf(decoded), { steps });
  });
});

describe('payloadCodecsFor(config)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-codecs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is gzip alone when encryption is disabled', () => {
    const codecs = payloadCodecsFor({ encryption: { enabled: false, keyring: 'x' }, keyringFile: path.join(dir, 'none.json') }, {});
    assert.equal(codecs.length, 1);
  });

  it('refuses to start without a keyring, naming the file and the fixes', () => {
    const keyringFile = path.join(dir, 'keyring.json');
    assert.throws(() => payloadCodecsFor({ encryption: { enabled: true, keyring: keyringFile }, keyringFile }, {}), (error: Error) => {
      assert.match(error.message, new RegExp(`encryption keyring ${keyringFile}`));
      assert.match(error.message, /ordo keys rotate/);
      assert.match(error.message, new RegExp(KEYS_ENV));
      assert.match(error.message, /encryption.enabled: false/);
      return true;
    });
  });

  it('encrypts with the file\'s current key, and the environment\'s keys win over the file', async () => {
    const keyringFile = path.join(dir, 'keyring.json');
    const { id } = rotateKeyring(keyringFile);
    const config = { encryption: { enabled: true, keyring: keyringFile }, keyringFile };
    const [fromFile] = await encodeAll(payloadCodecsFor(config, {}), [payloadOf(1)]);
    assert.equal(text(fromFile.metadata![KEY_ID_METADATA]), id);
    const env = { [KEYS_ENV]: `old:${randomBytes(32).toString('base64')},new:${randomBytes(32).toString('base64')}` };
    const [fromEnv] = await encodeAll(payloadCodecsFor(config, env), [payloadOf(1)]);
    assert.equal(text(fromEnv.metadata![KEY_ID_METADATA]), 'new');
  });
});

describe('failures under dataConverterFor(config)', () => {
  it('are encoded: the message and stack trace travel encrypted, and the converter reads them back', async () => {
    const env = { [KEYS_ENV]: `f:${randomBytes(32).toString('base64')}` };
    const converter = loadDataConverter(dataConverterFor({ encryption: { enabled: true, keyring: 'unused' }, keyringFile: 'unused' }, env));
    const message = `the carrier refused ${CUSTOMER.address}`;
    const failure = await encodeErrorToFailure(converter, ApplicationFailure.nonRetryable(message, 'AddressRefused'));
    assert.equal(failure.message, 'Encoded failure');
    const stored = Buffer.from(temporal.api.failure.v1.Failure.encode(failure).finish()).toString('latin1');
    assert.ok(!stored.includes(CUSTOMER.address), 'the address is not in clear');
    assert.ok(stored.includes(ENCRYPTED_ENCODING));
    const decoded = await decodeOptionalFailureToOptionalError(converter, failure);
    assert.equal(decoded?.message, message);
  });
});
