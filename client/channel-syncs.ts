import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { newOrderSyncWorkflowId } from '../workflows/ids';
import type { NewOrderSyncInput } from '../workflows/sync-messages';

/**
 * Starts the new order sync of one storefront order (storefront → CPQ → Ordo). Its workflow id is the order's
 * (`sync-new-order-<SO id>`), so a second start, whoever triggers it (the intake, `ordo checkout --sync`), finds the
 * first and starts nothing: `{ started: false }`. A sync that failed or was terminated may be started again: the
 * new run finds what the old one made by its source ids.
 */
export async function startNewOrderSync(client: Client, taskQueue: string, storefrontOrderId: string, trigger: string): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = newOrderSyncWorkflowId(storefrontOrderId);
  const input: NewOrderSyncInput = { storefrontOrderId, trigger };
  try {
    await client.workflow.start('NewOrderSyncWorkflow', { workflowId, taskQueue, args: [input], workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' });
    return { workflowId, started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw error;
  }
}
