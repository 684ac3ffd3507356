import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Invoice } from '../../domain/invoice';
import { InvalidInput } from '../../domain/problems';
import {
  billDue,
  changeSubscription,
  subscriptionOf,
  usageWindowsDue,
  type Subscription,
  type SubscriptionSettings,
  type UsageWindow,
} from '../../domain/subscription';
import { subscriptionChangeOf } from '../../domain/subscription-change';
import type { UsagePrice, UsageRecord } from '../../domain/usage';
import { orderWorkflowId } from '../../workflows/ids';
import { AccountIdKey, BillingStateKey, OrderIdKey } from '../../workflows/search-attributes';
import {
  changeSubscriptionUpdate,
  SUBSCRIPTION_WORKFLOW_TYPE,
  subscriptionQuery,
  subscriptionWorkflowId,
  type SubscriptionInput,
  type SubscriptionView,
} from '../../workflows/subscription-messages';
import { sendBillingDocument } from '../billing-documents';
import { callSystem, systemEndpoint } from '../http';
import { startOrderWorkflow } from '../start-order-workflow';
import type { SubscriptionActivities, SubscriptionBilling } from '../types';
import type { BillingDependencies } from './dependencies';

/**
 * The subscription workflow's activities (activities/types.ts SubscriptionActivities): the arithmetic is
 * domain/subscription.ts's with the worker's billing config and catalog; every document goes to billing under its
 * own id as the Idempotency-Key, so a retried activity or a replayed workflow bills nothing twice.
 */
export function subscriptionActivities(deps: BillingDependencies): SubscriptionActivities {
  const { systems, billing } = deps.config;
  const settings = (): SubscriptionSettings => ({
    taxRates: billing.taxRates,
    defaultTaxCode: billing.defaultTaxCode,
    usagePrices: usagePricesOf(deps.catalog.products),
    recurring: billing.recurring,
  });

  return {
    async prepareSubscription({ order }) {
      return refusedAsInvalidInput(() => subscriptionOf(order, settings()));
    },

    async billSubscription({ subscription, asOf }) {
      const usage = await fetchUsage(subscription, refusedAsInvalidInput(() => usageWindowsDue(subscription, asOf)));
      const run = refusedAsInvalidInput(() => billDue(subscription, asOf, usage, billing));
      const issued: SubscriptionBilling['issued'] = [];
      for (const invoice of run.invoices) {
        const invoiceDate = billDateOf(invoice);
        await sendBillingDocument(systems, { ...invoice, subscriptionId: subscription.id, invoiceDate }, invoice.id);
        issued.push({ id: invoice.id, kind: invoice.kind, date: invoiceDate, total: invoice.total });
      }
      return { next: run.next, issued };
    },

    async billSubscriptionChange({ subscription, change }) {
      const run = refusedAsInvalidInput(() => changeSubscription(subscription, change, billing));
      const issued: SubscriptionBilling['issued'] = [];
      for (const document of [run.creditMemo, run.invoice]) {
        if (!document) continue;
        await sendBillingDocument(systems, { ...document, subscriptionId: subscription.id, invoiceDate: change.effectiveDate }, document.id);
        issued.push({ id: document.id, kind: document.kind, date: change.effectiveDate, total: document.total });
      }
      return { next: run.next, issued };
    },

    async startRenewalOrder({ order }) {
      const { client, taskQueue } = temporal('renewal orders');
      try {
        const started = await startOrderWorkflow(client, taskQueue, order);
        return { orderId: order.id, workflowId: started.workflowId, existing: false };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return { orderId: order.id, workflowId: orderWorkflowId(order.id), existing: true };
        throw error;
      }
    },

    async startSubscription({ orderId, subscription, order }) {
      const { client, taskQueue } = temporal('subscriptions');
      const workflowId = subscriptionWorkflowId(orderId);
      const { renewal } = billing;
      const input: SubscriptionInput = {
        subscription,
        ...(order ? { order } : {}),
        ...(renewal === false ? {} : { renewalLeadDays: renewal.leadDays }),
      };
      try {
        await client.workflow.start(SUBSCRIPTION_WORKFLOW_TYPE, {
          workflowId,
          taskQueue,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: OrderIdKey, value: subscription.orderId },
            { key: AccountIdKey, value: subscription.accountId },
            { key: BillingStateKey, value: 'active' },
          ],
        });
        return { workflowId, existing: false };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, existing: true };
        throw error;
      }
    },

    async sendSubscriptionChange({ change, today }) {
      if (billing.recurring !== 'perPeriod' || !change.changeOf) return { itemIds: [], documents: [] };
      const { client } = temporal('change orders of subscriptions');
      const handle = client.workflow.getHandle(subscriptionWorkflowId(change.changeOf));
      let subscription: Subscription;
      try {
        const view = await handle.query(subscriptionQuery);
        if (view.state !== 'active') return { itemIds: [], documents: [] };
        subscription = subscriptionFromView(view);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return { itemIds: [], documents: [] };
        throw error;
      }
      const { change: subscriptionChange, itemIds } = subscriptionChangeOf(change, subscription, settings(), today);
      if (!subscriptionChange) return { itemIds: [], documents: [] };
      try {
        const documents = await handle.executeUpdate(changeSubscriptionUpdate, { args: [subscriptionChange] });
        return { subscriptionId: subscription.id, itemIds, documents };
      } catch (error) {
        // The subscription refused the change (its validator, or the arithmetic): sending it again changes nothing.
        if (error instanceof WorkflowUpdateFailedError) {
          throw ApplicationFailure.nonRetryable(`subscription ${subscription.id} refused change order ${change.id}: ${error.cause?.message ?? error.message}`, 'InvalidInput');
        }
        throw error;
      }
    },
  };

  /** The usage records of each window as billing has them (`GET usage?accountId&itemId&from&to`), each record once. */
  async function fetchUsage(subscription: Subscription, windows: readonly UsageWindow[]): Promise<UsageRecord[]> {
    const byId = new Map<string, UsageRecord>();
    for (const window of windows) {
      const query = new URLSearchParams({ accountId: subscription.accountId, itemId: window.itemId, from: window.from, to: window.to });
      const answer = await callSystem<{ usage: Array<UsageRecord & Record<string, unknown>> }>({
        system: 'billing',
        endpoint: systemEndpoint(systems, 'billing'),
        method: 'GET',
        path: `usage?${query}`,
      });
      for (const record of answer.usage) byId.set(record.id, { id: record.id, itemId: record.itemId, quantity: record.quantity, date: record.date });
    }
    return [...byId.values()];
  }

  function temporal(what: string): { client: Client; taskQueue: string } {
    if (!deps.temporal) throw ApplicationFailure.nonRetryable(`${what} need the worker to have a Temporal client`, 'Misconfigured');
    return deps.temporal;
  }
}

