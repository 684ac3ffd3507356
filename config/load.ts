import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidInput, problemsFromZod } from '../domain/problems';
import { OrdoConfig, type WorkerDeployment } from './schema';

export type { OrdoConfig } from './schema';

/** Where the checkout's temporal-config.yaml is. */
export const DEFAULT_CONFIG_PATH = path.resolve(__dirname, '..', 'temporal-config.yaml');

export interface LoadedConfig extends OrdoConfig {
  /** The file it came from; relative paths inside it are resolved against its folder. */
  file: string;
  /** Absolute catalog file paths. */
  catalogFiles: string[];
  /** Absolute data folder of the local stack. */
  dataDir: string;
  /** Absolute path of the encryption keyring file (encryption.keyring). */
  keyringFile: string;
  /** Absolute folder of operator keys (operators.keys). */
  operatorKeysDir: string;
  /** Absolute paths of the console's local accounts and session key (console.accounts, console.sessionKey). */
  consoleAccountsFile: string;
  consoleSessionKeyFile: string;
}

/**
 * Loads temporal-config.yaml (or `ORDO_CONFIG`, or the given path), validates it, and applies environment
 * overrides. A bad key fails here, at start, naming the file and the key's path.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const file = path.resolve(options.file ?? env.ORDO_CONFIG ?? DEFAULT_CONFIG_PATH);
  const raw = readYamlFile(file);
  const parsed = OrdoConfig.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new InvalidInput(`configuration ${file}`, problemsFromZod(parsed.error, { schema: OrdoConfig }));
  const config = applyEnvironment(parsed.data, env);
  const dir = path.dirname(file);
  return {
    ...config,
    file,
    catalogFiles: config.catalog.map((c) => path.resolve(dir, c)),
    dataDir: path.resolve(dir, config.stack.dataDir),
    keyringFile: path.resolve(dir, config.encryption.keyring),
    operatorKeysDir: path.resolve(dir, config.operators.keys),
    consoleAccountsFile: path.resolve(dir, config.console.accounts),
    consoleSessionKeyFile: path.resolve(dir, config.console.sessionKey),
  };
}

function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new InvalidInput(`configuration ${file}`, [
      { path: '', message: 'cannot be read', fix: 'pass --config FILE or set ORDO_CONFIG to an existing temporal-config.yaml' },
    ]);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new InvalidInput(`configuration ${file}`, [{ path: '', message: `is not valid YAML: ${(error as Error).message}` }]);
  }
}

/**
 * Environment variables win over the file. Temporal's own names (as the SDK's environment configuration uses them)
 * for the connection; ORDO_* for Ordo's settings.
 */
export function applyEnvironment(config: OrdoConfig, env: NodeJS.ProcessEnv): OrdoConfig {
  const temporal = { ...config.temporal };
  if (env.TEMPORAL_ADDRESS) temporal.address = env.TEMPORAL_ADDRESS;
  if (env.TEMPORAL_NAMESPACE) temporal.namespace = env.TEMPORAL_NAMESPACE;
  if (env.TEMPORAL_API_KEY) temporal.apiKey = env.TEMPORAL_API_KEY;
  if (env.ORDO_TASK_QUEUE) temporal.taskQueue = env.ORDO_TASK_QUEUE;
  const tlsFromEnv = {
    serverName: env.TEMPORAL_TLS_SERVER_NAME,
    serverRootCACertPath: env.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
    clientCertPath: env.TEMPORAL_TLS_CLIENT_CERT_PATH,
    clientKeyPath: env.TEMPORAL_TLS_CLIENT_KEY_PATH,
  };
  if (Object.values(tlsFromEnv).some(Boolean)) temporal.tls = stripUndefined(tlsFromEnv);
  else if (env.TEMPORAL_TLS) temporal.tls = env.TEMPORAL_TLS === 'true' || env.TEMPORAL_TLS === '1';

  const systems = { ...config.systems };
  for (const [name, endpoint] of Object.entries(systems)) {
    const url = env[`ORDO_SYSTEM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`];
    if (url) systems[name] = { ...endpoint, url };
  }
  const catalog = env.ORDO_CATALOG ? env.ORDO_CATALOG.split(',').filter(Boolean) : config.catalog;
  return { ...config, temporal, systems, catalog, worker: { ...config.worker, deployment: deploymentFromEnvironment(config.worker.deployment, env) } };
}

/** ORDO_DEPLOYMENT_NAME and ORDO_BUILD_ID name the worker's deployment version; a build id alone keeps the file's name. */
function deploymentFromEnvironment(fromFile: WorkerDeployment | undefined, env: NodeJS.ProcessEnv): WorkerDeployment | undefined {
  const name = env.ORDO_DEPLOYMENT_NAME || fromFile?.name;
  const buildId = env.ORDO_BUILD_ID || fromFile?.buildId;
  if (!name && !buildId) return undefined;
  if (!name || !buildId) {
    const missing = name ? 'ORDO_BUILD_ID (or worker.deployment.buildId)' : 'ORDO_DEPLOYMENT_NAME (or worker.deployment.name)';
    throw new InvalidInput('worker deployment', [{ path: 'worker.deployment', message: 'needs both a deployment name and a build id', fix: `set ${missing} too, or neither` }]);
  }
  return { name, buildId };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
