import { z } from 'zod';
import { BillingPeriod } from './billing-periods';
import { addMonths, dayNumber, parseIsoDate } from './civil-date';
import { collectProblems } from './collect-problems';
import { Invoice, parseTaxRates, proratedGross, resolveTaxCode, type InvoiceSettings } from './invoice';
import { divideRounded, parseMoney, toSafeMinor } from './money';
import { PeriodInvoice } from './period-invoice';
import { Billing, Identifier, IsoDate, MoneyString, type Order, type OrderItem } from './order';
import { InvalidInput, type Problem } from './problems';
import { splitTerm } from './proration';
import {
  anchorIndexOf,
  billDateOf,
  dateOf,
  dayOf,
  firstIndexOf,
  isUsage,
  itemPeriod,
  monthsPerPeriodOf,
  nextPeriodOf,
} from './subscription-periods';
import { subscriptionDocument, type Charge, type SubscriptionDocument } from './subscription-invoice';
import { rateUsage, usageByPeriod, UsagePrice, UsageRecord } from './usage';
import { validateOrder } from './validate-order';

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
  /**
   * Minor units of tax the subscription's own documents billed and credited for the item, over its life: a credit
   * memo's line never takes its item's credited tax past what was billed (each document rounds its own tax, so two
   * memos could otherwise credit a cent more than the period's invoice billed). Absent on subscriptions made before
   * the tally was kept, and where the order's own invoice billed the item (recurring: upFront): not capped there.
   */
  taxBilled: z.number().int().nonnegative().optional(),
  taxCredited: z.number().int().nonnegative().optional(),
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


/** The item as invoice.ts prices it (proratedGross names the quantity in its errors). */
function asOrderItem(item: SubscriptionItem): OrderItem {
  return { id: item.itemId, product: item.product, quantity: item.quantity, unitPrice: item.unitPrice };
}

function isRecurring(billing: Billing | undefined): billing is Extract<Billing, { type: 'recurring' }> {
  return typeof billing === 'object';
}

/** The earliest of some dates (ISO dates sort as text). */
function earliest(dates: readonly (string | undefined)[]): string | undefined {
  return dates.filter((date): date is string => date !== undefined).sort()[0];
}

/** The subscription of an order's recurring and usage items; undefined when it has none. */
export function subscriptionOf(order: Order, settings: SubscriptionSettings): Subscription | undefined {
  const picked = order.items
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => item.billing === 'usage' || isRecurring(item.billing));
  if (picked.length === 0) return undefined;
  const subject = `subscription of order ${order.id}`;
  const problems: Problem[] = [];
  parseTaxRates(settings, problems);
  const recurring = picked.filter(({ item }) => isRecurring(item.billing));
  for (const { item, index } of recurring) {
    if (item.startDate === undefined) {
      problems.push({
        path: `items[${index}].startDate`,
        message: `recurring item ${item.id} has no start date to bill from`,
        fix: 'give it a startDate (YYYY-MM-DD)',
      });
    }
  }
  const anchorDate =
    earliest(recurring.map(({ item }) => item.startDate)) ?? earliest(picked.map(({ item }) => item.startDate)) ?? order.effectiveDate;
  if (anchorDate === undefined && recurring.length === 0) {
    problems.push({
      path: 'effectiveDate',
      message: `order ${order.id} has usage items but no date to bill them from`,
      fix: 'give the usage items a startDate or the order an effectiveDate (YYYY-MM-DD)',
    });
  }
  const items = picked.map(({ item, index }): SubscriptionItem | undefined => {
    const taxCode = resolveTaxCode(item, index, settings, problems);
    const startDate = item.startDate ?? anchorDate;
    if (startDate === undefined) return undefined;
    if (item.endDate !== undefined && item.endDate < startDate) {
      problems.push({ path: `items[${index}].endDate`, message: `${item.endDate} is before the start date ${startDate}`, fix: 'give an end date on or after the start date' });
      return undefined;
    }
    const usagePrice = item.billing === 'usage' ? settings.usagePrices[item.product] : undefined;
    const made: SubscriptionItem = {
      itemId: item.id,
      product: item.product,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
      billing: item.billing!,
      startDate,
      ...(item.endDate === undefined ? {} : { endDate: item.endDate }),
      taxCode,
      ...(usagePrice === undefined ? {} : { usagePrice }),
      billedThrough: 0,
      ...(settings.recurring === 'perPeriod' ? { taxBilled: 0, taxCredited: 0 } : {}),
    };
    if (settings.recurring === 'upFront' && isRecurring(item.billing) && anchorDate !== undefined) {
      // The order's own invoice billed the whole term (one period for an item without an end date: docs/billing.md Invoice).
      const months = monthsPerPeriodOf(made);
      made.billedThrough = anchorIndexOf(anchorDate, months, item.endDate ?? startDate);
    }
    return made;
  });
  if (problems.length > 0 || anchorDate === undefined) throw new InvalidInput(subject, problems);
  const ends = picked.map(({ item }) => item.endDate);
  const termEnd = ends.some((end) => end === undefined) ? undefined : ends.sort()[ends.length - 1];
  return {
    id: subscriptionIdOf(order.id),
    orderId: order.id,
    accountId: order.accountId,
    currency: order.currency,
    anchorDate,
    ...(termEnd === undefined ? {} : { termEnd }),
    items: items as SubscriptionItem[],
    recurringBilledUpFront: settings.recurring === 'upFront',
  };
}

