import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { countHistories, type HistoryCounts } from './histories';
import * as probeActivities from './probe-activities';
import { ProgressBar } from './progress';
import { ratio, round } from './stats';

export const PROBE_WORKFLOWS_PATH = require.resolve('./probe-workflows');

/** What the probe measured: the server's ceiling for the smallest workflow that runs an activity. */
export interface CeilingFigures {
  /** omes's scenario name, so the figure can be set beside omes's own runs. */
  scenario: 'workflow_with_single_noop_activity';
  concurrency: number;
  /** Workflows completed in the measured window, and the window (first start → last completion). */
  workflows: number;
  seconds: number;
  workflowsPerSecond: number;
  /** History events (and workflow tasks) of every measured workflow ÷ the window. */
  eventsPerSecond: number;
  workflowTasksPerSecond: number;
  history: HistoryCounts;
}

export interface CeilingProbeOptions {
  connection: NativeConnection;
  /** A bare client (Temporal's default data converter): omes's workers use no codec either. */
  client: Client;
  namespace: string;
  /** Workflows in flight at once, as omes's `--max-concurrent` (default 10). */
  concurrency?: number;
  /** How long to keep starting workflows (default 20 s); those started complete before the window closes. */
  seconds?: number;
  /** Workflows run before measuring (bundle, JIT, connections), not counted (default 20). */
  warmup?: number;
  /** The probe's workflow bundle, when the caller made it already (made here otherwise). */
  bundle?: WorkflowBundle;
  /** Distinguishes the probe's task queue and workflow ids from others on the same server. */
  tag?: string;
  /** Histories read to count events (spread over the run; default every workflow up to 500). */
  historySample?: number;
  quiet?: boolean;
}

/** The probe's own bundle: no Ordo code. */
export function bundleProbeWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: PROBE_WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} } });
}

/**
 * The ceiling on this server, measured the way omes runs `workflow_with_single_noop_activity`: a worker of its own
 * and `concurrency` workflows kept in flight for `seconds`, each executed to completion by the client. Events and
 * workflow tasks are counted from the histories (every workflow up to `historySample`, scaled to the rest), so
 * the figure is the server's work rate, comparable with Ordo's and the baseline's events per second.
 * Run it in the same process and against the same server as the side-by-side bench, between phases.
 */
export async function runCeilingProbe(options: CeilingProbeOptions): Promise<CeilingFigures> {
  const concurrency = options.concurrency ?? 10;
  const tag = options.tag ?? Date.now().toString(36);
  const taskQueue = `bench-probe-${tag}`;
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue,
    workflowBundle: options.bundle ?? (await bundleProbeWorkflows()),
    activities: probeActivities,
  });
  const running = worker.run();
  try {
    let next = 0;
    const runOne = () => options.client.workflow.execute('ProbeNoopActivityWorkflow', { taskQueue, workflowId: `PROBE-${tag}-${next++}` });
    const warmup = options.warmup ?? 20;
    for (let done = 0; done < warmup; done += concurrency) await Promise.all(Array.from({ length: Math.min(concurrency, warmup - done) }, runOne));

    const windowMs = (options.seconds ?? 20) * 1000;
    const progress = new ProgressBar(`probe (${concurrency} in flight)`, windowMs, options.quiet);
    const measured: string[] = [];
    const startedAt = Date.now();
    let lastDone = startedAt;
    const lane = async () => {
      while (Date.now() - startedAt < windowMs) {
        const id = `PROBE-${tag}-${next}`;
        await runOne();
        measured.push(id);
        lastDone = Date.now();
        progress.update(lastDone - startedAt, `${measured.length} workflows`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    progress.finish(`${measured.length} workflows`);
    const seconds = (lastDone - startedAt) / 1000;
    const history = await countHistories(options.client, measured.map((id) => ({ id, childIds: [] })), options.historySample ?? 500);
    return {
      scenario: 'workflow_with_single_noop_activity',
      concurrency,
      workflows: measured.length,
      seconds: round(seconds),
      workflowsPerSecond: round(measured.length / seconds),
      eventsPerSecond: round((history.eventsPerOrder * measured.length) / seconds),
      workflowTasksPerSecond: round((history.workflowTasksPerOrder * measured.length) / seconds),
      history,
    };
  } finally {
    worker.shutdown();
    await running;
  }
}

/**
 * A contender's work rate as a fraction of the ceiling: its orders/s × events (and workflow tasks) per order ÷ the
 * probe's events (workflow tasks) per second. 1.0 would mean it keeps the server as busy as the smallest workflow can.
 */
export function fractionOfCeiling(
  contender: { throughput: number; history: Pick<HistoryCounts, 'eventsPerOrder' | 'workflowTasksPerOrder'> },
  ceiling: Pick<CeilingFigures, 'eventsPerSecond' | 'workflowTasksPerSecond'>,
): { eventsPerSecond: number; workflowTasksPerSecond: number; ofCeilingEvents: number; ofCeilingWorkflowTasks: number } {
  const eventsPerSecond = contender.throughput * contender.history.eventsPerOrder;
  const workflowTasksPerSecond = contender.throughput * contender.history.workflowTasksPerOrder;
  return {
    eventsPerSecond: round(eventsPerSecond),
    workflowTasksPerSecond: round(workflowTasksPerSecond),
    ofCeilingEvents: round(ratio(eventsPerSecond, ceiling.eventsPerSecond)),
    ofCeilingWorkflowTasks: round(ratio(workflowTasksPerSecond, ceiling.workflowTasksPerSecond)),
  };
}
