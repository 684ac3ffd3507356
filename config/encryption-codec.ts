import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { KeySource } from './keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload this codec cannot decrypt: names the key and what to do, never the key or the data. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);
const bytes = (value: string) => new TextEncoder().encode(value);

/**
 * Encrypts every payload with AES-256-GCM under the keyring's current key (docs/security.md "Encrypted histories").
 * The whole serialized payload (metadata and data) is encrypted, as the gzip codec compresses it, so not even
 * the encoding of a value shows. Stored data: 12-byte random IV, ciphertext, 16-byte auth tag; the metadata says
 * `binary/encrypted` and which key. The key id is also the GCM additional data, so a payload relabelled with
 * another key id fails authentication instead of decrypting as something else.
 * Decoding: payloads without the encrypted encoding (histories written before encryption, the Web UI's own
 * signal inputs) pass through unchanged; a tampered payload or one under an unknown key fails with a message.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: KeySource) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys.current();
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(bytes(id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: bytes(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: bytes(id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const id = text(payload.metadata?.[KEY_ID_METADATA]);
      if (!id) throw new PayloadDecryptionError(`an encrypted payload names no key (metadata ${KEY_ID_METADATA} is missing): it was not written by Ordo`);
      const key = this.keys.byId(id);
      if (!key) {
        throw new PayloadDecryptionError(
          `a payload is encrypted with key ${id}, which the keyring (${this.keys.origin}) does not hold: add key ${id} to the keyring ` +
            '(copy it from the keyring of the workers that wrote it, or from your secret store), then retry',
        );
      }
      return temporal.api.common.v1.Payload.decode(decrypt(payload.data ?? new Uint8Array(), key, id));
    });
  }
}

function decrypt(data: Uint8Array, key: Buffer, id: string): Uint8Array {
  if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`a payload encrypted with key ${id} is too short to be one Ordo wrote: it was cut or altered`);
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
  decipher.setAAD(bytes(id));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new PayloadDecryptionError(`a payload encrypted with key ${id} fails authentication: it was altered, or key ${id} in this keyring is not the key that wrote it`);
  }
}
