import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadCatalogFiles } from '../config/catalog-files';
import { ensureConfiguredKeyring } from '../config/keyring';
import type { LoadedConfig } from '../config/load';
import { createOperatorKeys, knownOperators } from '../config/operator-keys';
import { apiAnswering, apiUrl, stackApiKeys } from './api-part';
import { consoleAnswering, consoleUrl, ensureStackConsoleAccounts } from './console-part';
import { ensureSearchAttributes, SEARCH_ATTRIBUTE_FLAGS } from './search-attributes';
import { stopPostgres } from './postgres';
import { ensureTemporalCli } from './temporal-cli';
import { startPostgresTemporal, type RunningPostgresTemporal } from './temporal-server';

/**
 * The local stack: a Temporal dev server with its Web UI (file-backed under the data folder), the
 * simulators and one worker. `up` starts what is not already running and waits until all are healthy.
 * With `--persistence postgres` the Temporal part is the real server on PostgreSQL instead
 * (scripts/temporal-server.ts, docs/production-temporal.md); everything else is the same.
 */

/** What the stack's Temporal keeps its state in: sqlite is the dev server (the default), postgres the real server. */
export const PERSISTENCE_KINDS = ['sqlite', 'postgres'] as const;
export type Persistence = (typeof PERSISTENCE_KINDS)[number];

const REPO_ROOT = path.resolve(__dirname, '..');
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

type Part = 'temporal' | 'simulators' | 'worker' | 'codec-server' | 'console' | 'api';
interface StackRecord {
  pids: Partial<Record<Part, number>>;
  startedAt: string;
  /** Absent for the dev server (records written before PostgreSQL was an option). */
  persistence?: Persistence;
}

export interface StackStatus {
  temporal: { address: string; reachable: boolean; webUi?: string; startedByOrdo: boolean; persistence?: Persistence };
  simulators: { url: string; healthy: boolean };
  worker: { running: boolean; pid?: number };
  console: { url: string; answering: boolean };
  api: { url: string; answering: boolean };
}

const recordFile = (config: LoadedConfig) => path.join(config.dataDir, 'stack.json');

/**
 * Written by a worker the stack started, once it runs (workers/main.ts, ORDO_WORKER_HEALTH_FILE): its own pid
 * (the node process, not tsx in front of it) and its identity, so the stack counts the worker up only while
 * that process lives and Temporal lists that identity among the task queue's pollers.
 */
export interface WorkerHealth {
  pid: number;
  identity: string;
  runningSince: string;
}
export const workerHealthFile = (config: LoadedConfig) => path.join(config.dataDir, 'worker.json');

/** The old-generation heap cap of a worker the stack starts, in MiB, unless NODE_OPTIONS already sets one. */
export const WORKER_HEAP_CAP_MIB = 512;

/**
 * NODE_OPTIONS for a worker: the caller's, with a heap cap added when they set none. V8 flags reach the SDK's
 * workflow threads too; without a cap they keep evicted runs' garbage until a limit derived from the machine's
 * memory (10,000 parked orders: 551 MiB with the cap; a 2,000-item order completes under it: docs/benchmarks-more.md).
 */
export function withWorkerHeapCap(nodeOptions: string | undefined): string {
  const given = nodeOptions?.trim() ?? '';
  if (/--max-old-space-size[=\s]/.test(given)) return given;
  return `${given} --max-old-space-size=${WORKER_HEAP_CAP_MIB}`.trim();
}
const readWorkerHealth = (config: LoadedConfig): WorkerHealth | undefined => {
  try {
    return JSON.parse(fs.readFileSync(workerHealthFile(config), 'utf8')) as WorkerHealth;
  } catch {
    return undefined;
  }
};
const readRecord = (config: LoadedConfig): StackRecord | undefined => {
  try {
    return JSON.parse(fs.readFileSync(recordFile(config), 'utf8')) as StackRecord;
  } catch {
    return undefined;
  }
};

export function simulatorsUrl(config: LoadedConfig): string {
  return `http://127.0.0.1:${config.stack.simulatorsPort}`;
}

export async function temporalReachable(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '2 seconds' });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/** The codec server's address as the Web UI calls it (localhost: the same site as the UI, so its sign-in cookie goes along). */
export const codecServerUrl = (config: LoadedConfig) => `http://localhost:${config.stack.codecServerPort}`;

