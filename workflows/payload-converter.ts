import {
  CompositePayloadConverter,
  DefaultPayloadConverter,
  JsonPayloadConverter,
  encodingTypes,
  type Payload,
  type PayloadConverterWithEncoding,
} from '@temporalio/common';

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

export const payloadConverter = new CompositePayloadConverter(...new DefaultPayloadConverter().converters, new JsonProtobufReader());
