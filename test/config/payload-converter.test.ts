import assert from 'node:assert/strict';
import { DefaultPayloadConverter, type Payload } from '@temporalio/common';
import { payloadConverter, undecodableReason } from '../../workflows/payload-converter';

/**
 * Ordo's payload converter codes JSON text with the runtime's UTF-8 coder, not the SDK's (workflows/payload-converter.ts).
 * Recorded histories replay only if every payload reads and writes exactly as the SDK's converter did: these values
 * are the awkward ones (every width of UTF-8, a byte-order mark, lone surrogates, bytes that are not UTF-8).
 */
const sdk = new DefaultPayloadConverter();
const values: unknown[] = [
  { orderId: 'ORD-1', items: [{ id: 'A', quantity: 2, unitPrice: '1499.00' }] },
  'plain ascii',
  'Zürich, København, 東京, Ελλάδα, 🚚📦 and a combining é',
  '\uFEFFstarts with a byte-order mark',
  'lone surrogates: \uD800 and \uDFFF and a pair 😀',
  ['nested', { deeper: [1, 2.5, -0, null, true] }],
  0,
  false,
  null,
  '',
];

describe('the payload converter (workflows/payload-converter.ts)', () => {
  it('writes the very bytes the SDK’s converter writes, for every kind of text', () => {
    for (const value of values) {
      const ours = payloadConverter.toPayload(value);
      const theirs = sdk.toPayload(value);
      assert.deepEqual(bytesOf(ours), bytesOf(theirs), JSON.stringify(value));
    }
  });

  it('reads what the SDK’s converter wrote as the same value', () => {
    for (const value of values) assert.deepEqual(payloadConverter.fromPayload(sdk.toPayload(value)), sdk.fromPayload(sdk.toPayload(value)));
  });

  it('reads bytes that are not UTF-8, and a leading byte-order mark, exactly as the SDK’s converter does', () => {
    const jsonPlain = sdk.toPayload('x').metadata!;
    const cases = [
      Uint8Array.from([0x22, 0xff, 0xfe, 0x41, 0x22]), // "\xFF\xFEA": invalid bytes inside a JSON string
      Uint8Array.from([0x22, 0xc3, 0x22]), // a truncated two-byte sequence
      Uint8Array.from([0x22, 0xed, 0xa0, 0x80, 0x22]), // an encoded surrogate, which UTF-8 forbids
      Uint8Array.from([0xef, 0xbb, 0xbf, 0x22, 0x61, 0x22]), // a byte-order mark before the JSON
    ];
    for (const data of cases) {
      const payload: Payload = { metadata: jsonPlain, data };
      const ours = payloadConverter.fromPayload(payload);
      const theirs = outcome(() => sdk.fromPayload(payload));
      // Where the SDK's converter throws, ours answers an undecodable payload (which the message checks refuse).
      if ('error' in theirs) assert.ok(undecodableReason(ours), `bytes ${[...data].join(' ')}: ${JSON.stringify(ours)}`);
      else assert.deepEqual(ours, theirs.value, `bytes ${[...data].join(' ')}`);
    }
  });

  it('leaves undefined and binary values to the SDK’s converters, as before', () => {
    assert.deepEqual(bytesOf(payloadConverter.toPayload(undefined)), bytesOf(sdk.toPayload(undefined)));
    const binary = Uint8Array.from([1, 2, 3]);
    assert.deepEqual(bytesOf(payloadConverter.toPayload(binary)), bytesOf(sdk.toPayload(binary)));
  });
});

function bytesOf(payload: Payload | undefined) {
  return payload && { metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, [...v]])), data: payload.data && [...payload.data] };
}

/** The value read, or the error thrown. */
function outcome(read: () => unknown) {
  try {
    return { value: read() };
  } catch (error) {
    return { error };
  }
}