/** It answers (a 401 without sign-in is an answer). */
async function codecServerAnswering(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/decode`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(2000) })).status === 401;
  } catch {
    return false;
  }
}

/** Nothing listens on the port here (so the codec server can take it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function catalogIfReadable(config: LoadedConfig) {
  try {
    return loadCatalogFiles(config.catalogFiles);
  } catch {
    return undefined; // the worker refuses a bad catalog with the reason; the queue members still get keys
  }
}

async function simulatorsHealthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Whether a process runs. `kill(pid, 0)` alone also answers yes for a killed process nobody has reaped yet (a
 * zombie: in a container whose first process does not reap, it stays one), so on Linux its state is read too.
 */
function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) is all there is
  }
}

/** The worker answers: its process lives and Temporal lists it polling the task queue. */
async function workerAnswering(config: LoadedConfig, health = readWorkerHealth(config)): Promise<boolean> {
  if (!health || !alive(health.pid)) return false;
  return (await taskQueuePollers(config)).includes(health.identity);
}

export async function stackStatus(config: LoadedConfig): Promise<StackStatus> {
  const record = readRecord(config);
  const reachable = await temporalReachable(config.temporal.address);
  const startedByOrdo = alive(record?.pids.temporal);
  const persistence = startedByOrdo ? (record?.persistence ?? 'sqlite') : undefined;
  const health = readWorkerHealth(config);
  return {
    temporal: {
      address: config.temporal.address,
      reachable,
      // The real server has no Web UI of its own (the dev server embeds one).
      webUi: persistence === 'sqlite' ? `http://localhost:${config.stack.temporalUiPort}` : undefined,
      startedByOrdo,
      persistence,
    },
    simulators: { url: simulatorsUrl(config), healthy: await simulatorsHealthy(simulatorsUrl(config)) },
    worker: { running: await workerAnswering(config, health), pid: health?.pid ?? record?.pids.worker },
    console: { url: consoleUrl(config), answering: await consoleAnswering(consoleUrl(config)) },
    api: { url: apiUrl(config), answering: await apiAnswering(apiUrl(config)) },
  };
}

export interface StackUpOptions {
  detach: boolean;
  log: (line: string) => void;
  /** Set in every part's environment (over this process's): the chaos run blanks TEMPORAL_* overrides with it. */
  env?: NodeJS.ProcessEnv;
  /** Which Temporal to start when none answers: the dev server (sqlite, the default) or the real server on PostgreSQL. */
  persistence?: Persistence;
}

export interface RunningStack {
  status: StackStatus;
  /** Stops what this call started (attached mode). */
  stop(): Promise<void>;
  /** Resolves when any part this call started exits. */
  exited: Promise<{ part: Part; code: number | null }>;
}

