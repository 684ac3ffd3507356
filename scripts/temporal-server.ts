import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { stringify } from 'yaml';
import { startPostgres, type RunningPostgres } from './postgres';
import { ensureSearchAttributes } from './search-attributes';
import { cacheDir, goInstall, MissingToolchain, onPath } from './temporal-cli';

/**
 * A production-shaped Temporal server (docs/production-temporal.md): the real server binary, not the dev server,
 * built from `go.temporal.io/server` (its cmd/server and cmd/tools/sql) from the Go module proxy, on PostgreSQL
 * (scripts/postgres.ts) for persistence and visibility, with several history shards.
 */

/** The server release the pinned CLI (TEMPORAL_CLI_VERSION) requires in its go.mod: its modules are fetched already. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';
/** History shards: fixed once a cluster's database exists (Temporal cannot change it later). */
export const HISTORY_SHARDS = 4;
const PERSISTENCE_DB = 'temporal';
const VISIBILITY_DB = 'temporal_visibility';

export interface ServerBinaries {
  server: string;
  sqlTool: string;
}

export function serverBuildDir(): string {
  return path.join(cacheDir(), 'temporal-server', TEMPORAL_SERVER_VERSION);
}

function cachedBinaries(): ServerBinaries {
  return { server: path.join(serverBuildDir(), 'temporal-server'), sqlTool: path.join(serverBuildDir(), 'temporal-sql-tool') };
}

const GO_HINT = 'Go is not installed to build the Temporal server: install Go 1.25+ (https://go.dev/dl, or Debian: apt-get install golang-go).';