/** The first day anything is due after what was billed (an advance bill date or a usage close): the next timer. */
export function nextBillDate(subscription: Subscription): string | undefined {
  return earliest(
    subscription.items.map((item) => {
      const period = nextPeriodOf(subscription.anchorDate, item);
      return period && billDateOf(item, period);
    }),
  );
}

/** The usage periods that close on or before `asOf` (YYYY-MM-DD) and are not billed yet, plus the last closed one (late records). */
export function usageWindowsDue(subscription: Subscription, asOf: string): UsageWindow[] {
  const windows: UsageWindow[] = [];
  for (const item of subscription.items.filter(isUsage)) {
    const window = (period: BillingPeriod) => windows.push({ itemId: item.itemId, periodIndex: period.index, from: period.start, to: period.end });
    const lastClosed = item.billedThrough > 0 ? itemPeriod(subscription.anchorDate, item, item.billedThrough) : undefined;
    if (lastClosed) window(lastClosed);
    for (const { period } of periodsDue(subscription, item, asOf)) window(period);
  }
  return windows;
}

/** The item's periods not billed yet whose bill date is on or before `asOf`. */
function periodsDue(subscription: Subscription, item: SubscriptionItem, asOf: string): { period: BillingPeriod; billDate: string }[] {
  const due: { period: BillingPeriod; billDate: string }[] = [];
  for (let index = Math.max(item.billedThrough + 1, firstIndexOf(subscription.anchorDate, item)); ; index += 1) {
    const period = itemPeriod(subscription.anchorDate, item, index);
    if (!period || billDateOf(item, period) > asOf) return due;
    due.push({ period, billDate: billDateOf(item, period) });
  }
}

/** The units of `itemId` used in `period`, each record id once. */
function usedIn(usage: readonly UsageRecord[], itemId: string, period: BillingPeriod): number {
  const records = usage.filter((record) => record.itemId === itemId);
  return usageByPeriod(records, [{ index: period.index, start: period.start, end: period.end }]).totals[0]?.quantity ?? 0;
}

function usageCharge(item: SubscriptionItem, units: number, amount: number, period: BillingPeriod): Charge {
  return {
    itemId: item.itemId,
    product: item.product,
    quantity: units,
    unitPrice: Math.round(amount / units),
    amount,
    taxCode: item.taxCode,
    period: { start: period.start, end: period.end },
  };
}

