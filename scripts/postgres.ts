import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { MissingToolchain, onPath } from './temporal-cli';

/**
 * A PostgreSQL of Ordo's own for the production-shaped Temporal server (scripts/temporal-server.ts): Debian's
 * `postgresql` package, a cluster in a folder we name (never the system's), listening on loopback only on a port
 * of its own, with one password-protected superuser that Temporal's SQL tool and server sign in as.
 */

/** The superuser Temporal signs in as. Loopback only, so a fixed development password does no harm. */
export const POSTGRES_USER = 'temporal';
export const POSTGRES_PASSWORD = 'temporal';

export interface PostgresCluster {
  /** Holds `data/` (the cluster) and `postgres.log`. */
  root: string;
  port: number;
}

export interface RunningPostgres extends PostgresCluster {
  host: '127.0.0.1';
  user: string;
  password: string;
  /** False when it was running already (then stop() is still what stops it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

const dataFolder = (cluster: PostgresCluster) => path.join(cluster.root, 'data');
const logFile = (cluster: PostgresCluster) => path.join(cluster.root, 'postgres.log');

/** The folder holding `initdb`, `pg_ctl` and `postgres`: the PATH first, else Debian's newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string | undefined {
  const initdb = onPath('initdb');
  if (initdb && onPath('pg_ctl')) return path.dirname(fs.realpathSync(initdb));
  const debian = '/usr/lib/postgresql';
  const versions = fs.existsSync(debian) ? fs.readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => path.join(debian, v, 'bin')).find((dir) => fs.existsSync(path.join(dir, 'initdb')));
}

const INSTALL_HINT = 'PostgreSQL is not installed: install Debian\'s package as root (apt-get install -y postgresql), or put initdb and pg_ctl on the PATH.';

/** Finds PostgreSQL, installing Debian's package with apt-get when this process is root and may. */
export function ensurePostgresInstalled(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  const found = postgresBinDir();
  if (found) return found;
  const aptGet = onPath('apt-get');
  if (!aptGet || process.getuid?.() !== 0) throw new MissingToolchain(INSTALL_HINT);
  log('PostgreSQL: installing Debian\'s postgresql package with apt-get (once)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet: SpawnSyncOptions = { env, stdio: ['ignore', 'ignore', 'inherit'] };
  // The package's own post-install starts a system cluster on 5432 where it can; ours never uses that one.
  if (spawnSync(aptGet, ['-qq', 'update'], quiet).status !== 0 || spawnSync(aptGet, ['-qq', '-y', '--no-install-recommends', 'install', 'postgresql'], quiet).status !== 0) {
    throw new MissingToolchain(`apt-get could not install postgresql (see above). ${INSTALL_HINT}`);
  }
  const installed = postgresBinDir();
  if (!installed) throw new MissingToolchain(`apt-get installed postgresql but initdb is nowhere to be found. ${INSTALL_HINT}`);
  return installed;
}

/**
 * PostgreSQL refuses to run as root. As root, the cluster belongs to the `postgres` user the package creates
 * (`nobody` when there is none) and every PostgreSQL command runs as that user.
 */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    if (line) {
      const [, , uid, gid] = line.split(':');
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  throw new MissingToolchain('Running as root, and neither a postgres nor a nobody user exists for PostgreSQL to run as: create one (useradd --system postgres).');
}

function run(binDir: string, command: string, args: string[], user: ReturnType<typeof runAs>): { ok: boolean; output: string } {
  const result = spawnSync(path.join(binDir, command), args, { encoding: 'utf8', ...user, cwd: '/' });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`.trim() };
}

function ancestors(dir: string): string[] {
  const parent = path.dirname(dir);
  return parent === dir ? [] : [...ancestors(parent), parent];
}

/** Something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts the cluster (creating it first when the folder has none); idempotent: a cluster already running from
 * that folder is left as it is. Waits until it accepts connections.
 */
export async function startPostgres(cluster: PostgresCluster, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<RunningPostgres> {
  const binDir = ensurePostgresInstalled(log);
  const user = runAs();
  const data = dataFolder(cluster);
  const running: RunningPostgres = {
    ...cluster,
    host: '127.0.0.1',
    user: POSTGRES_USER,
    password: POSTGRES_PASSWORD,
    startedHere: false,
    stop: async () => void (await stopPostgres(cluster)),
  };
  fs.mkdirSync(cluster.root, { recursive: true });
  if (user) {
    fs.chownSync(cluster.root, user.uid, user.gid);
    const closed = ancestors(cluster.root).find((dir) => (fs.statSync(dir).mode & 0o001) === 0);
    if (closed) throw new Error(`PostgreSQL runs as another user here (it refuses root), who cannot enter ${closed}: chmod o+x ${closed}, or keep the data elsewhere`);
  }
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
    log(`PostgreSQL: creating a cluster in ${data}`);
    const passwordFile = path.join(cluster.root, 'initdb-password');
    fs.writeFileSync(passwordFile, `${POSTGRES_PASSWORD}\n`, { mode: 0o600 });
    if (user) fs.chownSync(passwordFile, user.uid, user.gid);
    try {
      const init = run(binDir, 'initdb', ['-D', data, '-U', POSTGRES_USER, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'], user);
      if (!init.ok) throw new Error(`initdb failed in ${data}:\n${init.output}`);
    } finally {
      fs.rmSync(passwordFile, { force: true });
    }
  }
  if (run(binDir, 'pg_ctl', ['status', '-D', data], user).ok) {
    if (!(await portAnswers(cluster.port))) throw new Error(`PostgreSQL runs from ${data} but does not answer on 127.0.0.1:${cluster.port}: stop it (npm run postgres -- stop) and start it again`);
    log(`PostgreSQL: already running on 127.0.0.1:${cluster.port}`);
    return running;
  }
  if (await portAnswers(cluster.port)) throw new Error(`Port ${cluster.port} is taken by something else: choose another PostgreSQL port`);
  log(`PostgreSQL: starting on 127.0.0.1:${cluster.port} (data in ${data})`);
  const settings = [
    '-c listen_addresses=127.0.0.1',
    `-c port=${cluster.port}`,
    // No Unix socket: nothing here uses one, and the system's socket folder may not exist or be writable.
    "-c unix_socket_directories=''",
    // Temporal opens a pool per service (frontend, history, matching, worker) per store: 100 is too few.
    '-c max_connections=300',
  ].join(' ');
  const start = await new Promise<{ ok: boolean; output: string }>((resolve) => {
    // pg_ctl forks the server off and returns once it accepts connections (-w); its own output names any failure.
    const child = spawn(path.join(binDir, 'pg_ctl'), ['start', '-D', data, '-l', logFile(cluster), '-w', '-t', '60', '-o', settings], { ...user, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
  if (!start.ok) throw new Error(`PostgreSQL did not start:\n${start.output.trim()}\nIts log: ${logFile(cluster)}`);
  return { ...running, startedHere: true };
}

/** Stops the cluster in that folder if it runs (fast shutdown: open sessions are ended). */
export async function stopPostgres(cluster: PostgresCluster): Promise<boolean> {
  const binDir = postgresBinDir();
  const data = dataFolder(cluster);
  if (!binDir || !fs.existsSync(path.join(data, 'PG_VERSION'))) return false;
  const user = runAs();
  if (!run(binDir, 'pg_ctl', ['status', '-D', data], user).ok) return false;
  const stop = run(binDir, 'pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '60'], user);
  if (!stop.ok) throw new Error(`pg_ctl stop failed:\n${stop.output}`);
  return true;
}

/** `npm run postgres [-- start|stop|status]`: without a verb, makes sure PostgreSQL is installed (the test chain). */
if (require.main === module) {
  void (async () => {
    const { loadConfig } = await import('../config/load');
    const verb = process.argv[2] ?? 'install';
    try {
      if (verb === 'install') {
        try {
          console.log(`PostgreSQL: ${ensurePostgresInstalled()}`);
        } catch (error) {
          if (!(error instanceof MissingToolchain)) throw error;
          // Only the PostgreSQL-backed server's test needs it: that test skips, saying the same line.
          console.log(error.message);
        }
        return;
      }
      const config = loadConfig();
      const cluster = { root: path.join(config.dataDir, 'postgres'), port: config.stack.postgresPort };
      if (verb === 'start') {
        const pg = await startPostgres(cluster);
        console.log(`PostgreSQL on ${pg.host}:${pg.port}, user ${pg.user}, password ${pg.password}`);
      } else if (verb === 'stop') console.log((await stopPostgres(cluster)) ? 'PostgreSQL: stopped' : 'PostgreSQL: was not running');
      else if (verb === 'status') console.log((await portAnswers(cluster.port)) ? `PostgreSQL: answering on 127.0.0.1:${cluster.port}` : 'PostgreSQL: not running');
      else {
        console.error(`usage: npm run postgres [-- start|stop|status] (got ${JSON.stringify(verb)})`);
        process.exit(2);
      }
    } catch (error) {
      console.error((error as Error).message);
      process.exit(1);
    }
  })();
}
