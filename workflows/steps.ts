import { ActivityFailure, ApplicationFailure, proxyActivities, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { OrdoActivities } from '../activities/types';
import type { StepDefinition } from '../domain/catalog';
import type { FulfillmentLineItem, FulfillmentOrder } from '../domain/plan';
import { retryDelay } from '../domain/retry';
import { stepCallKey } from '../domain/step-keys';
import { moveStep } from './state-machines';
import type { StepError, StepStatus } from './types';

/**
 * How each step type does its work. Retries of callouts and auto tasks follow the step's own policy
 * (immediate, fixed, staggered) and are run here, in the workflow, so that every attempt, its error and
 * the wait before the next one are visible on the step; Temporal itself makes one attempt per call.
 */

const { callout, runAutoTask } = proxyActivities<OrdoActivities>({
  startToCloseTimeout: '2 minutes',
  // Callouts heartbeat while they wait, so a cancelled order stops them promptly and a lost worker is noticed soon.
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});

export interface StepContext {
  orderId: string;
  fulfillmentOrder: FulfillmentOrder;
  /** The split's line items as they are now (attribute updates replace entries). */
  lineItems: ReadonlyMap<string, FulfillmentLineItem>;
  /** Outputs of the finished steps, by step id. */
  outputs: ReadonlyMap<string, unknown>;
  /** Where the split ships now: the plan's, or the latest amended plan's (ChangeDeliveryAddress). */
  deliveryAddress?: FulfillmentOrder['deliveryAddress'];
}

export type AttemptOutcome = { ok: true; output: unknown } | { ok: false; error: StepError };

/** Runs the step's work, retrying per its policy; answers the output, or the last error once retries are spent. */
export async function attemptWithPolicy(step: StepStatus, definition: StepDefinition, context: StepContext): Promise<AttemptOutcome> {
  for (let attempt = 1; ; attempt++) {
    step.attempts = attempt;
    moveStep(step, 'InProgress');
    try {
      return { ok: true, output: await doWork(step, definition, context) };
    } catch (error) {
      const described = describeFailure(error, attempt);
      step.error = described.error;
      const delay = described.retryable ? retryDelay(definition.fallout?.retry, attempt) : undefined;
      if (delay === undefined) return { ok: false, error: described.error };
      moveStep(step, 'Failed');
      if (delay > 0) await sleep(delay);
    }
  }
}

function doWork(step: StepStatus, definition: StepDefinition, context: StepContext): Promise<unknown> {
  const fo = context.fulfillmentOrder;
  const lineItems = step.lineItemIds.map((id) => context.lineItems.get(id)).filter((li): li is FulfillmentLineItem => li !== undefined);
  const input = Object.fromEntries(step.dependsOn.filter((id) => context.outputs.has(id)).map((id) => [id, context.outputs.get(id)]));
  const common = { orderId: context.orderId, fulfillmentOrderId: fo.id, stepId: step.id, location: fo.location, system: fo.system, lineItems, input };
  if (step.type === 'callout') {
    return callout({
      call: definition.call!,
      // Stable across retries and operator retries of this step: the system deduplicates on it.
      idempotencyKey: stepCallKey(context.orderId, fo.id, step),
      body: { ...common, deliveryGroupId: fo.deliveryGroupId, ...(context.deliveryAddress ? { deliveryAddress: context.deliveryAddress } : {}), ...(fo.location ? { items: stockItems(lineItems) } : {}) },
    });
  }
  return runAutoTask({ handler: definition.handler!, context: common });
}

/** What a physical split takes from stock, summed by ordered product: the body inventory reserves and releases by. */
function stockItems(lineItems: FulfillmentLineItem[]): Array<{ product: string; quantity: number }> {
  const totals = new Map<string, number>();
  for (const li of lineItems) for (const [product, quantity] of Object.entries(li.orderedProducts ?? {})) totals.set(product, (totals.get(product) ?? 0) + quantity);
  return [...totals].map(([product, quantity]) => ({ product, quantity }));
}

function describeFailure(error: unknown, attempt: number): { retryable: boolean; error: StepError } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    const details = (cause.details?.[0] ?? {}) as { status?: number; code?: string };
    return {
      retryable: !cause.nonRetryable,
      error: { message: cause.message, type: cause.type ?? undefined, status: details.status, code: details.code, attempts: attempt },
    };
  }
  if (cause instanceof TimeoutFailure) {
    return { retryable: true, error: { message: `timed out (${cause.timeoutType})`, type: 'Timeout', code: 'timeout', attempts: attempt } };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { retryable: true, error: { message, type: 'Error', attempts: attempt } };
}
