import { condition } from '@temporalio/workflow';
import { nowMs } from './clock';

export type SlaStage = 'inJeopardy' | 'late';

interface Watched {
  jeopardyAt?: number;
  lateAt: number;
  /** The stage reached so far. */
  reached?: SlaStage;
}

/**
 * Durable SLA timers for every running step of one fulfillment order, on ONE workflow timer: the watch
 * sleeps until the earliest deadline of all watched steps and re-arms only when a nearer one appears.
 * Steps that finish in time simply leave the watch, so a fast plan costs one timer, not two per step,
 * and a multi-day estimate is just a long timer (Temporal keeps it across worker restarts).
 */
export class SlaWatch {
  private readonly watched = new Map<string, Watched>();
  private stopped = false;

  constructor(private readonly onStage: (stepId: string, stage: SlaStage) => void) {}

  watch(stepId: string, deadlines: { jeopardyAt?: number; lateAt: number }): void {
    this.watched.set(stepId, { ...deadlines });
  }

  /** The step finished (or left InProgress for good): its timers no longer matter. */
  release(stepId: string): void {
    this.watched.delete(stepId);
  }

  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      const next = this.nextDeadline();
      if (next === undefined) {
        await condition(() => this.stopped || this.nextDeadline() !== undefined);
        continue;
      }
      // Wake at the deadline, or earlier when a nearer one appears or the plan is done.
      await condition(() => this.stopped || (this.nextDeadline() ?? Infinity) < next, Math.max(1, next - nowMs()));
      this.fireDue(nowMs());
    }
  }

  private nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const w of this.watched.values()) {
      const due = pendingDeadline(w);
      if (due !== undefined && (next === undefined || due < next)) next = due;
    }
    return next;
  }

  private fireDue(nowMs: number): void {
    for (const [stepId, w] of this.watched) {
      if (w.reached === undefined && w.jeopardyAt !== undefined && w.jeopardyAt <= nowMs) {
        w.reached = 'inJeopardy';
        this.onStage(stepId, 'inJeopardy');
      }
      if (w.reached !== 'late' && w.lateAt <= nowMs) {
        w.reached = 'late';
        this.onStage(stepId, 'late');
      }
    }
  }
}

function pendingDeadline(w: Watched): number | undefined {
  if (w.reached === 'late') return undefined;
  if (w.reached === undefined && w.jeopardyAt !== undefined) return w.jeopardyAt;
  return w.lateAt;
}
