import { z } from 'zod';
import { whyActorMayNotAct, type QueueDirectory } from './queues';

/**
 * An approval decision as the console and the TMF622 API take it: the `approveOrder` update's fields without who
 * sends it (the console's signed-in user; the API key, or an `actor` the key may name) and without the credential.
 */

const refusedNeedsReason = (decision: { approved: boolean; reason?: string }) => decision.approved || !!decision.reason;
const REASON_REQUIRED = { path: ['reason'], message: 'is required to refuse: say why (the order ends rejected with this reason)' };

const Decision = z.strictObject({
  approved: z.boolean({ error: 'is required: true approves (fulfillment starts), false refuses (the order ends rejected)' }),
  reason: z
    .string({ error: 'must be text: why, e.g. "credit checked"' })
    .trim()
    .optional()
    .transform((reason) => reason || undefined),
});

/** The console's: the actor is the signed-in user, never a name in the request. */
export const ApprovalDecision = Decision.refine(refusedNeedsReason, REASON_REQUIRED);
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

/** The API's: `actor` is who the key says approves (one of its `actors` in api.keys), by default the key's name. */
export const ApiApprovalDecision = Decision.extend({ actor: z.string({ error: 'must be a name' }).trim().min(1, 'must be a name').optional() }).refine(refusedNeedsReason, REASON_REQUIRED);
export type ApiApprovalDecision = z.infer<typeof ApiApprovalDecision>;

/**
 * Why `actor` may not approve order `orderId`, or undefined when they may: a member of one of its approval `queues`
 * may (the order's own check, workflows/order-messages.ts, in the same words), so a console or API refuses first.
 */
export function whyActorMayNotApprove(actor: string, orderId: string, queues: readonly string[], directory: QueueDirectory): string | undefined {
  return whyActorMayNotAct(actor, queues, undefined, directory)?.replace('act on this step', `approve order ${orderId}`);
}
