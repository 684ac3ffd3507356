import { approveOrder } from '../client/changes';
import { OrdoError } from '../client/errors';
import { whyActorMayNotAct } from '../domain/queues';
import type { ConsoleApp, ConsoleContext } from './context';
import { ConsoleRefusal, jsonBody, requireActor } from './http';
import type { ApprovalAnswer } from './page/order-types';

/**
 * The order page's approval (docs/console.md "Approvals"): POST /api/orders/:id/approval `{ approved, reason? }`
 * approves or refuses an order waiting `pending` for the approval its catalog asks for, as the signed-in user (never
 * a name from the request), through the same client call as `ordo approve`, signed with the user's operator key in
 * `signed` mode. A user in none of the order's approval queues is refused 403 before anything is sent; the order
 * itself checks membership again, and refuses an order no longer pending (409), as it refuses the CLI.
 */
export function approvalRoutes(app: ConsoleApp, context: ConsoleContext): void {
  app.post('/api/orders/:id/approval', async (c) => {
    const user = requireActor(c);
    const orderId = c.req.param('id');
    const { approved, reason } = approvalOf(await jsonBody(c));
    const summary = await context.client.getSummary(orderId);
    if (summary.state === 'pending' && summary.approval?.state === 'waiting') {
      const notMember = whyActorMayNotAct(user.name, summary.approval.queues, undefined, context.config.queues);
      if (notMember) throw new ConsoleRefusal('forbidden', notMember.replace('act on this step', `approve order ${orderId}`));
    }
    const operator = context.operatorFor(user);
    const answer = await approveOrder(operator.client, orderId, { actor: user.name, approved, ...(reason ? { reason } : {}) }, operator.signer);
    return c.json<ApprovalAnswer>({ orderId: answer.orderId, approved, actor: user.name, ...(reason ? { reason } : {}) });
  });
}

function approvalOf(body: unknown): { approved: boolean; reason?: string } {
  const record = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (typeof record.approved !== 'boolean') throw new OrdoError('invalid', 'approved is required: true to approve, false to refuse', [{ path: 'approved', message: 'is required (true or false)', fix: 'send { "approved": true } or { "approved": false, "reason": "…" }' }]);
  if (record.reason !== undefined && typeof record.reason !== 'string') throw new OrdoError('invalid', 'reason must be text', [{ path: 'reason', message: 'must be text' }]);
  const reason = typeof record.reason === 'string' ? record.reason.trim() : '';
  if (!record.approved && !reason) throw new OrdoError('invalid', 'say why the order is refused: it ends rejected with this reason', [{ path: 'reason', message: 'is required to refuse', fix: 'give the reason, e.g. "credit check failed"' }]);
  return { approved: record.approved, ...(reason ? { reason } : {}) };
}
