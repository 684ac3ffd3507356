import { z } from 'zod';
import { BillingPeriod } from './billing-periods';
import { Invoice, type InvoiceSettings } from './invoice';
import { PeriodInvoice } from './period-invoice';
import { Billing, Identifier, IsoDate, MoneyString, type Order } from './order';
import { UsagePrice, UsageRecord } from './usage';

/**
 * A subscription: the recurring and usage items of one order, billed over time (DESIGN.md Billing, "Over time";
 * docs/billing.md "Subscriptions"). One per order, not per account: an order is what was sold and contracted
 * together (one term, one renewal, one set of change orders), and its items co-term on its anniversary; an
 * account's several orders keep their own bill days, as Salesforce Billing keeps each order product's.
 *
 * Pure: the subscription workflow (workflows/subscription.ts) holds one `Subscription` as its state and asks these
 * functions what is due, what an amendment bills, and what the renewal order is. Nothing here reads a clock.
 */

/** `SUB-<orderId>`: the id billing documents and usage name (`subscriptionId`). */
export function subscriptionIdOf(orderId: string): string {
  return `SUB-${orderId}`;
}

export const SubscriptionItem = z.strictObject({
  /** The order item (or the change order's item, for an add-on). */
  itemId: Identifier,
  product: Identifier,
  quantity: z.number().int().positive(),
  /** Per period for a recurring item; per unit for a usage item without `usagePrice`. */
  unitPrice: MoneyString,
  /** Recurring with its period, or usage. */
  billing: Billing,
  /** The first day billed; for an add-on, the day it was added (co-termed with the subscription from there). */
  startDate: IsoDate,
  /** The last day billed (inclusive); none: evergreen until cancelled. */
  endDate: IsoDate.optional(),
  /** Resolved (the item's, else the default) when the subscription is made. */
  taxCode: z.string().nullable(),
  /** A usage item's rating price from the catalog (per unit or tiered); absent: `unitPrice` per unit. */
  usagePrice: UsagePrice.optional(),
  /** The last period index billed in advance (recurring) or closed (usage); 0 before the first. */
  billedThrough: z.number().int().nonnegative(),
  /** Usage only: the quantity billed for the last closed period, so late records are billed once, as a difference. */
  lastClosedQuantity: z.number().int().nonnegative().optional(),
  /** The change order or renewal that added or last changed the item, for the lines' `originalItemId`. */
  changedBy: Identifier.optional(),
});
export type SubscriptionItem = z.infer<typeof SubscriptionItem>;

export const Subscription = z.strictObject({
  id: Identifier,
  orderId: Identifier,
  accountId: Identifier,
  currency: z.string(),
  /**
   * The anniversary every item's periods count from (the order's earliest recurring start date): add-ons co-term on
   * it, so the whole subscription bills on one bill day.
   */
  anchorDate: IsoDate,
  /** The term's last day: the latest end date of its items; none for an evergreen subscription. */
  termEnd: IsoDate.optional(),
  items: z.array(SubscriptionItem),
  /** Recurring periods the order's own invoice already billed (billing.recurring: upFront): never billed again. */
  recurringBilledUpFront: z.boolean(),
  /** The renewal order once one was made (one per term). */
  renewalOrderId: Identifier.optional(),
});
export type Subscription = z.infer<typeof Subscription>;

/** What makes a subscription from an order: catalog prices for usage items, and how the order's own invoice billed. */
export interface SubscriptionSettings extends InvoiceSettings {
  /** The catalog's usage price per product code (domain/catalog.ts `usagePrice`). */
  usagePrices: Record<string, UsagePrice>;
  recurring: 'upFront' | 'perPeriod';
}

/** A usage item's period to rate at its close: the workflow fetches its records (billing `GET /billing/usage`) then bills. */
export const UsageWindow = z.strictObject({
  itemId: Identifier,
  periodIndex: z.number().int().positive(),
  /** Inclusive dates of the period; the records of [from, to] are rated together (tiers apply per period). */
  from: IsoDate,
  to: IsoDate,
});
export type UsageWindow = z.infer<typeof UsageWindow>;

