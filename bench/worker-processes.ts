import { fork, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadCatalogFiles } from '../config/catalog-files';
import { dataConverterFor } from '../config/connection';
import type { LoadedConfig } from '../config/load';
import { bundleOrdoWorkflows } from '../workers/create';
import type { Tuning } from './tuning';
import { bundleBaselineWorkflows, startBenchWorkers, type BenchWorkers } from './workers';

/**
 * `--worker-processes N`: the bench's workers in N processes of their own instead of in the bench's process, all
 * polling the same two task queues (one Ordo worker and one baseline worker each, as startBenchWorkers makes them),
 * so a run measures what more worker processes buy on a server that scales (docs/production-temporal.md). Each
 * process is a separate Node.js, with its own event loop, workflow cache and Rust core: what N machines would run.
 */

/** What a worker process needs, handed over as JSON in its environment. */
interface WorkerSpec {
  config: LoadedConfig;
  tuning: Tuning;
  tag: string;
}
const SPEC_ENV = 'ORDO_BENCH_WORKER_SPEC';

/** A worker process's messages to the bench. */
type FromWorker = { ready: true; pid: number } | { stopped: true; peakRssBytes: number } | { failed: string };

export interface WorkerProcesses extends BenchWorkers {
  /** Each worker process's peak RSS, known once stop() has resolved. */
  peakRssBytes(): number[];
}

/** Starts `count` worker processes and resolves once every one of them polls. */
export async function startWorkerProcesses(options: { count: number; config: LoadedConfig; tuning: Tuning; tag: string }): Promise<WorkerProcesses> {
  const spec: WorkerSpec = { config: options.config, tuning: options.tuning, tag: options.tag };
  const peaks: number[] = [];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.on('message', (message: FromWorker) => {
              if ('stopped' in message) peaks.push(message.peakRssBytes);
            });
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
          }),
      ),
    );
  };
  try {
    await Promise.all(
      Array.from({ length: options.count }, () => {
        const child = fork(__filename, [], {
          env: { ...process.env, [SPEC_ENV]: JSON.stringify(spec) },
          // TypeScript as the bench runs it (tsx), found from here, whatever folder the bench was started in.
          execArgv: ['--require', require.resolve('tsx/cjs')],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        return new Promise<void>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`a bench worker process exited (code ${code}) before it polled; see its output above`)));
          child.on('message', (message: FromWorker) => {
            if ('ready' in message) resolve();
            if ('failed' in message) reject(new Error(`a bench worker process failed to start: ${message.failed}`));
          });
        });
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ordoTaskQueue: `bench-ordo-${options.tag}`,
    baselineTaskQueue: `bench-baseline-${options.tag}`,
    stop,
    peakRssBytes: () => [...peaks],
  };
}

/** The worker process itself: both workers on the run's task queues until SIGTERM, then its peak RSS to the bench. */
async function runWorkerProcess(spec: WorkerSpec): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // A bench that dies without stopping its workers must not leave them polling: the IPC channel closes with it.
  process.once('disconnect', () => process.exit(1));
  const send = (message: FromWorker, then?: () => void) => process.send?.(message, undefined, {}, () => then?.());
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 500);
  try {
    const { config } = spec;
    const [ordoBundle, baselineBundle] = await Promise.all([bundleOrdoWorkflows(), bundleBaselineWorkflows()]);
    const connection = await NativeConnection.connect({ address: config.temporal.address });
    const clientConnection = await Connection.connect({ address: config.temporal.address });
    const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: dataConverterFor(config) });
    const workers = await startBenchWorkers({
      connection,
      client,
      config,
      catalog: loadCatalogFiles(config.catalogFiles),
      tuning: spec.tuning,
      ordoBundle,
      baselineBundle,
      tag: spec.tag,
    });
    process.once('SIGTERM', () => {
      void workers.stop().then(async () => {
        clearInterval(sampler);
        await clientConnection.close();
        await connection.close();
        send({ stopped: true, peakRssBytes: Math.max(peak, process.memoryUsage.rss()) }, () => process.exit(0));
      });
    });
    send({ ready: true, pid: process.pid });
  } catch (error) {
    send({ failed: (error as Error).message });
    process.exit(1);
  }
}

if (require.main === module && process.env[SPEC_ENV]) {
  void runWorkerProcess(JSON.parse(process.env[SPEC_ENV]) as WorkerSpec);
}
