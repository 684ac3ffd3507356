import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { checkOrder } from '../../client/check-order';
import { OrdoError } from '../../client/errors';
import type { SystemEndpoint } from '../../config/schema';
import type { Catalog } from '../../domain/catalog';
import { buildInvoice, type InvoiceSettings } from '../../domain/invoice';
import { sameAmount } from '../../domain/money';
import { OrderPayment, type Order } from '../../domain/order';
import { InvalidInput } from '../../domain/problems';
import { callSystem } from '../http';
import { startOrderWorkflow } from '../start-order-workflow';
import type { ChannelActivities } from '../types';

export interface OrdoOrderDependencies {
  billing: InvoiceSettings;
  catalog: Catalog;
  /** The worker's client and task queue: the order runs where the sync does. */
  temporal?: { client: Client; taskQueue: string };
  /** The storefront, to read a checkout's payment method (token and authorization) into the Ordo order. */
  storefront?: () => SystemEndpoint;
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
        order = checkOrder(await withCheckoutPayment(input, deps.storefront), deps.catalog);
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

/**
 * The order with the payment method of the storefront checkout it came from: the card token and the gateway
 * authorization taken for the order total (settled later by its first invoice), or the account reference. The
 * storefront answers its token to the connector only; a card number is never in it. An order that has a payment
 * already, or did not come from a checkout, is returned as it is.
 */
async function withCheckoutPayment(order: Order, storefront: (() => SystemEndpoint) | undefined): Promise<Order> {
  const storefrontOrder = order.links?.storefrontOrder;
  if (order.payment !== undefined || storefrontOrder === undefined || storefront === undefined) return order;
  const endpoint = storefront();
  const signal = Context.current().cancellationSignal;
  const sale = await callSystem<{ paymentId?: string; origin?: string }>({ system: 'storefront', endpoint, method: 'GET', path: `orders/${encodeURIComponent(storefrontOrder)}`, signal });
  if (sale.paymentId === undefined || sale.origin !== 'checkout') return order;
  const method = await callSystem<unknown>({ system: 'storefront', endpoint, method: 'GET', path: `payments/${encodeURIComponent(sale.paymentId)}/method`, signal });
  const payment = OrderPayment.safeParse(method);
  return payment.success ? { ...order, payment: payment.data } : order;
}
