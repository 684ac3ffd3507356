import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataConverter } from '@temporalio/common';
import { privateDataConverter } from '../config/connection';
import { cacheDir, MissingToolchain, onPath } from './temporal-cli';

/**
 * Temporal's time-skipping test server (the Java one, `io.temporal:temporal-test-server` on Maven Central),
 * installed with Maven into the ignored cache: its jars, a small main class of ours compiled against them, and
 * a launcher the TypeScript SDK runs as an `existing-path` executable. The SDK's own `createTimeSkipping` would
 * download a binary; this needs only the package registry Maven already uses.
 */

export const TEMPORAL_TEST_SERVER_VERSION = '1.38.0';
const ARTIFACT = { groupId: 'io.temporal', artifactId: 'temporal-test-server' };
/** Our main class (scripts/temporal-test-server/OrdoTestServer.java): the stock server, accepting keepalive pings. */
const MAIN_CLASS = 'OrdoTestServer';
const MAIN_SOURCE = path.join(__dirname, 'temporal-test-server', `${MAIN_CLASS}.java`);
const MAIN_JAR = 'ordo-test-server.jar';
/** The JVM's class-data archive of the server's start-up, written at install: it starts in about half the time. */
const CLASS_ARCHIVE = 'test-server.jsa';
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
export const INSTALL_HINT = 'install a JDK 11+ and Maven (Debian: apt-get install default-jdk-headless maven)';
const MISSING = (tool: string, what: string) => new MissingToolchain(`The time-skipping test server needs ${what}, and \`${tool}\` is not on the PATH: ${INSTALL_HINT}.`);

export function testServerDir(): string {
  return path.join(cacheDir(), 'temporal-test-server', TEMPORAL_TEST_SERVER_VERSION);
}

/** The launcher: `launcher <port> --enable-time-skipping` is what the SDK runs. */
export function testServerLauncherPath(): string {
  return path.join(testServerDir(), 'temporal-test-server');
}

/**
 * `exec`, so the process the SDK starts (and kills at teardown) is the JVM itself. Everything here is for
 * start-up time: the SDK gives the server 5 seconds to listen, on a machine that may be busy bundling workflows.
 * The flags trade the JIT's best for a quick start, and the class archive, when the JVM could write one (Java
 * 13+), skips most class loading (a stale one only costs that time: -Xshare:auto).
 */
function launcherScript(withArchive: boolean): string {
  const archive = withArchive ? ` -Xshare:auto -XX:SharedArchiveFile="$here/${CLASS_ARCHIVE}" -Xlog:cds=off -Xlog:cds+dynamic=off` : '';
  return [
    '#!/bin/sh',
    '# Written by scripts/temporal-test-server.ts: the time-skipping test server for the SDK to run.',
    'here=$(dirname "$0")',
    `exec java ${JVM_FLAGS.join(' ')}${archive} $ORDO_TEST_SERVER_JAVA_OPTS -cp "$here/lib/*" ${MAIN_CLASS} "$@"`,
    '',
  ].join('\n');
}

/** A pom with the test server as its dependency: `dependency:copy-dependencies` then gives the full runtime classpath. */
function pom(): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ordo</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>${ARTIFACT.groupId}</groupId>
      <artifactId>${ARTIFACT.artifactId}</artifactId>
      <version>${TEMPORAL_TEST_SERVER_VERSION}</version>
    </dependency>
    <!-- A logging binding that logs nothing: without one, SLF4J prints three lines of warning at every start. -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
