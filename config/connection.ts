import * as fs from 'node:fs';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { LoadedConfig } from './load';
import { LargePayloadCodec } from './payload-codec';
import type { TemporalSettings } from './schema';

/**
 * The data converter of every Ordo client, worker, workflow bundle and replay: the SDK's default payload
 * converter plus a reader for the Web UI's `json/protobuf` (workflows/payload-converter.ts), and gzip for
 * large payloads (config/payload-codec.ts).
 */
export const PAYLOAD_CONVERTER_PATH = require.resolve('../workflows/payload-converter');
export const dataConverter: DataConverter = { payloadConverterPath: PAYLOAD_CONVERTER_PATH, payloadCodecs: [new LargePayloadCodec()] };

/**
 * The payload codecs of a configuration, in the order they encode: gzip for large payloads, then AES-256-GCM
 * with the keyring's current key (docs/security.md). The codec server and every client and worker use these.
 * SKELETON: encryption is added by the encrypted-histories work.
 */
export function payloadCodecsFor(_config: Pick<LoadedConfig, 'encryption' | 'keyringFile'>): PayloadCodec[] {
  return [new LargePayloadCodec()];
}

/** The data converter of a configuration: Ordo's payload converter and payloadCodecsFor(config). */
export function dataConverterFor(config: Pick<LoadedConfig, 'encryption' | 'keyringFile'>): DataConverter {
  return { payloadConverterPath: PAYLOAD_CONVERTER_PATH, payloadCodecs: payloadCodecsFor(config) };
}

/** Connection options for both the client and the worker (same shape in @temporalio/client and /worker). */
export function connectionOptions(temporal: TemporalSettings) {
  return {
    address: temporal.address,
    tls: tlsOptions(temporal.tls),
    apiKey: temporal.apiKey,
    // An API key (Temporal Cloud) implies TLS.
    ...(temporal.apiKey && temporal.tls === false ? { tls: true } : {}),
  };
}

function tlsOptions(tls: TemporalSettings['tls']) {
  if (typeof tls === 'boolean') return tls;
  const read = (file?: string) => (file ? fs.readFileSync(file) : undefined);
  const clientCert = read(tls.clientCertPath);
  const clientKey = read(tls.clientKeyPath);
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: read(tls.serverRootCACertPath),
    clientCertPair: clientCert && clientKey ? { crt: clientCert, key: clientKey } : undefined,
  };
}
