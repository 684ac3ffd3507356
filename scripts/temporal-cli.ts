import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Finds a Temporal CLI to run a dev server with, without downloading any binary:
 * `temporal` on the PATH, else the cached build, else a build of the pinned release from the Go module proxy.
 * (A running server named by TEMPORAL_ADDRESS is handled by the callers: they then need no CLI at all.)
 */

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
const REPO_ROOT = path.resolve(__dirname, '..');

/** The ignored folder the build is cached in; ORDO_CACHE_DIR moves it. */
export function cacheDir(): string {
  return path.resolve(process.env.ORDO_CACHE_DIR ?? path.join(REPO_ROOT, '.cache'));
}

export function cachedCliPath(): string {
  return path.join(cacheDir(), 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
}

export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export class MissingToolchain extends Error {
  override readonly name = 'MissingToolchain';
}

/** Resolves the CLI path, building it when nothing is found. Progress goes to `log`. */
export async function ensureTemporalCli(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  if (process.env.ORDO_TEMPORAL_CLI) return process.env.ORDO_TEMPORAL_CLI;
  const found = onPath('temporal');
  if (found) return found;
  const cached = cachedCliPath();
  if (fs.existsSync(cached)) return cached;
  await buildTemporalCli(cached, log);
  return cached;
}

async function buildTemporalCli(target: string, log: (line: string) => void): Promise<void> {
  const go = onPath('go') ?? ['/usr/local/go/bin/go', '/usr/lib/go/bin/go'].find((p) => fs.existsSync(p));
  if (!go) {
    throw new MissingToolchain(
      'No Temporal server found: TEMPORAL_ADDRESS is not set, `temporal` is not on the PATH, and Go is not installed to build it.\n' +
        `Fix one of: install Go 1.23+ (Debian: apt-get install golang-go), put the Temporal CLI on the PATH or name it in ORDO_TEMPORAL_CLI, or set TEMPORAL_ADDRESS to a running server.`,
    );
  }
  const goVersion = spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim();
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} from the Go module proxy with ${goVersion} (a few minutes, once; cached in ${path.dirname(target)})`);
  // Build into a scratch folder and rename, so an interrupted build never leaves a half-written binary in the cache.
  fs.mkdirSync(cacheDir(), { recursive: true });
  const scratch = fs.mkdtempSync(path.join(cacheDir(), 'build-'));
  const started = Date.now();
  const ticker = setInterval(() => log(`  … still building (${Math.round((Date.now() - started) / 1000)}s)`), 30_000);
  try {
    const code = await goInstall(go, [`${MODULE}@${TEMPORAL_CLI_VERSION}`], scratch, log);
    if (code !== 0) throw new MissingToolchain(`Building the Temporal CLI failed (go install exited ${code}); see the lines above.`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(path.join(scratch, 'temporal'), target);
    log(`Temporal CLI ready in ${Math.round((Date.now() - started) / 1000)}s: ${target}`);
  } finally {
    clearInterval(ticker);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}


/** `npm run temporal-cli`: makes sure a Temporal CLI is there (building it once), before tests need it. */
if (require.main === module) {
  if (process.env.TEMPORAL_ADDRESS) {
    console.log(`TEMPORAL_ADDRESS is set (${process.env.TEMPORAL_ADDRESS}): no Temporal CLI needed`);
    process.exit(0);
  }
  ensureTemporalCli().then(
    (p) => console.log(`Temporal CLI: ${p}`),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}

/**
 * `go install PACKAGES` into `gobin` (a scratch folder the caller renames from, so an interrupted build never leaves a
 * half-written binary in the cache), with Go's download lines condensed. Answers go's exit code.
 */
export function goInstall(go: string, packages: string[], gobin: string, log: (line: string) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(go, ['install', ...packages], {
      env: { ...process.env, GOBIN: gobin, GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim() },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let downloads = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        if (line.startsWith('go: downloading')) {
          if (++downloads % 25 === 1) log(`  downloading Go modules (${downloads} so far)`);
        } else log(`  ${line}`);
      }
    });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
}
