import type { FaultSpec } from '../../simulators/faults';

/** Fault injection at run time through the simulators' admin routes (simulators/README.md, `/_faults`). */

export interface FaultEvent {
  system: string;
  spec: FaultSpec | 'cleared';
  at: string;
  afterMs: number;
}

export class FaultControl {
  readonly events: FaultEvent[] = [];

  constructor(private readonly simulatorsUrl: string, private readonly startedAt: number, private readonly log: (line: string) => void) {}

  async set(system: string, spec: FaultSpec): Promise<void> {
    await this.call('PUT', `/_faults/${system}`, spec);
    this.record(system, spec);
  }

  async clearAll(): Promise<void> {
    await this.call('DELETE', '/_faults');
    this.record('*', 'cleared');
  }

  private record(system: string, spec: FaultSpec | 'cleared'): void {
    const now = Date.now();
    this.events.push({ system, spec, at: new Date(now).toISOString(), afterMs: now - this.startedAt });
    this.log(`fault ${system}: ${spec === 'cleared' ? 'cleared' : JSON.stringify(spec)} at +${Math.round((now - this.startedAt) / 1000)}s`);
  }

  private async call(method: string, route: string, body?: unknown): Promise<void> {
    const response = await fetch(`${this.simulatorsUrl}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`the simulators refused ${method} ${route}: ${response.status} ${await response.text()}`);
  }
}