/** The built server and SQL tool, building both once (a few minutes) when the cache has none. */
export async function ensureTemporalServer(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<ServerBinaries> {
  const cached = cachedBinaries();
  if (fs.existsSync(cached.server) && fs.existsSync(cached.sqlTool)) return cached;
  const go = onPath('go') ?? ['/usr/local/go/bin/go', '/usr/lib/go/bin/go'].find((p) => fs.existsSync(p));
  if (!go) throw new MissingToolchain(GO_HINT);
  const goVersion = spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim();
  log(`Building the Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL tool from the Go module proxy with ${goVersion} (several minutes, once; cached in ${serverBuildDir()})`);
  fs.mkdirSync(cacheDir(), { recursive: true });
  // Into a scratch folder, then renamed: an interrupted build never leaves a half-written binary in the cache.
  const scratch = fs.mkdtempSync(path.join(cacheDir(), 'build-'));
  const started = Date.now();
  const ticker = setInterval(() => log(`  … still building (${Math.round((Date.now() - started) / 1000)}s)`), 30_000);
  try {
    const packages = [`${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`];
    const code = await goInstall(go, packages, scratch, log);
    if (code !== 0) throw new Error(`Building the Temporal server failed (go install exited ${code}); see the lines above.`);
    fs.mkdirSync(serverBuildDir(), { recursive: true });
    fs.renameSync(path.join(scratch, 'sql'), cached.sqlTool);
    fs.renameSync(path.join(scratch, 'server'), cached.server);
    log(`Temporal server ready in ${Math.round((Date.now() - started) / 1000)}s: ${serverBuildDir()}`);
    return cached;
  } finally {
    clearInterval(ticker);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The server's own ports: the frontend's (the address clients use) and the eight after it. */
export function serverPorts(frontendPort: number) {
  return {
    frontend: { grpcPort: frontendPort, membershipPort: frontendPort + 1, httpPort: frontendPort + 8 },
    history: { grpcPort: frontendPort + 2, membershipPort: frontendPort + 3 },
    matching: { grpcPort: frontendPort + 4, membershipPort: frontendPort + 5 },
    worker: { grpcPort: frontendPort + 6, membershipPort: frontendPort + 7 },
  };
}
export const PORTS_PER_SERVER = 9;

/** The server's YAML configuration (config/development-postgres12.yaml in the server module, trimmed to what runs here). */
export function serverConfig(pg: Pick<RunningPostgres, 'host' | 'port' | 'user' | 'password'>, frontendPort: number, dynamicConfigFile: string) {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const ports = serverPorts(frontendPort);
  const service = (rpc: Record<string, number>) => ({ rpc: { ...rpc, bindOnLocalHost: true } });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: { 'postgres-default': store(PERSISTENCE_DB, 20), 'postgres-visibility': store(VISIBILITY_DB, 10) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service(ports.frontend),
      history: service(ports.history),
      matching: service(ports.matching),
      worker: service(ports.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${frontendPort}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * The dev server's own defaults (temporal CLI `server start-dev`), so the two servers differ in persistence and
 * shards only: search attributes usable the moment they are added (Ordo adds its own at start-up), and the
 * persistence rate limits raised to match. A cluster whose attributes are set up at deployment can drop all three.
 */
const DYNAMIC_CONFIG = {
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true }],
  'frontend.persistenceMaxQPS': [{ value: 10000 }],
  'history.persistenceMaxQPS': [{ value: 45000 }],
};

/** Creates both databases and brings their schemas to this server version's; safe to run again. */
export function setupSchemas(sqlTool: string, pg: RunningPostgres, log: (line: string) => void): void {
  const connect = ['--plugin', 'postgres12', '--endpoint', pg.host, '--port', String(pg.port), '--user', pg.user, '--password', pg.password];
  const tool = (database: string, args: string[]) => {
    const result = spawnSync(sqlTool, [...connect, '--database', database, ...args], { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
  };
  for (const [database, schema] of [[PERSISTENCE_DB, 'temporal'], [VISIBILITY_DB, 'visibility']] as const) {
    const marker = path.join(pg.root, `schema-${database}`);
    if (!fs.existsSync(marker)) {
      log(`Temporal server: creating the ${database} database and its schema`);
      const created = tool(database, ['create-database']);
      if (!created.ok && !/already exists/.test(created.output)) throw new Error(`temporal-sql-tool create-database ${database} failed:\n${created.output}`);
      const setup = tool(database, ['setup-schema', '--version', '0.0']);
      if (!setup.ok) throw new Error(`temporal-sql-tool setup-schema ${database} failed:\n${setup.output}`);
      fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
    }
    // The schema files ship inside the server binary (schema/postgresql/v12/… of the module): no checkout needed.
    const updated = tool(database, ['update-schema', '--schema-name', `postgresql/v12/${schema}`]);
    if (!updated.ok) throw new Error(`temporal-sql-tool update-schema ${database} failed:\n${updated.output}`);
  }
}

export interface PostgresTemporalOptions {
  /** Holds `postgres/` (the cluster) and `temporal-server/` (configuration, log). */
  root: string;
  postgresPort: number;
  /** host:port of the frontend; the server takes the eight ports after it too (serverPorts). */
  address: string;
  namespace: string;
  log: (line: string) => void;
  /** Starts the server process (the stack's own launcher, which logs and records it); default: detached, logging to temporal-server/server.log. */
  spawnServer?: { spawn: (command: string, args: string[]) => ChildProcess; logFile: string };
}

export interface RunningPostgresTemporal {
  address: string;
  namespace: string;
  postgres: RunningPostgres;
  /** The server process when this call started it. */
  server?: ChildProcess;
  /** Stops the server and PostgreSQL, each if this call started it. */
  stop(): Promise<void>;
}

/**
 * PostgreSQL, the schemas, the server, the namespace and Ordo's search attributes; idempotent: what already runs
 * is left running. Resolves once the namespace accepts work.
 */
export async function startPostgresTemporal(options: PostgresTemporalOptions): Promise<RunningPostgresTemporal> {
  const { log } = options;
  const binaries = await ensureTemporalServer(log);
  const postgres = await startPostgres({ root: path.join(options.root, 'postgres'), port: options.postgresPort }, log);
  let server: ChildProcess | undefined;
  // What this call started, and only that: a server or cluster that was running already stays running.
  const stop = async () => {
    if (server) await stopChild(server);
    if (postgres.startedHere) await postgres.stop();
  };
  try {
    setupSchemas(binaries.sqlTool, postgres, log);
    const folder = path.join(options.root, 'temporal-server');
    fs.mkdirSync(path.join(folder, 'config'), { recursive: true });
    const dynamicConfigFile = path.join(folder, 'dynamic-config.yaml');
    fs.writeFileSync(dynamicConfigFile, stringify(DYNAMIC_CONFIG));
    const frontendPort = Number(options.address.slice(options.address.lastIndexOf(':') + 1));
    // Temporal keeps membership ports in a SMALLINT column: a server on a higher port fails at start-up.
    if (frontendPort + PORTS_PER_SERVER - 1 > 32_767) throw new Error(`The Temporal server's ports (${frontendPort}–${frontendPort + PORTS_PER_SERVER - 1}) must stay below 32768: choose a lower port in temporal.address`);
    fs.writeFileSync(path.join(folder, 'config', 'ordo.yaml'), stringify(serverConfig(postgres, frontendPort, dynamicConfigFile)));

    if (await serverAnswers(options.address)) log(`Temporal server: already running at ${options.address}`);
    else {
      log(`Temporal server: starting ${TEMPORAL_SERVER_VERSION} on ${options.address} (PostgreSQL on 127.0.0.1:${postgres.port}, ${HISTORY_SHARDS} history shards)`);
      const args = ['--root', folder, '--config', 'config', '--env', 'ordo', '--allow-no-auth', 'start'];
      const logFile = options.spawnServer?.logFile ?? path.join(folder, 'server.log');
      server = options.spawnServer ? options.spawnServer.spawn(binaries.server, args) : spawnLogged(binaries.server, args, logFile);
      const exited = new Promise<never>((_, reject) =>
        server!.once('exit', (code) => reject(new Error(`The Temporal server exited (code ${code}) before answering. The end of its log (${logFile}):\n${tail(logFile, 15)}`))),
      );
      await Promise.race([waitUntil(() => serverAnswers(options.address), 90_000, `the Temporal server on ${options.address}`), exited]);
      exited.catch(() => undefined);
    }
    await ensureNamespace(options.address, options.namespace, log);
    return { address: options.address, namespace: options.namespace, postgres, server, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Registers the namespace (3 days' retention, as the dev server's) and Ordo's search attributes, then waits until it takes work. */
async function ensureNamespace(address: string, namespace: string, log: (line: string) => void): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: '5 seconds' });
  try {
    try {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') });
      log(`Temporal server: namespace ${namespace} created`);
    } catch (error) {
      if (!/already exists|AlreadyExists/i.test((error as Error).message)) throw error;
    }
    // Frontends learn of a new namespace from their registry, refreshed every few seconds.
    await waitUntil(async () => {
      try {
        await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
        return true;
      } catch {
        return false;
      }
    }, 60_000, `namespace ${namespace}`);
    const added = await ensureSearchAttributes(connection, namespace);
    if (added.length) log(`Temporal server: registered search attributes ${added.join(', ')}`);
  } finally {
    await connection.close();
  }
}

export async function serverAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '2 seconds' });
    try {
      await connection.healthService.check({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

function tail(file: string, lines: number): string {
  try {
    // The server logs JSON lines with stack traces: the start of each line says what went wrong.
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((line) => line.slice(0, 400)).join('\n');
  } catch {
    return '(no log)';
  }
}

function spawnLogged(command: string, args: string[], logPath: string): ChildProcess {
  const out = fs.openSync(logPath, 'a');
  // Its own process group, so it outlives nothing by accident and stopChild reaches it whole.
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} did not answer within ${timeoutMs / 1000}s`);
}

/**
 * `npm run temporal-server`: builds the server once (the test chain). `npm run temporal-server -- start` also runs
 * it with the repository's configuration (ordo.config.yaml: temporal.address, stack.postgresPort, stack.dataDir)
 * and stays in the foreground; Ctrl-C stops the server and PostgreSQL.
 */
if (require.main === module) {
  void (async () => {
    try {
      if (process.argv[2] !== 'start') {
        try {
          const binaries = await ensureTemporalServer();
          console.log(`Temporal server: ${binaries.server}\nSQL tool: ${binaries.sqlTool}`);
        } catch (error) {
          if (!(error instanceof MissingToolchain)) throw error;
          // Only the PostgreSQL-backed server's test needs it: that test skips, saying the same line.
          console.log(error.message);
        }
        return;
      }
      const { loadConfig } = await import('../config/load');
      const config = loadConfig();
      const running = await startPostgresTemporal({
        root: config.dataDir,
        postgresPort: config.stack.postgresPort,
        address: config.temporal.address,
        namespace: config.temporal.namespace,
        log: (line) => console.log(line),
      });
      console.log(`Temporal server ready at ${running.address} (namespace ${running.namespace}). Ctrl-C stops it.`);
      const stop = () => void running.stop().then(() => process.exit(0));
      process.once('SIGINT', stop).once('SIGTERM', stop);
      if (!running.server) {
        console.log('It was running already: left as it was (stop it with `ordo stack down` or where it was started).');
        process.exit(0);
      }
    } catch (error) {
      console.error((error as Error).message);
      process.exit(1);
    }
  })();
}
