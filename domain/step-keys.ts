/**
 * Idempotency keys of the calls a step makes to other systems. They travel in activity input, so they are in
 * recorded histories and in every receiving system's deduplication store: a key, once sent, never changes.
 */

/** A step run: the step's id and how many times it has been run (an amendment that changes its line items runs it again). */
export interface StepRun {
  id: string;
  runs?: number;
}

/**
 * `<orderId>/<fulfillmentOrderId>/<stepId>`, with `#<run>` from the second run on: stable across the activity's
 * own retries (the system deduplicates them), new for each run an amendment asks for.
 */
export function stepCallKey(orderId: string, fulfillmentOrderId: string, step: StepRun): string {
  const runs = step.runs ?? 1;
  return `${orderId}/${fulfillmentOrderId}/${step.id}${runs > 1 ? `#${runs}` : ''}`;
}

/** The undo of a step run: its call key with `/compensate`. */
export function compensationCallKey(orderId: string, fulfillmentOrderId: string, step: StepRun): string {
  return `${stepCallKey(orderId, fulfillmentOrderId, step)}/compensate`;
}

/** A jeopardy or late alert, once per step and stage: `alert:<orderId>/<fulfillmentOrderId>/<stepId>/<stage>`. */
export function slaAlertKey(alert: { orderId: string; fulfillmentOrderId: string; stepId: string; stage: string }): string {
  return `alert:${alert.orderId}/${alert.fulfillmentOrderId}/${alert.stepId}/${alert.stage}`;
}
