import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  setHandler,
  sleep,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { recordRef, type SyncLogRecord, type SyncProcess, type SyncRecordKind } from '../domain/sync-log';
import { whyNotAuthentic, credentialTrail } from '../domain/operator-signature';
import { whyActorMayNotAct } from '../domain/queues';
import type { SyncFalloutAuthority } from '../activities/types';
import { now, nowMs } from './clock';
import { channel } from './sync-activities';
import { givenBehaviour } from './versions';
import { checkedSignal, checkedValidator } from './message-checks';
import { move, SYNC_MACHINE } from './state-machines';
import { resolveFalloutSignal, resolveFalloutUpdate, type ResolveFalloutRequest } from './messages';
import { FalloutQueuesKey, SyncRecordsKey } from './search-attributes';
import { SYNC_FALLOUT_QUEUE, syncQuery, type SyncState, type SyncView } from './sync-messages';

/**
 * One channel sync as it runs: its steps, its sync log and its fallout. Each step is an activity that finds
 * the record it would make (by the source ids it carries) before making it, so running a step again (a retry,
 * a duplicated trigger, a worker killed mid-step) makes nothing twice.
 *
 * The workflow retries, not Temporal: activities run with one attempt each, so every failed attempt comes
 * back here and the log can say `Retrying` with the reason while CPQ is down. A failure that retrying cannot
 * mend (a 4xx: unknown product, totals that differ) logs `Error` and puts the sync in fallout, on the sync
 * desk's queue, until an operator resolves it: `retry` once the cause is fixed, or `skip` to give the sync up.
 */

/** Waits between attempts of a step that failed retryably: doubling from 1 s, at most a minute. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

/** Thrown out of `step` when an operator gave the sync up; runToEnd catches it and the sync ends `abandoned`. */
class SyncAbandoned extends Error {
  override readonly name = 'SyncAbandoned';
}

export interface SyncStep<T> {
  /** The step's name in the log: `opportunity`, `quote`, … */
  name: string;
  /** The record it works from, `<system>/<kind>/<id>` (domain/sync-log.ts recordRef). */
  source: string;
  /** Finds or makes the target: an activity call. */
  run: () => Promise<T>;
  /** What it found or made, recorded in the log and among the sale's records; none for steps that only check. */
  target?: (result: T) => { kind: SyncRecordKind; id: string };
}

export class SyncRun {
  private readonly log: SyncLogRecord[] = [];
  private readonly records: SyncView['records'] = {};
  private state: SyncState = 'running';
  private fallout: SyncView['fallout'];
  private resolution: ResolveFalloutRequest | undefined;
  /** Who may resolve the current fallout (since `sync-operators`): read when the sync falls out. */
  private authority: SyncFalloutAuthority | undefined;
  /** Who resolved the sync's fallout, and how (the audit trail): data only, so older histories replay the same. */
  private readonly operatorActions: NonNullable<SyncView['operatorActions']> = [];

  constructor(
    private readonly process: SyncProcess,
    private readonly sourceRecord: string,
    private readonly trigger: string,
  ) {
    setHandler(syncQuery, () => this.view());
    setHandler(resolveFalloutUpdate, (request) => {
      this.resolution = request;
      return { accepted: true as const, stepId: request.stepId, action: request.action };
    }, { validator: checkedValidator<ResolveFalloutRequest>('resolveFallout', (request) => this.refuseResolution(request)) });
    setHandler(resolveFalloutSignal, checkedSignal<ResolveFalloutRequest>('resolveFallout', () => undefined, (request) => {
      // A signal cannot answer: one that does not fit the fallout is dropped (the log shows the sync still waiting).
      if (this.resolutionProblem(request) === undefined) this.resolution = request;
    }));
  }

  /** Records a twin that was known without a step (the sync's own source). */
  know(kind: SyncRecordKind, id: string): void {
    this.records[kind] = id;
    this.publishRecords();
  }

