import * as fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadCatalogFiles } from '../../config/catalog-files';
import { loadConfig, type LoadedConfig } from '../../config/load';
import type { Catalog } from '../../domain/catalog';
import { OrdoError } from '../errors';
import type { OrdoClient } from '../ordo-client';
import type { ChannelSystem, SystemApi } from '../system-api';
import { UsageError } from './usage';

/** What every verb shares: option parsing, output, configuration and the client. */

export const COMMON = { json: { type: 'boolean' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export type Output = { json: boolean };
export const print = (out: Output, human: string, machine: unknown) => console.log(out.json ? JSON.stringify(machine, null, 2) : human);

export function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function config(file: string | undefined): LoadedConfig {
  return loadConfig({ file });
}

export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new OrdoError('invalid', `${what} ${file} cannot be read: check the path`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OrdoError('invalid', `${what} ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The worker's catalog, when readable here: it lets submit and checkout refuse what cannot be fulfilled early. */
export function configuredCatalog(cfg: LoadedConfig): Catalog | undefined {
  try {
    return loadCatalogFiles(cfg.catalogFiles);
  } catch {
    return undefined; // the worker's catalog decides; the client only checks early when it can
  }
}

/** The client for verbs that talk to Temporal. */
async function connect(cfg: LoadedConfig): Promise<OrdoClient> {
  // Loaded here, not at the top: decompose, lint and --help need no Temporal client.
  const { OrdoClient } = require('../ordo-client') as typeof import('../ordo-client');
  return OrdoClient.connect(cfg, configuredCatalog(cfg));
}

export async function withClient<T>(cfg: LoadedConfig, use: (client: OrdoClient) => Promise<T>): Promise<T> {
  const client = await connect(cfg);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** A system of temporal-config.yaml. Loaded on use: the calls share the activities' HTTP path, which brings Temporal's common library. */
export function systemApi(cfg: LoadedConfig, system: ChannelSystem): SystemApi {
  const { SystemApi } = require('../system-api') as typeof import('../system-api');
  return new SystemApi(cfg, system);
}
