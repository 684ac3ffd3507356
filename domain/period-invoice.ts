import { z } from 'zod';
import { billingPeriodAt, type BillingPeriod } from './billing-periods';
import { collectProblems } from './collect-problems';
import {
  assembleInvoice,
  Invoice,
  parseTaxRates,
  proratedGross,
  resolveTaxCode,
  taxByLine,
  withPrefix,
  type BuildInvoiceOptions,
  type InvoiceSettings,
} from './invoice';
import { parseMoney } from './money';
import { Identifier, IsoDate, type Order, type OrderItem } from './order';
import { InvalidInput, type Problem } from './problems';

/**
 * The invoice of one billing period of a subscription (DESIGN.md Billing, "Over time"), in the shape of
 * buildInvoice's, plus the `period` it bills. Per line: gross = quantity × unitPrice × the period's fraction,
 * rounded once (proratedGross, the same rounding as buildInvoice); then tax per tax code, rounded once on the
 * code's total and allocated to lines by largest remainder (taxByLine), so the lines sum exactly to the total.
 *
 * Line and order discounts are not applied here: they are amounts off the whole line or order as sold, and the
 * order's own invoice is where they are taken; spreading them over periods is a rule DESIGN.md does not give yet.
 */

/** Bill period `periodIndex` (1-based, as billingPeriods numbers them) of the recurring order item `itemId`. */
export const PeriodCharge = z.strictObject({
  itemId: Identifier,
  periodIndex: z.number().int('must be a whole number').positive('must be at least 1'),
});
export type PeriodCharge = z.infer<typeof PeriodCharge>;

export const InvoicePeriod = z.strictObject({ start: IsoDate, end: IsoDate });
export type InvoicePeriod = z.infer<typeof InvoicePeriod>;

export const PeriodInvoice = Invoice.extend({
  /** From the earliest start to the latest end of the periods billed (end-inclusive). */
  period: InvoicePeriod,
});
export type PeriodInvoice = z.infer<typeof PeriodInvoice>;

interface ChargedItem {
  item: OrderItem;
  itemIndex: number;
  period: BillingPeriod;
}

/** Resolves each charge to its order item and period; every mistake is a problem naming the charge or the item. */
function chargedItems(order: Order, charges: readonly PeriodCharge[], problems: Problem[]): ChargedItem[] {
  if (charges.length === 0) {
    problems.push({ path: 'charges', message: 'no period is charged', fix: 'give at least one { itemId, periodIndex }' });
  }
  const charged: ChargedItem[] = [];
  const seen = new Set<string>();
  charges.forEach((charge, chargeIndex) => {
    const at = `charges[${chargeIndex}]`;
    const itemIndex = order.items.findIndex((item) => item.id === charge.itemId);
    if (itemIndex < 0) {
      const ids = order.items.map((item) => item.id).join(', ');
      problems.push({ path: `${at}.itemId`, message: `order ${order.id} has no item "${charge.itemId}"`, fix: `use one of: ${ids}` });
      return;
    }
    if (seen.has(charge.itemId)) {
      problems.push({
        path: `${at}.itemId`,
        message: `item ${charge.itemId} is charged twice`,
        fix: 'bill each period of an item on its own invoice (one invoice per bill date)',
      });
      return;
    }
    seen.add(charge.itemId);
    const item = order.items[itemIndex];
    let period: BillingPeriod | undefined;
    try {
      period = billingPeriodAt(item, charge.periodIndex);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      problems.push(...withPrefix(error.problems, `items[${itemIndex}]`));
      return;
    }
    if (!period) {
      problems.push({
        path: `${at}.periodIndex`,
        message: `item ${item.id}'s term (${item.startDate}..${item.endDate}) ends before period ${charge.periodIndex}`,
        fix: 'charge a period within the term (see billingPeriods)',
      });
      return;
    }
    charged.push({ item, itemIndex, period });
  });
  return charged.sort((a, b) => a.itemIndex - b.itemIndex);
}

/**
 * Builds the invoice for the given periods of `order`'s recurring items. Throws InvalidInput listing every problem:
 * unknown or repeated items, items that are not recurring or have no start date, periods past the term, money
 * that does not fit the currency, unknown tax codes, bad rates.
 */
export function periodInvoice(
  order: Order,
  charges: readonly PeriodCharge[],
  settings: InvoiceSettings,
  options: BuildInvoiceOptions,
): PeriodInvoice {
  const subject = `period invoice for order ${order.id}`;
  const { currency } = order;
  const problems: Problem[] = [];
  const rates = parseTaxRates(settings, problems);
  const charged = chargedItems(order, charges, problems);
  const unitPrices = charged.map(({ item, itemIndex }) =>
    collectProblems(problems, () => parseMoney(item.unitPrice, currency, `items[${itemIndex}].unitPrice`)),
  );
  const taxCodes = charged.map(({ item, itemIndex }) => resolveTaxCode(item, itemIndex, settings, problems));
  const grosses = charged.map(({ item, itemIndex, period }, k) =>
    unitPrices[k] === undefined ? 0 : collectProblems(problems, () => proratedGross(item, unitPrices[k]!, period.fraction, `items[${itemIndex}]`)),
  );
  if (problems.length > 0) throw new InvalidInput(subject, problems);

  const amounts = grosses as number[];
  const taxes = taxByLine(amounts, taxCodes, rates);
  const starts = charged.map(({ period }) => period.start).sort();
  const ends = charged.map(({ period }) => period.end).sort();
  const invoice = assembleInvoice(order, options, charged.map(({ item }, k) => ({
    item,
    unitPrice: unitPrices[k]!,
    gross: amounts[k],
    discount: 0,
    amount: amounts[k],
    tax: taxes[k],
    taxCode: taxCodes[k],
  })));
  return { ...invoice, period: { start: starts[0], end: ends[ends.length - 1] } };
}
