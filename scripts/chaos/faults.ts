import type { FaultSpec } from '../../simulators/faults';

/**
 * Fault injection at run time through the simulators' admin routes (simulators/README.md, `/_faults`). A fault set
 * stays to the end of the run (an outage ends by itself after its outageMs).
 */

export interface FaultEvent {
  system: string;
  spec: FaultSpec;
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

  private record(system: string, spec: FaultSpec): void {
    const now = Date.now();
    this.events.push({ system, spec, at: new Date(now).toISOString(), afterMs: now - this.startedAt });
    this.log(`fault ${system}: ${JSON.stringify(spec)} at +${Math.round((now - this.startedAt) / 1000)}s`);
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

/** What the systems saw of the faults (their call logs): evidence the run was as rough as it says. */
export interface FaultsFelt {
  /** Inventory calls refused 503 `outage`. */
  outageRefusals: number;
  /** Invoice calls billing did and then lost the answer of (failAfterWork): each one's retry must not bill again. */
  billingAnswersLost: number;
  /** Invoice calls billing answered with the stored answer (the same Idempotency-Key again): no second invoice. */
  billingReplays: number;
  /** The slowest shipping call, in ms. */
  slowestShippingMs: number;
  /** Calls each system received (its call log keeps the last 5000). */
  calls: Record<string, number>;
}

interface LoggedCall {
  operation: string;
  status: number;
  replayed: boolean;
  fault: string | null;
  durationMs: number;
  response?: { duplicate?: boolean } | null;
}

/** The error code of billing's lost answers, so the call log tells them from other failures. */
export const LOST_ANSWER = 'lost-answer';

export async function faultsFelt(systemUrl: (system: string) => string): Promise<FaultsFelt> {
  const calls = async (system: string) => {
    const response = await fetch(`${systemUrl(system)}/calls`, { signal: AbortSignal.timeout(30_000) });
    return response.ok ? ((await response.json()) as { calls: LoggedCall[] }).calls : [];
  };
  const [inventory, billing, shipping] = await Promise.all([calls('inventory'), calls('billing'), calls('shipping')]);
  const invoices = billing.filter((call) => call.operation === 'invoices');
  return {
    outageRefusals: inventory.filter((call) => call.fault === 'outage').length,
    billingAnswersLost: invoices.filter((call) => call.fault === LOST_ANSWER).length,
    billingReplays: invoices.filter((call) => call.fault === null && (call.replayed || call.response?.duplicate === true)).length,
    slowestShippingMs: Math.max(0, ...shipping.map((call) => call.durationMs)),
    calls: { inventory: inventory.length, billing: billing.length, shipping: shipping.length },
  };
}
