import { z } from 'zod';

/**
 * The body of a callout, as Ordo's callout activity sends it. Unknown fields are kept (systems may
 * read extras such as inventory's `items` or `reservationId`), but the core must be there.
 */
export const CalloutLineItemSchema = z.looseObject({
  id: z.string().min(1),
  product: z.string().min(1),
  quantity: z.number().int().positive(),
  attributes: z.record(z.string(), z.unknown()).default({}),
});
export type CalloutLineItem = z.infer<typeof CalloutLineItemSchema>;

export const CalloutRequestSchema = z.looseObject({
  orderId: z.string().min(1),
  fulfillmentOrderId: z.string().min(1),
  stepId: z.string().min(1),
  lineItems: z.array(CalloutLineItemSchema),
  /** The fulfillment order's stock location; absent (or null) for digital fulfillment. */
  location: z.string().min(1).nullish(),
  input: z.unknown().optional(),
});
export type CalloutRequest = z.infer<typeof CalloutRequestSchema>;

/**
 * A field the caller may pass in several places, looked up most explicit first: the body, then
 * `input`, then each entry of `input` — Ordo puts the outputs of a step's dependencies there, keyed
 * by step id, so a release finds `input.reserve.reservationId`.
 */
export function requestField(request: CalloutRequest, name: string): unknown {
  if (request[name] !== undefined) return request[name];
  if (!isRecord(request.input)) return undefined;
  if (request.input[name] !== undefined) return request.input[name];
  for (const output of Object.values(request.input)) {
    if (isRecord(output) && output[name] !== undefined) return output[name];
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
