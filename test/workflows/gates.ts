import { Context } from '@temporalio/activity';

/**
 * Gates for stubbed activities: a test closes a gate, the activity that reaches it waits until the test opens
 * it, so the test decides what happens first. A waiting activity also gives up when Temporal cancels it (a
 * worker shutting down at the end of a test), so no test leaves one hanging.
 */
export class Gates {
  private readonly closed = new Map<string, { open: () => void; opened: Promise<void> }>();
  private readonly arrivedAt = new Map<string, number>();

  close(name: string): void {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.closed.set(name, { open, opened });
  }

  open(name: string): void {
    this.closed.get(name)?.open();
    this.closed.delete(name);
  }

  openAll(): void {
    for (const name of [...this.closed.keys()]) this.open(name);
  }

  /** How many times an activity reached the gate (open or closed). */
  arrivals(name: string): number {
    return this.arrivedAt.get(name) ?? 0;
  }

  /** Called by a stub: returns at once if the gate is open, else when it opens or the activity is cancelled. */
  async pass(name: string): Promise<void> {
    this.arrivedAt.set(name, this.arrivals(name) + 1);
    const gate = this.closed.get(name);
    if (!gate) return;
    const signal = Context.current().cancellationSignal;
    await Promise.race([gate.opened, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))]);
  }
}