export async function stackUp(config: LoadedConfig, options: StackUpOptions): Promise<RunningStack> {
  const logs = path.join(config.dataDir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  ensureConfiguredKeyring(config, options.log);
  const record: StackRecord = readRecord(config) ?? { pids: {}, startedAt: new Date().toISOString() };
  const started: Array<{ part: Part; child: ChildProcess }> = [];
  const launch = (part: Part, command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const out = fs.openSync(path.join(logs, `${part}.log`), 'a');
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env, ...env },
      // Each part leads its own process group, so stopping it stops everything it started (tsx runs node under it).
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    if (options.detach) child.unref();
    record.pids[part] = child.pid;
    started.push({ part, child });
    return child;
  };

  // Every queue member and runAs identity gets a key pair; orders decomposed from now on record the public keys.
  const created = createOperatorKeys(config.operatorKeysDir, knownOperators(config.queues, catalogIfReadable(config)));
  if (created.length) options.log(`Operators: created key pairs for ${created.join(', ')} in ${config.operatorKeysDir} (each <name>.key is that operator's own)`);

  let postgresTemporal: RunningPostgresTemporal | undefined;
  if (await temporalReachable(config.temporal.address)) {
    // Without --persistence, whichever server runs will do; with it, the stack's own must be that kind.
    const running = alive(record.pids.temporal) ? (record.persistence ?? 'sqlite') : undefined;
    if (running && options.persistence && running !== options.persistence) {
      throw new Error(`Temporal: the stack's ${running} server already runs at ${config.temporal.address}; stop the stack (ordo stack down) before starting it with --persistence ${options.persistence}`);
    }
    options.log(`Temporal: already running at ${config.temporal.address}${running === 'postgres' ? ' (on PostgreSQL)' : ''}`);
  } else if (options.persistence === 'postgres') {
    postgresTemporal = await startPostgresTemporal({
      root: config.dataDir,
      postgresPort: config.stack.postgresPort,
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      log: options.log,
      spawnServer: { spawn: (command, args) => launch('temporal', command, args), logFile: path.join(logs, 'temporal.log') },
    });
    record.persistence = 'postgres';
  } else {
    delete record.persistence;
    const cli = await ensureTemporalCli(options.log);
    const [host, port] = splitAddress(config.temporal.address);
    options.log(`Temporal: starting the dev server on ${config.temporal.address}, Web UI on http://localhost:${config.stack.temporalUiPort}`);
    launch('temporal', cli, [
      'server', 'start-dev',
      '--ip', host,
      '--port', String(port),
      '--ui-port', String(config.stack.temporalUiPort),
      // The Web UI decodes payloads through Ordo's codec server, for operators signed in to it (docs/security.md).
      '--ui-codec-endpoint', codecServerUrl(config),
      '--db-filename', path.join(config.dataDir, 'temporal.db'),
      '--namespace', config.temporal.namespace,
      '--log-level', 'error',
      ...Object.entries(SEARCH_ATTRIBUTE_FLAGS).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    ]);
    await waitFor('the Temporal server', () => temporalReachable(config.temporal.address), 60_000, logs);
  }

  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '5 seconds' });
  try {
    const added = await ensureSearchAttributes(connection, config.temporal.namespace);
    if (added.length) options.log(`Temporal: registered search attributes ${added.join(', ')}`);
  } finally {
    await connection.close();
  }

  const simUrl = simulatorsUrl(config);
  if (await simulatorsHealthy(simUrl)) options.log(`Simulators: already running at ${simUrl}`);
  else {
    options.log(`Simulators: starting on ${simUrl}`);
    launch('simulators', TSX, ['simulators/main.ts', '--port', String(config.stack.simulatorsPort), '--data-dir', path.join(config.dataDir, 'simulators')]);
    await waitFor('the simulators', () => simulatorsHealthy(simUrl), 30_000, logs);
  }

  const health = readWorkerHealth(config);
  if (await workerAnswering(config)) options.log(`Worker: already running (pid ${health!.pid})`);
  else if (health && alive(health.pid)) {
    options.log(`Worker: running (pid ${health.pid}) but not polling yet; waiting for it`);
    await waitFor('the worker', () => workerAnswering(config), 90_000, logs);
  } else {
    // A worker killed before it wrote its health file leaves tsx's process group behind; that one goes first.
    if (alive(record.pids.worker)) await stopProcess(record.pids.worker);
    fs.rmSync(workerHealthFile(config), { force: true });
    options.log('Worker: starting (bundling workflows takes a few seconds)');
    launch('worker', TSX, ['workers/main.ts'], { ORDO_CONFIG: config.file, ORDO_WORKER_HEALTH_FILE: workerHealthFile(config), NODE_OPTIONS: withWorkerHeapCap(options.env?.NODE_OPTIONS ?? process.env.NODE_OPTIONS) });
    await waitFor('the worker to poll', () => workerAnswering(config), 90_000, logs);
  }

  const codecUrl = codecServerUrl(config);
  if (await codecServerAnswering(codecUrl)) options.log(`Codec server: already running at ${codecUrl}`);
  else if (!(await portFree(config.stack.codecServerPort))) {
    // Optional for the stack: Ordo works without it, the Web UI just shows payloads undecoded.
    options.log(`Codec server: not started, port ${config.stack.codecServerPort} is taken by something else (set stack.codecServerPort)`);
  } else {
    options.log(`Codec server: starting on ${codecUrl} (sign in: \`ordo codec-server token --actor NAME --link\`)`);
    launch('codec-server', path.join(REPO_ROOT, 'bin', 'ordo'), ['codec-server', '--port', String(config.stack.codecServerPort)], { ORDO_CONFIG: config.file });
    await waitFor('the codec server', () => codecServerAnswering(codecUrl), 30_000, logs);
  }

  // The operations console (docs/console.md): development accounts first, so its sign-in works at once.
  const signInLine = ensureStackConsoleAccounts(config);
  const webConsole = consoleUrl(config);
  if (await consoleAnswering(webConsole)) options.log(`Console: already running at ${webConsole}`);
  else if (!(await portFree(config.stack.consolePort))) {
    options.log(`Console: not started, port ${config.stack.consolePort} is taken by something else (set stack.consolePort)`);
  } else {
    options.log(`Console: starting on ${webConsole}`);
    launch('console', path.join(REPO_ROOT, 'bin', 'ordo'), ['console', '--port', String(config.stack.consolePort)], { ORDO_CONFIG: config.file });
    await waitFor('the console', () => consoleAnswering(webConsole), 60_000, logs);
  }
  options.log(signInLine);

  // The TMF622 order API (docs/api.md): with a development key for each api.keys variable not set.
  const api = stackApiKeys(config);
  const apiAt = apiUrl(config);
  if (await apiAnswering(apiAt)) options.log(`API: already running at ${apiAt}`);
  else if (!config.api.keys.length) {
    // Without a key no request could be answered: the stack goes on without it and says how to add one.
    options.log('API: not started, api.keys is empty in the configuration (docs/api.md "Keys")');
  } else if (!(await portFree(config.stack.apiPort))) {
    options.log(`API: not started, port ${config.stack.apiPort} is taken by something else (set stack.apiPort)`);
  } else {
    options.log(`API: starting on ${apiAt}`);
    launch('api', path.join(REPO_ROOT, 'bin', 'ordo'), ['api', '--port', String(config.stack.apiPort)], { ORDO_CONFIG: config.file, ...api.env });
    await waitFor('the API', () => apiAnswering(apiAt), 60_000, logs);
  }
  if (config.api.keys.length) options.log(api.line);

  fs.writeFileSync(recordFile(config), JSON.stringify(record, null, 2));
  const exited = new Promise<{ part: Part; code: number | null }>((resolve) => {
    for (const { part, child } of started) child.once('exit', (code) => resolve({ part, code }));
  });
  return {
    status: await stackStatus(config),
    exited,
    stop: async () => {
      for (const { child } of [...started].reverse()) await stopProcess(child.pid);
      if (postgresTemporal?.postgres.startedHere) await postgresTemporal.postgres.stop();
      fs.rmSync(recordFile(config), { force: true });
    },
  };
}

