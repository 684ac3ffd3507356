import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { invoicePaymentQuery, invoicePaymentWorkflowId, resolveCollectionsUpdate, type CollectionsAction, type InvoicePaymentView } from '../workflows/payment-messages';
import { OrdoError } from './errors';
import { signRequest, type OperatorSigner } from './operator-credentials';
import { visibilityLiteral } from './worklists';

/**
 * The collections queue (docs/billing.md "Payments"): invoice payments whose last dunning retry was declined wait
 * for an operator, found by visibility (`BillingState = "Collections"`), resolved with the workflow's
 * `resolveCollections` update, which answers once the action is done.
 */

export async function listCollections(temporal: Client, accountId?: string): Promise<InvoicePaymentView[]> {
  const account = accountId !== undefined ? ` AND AccountId = ${visibilityLiteral(accountId, 'account')}` : '';
  const query = `WorkflowType = "InvoicePaymentWorkflow" AND BillingState = "Collections" AND ExecutionStatus = "Running"${account}`;
  const views: InvoicePaymentView[] = [];
  for await (const execution of temporal.workflow.list({ query })) {
    try {
      const view = await temporal.workflow.getHandle(execution.workflowId).query(invoicePaymentQuery);
      // Visibility lags the workflow by a moment: only what is in collections now is listed.
      if (view.state === 'Collections') views.push(view);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return views.sort((a, b) => (a.collections?.since ?? '').localeCompare(b.collections?.since ?? '') || a.invoiceId.localeCompare(b.invoiceId));
}

/** One operator action on an invoice in collections; refused (exit 1) with the workflow's reason when it cannot be taken. */
export async function resolveCollections(temporal: Client, invoiceId: string, action: CollectionsAction, signer?: OperatorSigner): Promise<InvoicePaymentView> {
  if (signer && action.actor !== signer.operator) throw new OrdoError('refused', `you act as ${signer.operator} (your credential), not ${action.actor}`);
  const workflowId = invoicePaymentWorkflowId(invoiceId);
  try {
    return await temporal.workflow.getHandle(workflowId).executeUpdate(resolveCollectionsUpdate, { args: [signRequest(signer, 'resolveCollections', workflowId, action)] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new OrdoError('refused', `invoice ${invoiceId}: ${error.cause?.message ?? error.message}`);
    if (error instanceof WorkflowNotFoundError) {
      throw new OrdoError('not-found', `invoice ${invoiceId} has no payment in progress (no running workflow ${invoicePaymentWorkflowId(invoiceId)}); see \`ordo collections\``);
    }
    throw error;
  }
}
