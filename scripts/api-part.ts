import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadedConfig } from '../config/load';

/**
 * The TMF622 order API as a part of the local stack (scripts/stack.ts, docs/api.md "On the local stack"): its
 * address, whether it answers, and a development key for each `keyEnv` key whose variable is not set.
 */

export const API_BASE_PATH = '/tmf-api/productOrderingManagement/v4';
export const apiUrl = (config: LoadedConfig) => `http://localhost:${config.stack.apiPort}${API_BASE_PATH}`;

/** It answers as the API does: its OpenAPI document, without a key. */
export async function apiAnswering(url: string): Promise<boolean> {
  try {
    const answer = await fetch(`${url}/openapi.json`, { signal: AbortSignal.timeout(2000) });
    return answer.ok && 'openapi' in ((await answer.json()) as object);
  } catch {
    return false;
  }
}

export const apiKeyFile = (config: LoadedConfig) => path.join(config.dataDir, 'api-key.txt');

/**
 * The environment the stack's API runs with: every `keyEnv` variable not set here gets the stack's development key,
 * made once and kept in `<dataDir>/api-key.txt` (0600) for whoever runs the stack. Answers it and the line to print.
 */
export function stackApiKeys(config: LoadedConfig): { env: Record<string, string>; line: string } {
  const unset = config.api.keys.flatMap((key) => ('keyEnv' in key && !process.env[key.keyEnv] ? [key.keyEnv] : []));
  if (!unset.length) return { env: {}, line: `API: ${apiUrl(config)} (keys from api.keys)` };
  const file = apiKeyFile(config);
  let key = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').pop()!.trim() : '';
  if (!key) {
    key = `ordo_${randomBytes(24).toString('base64url')}`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  }
  return {
    env: Object.fromEntries(unset.map((name) => [name, key])),
    line: `API: ${apiUrl(config)} (send X-API-Key: the key in ${path.relative(process.cwd(), file) || file}; OpenAPI at ${apiUrl(config)}/openapi.json)`,
  };
}
