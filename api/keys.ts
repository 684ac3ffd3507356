import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../config/schema';
import { ApiRefusal } from './errors';

/**
 * API keys (docs/api.md "Keys"): the configuration names each key's environment variable or its SHA-256, never the
 * key; requests present it as `X-API-Key: <key>` (or `Authorization: Bearer <key>`). Only hashes are compared.
 */

export interface ActiveKey {
  name: string;
  hash: Buffer;
  /** The operators the key may name as an approval's actor (api.keys `actors`); none: only its own name. */
  actors?: string[];
}

export const sha256 = (key: string) => createHash('sha256').update(key, 'utf8').digest();
export const keyHashOf = (key: string) => `sha256:${sha256(key).toString('hex')}`;

/** The keys that can be used now: a `keyEnv` key whose variable is unset is inactive (and said so by `ordo api`). */
export function activeKeys(keys: ApiKey[], env: NodeJS.ProcessEnv = process.env): { active: ActiveKey[]; inactive: string[] } {
  const active: ActiveKey[] = [];
  const inactive: string[] = [];
  for (const key of keys) {
    const actors = key.actors ? { actors: key.actors } : {};
    if ('keyHash' in key) active.push({ name: key.name, hash: Buffer.from(key.keyHash.slice('sha256:'.length), 'hex'), ...actors });
    else if (env[key.keyEnv]) active.push({ name: key.name, hash: sha256(env[key.keyEnv]!), ...actors });
    else inactive.push(`${key.name} (${key.keyEnv} is not set)`);
  }
  return { active, inactive };
}

/** The name of the key the request presents, or 401 saying how to present one. */
export function authenticate(keys: ActiveKey[], header: { apiKey?: string; authorization?: string }): string {
  const presented = header.apiKey ?? (header.authorization?.startsWith('Bearer ') ? header.authorization.slice(7) : undefined);
  if (!presented) throw new ApiRefusal('unauthorized', 'no API key: send it in the X-API-Key header (keys are configured under api.keys in temporal-config.yaml)');
  const hash = sha256(presented);
  const match = keys.find((key) => timingSafeEqual(key.hash, hash));
  if (!match) throw new ApiRefusal('unauthorized', 'the API key is not one of api.keys: check the key, or ask whoever runs Ordo for one');
  return match.name;
}
