import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { newOrderSyncWorkflowId } from '../workflows/ids';
import { SyncRecordsKey } from '../workflows/search-attributes';
import type { NewOrderSyncInput } from '../workflows/sync-messages';

/**
 * Starts the new order sync of one storefront order (storefront → CPQ → Ordo). Its workflow id is the order's
 * (`sync-new-order-<SO id>`), so a second start, whoever triggers it (the intake, `ordo checkout --sync`), finds the
 * first and starts nothing: `{ started: false }`.
 */
export async function startNewOrderSync(client: Client, taskQueue: string, storefrontOrderId: string, trigger: string): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = newOrderSyncWorkflowId(storefrontOrderId);
  const input: NewOrderSyncInput = { storefrontOrderId, trigger };
  try {
    await client.workflow.start('NewOrderSyncWorkflow', {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // Findable by its source order (`ordo sync-log --order SO-…`) from the start; the sync adds each twin's id.
      typedSearchAttributes: [{ key: SyncRecordsKey, value: [storefrontOrderId] }],
    });
    return { workflowId, started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw error;
  }
}