/**
 * Everything due on or before `asOf`: one invoice per bill date, with the advance periods starting that day and the
 * usage periods closing that day (rated from `usage`, the records fetched for `usageWindowsDue`), ids
 * `INV-<subscriptionId>-<billDate>`. Billing it again with the returned `next` issues nothing twice.
 */
export function billDue(subscription: Subscription, asOf: string, usage: readonly UsageRecord[], settings: InvoiceSettings): BillingRun {
  const { currency } = subscription;
  const items = subscription.items.map((item) => ({ ...item }));
  const due = items.flatMap((item) => periodsDue(subscription, item, asOf).map((slot) => ({ item, ...slot })));
  const billDates = [...new Set(due.map((slot) => slot.billDate))].sort();
  if (billDates.length === 0) return { invoices: [], next: subscription };
  const price = (item: SubscriptionItem) => item.usagePrice ?? item.unitPrice;

  // Late records: usage dated in an item's last closed period that arrived after it was billed, billed as the
  // difference of the ratings on the first bill date now due (tiers stay per period).
  const late: Charge[] = [];
  for (const item of items.filter(isUsage)) {
    if (item.billedThrough === 0 || item.lastClosedQuantity === undefined) continue;
    const period = itemPeriod(subscription.anchorDate, item, item.billedThrough);
    if (!period) continue;
    const units = usedIn(usage, item.itemId, period);
    if (units <= item.lastClosedQuantity) continue;
    const amount = rateUsage(units, price(item), currency) - rateUsage(item.lastClosedQuantity, price(item), currency);
    late.push(usageCharge(item, units - item.lastClosedQuantity, amount, period));
    item.lastClosedQuantity = units;
  }

  const invoices: PeriodInvoice[] = [];
  billDates.forEach((billDate, k) => {
    const charges: Charge[] = k === 0 ? [...late] : [];
    for (const slot of due.filter((s) => s.billDate === billDate)) {
      const { item, period } = slot;
      const at = `items[${subscription.items.findIndex((i) => i.itemId === item.itemId)}]`;
      if (isUsage(item)) {
        const units = usedIn(usage, item.itemId, period);
        if (units > 0) charges.push(usageCharge(item, units, rateUsage(units, price(item), currency), period));
        item.lastClosedQuantity = units;
      } else {
        const unitPrice = parseMoney(item.unitPrice, currency, `${at}.unitPrice`);
        charges.push({
          itemId: item.itemId,
          product: item.product,
          quantity: item.quantity,
          unitPrice,
          amount: proratedGross(asOrderItem(item), unitPrice, period.fraction, at),
          taxCode: item.taxCode,
          period: { start: period.start, end: period.end },
        });
      }
      item.billedThrough = period.index;
    }
    const header = { id: `INV-${subscription.id}-${billDate}`, kind: 'invoice' as const, subscriptionId: subscription.id, orderId: subscription.orderId, accountId: subscription.accountId, currency };
    const invoice = subscriptionDocument(header, charges, settings);
    if (invoice) invoices.push(invoice);
    tallyTax(items, invoice, 'taxBilled', currency);
  });
  return { invoices, next: { ...subscription, items } };
}

/** An exact sum of day fractions (BigInt: several periods' denominators multiply). */
interface Share {
  numerator: bigint;
  denominator: bigint;
}

/**
 * The share of the item's billed periods from `day` on: Σ over its periods from the one holding `day` to
 * `billedThrough` of (days from `day`) / (the full period's days). Zero when nothing from `day` on is billed.
 */
