import { WorkflowNotFoundError } from '@temporalio/client';
import type { OrdoClient } from '../../client/ordo-client';
import { orderWorkflowId } from '../../workflows/ids';
import type { OrderSummary } from '../../workflows/types';
import type { OrderOutcome } from './checks';

/**
 * Where one order is: asked of Temporal, never of a record the run kept, so an order Temporal lost shows as lost.
 * A closed order answers with its workflow's result (no worker needed to replay it for a query); a running one is
 * queried for its summary and, when a step is in fallout, its plan for the step and queue.
 */
export async function observeOrder(client: OrdoClient, orderId: string): Promise<OrderOutcome> {
  const handle = client.temporal.workflow.getHandle(orderWorkflowId(orderId));
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { kind: 'lost' };
    throw error;
  }
  if (status !== 'RUNNING') {
    if (status !== 'COMPLETED') return { kind: 'ended', state: status.toLowerCase(), ...(await whyItEnded(handle)) };
    const summary = (await handle.result()) as OrderSummary;
    return summary.state === 'completed' ? { kind: 'completed' } : { kind: 'ended', state: summary.state, ...(summary.reason ? { reason: summary.reason } : {}) };
  }
  const summary = await client.getSummary(orderId);
  if (summary.fallout === 0) return { kind: 'unsettled', state: summary.state };
  const plan = await client.getPlan(orderId);
  const steps = plan.fulfillmentOrders.flatMap((fo) =>
    fo.steps
      .filter((step) => step.state === 'FatallyFailed')
      .map((step) => ({ stepId: `${fo.fulfillmentOrderId}/${step.id}`, ...(step.falloutQueue ? { queue: step.falloutQueue } : {}), ...(step.error ? { error: step.error.message } : {}) })),
  );
  return { kind: 'fallout', steps };
}

/** The failure a workflow that did not complete ended with, cause included ("Local Activity cancelled: Activity cancelled"). */
async function whyItEnded(handle: { result(): Promise<unknown> }): Promise<{ reason?: string }> {
  try {
    await handle.result();
    return {};
  } catch (error) {
    const causes: string[] = [];
    for (let e: Error | undefined = error as Error; e && causes.length < 4; e = (e as { cause?: Error }).cause) causes.push(e.message);
    return { reason: causes.join(': ') };
  }
}

/** Observes every order until each is settled (anything but `unsettled`) or the time is up; answers the last look at each. */
export async function settle(
  client: OrdoClient,
  orderIds: readonly string[],
  options: { timeoutMs: number; log: (line: string) => void },
): Promise<Map<string, OrderOutcome>> {
  const outcomes = new Map<string, OrderOutcome>(orderIds.map((id) => [id, { kind: 'unsettled', state: 'not looked at yet' }]));
  const deadline = Date.now() + options.timeoutMs;
  let lastSaid = 0;
  for (;;) {
    const open = orderIds.filter((id) => outcomes.get(id)!.kind === 'unsettled');
    await inBatches(open, 8, async (id) => {
      try {
        outcomes.set(id, await observeOrder(client, id));
      } catch (error) {
        // A query that timed out (a worker replaying a long history) is asked again at the next look.
        outcomes.set(id, { kind: 'unsettled', state: `not answering: ${(error as Error).message}` });
      }
    });
    const still = orderIds.filter((id) => outcomes.get(id)!.kind === 'unsettled').length;
    if (still === 0 || Date.now() >= deadline) return outcomes;
    if (Date.now() - lastSaid > 15_000) {
      options.log(`waiting for ${still} of ${orderIds.length} orders to complete or fall out`);
      lastSaid = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(work));
}
