import { parseTaxRates, taxByLine, type Invoice, type InvoiceKind, type InvoiceSettings } from './invoice';
import { formatMoney, sumMinor } from './money';
import type { InvoicePeriod } from './period-invoice';
import { InvalidInput, type Problem } from './problems';

/**
 * The documents of a subscription (period invoices, change invoices and credit memos), assembled from charges in
 * minor units: tax per tax code rounded once and allocated by largest remainder (taxByLine), total = Σ(amount + tax)
 * exactly, as the billing simulator checks. Each line says which period it bills (`period`), the document says which
 * subscription (`subscriptionId`): billing keeps both (simulators/billing-records.ts takes them as they are).
 */

export interface Charge {
  itemId: string;
  product: string;
  /** Positive: units billed (usage: units used in the period; a late record: the units added). */
  quantity: number;
  /** Minor units per unit as shown on the line (usage: the amount over the units, rounded: the rating is exact). */
  unitPrice: number;
  /** Minor units, ≥ 0, rounded once. */
  amount: number;
  taxCode: string | null;
  period: InvoicePeriod;
}

export interface SubscriptionDocumentHeader {
  id: string;
  kind: InvoiceKind;
  subscriptionId: string;
  orderId: string;
  accountId: string;
  currency: string;
}

export type SubscriptionLine = Invoice['lines'][number] & { period: InvoicePeriod };
export type SubscriptionDocument = Invoice & { subscriptionId: string; period: InvoicePeriod; lines: SubscriptionLine[] };

/** The rates of `settings`, and every tax code the charges use checked against them (InvalidInput naming the item). */
function ratesFor(settings: InvoiceSettings, charges: readonly Charge[]): Map<string, string> {
  const problems: Problem[] = [];
  const rates = parseTaxRates(settings, problems);
  for (const charge of charges) {
    if (charge.taxCode !== null && !rates.has(charge.taxCode) && !problems.some((p) => p.path === `items.${charge.itemId}.taxCode`)) {
      problems.push({
        path: `items.${charge.itemId}.taxCode`,
        message: `unknown tax code "${charge.taxCode}"`,
        fix: `add it to billing taxRates (configured: ${Object.keys(settings.taxRates).join(', ') || 'none'})`,
      });
    }
  }
  if (problems.length > 0) throw new InvalidInput('subscription billing settings', problems);
  return rates;
}

/** Cuts each line's tax to what is left of its item's in `left` (consumed in line order). */
function capTaxes(charges: readonly Charge[], taxes: number[], left: Map<string, number>): void {
  charges.forEach((charge, k) => {
    const remaining = left.get(charge.itemId);
    if (remaining === undefined) return;
    taxes[k] = Math.max(0, Math.min(taxes[k], remaining));
    left.set(charge.itemId, remaining - taxes[k]);
  });
}

/**
 * The document of `charges`, or undefined when it totals 0 (nothing to send). `taxLeft` (credit memos): per item, the
 * tax billed and not credited yet; a line's tax is cut to what is left (its code's tax then is not rounded once: the
 * memo gives back what was billed, not more), and the lines of one item share it in order.
 */
export function subscriptionDocument(
  header: SubscriptionDocumentHeader,
  charges: readonly Charge[],
  settings: InvoiceSettings,
  taxLeft?: ReadonlyMap<string, number>,
): SubscriptionDocument | undefined {
  if (charges.length === 0) return undefined;
  const rates = ratesFor(settings, charges);
  const amounts = charges.map((charge) => charge.amount);
  const taxes = taxByLine(amounts, charges.map((charge) => charge.taxCode), rates);
  if (taxLeft) capTaxes(charges, taxes, new Map(taxLeft));
  const total = sumMinor([...amounts, ...taxes]);
  if (total === 0) return undefined;
  const money = (minor: number) => formatMoney(minor, header.currency);
  const starts = charges.map((charge) => charge.period.start).sort();
  const ends = charges.map((charge) => charge.period.end).sort();
  return {
    id: header.id,
    orderId: header.orderId,
    accountId: header.accountId,
    subscriptionId: header.subscriptionId,
    kind: header.kind,
    currency: header.currency,
    subtotal: money(sumMinor(amounts)),
    discount: money(0),
    tax: money(sumMinor(taxes)),
    total: money(total),
    period: { start: starts[0], end: ends[ends.length - 1] },
    lines: charges.map((charge, k) => ({
      orderItemId: charge.itemId,
      product: charge.product,
      quantity: charge.quantity,
      unitPrice: money(charge.unitPrice),
      gross: money(charge.amount),
      discount: money(0),
      amount: money(charge.amount),
      tax: money(taxes[k]),
      taxCode: charge.taxCode,
      period: charge.period,
    })),
  };
}