/** The subscription as its view shows it (perPeriod, so nothing billed up front): what a SubscriptionChange is made against. */
function subscriptionFromView(view: SubscriptionView): Subscription {
  return {
    id: view.subscriptionId,
    orderId: view.orderId,
    accountId: view.accountId,
    currency: view.currency,
    anchorDate: view.anchorDate,
    ...(view.termEnd ? { termEnd: view.termEnd } : {}),
    items: view.items,
    recurringBilledUpFront: false,
    ...(view.renewalOrderId ? { renewalOrderId: view.renewalOrderId } : {}),
  };
}

/**
 * The domain's refusal (InvalidInput: a change that does not fit, an order it cannot make a subscription of) as a
 * non-retryable failure naming the problems: retrying the same arithmetic would refuse again.
 */
export function refusedAsInvalidInput<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof InvalidInput) throw ApplicationFailure.nonRetryable(error.message, 'InvalidInput', error.problems);
    throw error;
  }
}

/** The catalog's usage price per product code. */
export function usagePricesOf(products: ReadonlyArray<{ code: string; usagePrice?: UsagePrice }>): Record<string, UsagePrice> {
  return Object.fromEntries(products.flatMap((product) => (product.usagePrice ? [[product.code, product.usagePrice]] : [])));
}

/** The day a subscription invoice is issued for: its `invoiceDate` when the domain gives one, else its id's `…-<YYYY-MM-DD>`. */
export function billDateOf(invoice: Invoice & { invoiceDate?: string }): string {
  if (invoice.invoiceDate) return invoice.invoiceDate;
  const match = /(\d{4}-\d{2}-\d{2})$/.exec(invoice.id);
  if (!match) throw new Error(`subscription invoice ${invoice.id} names no bill date (INV-<subscriptionId>-<YYYY-MM-DD>)`);
  return match[1];
}