function billedShareFrom(subscription: Subscription, item: SubscriptionItem, day: number): { share: Share; end?: string } {
  let share: Share = { numerator: 0n, denominator: 1n };
  let end: string | undefined;
  const first = anchorIndexOf(subscription.anchorDate, monthsPerPeriodOf(item), dateOf(day));
  for (let index = first; index <= item.billedThrough; index += 1) {
    const period = itemPeriod(subscription.anchorDate, item, index);
    if (!period) continue;
    const start = dayOf(period.start);
    const endDay = dayOf(period.end);
    if (endDay < day) continue;
    const periodDays = BigInt(endDay - start + 1);
    // fraction = periodDays / full  ⇒  full = periodDays × denominator / numerator.
    const full = (periodDays * BigInt(period.fraction.denominator)) / BigInt(period.fraction.numerator);
    const days = BigInt(endDay - Math.max(start, day) + 1);
    share = { numerator: share.numerator * full + days * share.denominator, denominator: share.denominator * full };
    end = period.end;
  }
  return { share, end };
}

function proratedShare(quantity: number, unitPrice: number, share: Share): number {
  return toSafeMinor(divideRounded(BigInt(quantity) * BigInt(unitPrice) * share.numerator, share.denominator));
}

/** A mid-term change: prorated documents for the rest of the current period, and the subscription after it. */
export function changeSubscription(subscription: Subscription, change: SubscriptionChange, settings: InvoiceSettings): ChangeBilling {
  const subject = `change ${change.changeId} of subscription ${subscription.id}`;
  const { currency, anchorDate, termEnd } = subscription;
  const problems: Problem[] = [];
  const parsed = collectProblems(problems, () => parseIsoDate(change.effectiveDate, 'effectiveDate'));
  if (parsed && (change.effectiveDate < anchorDate || (termEnd !== undefined && change.effectiveDate > termEnd))) {
    problems.push({
      path: 'effectiveDate',
      message: `${change.effectiveDate} is outside the subscription's term ${anchorDate}..${termEnd ?? '(evergreen)'}`,
      fix: 'give an effective date within the term, or renew the subscription first',
    });
  }
  if (problems.length > 0) throw new InvalidInput(subject, problems);
  const effective = change.effectiveDate;
  const day = dayOf(effective);
  let items = subscription.items.map((item) => ({ ...item }));
  const charges: Charge[] = [];
  const credits: Charge[] = [];
  const known = () => items.map((item) => item.itemId).join(', ') || '(none)';
  // The day after the last day the subscription billed in advance: an add-on before it is charged now.
  const billedUntil = Math.max(
    -Infinity,
    ...subscription.items.filter((item) => !isUsage(item) && item.billedThrough > 0).map((item) => {
      const period = itemPeriod(anchorDate, item, item.billedThrough);
      return period ? dayOf(period.end) + 1 : -Infinity;
    }),
  );

  change.actions.forEach((action, index) => {
    const at = `actions[${index}]`;
    if (action.type === 'Add') {
      if (items.some((item) => item.itemId === action.item.itemId)) {
        problems.push({ path: `${at}.item.itemId`, message: `the subscription already has an item ${action.item.itemId}`, fix: 'give the new item its own id, or Amend the existing one' });
        return;
      }
      const endDate = action.item.endDate ?? termEnd;
      if (endDate !== undefined && endDate < effective) {
        problems.push({ path: `${at}.item.endDate`, message: `${endDate} is before the effective date ${effective}`, fix: 'give an end date on or after the effective date' });
        return;
      }
      const added: SubscriptionItem = {
        ...action.item,
        startDate: effective,
        ...(endDate === undefined ? {} : { endDate }),
        billedThrough: 0,
        changedBy: change.changeId,
        ...(keepsTaxTally(subscription) ? { taxBilled: 0, taxCredited: 0 } : {}),
      };
      if (!isUsage(added) && day < billedUntil) {
        const period = itemPeriod(anchorDate, added, firstIndexOf(anchorDate, added))!;
        const unitPrice = collectProblems(problems, () => parseMoney(added.unitPrice, currency, `${at}.item.unitPrice`));
        if (unitPrice === undefined) return;
        charges.push({ ...lineOf(added, added.quantity, unitPrice, proratedGross(asOrderItem(added), unitPrice, period.fraction, `${at}.item`)), period: { start: period.start, end: period.end } });
        added.billedThrough = period.index;
      }
      items.push(added);
      return;
    }
    const item = items.find((candidate) => candidate.itemId === action.itemId);
    if (!item) {
      problems.push({ path: `${at}.itemId`, message: `the subscription has no item "${action.itemId}"`, fix: `use one of: ${known()}` });
      return;
    }
    if (item.endDate !== undefined && item.endDate < effective) {
      problems.push({ path: `${at}.itemId`, message: `item ${item.itemId} ended on ${item.endDate}, before ${effective}`, fix: 'change an item that is active on the effective date' });
      return;
    }
    const unitPrice = collectProblems(problems, () => parseMoney(item.unitPrice, currency, `items.${item.itemId}.unitPrice`));
    if (unitPrice === undefined) return;
    const { share, end } = isUsage(item) ? { share: { numerator: 0n, denominator: 1n }, end: undefined } : billedShareFrom(subscription, item, day);
    if (action.type === 'Amend') {
      if (action.quantity === item.quantity) {
        problems.push({ path: `${at}.quantity`, message: `item ${item.itemId} already has quantity ${item.quantity}`, fix: 'give the NEW quantity, or leave the item out of the change' });
        return;
      }
      const difference = Math.abs(action.quantity - item.quantity);
      // The difference of the rest of the period at the two quantities, each rounded once (not the difference's own
      // rounding): so Amends down then a Cancel credit exactly what the first quantity was worth, never a cent more
      // than was billed for it (a property test credited 0.03 of 0.02 billed, in three steps of 0.005 rounded up).
      const worth = (quantity: number) => {
        try {
          return proratedShare(quantity, unitPrice, share);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          problems.push({ path: `${at}.quantity`, message: `${quantity} × ${item.unitPrice} is too large to bill exactly`, fix: 'give a smaller quantity' });
          return undefined;
        }
      };
      const [after, before] = [worth(action.quantity), worth(item.quantity)];
      if (after === undefined || before === undefined) return;
      const amount = Math.abs(after - before);
      if (amount > 0 && end !== undefined) (action.quantity > item.quantity ? charges : credits).push({ ...lineOf(item, difference, unitPrice, amount), period: { start: effective, end } });
      item.quantity = action.quantity;
      item.changedBy = change.changeId;
      return;
    }
    // Cancel: credit what was billed from the effective date on, for the whole quantity, and end the item the day before.
    const amount = proratedShare(item.quantity, unitPrice, share);
    if (amount > 0 && end !== undefined) credits.push({ ...lineOf(item, item.quantity, unitPrice, amount), period: { start: effective, end } });
    item.endDate = dateOf(day - 1);
    item.changedBy = change.changeId;
  });
  if (problems.length > 0) throw new InvalidInput(subject, problems);
  // An item cancelled on its first day has no days left: it leaves the subscription.
  items = items.filter((item) => item.endDate === undefined || item.endDate >= item.startDate);

  const header = { subscriptionId: subscription.id, orderId: subscription.orderId, accountId: subscription.accountId, currency };
  const invoice = subscriptionDocument({ ...header, id: `INV-${change.changeId}-1`, kind: 'invoice' }, charges, settings);
  const creditMemo = subscriptionDocument({ ...header, id: `CM-${change.changeId}-1`, kind: 'creditMemo' }, credits, settings, taxLeftToCredit(items));
  tallyTax(items, invoice, 'taxBilled', currency);
  tallyTax(items, creditMemo, 'taxCredited', currency);
  const ends = items.map((item) => item.endDate);
  const lastEnd = ends.some((end) => end === undefined) ? undefined : ends.sort()[ends.length - 1];
  const next: Subscription = { ...subscription, items };
  // Cancels do not shorten the term (the renewal keeps its length); an add-on ending later lengthens it.
  if (termEnd !== undefined && lastEnd !== undefined && lastEnd > termEnd) next.termEnd = lastEnd;
  return { ...(invoice ? { invoice } : {}), ...(creditMemo ? { creditMemo } : {}), next };
}

