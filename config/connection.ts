import * as fs from 'node:fs';
import type { DataConverter } from '@temporalio/common';
import { LargePayloadCodec } from './payload-codec';
import type { TemporalSettings } from './schema';

/**
 * The data converter of every Ordo client, worker, workflow bundle and replay: the SDK's default payload
 * converter plus a reader for the Web UI's `json/protobuf` (workflows/payload-converter.ts), and gzip for
 * large payloads (config/payload-codec.ts).
 */
export const PAYLOAD_CONVERTER_PATH = require.resolve('../workflows/payload-converter');
export const dataConverter: DataConverter = { payloadConverterPath: PAYLOAD_CONVERTER_PATH, payloadCodecs: [new LargePayloadCodec()] };

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
