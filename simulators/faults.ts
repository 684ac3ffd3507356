import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { HttpError } from './http';

/**
 * Fault injection: make a system (or one of its operations) slow, flaky or down, at start or at run
 * time, so retries, fallout and SLA jeopardy can be exercised for real. Faults apply to the business
 * POSTs of a system (callouts, billing's invoices, webhook deliveries), never to GETs or admin routes.
 */

export const FaultSpecSchema = z.strictObject({
  /** Only this operation; without it the fault covers the whole system. */
  operation: z.string().min(1).optional(),
  latencyMs: z.number().min(0).optional(),
  /** Up to this much extra latency, uniformly random. */
  latencyJitterMs: z.number().min(0).optional(),
  /** Probability (0..1) that a call fails. */
  errorRate: z.number().min(0).max(1).optional(),
  /** Status of injected failures (default 503). */
  errorStatus: z.number().int().min(400).max(599).optional(),
  /** Error code of injected failures (default `injected-fault`), e.g. to exercise a fallout rule. */
  errorCode: z.string().min(1).optional(),
  /** The system is down (503 `outage`) from the moment the fault is set, for this long. */
  outageMs: z.number().min(0).optional(),
  /** The next N calls fail, deterministically. */
  failNext: z.number().int().min(0).optional(),
  /**
   * Injected failures happen after the work is done and stored: the caller sees an error but the
   * effect exists — a lost response. Exercises idempotent retries. Outages always fail before the work.
   */
  failAfterWork: z.boolean().optional(),
});
export type FaultSpec = z.infer<typeof FaultSpecSchema>;

/** `{ "<system>": spec | [spec, …] }` — the fault file format (JSON or YAML) and the `faults` option. */
export const FaultsConfigSchema = z.record(z.string(), z.union([FaultSpecSchema, z.array(FaultSpecSchema)]));
export type FaultsConfig = z.infer<typeof FaultsConfigSchema>;

/** A failure made up by fault injection (as opposed to a real answer of the system). */
export class InjectedFault extends HttpError {}

/** What `GET /_faults` shows for one active fault. */
export interface FaultView extends Omit<FaultSpec, 'outageMs' | 'failNext'> {
  outageUntil?: string;
  failNext?: number;
}

interface ActiveFault {
  spec: FaultSpec;
  outageUntil?: number;
  failNextRemaining: number;
}

/** The fault that applies to one call, decided when it arrives. */
export interface FaultDecision {
  latencyMs: number;
  failure?: InjectedFault;
  failAfterWork: boolean;
}

/** The rule key of a system-wide fault. */
const WHOLE_SYSTEM = '';

export class FaultBook {
  private readonly rules = new Map<string, Map<string, ActiveFault>>();

  /**
   * @param operations per system, the operations a fault may name; `undefined` accepts any name
   *   (the webhook has no fixed operations)
   */
  constructor(private readonly operations: Record<string, readonly string[] | undefined>) {}

  /** Sets (replaces) the fault for the system, or for one operation when `spec.operation` is given. */
  set(system: string, spec: FaultSpec): FaultView {
    this.checkSystem(system);
    const known = this.operations[system];
    if (spec.operation !== undefined && known && !known.includes(spec.operation)) {
      throw new HttpError(400, 'invalid-request', `${system} has no operation "${spec.operation}" (it has: ${known.join(', ')})`, {
        field: 'operation',
      });
    }
    const fault: ActiveFault = {
      spec,
      outageUntil: spec.outageMs ? Date.now() + spec.outageMs : undefined,
      failNextRemaining: spec.failNext ?? 0,
    };
    let systemRules = this.rules.get(system);
    if (!systemRules) this.rules.set(system, (systemRules = new Map()));
    systemRules.set(spec.operation ?? WHOLE_SYSTEM, fault);
    return view(fault);
  }

  setAll(config: FaultsConfig): void {
    for (const [system, specs] of Object.entries(config)) {
      for (const spec of Array.isArray(specs) ? specs : [specs]) this.set(system, spec);
    }
  }

  /** Clears every fault of the system, or only the one of `operation`. */
  clear(system: string, operation?: string): void {
    this.checkSystem(system);
    if (operation === undefined) this.rules.delete(system);
    else this.rules.get(system)?.delete(operation);
  }

  clearAll(): void {
    this.rules.clear();
  }

  list(): Record<string, FaultView[]> {
    const out: Record<string, FaultView[]> = {};
    for (const [system, systemRules] of this.rules) {
      if (systemRules.size > 0) out[system] = [...systemRules.values()].map(view);
    }
    return out;
  }

  /** Decides the fate of one call. The most specific fault wins: the operation's, else the system's. */
  decide(system: string, operation: string): FaultDecision {
    const systemRules = this.rules.get(system);
    const fault = systemRules?.get(operation) ?? systemRules?.get(WHOLE_SYSTEM);
    if (!fault) return { latencyMs: 0, failAfterWork: false };
    const { spec } = fault;
    const latencyMs = (spec.latencyMs ?? 0) + Math.random() * (spec.latencyJitterMs ?? 0);

    const now = Date.now();
    if (fault.outageUntil !== undefined && fault.outageUntil > now) {
      const remainingMs = fault.outageUntil - now;
      return {
        latencyMs,
        failAfterWork: false,
        failure: new InjectedFault(
          503,
          'outage',
          `${system} is in a simulated outage for another ${remainingMs} ms`,
          {},
          { 'retry-after': String(Math.ceil(remainingMs / 1000)) },
        ),
      };
    }

    let fails = false;
    if (fault.failNextRemaining > 0) {
      fault.failNextRemaining -= 1;
      fails = true;
    } else if (spec.errorRate !== undefined && Math.random() < spec.errorRate) {
      fails = true;
    }
    if (!fails) return { latencyMs, failAfterWork: false };
    return {
      latencyMs,
      failAfterWork: spec.failAfterWork ?? false,
      failure: new InjectedFault(
        spec.errorStatus ?? 503,
        spec.errorCode ?? 'injected-fault',
        `simulated failure of ${system}/${operation} (fault injection)`,
      ),
    };
  }

  /**
   * Applies a call's fault up to the point where the work would start: waits out the latency, and
   * throws a failure that happens before the work. Returns the failure to raise after the work, if any.
   */
  async enter(system: string, operation: string, signal: AbortSignal): Promise<InjectedFault | undefined> {
    const decision = this.decide(system, operation);
    if (decision.latencyMs > 0) await delay(decision.latencyMs, undefined, { signal });
    if (decision.failure && !decision.failAfterWork) throw decision.failure;
    return decision.failure;
  }

  private checkSystem(system: string): void {
    if (!(system in this.operations)) {
      throw new HttpError(404, 'unknown-system', `there is no simulated system "${system}" (there are: ${Object.keys(this.operations).join(', ')})`);
    }
  }
}

function view(fault: ActiveFault): FaultView {
  const { outageMs: _outageMs, failNext: _failNext, ...rest } = fault.spec;
  return {
    ...rest,
    ...(fault.outageUntil !== undefined ? { outageUntil: new Date(fault.outageUntil).toISOString() } : {}),
    ...(fault.spec.failNext !== undefined ? { failNext: fault.failNextRemaining } : {}),
  };
}
