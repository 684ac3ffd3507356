import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { checkOrder } from '../../client/check-order';
import { OrdoError } from '../../client/errors';
import type { Catalog } from '../../domain/catalog';
import { buildInvoice, type InvoiceSettings } from '../../domain/invoice';
import { sameAmount } from '../../domain/money';
import { InvalidInput } from '../../domain/problems';
import { startOrderWorkflow } from '../start-order-workflow';
import type { ChannelActivities } from '../types';

export interface OrdoOrderDependencies {
  billing: InvoiceSettings;
  catalog: Catalog;
  /** The worker's client and task queue: the order runs where the sync does. */
  temporal?: { client: Client; taskQueue: string };
}

/** The last steps of a sync: the Ordo order of the sale, checked against the channel's total, then submitted. */
export function ordoOrderActivities(deps: OrdoOrderDependencies): Pick<ChannelActivities, 'checkInvoiceTotal' | 'submitOrdoOrder'> {
  return {
    async checkInvoiceTotal({ order, total, totalOf }) {
      let invoiceTotal: string;
      try {
        invoiceTotal = buildInvoice(order, deps.billing, { id: `CHECK-${order.id}` }).total;
      } catch (error) {
        if (error instanceof InvalidInput) throw ApplicationFailure.nonRetryable(`order ${order.id} cannot be invoiced: ${error.message}`, 'InvalidInput', error.problems);
        throw error;
      }
      if (!sameAmount(invoiceTotal, total)) {
        throw ApplicationFailure.nonRetryable(`the Ordo invoice of order ${order.id} would total ${invoiceTotal}, but ${totalOf} totals ${total}`, 'TotalMismatch');
      }
      return { total: invoiceTotal };
    },

    async submitOrdoOrder(input) {
      if (!deps.temporal) throw ApplicationFailure.nonRetryable('channel syncs need the worker to have a Temporal client to submit orders', 'Misconfigured');
      let order;
      try {
        order = checkOrder(input, deps.catalog);
      } catch (error) {
        if (error instanceof OrdoError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidInput', error.problems);
        throw error;
      }
      try {
        const { workflowId } = await startOrderWorkflow(deps.temporal.client, deps.temporal.taskQueue, order);
        return { orderId: order.id, workflowId, existing: false };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return { orderId: order.id, workflowId: error.workflowId, existing: true };
        throw error;
      }
    },
  };
}