/** Whether the subscription's items keep the tax tally (made after it was added, billed per period). */
function keepsTaxTally(subscription: Subscription): boolean {
  return subscription.items.some((item) => item.taxBilled !== undefined);
}

/** Per item keeping the tally: the tax billed and not yet credited, the most its next credit lines may take back. */
function taxLeftToCredit(items: readonly SubscriptionItem[]): Map<string, number> {
  return new Map(
    items.flatMap((item) => (item.taxBilled === undefined ? [] : [[item.itemId, item.taxBilled - (item.taxCredited ?? 0)] as const])),
  );
}

/** Adds each line's tax to its item's tally (items that keep one). */
function tallyTax(items: SubscriptionItem[], document: SubscriptionDocument | undefined, field: 'taxBilled' | 'taxCredited', currency: string): void {
  for (const line of document?.lines ?? []) {
    const item = items.find((candidate) => candidate.itemId === line.orderItemId);
    if (item?.[field] !== undefined) item[field] += parseMoney(line.tax, currency);
  }
}

function lineOf(item: SubscriptionItem, quantity: number, unitPrice: number, amount: number): Omit<Charge, 'period'> {
  return { itemId: item.itemId, product: item.product, quantity, unitPrice, amount, taxCode: item.taxCode };
}

/**
 * The renewal order (order action `Renew`): the subscription's recurring and usage items for the next term, from the
 * day after `termEnd` (or `effectiveDate`, an early renewal) for the same length, priced per the contract line when
 * the item has one, else at its current unit price; id `<orderId>-R<n>`.
 */
