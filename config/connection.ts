import * as fs from 'node:fs';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { LoadedConfig } from './load';
import { EncryptionCodec } from './encryption-codec';
import { inMemoryKeys, keySourceFor, type KeySource } from './keyring';
import { LargePayloadCodec } from './payload-codec';
import type { TemporalSettings } from './schema';

/**
 * Where Ordo's converters live, for the workflow bundle (which loads them by path) and every data converter: the
 * SDK's default payload converter plus a reader for the Web UI's `json/protobuf` (workflows/payload-converter.ts),
 * and the failure converter that moves failure messages into (encrypted) payloads (workflows/failure-converter.ts).
 */
export const PAYLOAD_CONVERTER_PATH = require.resolve('../workflows/payload-converter');
export const FAILURE_CONVERTER_PATH = require.resolve('../workflows/failure-converter');
export const BUNDLE_CONVERTERS = { payloadConverterPath: PAYLOAD_CONVERTER_PATH, failureConverterPath: FAILURE_CONVERTER_PATH } as const;

/**
 * The converter paths only, WITHOUT codecs (kept for code that bundles workflows). A client or worker made with
 * it would write payloads in clear and could not read encrypted ones: use dataConverterFor(config).
 * @deprecated use BUNDLE_CONVERTERS for a bundle, dataConverterFor(config) for a client or worker.
 */
export const dataConverter: DataConverter = BUNDLE_CONVERTERS;

type EncryptionConfig = Pick<LoadedConfig, 'encryption' | 'keyringFile'>;

/**
 * The payload codecs of a configuration, in the order they encode: gzip for large payloads, then AES-256-GCM
 * with the keyring's current key (docs/security.md "Encrypted histories"). Compression comes first because
 * encrypted bytes do not compress. The keys: ORDO_ENCRYPTION_KEYS, else the keyring file, which must exist (a
 * clear error naming the file and the fix, at start). The codec server and every client and worker use these.
 */
export function payloadCodecsFor(config: EncryptionConfig, env: NodeJS.ProcessEnv = process.env): PayloadCodec[] {
  if (!config.encryption.enabled) return [new LargePayloadCodec()];
  return payloadCodecsWith(keySourceFor(config.keyringFile, env));
}

/** The codecs with the given keys: for a private server with keys in memory (`ordo simulate`, the workflow tests). */
export function payloadCodecsWith(keys: KeySource): PayloadCodec[] {
  return [new LargePayloadCodec(), new EncryptionCodec(keys)];
}

/** The data converter of a configuration: Ordo's payload and failure converters and payloadCodecsFor(config). */
export function dataConverterFor(config: EncryptionConfig, env: NodeJS.ProcessEnv = process.env): DataConverter {
  return { ...BUNDLE_CONVERTERS, payloadCodecs: payloadCodecsFor(config, env) };
}

/** A data converter with a random key of its own, for a server no other process reads (time-skipping servers). */
export function privateDataConverter(): DataConverter {
  return { ...BUNDLE_CONVERTERS, payloadCodecs: payloadCodecsWith(inMemoryKeys()) };
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
