import { gunzipSync, gzipSync } from 'node:zlib';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** Payloads at least this big are stored gzip-compressed; smaller ones stay plain JSON, readable in the Web UI. */
export const COMPRESS_FROM_BYTES = 128 * 1024;
const GZIP_ENCODING = 'binary/gzip';
/**
 * Level 3, not zlib's default 6: on a 10,000-item plan (6 MiB of JSON) it compresses in under half the time
 * (8 ms, not 18) for a payload 14 % larger (352 KiB, not 308). Any level decodes the same way.
 */
const GZIP_LEVEL = 3;

/**
 * Compresses large payloads. A plan of a few thousand items is megabytes of very repetitive JSON: Temporal
 * refuses a payload over 2 MB and warns when a history passes 10 MB, and a large order writes its plan into
 * the order's history and each part's plan into a split's input and result. Gzip shrinks that JSON about
 * tenfold. The whole payload (metadata and data) is compressed, so decoding restores it exactly; payloads
 * without the gzip encoding pass through, so histories written before this codec, and clients without it,
 * still work. The Web UI shows compressed payloads as binary.
 */
export class LargePayloadCodec implements PayloadCodec {
  constructor(private readonly fromBytes = COMPRESS_FROM_BYTES) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if ((payload.data?.length ?? 0) < this.fromBytes) return payload;
      const inner = temporal.api.common.v1.Payload.encode(payload).finish();
      return { metadata: { encoding: new TextEncoder().encode(GZIP_ENCODING) }, data: gzipSync(inner, { level: GZIP_LEVEL }) };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || new TextDecoder().decode(encoding) !== GZIP_ENCODING) return payload;
      try {
        return temporal.api.common.v1.Payload.decode(gunzipSync(payload.data ?? new Uint8Array()));
      } catch {
        // Not what this codec wrote (anyone can send a payload marked binary/gzip): left as it is, the payload
        // converter turns it into a value the message checks refuse, instead of failing every workflow task.
        return payload;
      }
    });
  }
}