</project>
`;
}

/** Answers the launcher's path, installing the server once when it is not cached. Progress goes to `log`. */
export async function ensureTemporalTestServer(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  const launcher = testServerLauncherPath();
  if (!onPath('java')) throw MISSING('java', 'Java');
  if (fs.existsSync(launcher) && fs.existsSync(path.join(testServerDir(), 'lib', MAIN_JAR))) return launcher;
  if (!onPath('mvn')) throw MISSING('mvn', 'Maven to install it');
  if (!onPath('javac') || !onPath('jar')) throw MISSING('javac', 'a JDK (not only a Java runtime) to install it');
  await install(log);
  return launcher;
}

async function install(log: (line: string) => void): Promise<void> {
  const target = testServerDir();
  log(`Installing Temporal's test server ${TEMPORAL_TEST_SERVER_VERSION} with Maven (once; cached in ${target})`);
  // Built in a scratch folder and renamed, so an interrupted install never leaves a half-filled cache behind.
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const scratch = fs.mkdtempSync(path.join(path.dirname(target), 'install-'));
  try {
    fs.writeFileSync(path.join(scratch, 'pom.xml'), pom());
    const args = ['-B', '-q', '-f', path.join(scratch, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(scratch, 'lib')}`, '-DincludeScope=runtime'];
    const { code, output } = await run('mvn', args);
    if (code !== 0) throw new MissingToolchain(`Installing the test server failed (mvn exited ${code}):\n${output.trim()}`);
    const jar = `${ARTIFACT.artifactId}-${TEMPORAL_TEST_SERVER_VERSION}.jar`;
    if (!fs.existsSync(path.join(scratch, 'lib', jar))) throw new MissingToolchain(`Maven finished but ${jar} is not among the jars it copied`);
    const classes = path.join(scratch, 'classes');
    const compiled = await run('javac', ['-cp', path.join(scratch, 'lib', '*'), '-d', classes, MAIN_SOURCE]);
    if (compiled.code !== 0) throw new MissingToolchain(`Compiling ${MAIN_SOURCE} failed (javac exited ${compiled.code}):\n${compiled.output.trim()}`);
    // In a jar, so the class archive below covers it too (the JVM archives no classes from folders).
    const packed = await run('jar', ['cf', path.join(scratch, 'lib', MAIN_JAR), '-C', classes, '.']);
    if (packed.code !== 0) throw new MissingToolchain(`Packing ${MAIN_JAR} failed (jar exited ${packed.code}):\n${packed.output.trim()}`);
    fs.rmSync(classes, { recursive: true });
    fs.rmSync(path.join(scratch, 'pom.xml'));
    const archived = await writeClassArchive(scratch, log);
    fs.writeFileSync(path.join(scratch, 'temporal-test-server'), launcherScript(archived), { mode: 0o755 });
    fs.chmodSync(scratch, 0o755);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(scratch, target);
    log(`Temporal test server ready: ${testServerLauncherPath()}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Starts the server once with the JVM recording the classes it loads, and stops it when it listens. True when written. */
async function writeClassArchive(dir: string, log: (line: string) => void): Promise<boolean> {
  const port = await freePort();
  const args = [...JVM_FLAGS, `-XX:ArchiveClassesAtExit=${path.join(dir, CLASS_ARCHIVE)}`, '-cp', path.join(dir, 'lib', '*'), MAIN_CLASS, String(port), '--enable-time-skipping'];
  const child = spawn('java', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    const deadline = Date.now() + 60_000;
    while (!(await listening(port))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the server did not listen');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    log(`  (no class archive: ${(error as Error).message}; the server starts more slowly)`);
  } finally {
    child.kill('SIGTERM'); // the JVM writes the archive as it exits
    await exited;
  }
  return fs.existsSync(path.join(dir, CLASS_ARCHIVE));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The SDK runs the launcher and gives it 5 seconds to listen; on a busy machine the JVM may need a second try. */
/** Its client's data converter encrypts with a random key in memory unless given one: the server lives as long as this process. */
export async function startTimeSkippingServer(launcher: string, dataConverter: DataConverter = privateDataConverter(), tries = 3): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ client: { dataConverter }, server: { executable: { type: 'existing-path', path: launcher } } });
    } catch (error) {
      if (attempt >= tries || !/did not start within/.test((error as Error).message)) throw error;
    }
  }
}


/** `npm run temporal-test-server`: makes sure the test server is installed, before the workflow tests need it. */
if (require.main === module) {
  ensureTemporalTestServer().then(
    (p) => console.log(`Temporal test server: ${p}`),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
