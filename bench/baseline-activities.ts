import { ApplicationFailure } from '@temporalio/activity';
import type { SystemEndpoint } from '../config/schema';
import { buildInvoice, type Invoice, type InvoiceSettings } from '../domain/invoice';
import type { Order } from '../domain/order';
import { planLaptopOrder, productsToCheck, type BaselineLine, type BaselineOrder, type BaselineSplit, type Stock } from './baseline-plan';

/**
 * The like-for-like baseline's activities: the same HTTP calls to the same systems as Ordo's, made with a plain
 * `fetch` (no retry classification beyond 4xx-is-final: Temporal's default retry policy retries the rest).
 * `planOrder` and `issueInvoice` run as local activities, as Ordo's decomposition and billing do; the callouts and
 * the two auto tasks (pick list, customer notice) as activities, as in Ordo, since they stand for work with I/O.
 */

export interface CalloutCall {
  system: string;
  operation: string;
  /** Ordo's key: `<orderId>/<fulfillmentOrderId>/<stepId>` (domain/step-keys.ts), so the systems see the same keys. */
  idempotencyKey: string;
  body: unknown;
}

/** What an auto task gets: Ordo's AutoTaskContext, the fields these two handlers read. */
export interface TaskContext {
  orderId: string;
  fulfillmentOrderId: string;
  location?: string;
  lines: BaselineLine[];
}

export function createBaselineActivities(config: { systems: Record<string, SystemEndpoint>; billing: InvoiceSettings }) {
  const send = async (system: string, method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<unknown> => {
    const endpoint = config.systems[system];
    if (!endpoint) throw ApplicationFailure.nonRetryable(`no endpoint for system ${system}`, 'UnknownSystem');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
    const response = await fetch(`${endpoint.url.replace(/\/$/, '')}/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(endpoint.timeout),
    });
    const text = await response.text();
    if (response.ok) return text ? JSON.parse(text) : {};
    const message = `${system} answered ${response.status} to ${method} ${path}: ${text.slice(0, 200)}`;
    throw response.status < 500 ? ApplicationFailure.nonRetryable(message, 'Rejected') : ApplicationFailure.retryable(message, 'ServerError');
  };

  return {
    /** Stock first (the same availability call as Ordo's decomposition), then the hand-written plan. */
    async planOrder(order: BaselineOrder): Promise<BaselineSplit[]> {
      const stock = (await send('inventory', 'GET', `availability?products=${productsToCheck(order).map(encodeURIComponent).join(',')}`)) as Stock;
      try {
        return planLaptopOrder(order, stock);
      } catch (error) {
        throw ApplicationFailure.nonRetryable((error as Error).message, 'OutOfStock');
      }
    },

    async callout(call: CalloutCall): Promise<unknown> {
      return send(call.system, 'POST', encodeURIComponent(call.operation), call.body, call.idempotencyKey);
    },

    /** The warehouse pick list (Ordo's `pickList` handler, activities/handlers.ts). */
    async pickList(context: TaskContext): Promise<unknown> {
      return {
        pickListId: `PL-${context.orderId}-${context.fulfillmentOrderId}`,
        location: context.location,
        lines: context.lines.map((l) => ({ product: l.product, quantity: l.quantity, attributes: l.attributes })),
      };
    },

    /** Tells the customer their licences are active (Ordo's `notifyCustomer` handler: records what would be sent). */
    async notifyCustomer(context: TaskContext): Promise<unknown> {
      return { notified: true, about: context.lines.map((l) => l.product) };
    },

    /** The invoice, with Ordo's invoicing arithmetic, under Ordo's key and id: billing sees the same document. */
    async issueInvoice(order: BaselineOrder): Promise<{ id: string; total: string }> {
      const invoice: Invoice = buildInvoice(order as unknown as Order, config.billing, { id: `INV-${order.id}-1`, kind: 'invoice' });
      await send('billing', 'POST', 'invoices', invoice, `invoice:${order.id}:1`);
      return { id: invoice.id, total: invoice.total };
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
