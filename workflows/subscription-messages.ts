import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Order } from '../domain/order';
import type { Subscription, SubscriptionChange } from '../domain/subscription';

/**
 * The subscription workflow's contract (SubscriptionWorkflow, id `subscription-<orderId>`, subscription id
 * `SUB-<orderId>`): its input, what it shows and the updates it takes. A leaf, shared by the workflow, the order
 * workflow (which starts it and sends it change orders), the invoice scheduler, the client and the CLI.
 */

export const SUBSCRIPTION_WORKFLOW_TYPE = 'SubscriptionWorkflow';
export const SUBSCRIPTION_PREFIX = 'subscription-';
export const subscriptionWorkflowId = (orderId: string): string => `${SUBSCRIPTION_PREFIX}${orderId}`;

/** `active` while it bills; `ended` after its term's last period and usage are billed (or it was renewed away). */
export const SUBSCRIPTION_STATES = ['active', 'ended'] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

export interface SubscriptionInput {
  subscription: Subscription;
  /** Bill dates handled per run before continuing as new (tests make it small). */
  billingsPerRun?: number;
  /** Carried from run to run: the documents issued so far (ids and totals only), for the view. */
  issued?: IssuedDocument[];
  /** Days before the term end the renewal order is made (billing.renewal.leadDays); absent: no automatic renewal. */
  renewalLeadDays?: number;
  /** Carried from run to run (workflows/versions.ts); absent in the first run. */
  behaviourVersion?: number;
  /** The order the subscription bills (as completed, amendments applied): what its renewal order is made from. Absent: no renewals. */
  order?: Order;
  /** Carried from run to run: the change orders applied (the newest), so a change sent twice is applied once. */
  appliedChanges?: string[];
}

/** A document the subscription issued, as its view lists it. */
export interface IssuedDocument {
  id: string;
  kind: 'invoice' | 'creditMemo';
  /** The bill date (YYYY-MM-DD, workflow time) it was issued for. */
  date: string;
  total: string;
  /** `schedule` (its own timer), `billNow`, `invoiceRun`, `change:<changeOrderId>`. */
  trigger: string;
}

export interface SubscriptionView {
  subscriptionId: string;
  workflowId: string;
  orderId: string;
  accountId: string;
  currency: string;
  state: SubscriptionState;
  anchorDate: string;
  termEnd?: string;
  /** The next date something is due; absent once everything is billed. */
  nextBillDate?: string;
  items: Subscription['items'];
  documents: IssuedDocument[];
  renewalOrderId?: string;
}

/** The subscription's view; also what the workflow returns, so an ended subscription is read without a worker. */
export const subscriptionQuery = defineQuery<SubscriptionView>('subscription');

/** Bill Now / the invoice scheduler: invoice everything due on or before `asOf` (default: today, workflow time) at once. */
export interface BillNowRequest {
  /** YYYY-MM-DD: the target date. A later date bills advance periods early, as Salesforce's target date does. */
  asOf?: string;
  /** `billNow` (ordo bill-now) or `invoiceRun:<schedule run id>`. */
  trigger: string;
}
export interface BillNowResult {
  /** The documents this request issued; none when everything due was billed already. */
  issued: IssuedDocument[];
  nextBillDate?: string;
}
export const billNowUpdate = defineUpdate<BillNowResult, [BillNowRequest]>('billNow');

/** A change order after the point of no return that changes this subscription's items (sent by the change order's workflow). */
export const changeSubscriptionUpdate = defineUpdate<IssuedDocument[], [SubscriptionChange]>('changeSubscription');

/** Early renewal (`ordo renew ORDER [--effective DATE]`): the renewal order now, its term from `effectiveDate`. */
export interface RenewRequest {
  effectiveDate?: string;
  actor: string;
}
export const renewUpdate = defineUpdate<{ renewalOrderId: string }, [RenewRequest]>('renew');
