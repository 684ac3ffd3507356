import {
  BinaryPayloadConverter,
  CompositePayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
  encodingKeys,
  encodingTypes,
  METADATA_ENCODING_KEY,
  type Payload,
  type PayloadConverterWithEncoding,
} from '@temporalio/common';

/**
 * The SDK's JSON converter, with the runtime's own UTF-8 encoder and decoder in place of the SDK's JavaScript
 * ones, which are 2–10× slower on a large plan (a 10,000-item order's plan is 6 MiB of JSON: its decoding alone took
 * 40 ms, 4 ms natively). Both runtimes where it runs have them: Node, and the workflow sandbox, which gets Node's.
 * The bytes are the same both ways: JSON.stringify never yields a lone surrogate, so encoding cannot differ; the
 * decoder keeps a byte-order mark (ignoreBOM) as the SDK's does, and bytes that are not UTF-8 (`fatal`) go to the
 * SDK's decoder, so a recorded payload reads exactly as before and histories replay unchanged.
 */
class NativeTextJsonPayloadConverter extends JsonPayloadConverter {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  override toPayload(value: unknown): Payload | undefined {
    const json = value === undefined ? undefined : safeStringify(value);
    if (json === undefined) return super.toPayload(value);
    return { metadata: { [METADATA_ENCODING_KEY]: encodingKeys.METADATA_ENCODING_JSON }, data: this.encoder.encode(json) };
  }

  override fromPayload<T>(payload: Payload): T {
    if (!payload.data) return super.fromPayload<T>(payload);
    let text: string;
    try {
      text = this.decoder.decode(payload.data);
    } catch {
      return super.fromPayload<T>(payload);
    }
    return JSON.parse(text) as T;
  }
}

/** JSON.stringify, or undefined where the SDK's converter declines the value (a cycle, a BigInt, a function). */
function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * Ordo's payload converter: the SDK's default converters (undefined, binary, JSON), plus a reader for
 * `json/protobuf`. The Temporal Web UI's signal and update dialogs offer that encoding; it sends the typed
 * JSON with metadata encoding `json/protobuf` and a `messageType` (empty, or whatever was typed in). The
 * default converter cannot read it, so every workflow task would fail with `Unknown encoding: json/protobuf`.
 * Ordo has no protobuf types, so the message type is ignored and the data is read as JSON text.
 *
 * Loaded by path (config/connection.ts `dataConverter`) in every client, worker, workflow bundle and replay;
 * it runs inside the workflow sandbox too, so it imports nothing but @temporalio/common.
 */
class JsonProtobufReader implements PayloadConverterWithEncoding {
  readonly encodingType = encodingTypes.METADATA_ENCODING_PROTOBUF_JSON;
  private readonly json = new JsonPayloadConverter();

  /** Ordo never writes `json/protobuf`: its own values go out as `json/plain`. */
  toPayload(): undefined {
    return undefined;
  }

  fromPayload<T>(payload: Payload): T {
    return this.json.fromPayload<T>(payload);
  }
}

/**
 * What a payload that cannot be decoded becomes: a value every message handler's check refuses (see
 * workflows/message-checks.ts), instead of an exception. A signal's arguments are decoded before any handler
 * runs, so a throw there fails every workflow task of the workflow from then on: one signal with text that is
 * not JSON, or an encoding such as `text/plain`, would leave the order stuck. Payloads that decode are
 * read exactly as before, so recorded histories replay unchanged.
 */
export interface UndecodablePayload {
  undecodablePayload: { encoding: string; reason: string };
}

/** Why a value is an undecodable payload, or undefined when it is a decoded value. */
export function undecodableReason(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('undecodablePayload' in value)) return undefined;
  const { encoding, reason } = (value as UndecodablePayload).undecodablePayload;
  return `its payload cannot be decoded (encoding ${JSON.stringify(encoding)}: ${reason}); send JSON with encoding json/plain`;
}

class DefensivePayloadConverter extends CompositePayloadConverter {
  override fromPayload<T>(payload: Payload): T {
    try {
      return super.fromPayload<T>(payload);
    } catch (error) {
      const raw = payload?.metadata?.encoding;
      const encoding = raw ? new TextDecoder().decode(raw) : '(none)';
      const undecodable: UndecodablePayload = { undecodablePayload: { encoding, reason: (error as Error)?.message ?? String(error) } };
      return undecodable as T;
    }
  }
}

// The SDK's default converters in their order (undefined, binary, JSON), the JSON one with native text coding.
export const payloadConverter = new DefensivePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new NativeTextJsonPayloadConverter(),
  new JsonProtobufReader(),
);
