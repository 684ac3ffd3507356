import { approveOrder } from '../client/changes';
import { ApprovalDecision, whyActorMayNotApprove } from '../domain/approval-decision';
import { parseWith } from '../domain/problems';
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
    const { approved, reason } = parseWith(ApprovalDecision, await jsonBody(c), 'the approval');
    const summary = await context.client.getSummary(orderId);
    if (summary.state === 'pending' && summary.approval?.state === 'waiting') {
      const notMember = whyActorMayNotApprove(user.name, orderId, summary.approval.queues, context.config.queues);
      if (notMember) throw new ConsoleRefusal('forbidden', notMember);
    }
    const operator = context.operatorFor(user);
    const answer = await approveOrder(operator.client, orderId, { actor: user.name, approved, ...(reason ? { reason } : {}) }, operator.signer);
    return c.json<ApprovalAnswer>({ orderId: answer.orderId, approved, actor: user.name, ...(reason ? { reason } : {}) });
  });
}