  /** Runs a step until it succeeds, retrying what may pass and waiting in fallout for what may not. */
  async step<T>(step: SyncStep<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await step.run();
        const target = step.target?.(result);
        if (target) this.know(target.kind, target.id);
        this.write({ step: step.name, sourceRecord: step.source, targetRecord: target && recordRef(target.kind, target.id), outcome: 'Success' });
        return result;
      } catch (error) {
        const failure = describeFailure(error);
        if (failure.retryable) {
          this.writeRetrying(step.name, step.source, failure.message, attempt);
          await sleep(Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS));
          continue;
        }
        this.write({ step: step.name, sourceRecord: step.source, outcome: 'Error', errorMessage: failure.message });
        await this.waitInFallout(step.name, failure.message);
        attempt = 0;
      }
    }
  }

  /** Runs the sync's steps and answers its final view: completed, or abandoned when an operator skipped a step. */
  async runToEnd(steps: () => Promise<void>): Promise<SyncView> {
    try {
      await steps();
      return this.complete();
    } catch (error) {
      if (error instanceof SyncAbandoned) return this.abandon();
      throw error;
    }
  }

  /** The sync is done: its view, which the workflow returns. */
  private complete(): SyncView {
    this.moveTo('completed');
    return this.view();
  }

  private abandon(): SyncView {
    this.moveTo('abandoned');
    return this.view();
  }

  view(): SyncView {
    return {
      process: this.process,
      workflowId: workflowInfo().workflowId,
      sourceRecord: this.sourceRecord,
      trigger: this.trigger,
      state: this.state,
      records: { ...this.records },
      ...(this.fallout ? { fallout: { ...this.fallout } } : {}),
      log: this.log.map((record) => ({ ...record })),
      ...(this.operatorActions.length ? { operatorActions: this.operatorActions.map((action) => ({ ...action })) } : {}),
    };
  }

  private async waitInFallout(stepName: string, errorMessage: string): Promise<void> {
    // Operators are who they say here too (docs/security.md): who may resolve is known before the sync shows its
    // fallout, so no resolution is taken unchecked. Asked by name, as a sync has no behaviour version.
    if (givenBehaviour(undefined).has('sync-operators')) this.authority = await channel.syncFalloutAuthority(SYNC_FALLOUT_QUEUE);
    this.moveTo('fallout');
    this.fallout = { step: stepName, errorMessage, since: now(), queue: SYNC_FALLOUT_QUEUE };
    this.resolution = undefined;
    upsertSearchAttributes([{ key: FalloutQueuesKey, value: [SYNC_FALLOUT_QUEUE] }]);
    await condition(() => this.resolution !== undefined);
    const { action, actor, note } = this.resolution!;
    this.operatorActions.push({ at: now(), actor, action, step: stepName, ...(note ? { note } : {}), ...credentialTrail(this.resolution, this.authority?.operators) });
    this.fallout = undefined;
    upsertSearchAttributes([{ key: FalloutQueuesKey, value: [] }]);
    // Skipped: the sync goes from fallout to abandoned (the workflow catches this and calls abandon()).
    if (action === 'skip') throw new SyncAbandoned(`${stepName} skipped by ${actor}`);
    this.moveTo('running');
  }

  private moveTo(state: SyncState): void {
    this.state = move(SYNC_MACHINE, `sync ${workflowInfo().workflowId}`, this.state, state);
  }

  private refuseResolution(request: ResolveFalloutRequest): void {
    const problem = this.resolutionProblem(request);
    if (problem) throw ApplicationFailure.nonRetryable(problem, 'InvalidInput');
  }

  private resolutionProblem(request: ResolveFalloutRequest): string | undefined {
    if (!this.fallout) return `the sync is ${this.state}, not in fallout: there is nothing to resolve`;
    if (request.stepId !== this.fallout.step) return `step "${request.stepId}" is not in fallout; "${this.fallout.step}" is`;
    if (request.action === 'complete') return 'a sync step cannot be completed by hand: fix the cause and retry, or skip to give the sync up';
    return this.whyResolverMayNotAct(request);
  }

  /** Before `sync-operators` (no authority read), anyone named was believed, as the sync's history recorded. */
  private whyResolverMayNotAct(request: ResolveFalloutRequest): string | undefined {
    if (!this.authority) return undefined;
    const unauthentic = whyNotAuthentic(this.authority.operators, 'resolveFallout', workflowInfo().workflowId, request, nowMs());
    if (unauthentic) return unauthentic;
    const members = this.authority.members;
    if (!members) return request.actor ? undefined : 'actor is required: say who resolves the sync';
    return whyActorMayNotAct(request.actor, [SYNC_FALLOUT_QUEUE], undefined, { [SYNC_FALLOUT_QUEUE]: { members, assignment: 'none' } });
  }

  private write(fields: Omit<SyncLogRecord, 'id' | 'process' | 'trigger' | 'at'>): void {
    this.log.push({ id: `${workflowInfo().workflowId}#${this.log.length + 1}`, process: this.process, trigger: this.trigger, at: now(), ...fields });
  }

  /** One Retrying record per spell of failures: the last one is kept up to date rather than one added per attempt. */
  private writeRetrying(stepName: string, sourceRecord: string, errorMessage: string, attempt: number): void {
    const last = this.log.at(-1);
    if (last && last.outcome === 'Retrying' && last.step === stepName) {
      Object.assign(last, { errorMessage, attempts: attempt, at: now() });
      return;
    }
    this.write({ step: stepName, sourceRecord, outcome: 'Retrying', errorMessage, attempts: attempt });
  }

  private publishRecords(): void {
    const ids = [...new Set(Object.values(this.records))].sort();
    upsertSearchAttributes([{ key: SyncRecordsKey, value: ids.join(' ') }]);
  }
}

/**
 * Whether a failed step may pass if tried again, and what to log. A step fails through its activity, or through
 * a check the workflow makes itself (totals that differ, a record that may not be synced), which throws an
 * ApplicationFailure; anything else is a bug and fails the workflow task.
 */
function describeFailure(error: unknown): { retryable: boolean; message: string } {
  if (error instanceof ApplicationFailure) return { retryable: !error.nonRetryable, message: error.message };
  if (error instanceof ActivityFailure) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure) return { retryable: !cause.nonRetryable, message: cause.message };
    if (cause instanceof TimeoutFailure) return { retryable: true, message: `the step timed out (${cause.timeoutType}): the worker may have stopped, or the system did not answer` };
    return { retryable: true, message: cause?.message ?? error.message };
  }
  throw error;
}
