import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { COMPRESS_FROM_BYTES, LargePayloadCodec } from '../../config/payload-codec';

describe('large payload codec', () => {
  const codec = new LargePayloadCodec();
  const payloadOf = (value: unknown) => defaultPayloadConverter.toPayload(value);

  it('leaves payloads under the threshold as they are: plain JSON, readable in the Web UI', async () => {
    const small = payloadOf({ orderId: 'ORD-1', items: ['a', 'b'] });
    assert.deepEqual(await codec.encode([small]), [small]);
  });

  it('gzips a large payload to a fraction of its size and restores it exactly', async () => {
    const steps = Array.from({ length: 5000 }, (_, i) => ({ id: `fleet.reserve[SENSOR:OI-${i}]`, definition: 'fleet.reserve', type: 'callout', dependsOn: [] }));
    const large = payloadOf({ steps });
    assert.ok(large.data!.length >= COMPRESS_FROM_BYTES);
    const [encoded] = await codec.encode([large]);
    assert.equal(new TextDecoder().decode(encoded.metadata!.encoding!), 'binary/gzip');
    assert.ok(encoded.data!.length * 10 < large.data!.length, `${encoded.data!.length} vs ${large.data!.length} bytes`);
    const [decoded] = await codec.decode([encoded]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded), { steps });
  });

  it('passes through payloads it did not compress (older histories, other clients)', async () => {
    const plain = payloadOf('hello');
    assert.deepEqual(await codec.decode([plain]), [plain]);
  });
});