/** The documents one bill date issues, and the subscription after them. */
export interface BillingRun {
  /** At most one invoice per bill date (advance periods + usage closed on that date), in date order. */
  invoices: PeriodInvoice[];
  next: Subscription;
}

/**
 * A mid-term change of the subscription (from a change order, DESIGN.md change orders): effective on a date, it
 * adds items (co-termed), changes quantities (the item's NEW quantity, as change orders carry it) or cancels items.
 */
export const SubscriptionChange = z.strictObject({
  /** The change order's id: documents are `INV-<changeId>-1` / `CM-<changeId>-1`. */
  changeId: Identifier,
  effectiveDate: IsoDate,
  actions: z.array(
    z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('Add'), item: SubscriptionItem.omit({ billedThrough: true, lastClosedQuantity: true }) }),
      z.strictObject({ type: z.literal('Amend'), itemId: Identifier, quantity: z.number().int().positive() }),
      z.strictObject({ type: z.literal('Cancel'), itemId: Identifier }),
    ]),
  ).min(1),
});
export type SubscriptionChange = z.infer<typeof SubscriptionChange>;

export interface ChangeBilling {
  /** The prorated charge for the rest of the current period (Add, Amend up), if not 0. */
  invoice?: Invoice;
  /** The prorated credit for the rest of the current period (Cancel, Amend down), positive amounts, if not 0. */
  creditMemo?: Invoice;
  next: Subscription;
}

export const SUBSCRIPTION_SCHEMAS = { Subscription, SubscriptionItem, SubscriptionChange, UsageWindow, BillingPeriod, UsageRecord };

function notYet(name: string): never {
  throw new Error(`${name} is not implemented yet`);
}

/** The subscription of an order's recurring and usage items; undefined when it has none. */
export function subscriptionOf(order: Order, settings: SubscriptionSettings): Subscription | undefined {
  void order;
  void settings;
  return notYet('subscriptionOf');
}

/** The first day anything is due after what was billed (an advance bill date or a usage close): the next timer. */
export function nextBillDate(subscription: Subscription): string | undefined {
  void subscription;
  return notYet('nextBillDate');
}

/** The usage periods that close on or before `asOf` (YYYY-MM-DD) and are not billed yet, plus the last closed one (late records). */
export function usageWindowsDue(subscription: Subscription, asOf: string): UsageWindow[] {
  void subscription;
  void asOf;
  return notYet('usageWindowsDue');
}

/**
 * Everything due on or before `asOf`: one invoice per bill date, with the advance periods starting that day and the
 * usage periods closing that day (rated from `usage`, the records fetched for `usageWindowsDue`), ids
 * `INV-<subscriptionId>-<billDate>`. Billing it again with the returned `next` issues nothing twice.
 */
export function billDue(subscription: Subscription, asOf: string, usage: readonly UsageRecord[], settings: InvoiceSettings): BillingRun {
  void subscription;
  void asOf;
  void usage;
  void settings;
  return notYet('billDue');
}

/** A mid-term change: prorated documents for the rest of the current period, and the subscription after it. */
export function changeSubscription(subscription: Subscription, change: SubscriptionChange, settings: InvoiceSettings): ChangeBilling {
  void subscription;
  void change;
  void settings;
  return notYet('changeSubscription');
}

/**
 * The renewal order (order action `Renew`): the subscription's recurring and usage items for the next term, from the
 * day after `termEnd` (or `effectiveDate`, an early renewal) for the same length, priced per the contract line when
 * the item has one, else at its current unit price; id `<orderId>-R<n>`.
 */
export function renewalOrder(order: Order, subscription: Subscription, options: { effectiveDate?: string; sequence: number }): Order {
  void order;
  void subscription;
  void options;
  return notYet('renewalOrder');
}