export function renewalOrder(order: Order, subscription: Subscription, options: { effectiveDate?: string; sequence: number }): Order {
  const subject = `renewal of order ${order.id}`;
  const { termEnd, anchorDate } = subscription;
  if (termEnd === undefined) {
    throw new InvalidInput(subject, [
      { path: 'termEnd', message: `subscription ${subscription.id} is evergreen: it has no term to renew`, fix: 'give its items an endDate, or let it run on until cancelled' },
    ]);
  }
  const start = options.effectiveDate ?? dateOf(dayOf(termEnd) + 1);
  const { months, days } = splitTerm(anchorDate, termEnd);
  // Whole months renew as whole months (anniversaries clamp as periods do); otherwise the same number of days.
  const end =
    days === 0 ? dateOf(dayNumber(addMonths(parseIsoDate(start, 'effectiveDate'), months)) - 1) : dateOf(dayOf(start) + dayOf(termEnd) - dayOf(anchorDate));
  const active = subscription.items.filter((item) => item.endDate === undefined || item.endDate >= termEnd);
  const items: OrderItem[] = active.map((item) => {
    const original = order.items.find((candidate) => candidate.id === item.itemId);
    const line = original?.contractLineId && order.contract?.lines.find((candidate) => candidate.id === original.contractLineId);
    const taxCode = original ? original.taxCode : (item.taxCode ?? undefined);
    // No contractLineId and no contract: the renewed term is a new sale whose contract (if any) is made for it; the
    // old contract's lines cover the old term's dates. No parentItemId: one-time bundle roots are not renewed.
    return {
      id: item.itemId,
      product: item.product,
      quantity: item.quantity,
      unitPrice: line ? line.unitPrice : item.unitPrice,
      billing: item.billing,
      startDate: start,
      endDate: end,
      ...(taxCode === undefined ? {} : { taxCode }),
      ...(original?.attributes === undefined ? {} : { attributes: original.attributes }),
    };
  });
  if (items.length === 0) {
    throw new InvalidInput(subject, [{ path: 'items', message: `no item of subscription ${subscription.id} is active at the term end ${termEnd}`, fix: 'there is nothing to renew' }]);
  }
  return validateOrder({
    id: `${order.id}-R${options.sequence}`,
    accountId: order.accountId,
    channel: order.channel,
    currency: order.currency,
    effectiveDate: start,
    items,
    renewalOf: order.id,
  });
}