export async function stackDown(config: LoadedConfig, log: (line: string) => void): Promise<void> {
  const record = readRecord(config);
  if (!record) {
    log('Nothing to stop: no stack started by `ordo stack up --detach` is recorded.');
    return;
  }
  const workerPid = readWorkerHealth(config)?.pid;
  for (const part of ['api', 'console', 'codec-server', 'worker', 'simulators', 'temporal'] as const) {
    const pid = record.pids[part];
    if (alive(pid)) {
      await stopProcess(pid);
      log(`${part}: stopped (pid ${pid})`);
    }
  }
  // The worker's own process, should it have outlived tsx in front of it.
  if (alive(workerPid)) await stopProcess(workerPid);
  // PostgreSQL runs on its own (pg_ctl starts it in the background): stopped by its data folder, not a pid.
  if (record.persistence === 'postgres' && (await stopPostgres(postgresCluster(config)))) log('postgres: stopped');
  fs.rmSync(recordFile(config), { force: true });
  fs.rmSync(workerHealthFile(config), { force: true });
}

/** SIGTERM to the process (and its group when it leads one), then SIGKILL if it has not gone within 10 s. */
async function stopProcess(pid: number | undefined): Promise<void> {
  if (!alive(pid)) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid!, sig);
    } catch {
      try {
        process.kill(pid!, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  for (let waited = 0; waited < 10_000 && alive(pid); waited += 100) await delay(100);
  if (alive(pid)) signal('SIGKILL');
}

/**
 * The identities polling the task queue for workflow tasks. Temporal keeps a poller listed for a while after it
 * stopped, so a listed identity alone does not mean a worker runs: workerAnswering checks its process too.
 */
async function taskQueuePollers(config: LoadedConfig): Promise<string[]> {
  try {
    const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '2 seconds' });
    try {
      const answer = await connection.workflowService.describeTaskQueue({
        namespace: config.temporal.namespace,
        taskQueue: { name: config.temporal.taskQueue },
        taskQueueType: 1, // workflow task queue
      });
      return (answer.pollers ?? []).flatMap((poller) => (poller.identity ? [poller.identity] : []));
    } finally {
      await connection.close();
    }
  } catch {
    return [];
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, logs: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await delay(500);
  }
  throw new Error(`${what} did not become healthy within ${timeoutMs / 1000}s; its log is in ${logs}`);
}

/** Where `--persistence postgres` keeps its cluster (startPostgresTemporal puts it under root/postgres). */
const postgresCluster = (config: LoadedConfig) => ({ root: path.join(config.dataDir, 'postgres'), port: config.stack.postgresPort });

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at) || '127.0.0.1', Number(address.slice(at + 1))];
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
