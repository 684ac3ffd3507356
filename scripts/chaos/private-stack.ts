import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { DEFAULT_CONFIG_PATH, loadConfig, type LoadedConfig } from '../../config/load';

/**
 * The chaos run's own stack settings: a copy of the checkout's temporal-config.yaml with free ports, its own task
 * queue and every folder (Temporal's database, simulator stores, logs, keyring, operator keys) under a scratch
 * folder, so its kills touch nothing but what it started.
 */

/**
 * The environment overrides loadConfig applies (config/load.ts applyEnvironment), blanked: a TEMPORAL_ADDRESS set
 * for the shared test server must not point the chaos worker at a server the run does not own (and then kill).
 */
export function isolatedEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const names = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS', 'TEMPORAL_TLS_SERVER_NAME',
    'TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'ORDO_TASK_QUEUE',
    'ORDO_CATALOG', 'ORDO_DEPLOYMENT_NAME', 'ORDO_BUILD_ID', 'ORDO_CONFIG', ...Object.keys(env).filter((name) => /^ORDO_SYSTEM_.+_URL$/.test(name))];
  return Object.fromEntries(names.map((name) => [name, '']));
}

export interface PrivateStackOptions {
  /** The scratch folder everything goes under. */
  dir: string;
  /** `signed` once operator identities merge; `trusted` keeps a run that resolves nothing by hand simple. */
  operatorAuthentication?: 'signed' | 'trusted';
  /** The worker's sticky cache (worker.maxCachedWorkflows); smaller evicts runs more often, local activities in flight included. */
  maxCachedWorkflows?: number;
}

/** Writes `<dir>/temporal-config.yaml` and loads it as the chaos run's configuration. */
export async function writePrivateConfig(options: PrivateStackOptions): Promise<LoadedConfig> {
  // The checkout's own file as written (queues, billing, catalog…), with only what must be private changed.
  const document = parseYaml(fs.readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, unknown> & { systems: Record<string, { url: string }>; catalog: string[] };
  const [temporalPort, temporalUiPort, simulatorsPort, codecServerPort] = await freePorts(4);
  const sims = `http://127.0.0.1:${simulatorsPort}`;
  document.temporal = { address: `127.0.0.1:${temporalPort}`, namespace: 'default', taskQueue: 'ordo-chaos', tls: false };
  document.catalog = document.catalog.map((file) => path.resolve(path.dirname(DEFAULT_CONFIG_PATH), file));
  for (const [name, endpoint] of Object.entries(document.systems)) endpoint.url = `${sims}/${name}`;
  // No channel intake: its poller and webhook port are not what this run is about, and two runs must not share a port.
  document.channels = { intake: { enabled: false } };
  if (options.maxCachedWorkflows !== undefined) document.worker = { ...(document.worker as object), maxCachedWorkflows: options.maxCachedWorkflows };
  document.stack = { temporalPort, temporalUiPort, simulatorsPort, codecServerPort, dataDir: 'data' };
  // Keys under the scratch folder, never the checkout's .ordo/: the stack makes the keyring and operator key pairs there.
  document.encryption = { keyring: 'data/keyring.json' };
  document.operators = { authentication: options.operatorAuthentication ?? 'trusted', keys: 'data/operators' };
  const file = path.join(options.dir, 'temporal-config.yaml');
  fs.mkdirSync(options.dir, { recursive: true });
  fs.writeFileSync(file, `# Written by npm run chaos for one run; deleted with its folder.\n${toYaml(document)}`);
  return loadConfig({ file, env: {} });
}

function freePorts(count: number): Promise<number[]> {
  // All held open at once, so the same port is not handed out twice.
  const servers = Array.from({ length: count }, () => net.createServer());
  return Promise.all(servers.map((server) => new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  }))).finally(() => servers.forEach((server) => server.close()));
}
