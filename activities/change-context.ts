import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { checkChangeOrder, type ChangeContext } from '../domain/change-order';
import type { Order } from '../domain/order';
import { InvalidInput } from '../domain/problems';
import { orderRecordQuery, type OrderRecord } from '../workflows/messages';
import { orderIdOfWorkflowId, orderWorkflowId } from '../workflows/ids';

const SETTLED_AWAY = new Set(['rejected', 'cancelled', 'failed']);

/**
 * Reads the change order's context from Temporal (the original's `order` query; earlier change orders
 * through the ChangeOf search attribute) and checks the change against it. Used by the client before a
 * change order starts and by the worker when it runs, so both refuse the same things the same way.
 */
export async function loadChangeContext(client: Client, change: Order): Promise<ChangeContext> {
  const originalId = change.changeOf!;
  const original = await readRecord(client, originalId);
  if (!original) {
    throw new InvalidInput(`change order ${change.id}`, [{ path: 'changeOf', message: `no order ${originalId} is known`, fix: 'name the id of the order this change applies to' }]);
  }
  const invoice = original.invoices.find((document) => document.kind === 'invoice');
  // A partial order is changed as delivered: its record holds the items it delivered and billed.
  if ((original.state !== 'completed' && original.state !== 'partial') || !invoice) {
    throw new InvalidInput(`change order ${change.id}`, [
      {
        path: 'changeOf',
        message: `order ${originalId} is ${original.state} and not billed yet, so there is nothing to change against`,
        fix: `wait until it completes, or, before its point of no return, cancel it (ordo cancel ${originalId})`,
      },
    ]);
  }
  const previous: Array<{ order: Order; startedAt: number }> = [];
  for await (const execution of client.workflow.list({ query: `ChangeOf = "${originalId}" AND WorkflowType = "OrderWorkflow"` })) {
    if (execution.workflowId === orderWorkflowId(change.id)) continue;
    const record = await readRecord(client, orderIdOfWorkflowId(execution.workflowId)!);
    if (record && !SETTLED_AWAY.has(record.state)) previous.push({ order: record.order, startedAt: execution.startTime.getTime() });
  }
  previous.sort((a, b) => a.startedAt - b.startedAt);
  const context = { original: original.order, originalInvoice: invoice, previous: previous.map((p) => p.order) };
  const problems = checkChangeOrder(change, context.original, context.previous);
  if (problems.length > 0) throw new InvalidInput(`change order ${change.id}`, problems);
  return context;
}

async function readRecord(client: Client, orderId: string): Promise<OrderRecord | undefined> {
  try {
    return await client.workflow.getHandle(orderWorkflowId(orderId)).query(orderRecordQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}
