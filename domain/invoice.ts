import { z } from 'zod';
import { collectProblems } from './collect-problems';
import {
  allocateByQuota,
  allocateLargestRemainder,
  divideRounded,
  formatMoney,
  multiplyRate,
  parseMoney,
  parseRate,
  sumMinor,
  toSafeMinor,
} from './money';
import type { Order, OrderItem } from './order';
import { InvalidInput, type Problem } from './problems';
import { termInPeriods, type Fraction } from './proration';

/**
 * The invoice of an order, built from its ORDER ITEMS (never from fulfillment lines), so that finance bills
 * exactly what was sold. Every item becomes a line, including bundle components priced 0.00 (they document
 * what was sold) and items that are never fulfilled (fulfillment: none).
 *
 * Arithmetic (see Rounding in domain/money):
 *   gross    = quantity × unitPrice × periods, rounded once to the minor unit
 *   net      = gross − line discount
 *   amount   = net − the line's share of the order discount (largest remainder, weighted by net)
 *   tax      = the line's share of round(Σ amount of its tax code × rate) (largest remainder, weighted by amount)
 *   total    = Σ (amount + tax), exactly; subtotal = Σ gross; discount = Σ line + order discounts.
 * A credit memo uses the same arithmetic on the order that describes what is credited; its amounts are positive.
 */

/** Decimal string with the currency's places, non-negative. */
const InvoiceMoney = z.string().regex(/^\d+(\.\d{1,3})?$/, 'must be a non-negative decimal string');

export const InvoiceKind = z.enum(['invoice', 'creditMemo']);
export type InvoiceKind = z.infer<typeof InvoiceKind>;

export const InvoiceLine = z.object({
  orderItemId: z.string(),
  product: z.string(),
  quantity: z.number().int().positive(),
  /** Per unit, per billing period for recurring items. */
  unitPrice: InvoiceMoney,
  /** quantity × unitPrice × periods, rounded once. */
  gross: InvoiceMoney,
  /** The line's own discount plus its share of the order discount. */
  discount: InvoiceMoney,
  /** Net of all discounts, before tax: gross − discount. */
  amount: InvoiceMoney,
  tax: InvoiceMoney,
  /** The tax code applied; null when the line is not taxed (no code on the item and no default). */
  taxCode: z.string().nullable(),
  /** Change orders: the item of the original order this line changes (orderItemId is the change order's item). */
  originalItemId: z.string().optional(),
});
export type InvoiceLine = z.infer<typeof InvoiceLine>;

export const Invoice = z.object({
  id: z.string(),
  orderId: z.string(),
  /** The account billed: the order's accountId (absent on documents made before it was recorded), so billing can list an account's invoices. */
  accountId: z.string().optional(),
  kind: InvoiceKind,
  currency: z.string(),
  /** Σ line gross. */
  subtotal: InvoiceMoney,
  /** Σ line discounts (line and order level). */
  discount: InvoiceMoney,
  /** Σ line tax. */
  tax: InvoiceMoney,
  /** Σ (line amount + line tax), exactly. */
  total: InvoiceMoney,
  lines: z.array(InvoiceLine),
});
export type Invoice = z.infer<typeof Invoice>;

export const InvoiceSettings = z.object({
  /** Tax code → rate as a decimal string, e.g. { "US-TX": "0.0825" }. */
  taxRates: z.record(z.string(), z.string()),
  /** Applied to items without a taxCode; without it such items are not taxed. */
  defaultTaxCode: z.string().optional(),
});
export type InvoiceSettings = z.infer<typeof InvoiceSettings>;

export interface BuildInvoiceOptions {
  kind?: InvoiceKind;
  id: string;
  /**
   * Order items another document bills (a subscription billing its recurring items per period): they stay on the
   * invoice at 0.00, as usage items do, to document the sale, and their discount goes with them.
   */
  billedElsewhere?: readonly string[];
}

/**
 * The key billing uses so that a retried activity, a restarted worker or a replayed workflow never bills
 * twice: the same order, kind and sequence always give the same key (`invoice:ORD-1001:1`).
 */
export function invoiceIdempotencyKey(orderId: string, kind: InvoiceKind, sequence = 1): string {
  checkSequence(sequence);
  return `${kind}:${orderId}:${sequence}`;
}

/**
 * The id of an order's billing document: `INV-ORD-1001-1` for an invoice, `CM-ORD-1001-C1-1` for a credit memo.
 * Together with invoiceIdempotencyKey(orderId, kind, sequence) it names one document for good.
 */
export function billingDocumentId(orderId: string, kind: InvoiceKind, sequence = 1): string {
  checkSequence(sequence);
  return `${kind === 'creditMemo' ? 'CM' : 'INV'}-${orderId}-${sequence}`;
}

function checkSequence(sequence: number): void {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`sequence must be a positive integer, got ${sequence}`);
}

/** One order item in minor units, as billed now. */
export interface PricedItem {
  unitPrice: number;
  /** quantity × unitPrice × periods, rounded once. */
  gross: number;
  /** The line discount applied on this invoice. */
  discount: number;
  /** gross − discount */
  net: number;
}

const ONE: Fraction = { numerator: 1, denominator: 1 };
const NOTHING: Fraction = { numerator: 0, denominator: 1 };

/**
 * How many periods of the unit price are billed now.
 * - one-time: once.
 * - billed elsewhere (BuildInvoiceOptions.billedElsewhere): nothing here.
 * - usage: nothing now. Usage is billed in arrears from rated usage, which the order does not carry; the line
 *   stays on the invoice at 0 to document the sale, and its discount waits for usage billing too.
 * - recurring with both term dates: the term in billing periods (Monthly + Daily, domain/proration).
 * - recurring without both dates (evergreen): the first period.
 */
export function billedPeriods(item: OrderItem, billedElsewhere = false): Fraction {
  const billing = item.billing ?? 'one-time';
  if (billedElsewhere) return NOTHING;
  if (billing === 'one-time') return ONE;
  if (billing === 'usage') return NOTHING;
  if (item.startDate && item.endDate) return termInPeriods(item.startDate, item.endDate, billing.period);
  return ONE;
}

/** Problems re-pathed under `prefix` (an item's problems as `items[2].startDate`). */
export function withPrefix(problems: Problem[], prefix: string): Problem[] {
  return problems.map((problem) => ({ ...problem, path: `${prefix}.${problem.path}` }));
}

/**
 * quantity × unitPrice (minor units) × periods, rounded once half away from zero: the gross of a line, whether it
 * bills a whole term (priceItem) or one billing period (domain/period-invoice). Too large to hold exactly is
 * InvalidInput at `${at}.quantity`.
 */
export function proratedGross(item: OrderItem, unitPrice: number, periods: Fraction, at: string): number {
  try {
    const exact = BigInt(item.quantity) * BigInt(unitPrice) * BigInt(periods.numerator);
    return toSafeMinor(divideRounded(exact, BigInt(periods.denominator)));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InvalidInput(at, [
      { path: `${at}.quantity`, message: `${item.quantity} × ${item.unitPrice} is too large to bill exactly`, fix: 'split the line' },
    ]);
  }
}

/**
 * Prices order item `index`: parses its money for the currency, prorates, and checks that the line discount
 * fits the billed gross. Throws InvalidInput with every problem, paths like `items[1].discount`.
 */
export function priceItem(item: OrderItem, index: number, currency: string, billedElsewhere = false): PricedItem {
  const at = `items[${index}]`;
  const problems: Problem[] = [];
  const unitPrice = collectProblems(problems, () => parseMoney(item.unitPrice, currency, `${at}.unitPrice`));
  const lineDiscount = item.discount === undefined ? 0 : collectProblems(problems, () => parseMoney(item.discount!, currency, `${at}.discount`));
  let periods: Fraction | undefined;
  try {
    periods = billedPeriods(item, billedElsewhere);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    problems.push(...withPrefix(error.problems, at));
  }
  if (unitPrice === undefined || lineDiscount === undefined || periods === undefined) throw new InvalidInput(at, problems);

  const gross = proratedGross(item, unitPrice, periods, at);
  const isUsage = item.billing === 'usage';
  const discount = isUsage || billedElsewhere ? 0 : lineDiscount;
  if (discount > gross) {
    throw new InvalidInput(at, [
      {
        path: `${at}.discount`,
        message: `${formatMoney(discount, currency)} is more than the line's billed amount ${formatMoney(gross, currency)}`,
        fix: 'lower the discount to at most quantity × unitPrice for the term',
      },
    ]);
  }
  return { unitPrice, gross, discount, net: gross - discount };
}

/**
 * Money is held as safe integers of minor units (domain/money): an order (or change order) whose lines each fit but
 * whose invoice total would not, with tax of up to 100% on top, is refused at submission with this problem, so that
 * it never fails at billing with a RangeError. `gross` is Σ of the lines' gross, exact.
 */
const LARGEST_BILLABLE = BigInt(Number.MAX_SAFE_INTEGER) / 2n;

export function billableTotalProblem(gross: bigint, currency: string): Problem | undefined {
  if (gross <= LARGEST_BILLABLE) return undefined;
  return {
    path: 'items',
    message: `the items bill more in all than an invoice can hold exactly with its tax (at most ${formatMoney(Number(LARGEST_BILLABLE), currency)} ${currency})`,
    fix: 'split the order into several orders',
  };
}

/** Parses every configured rate up front, so a bad rate is reported even before an item uses it. */
export function parseTaxRates(settings: InvoiceSettings, problems: Problem[]): Map<string, string> {
  const rates = new Map<string, string>();
  for (const [code, rate] of Object.entries(settings.taxRates)) {
    if (collectProblems(problems, () => parseRate(rate, `taxRates.${code}`))) rates.set(code, rate);
  }
  if (settings.defaultTaxCode !== undefined && !Object.hasOwn(settings.taxRates, settings.defaultTaxCode)) {
    problems.push({
      path: 'defaultTaxCode',
      message: `"${settings.defaultTaxCode}" has no rate in taxRates`,
      fix: `add it to taxRates or pick one of: ${knownCodes(settings)}`,
    });
  }
  return rates;
}

function knownCodes(settings: InvoiceSettings): string {
  const codes = Object.keys(settings.taxRates);
  return codes.length ? codes.join(', ') : '(no tax codes are configured)';
}

/** The item's tax code, the default, or null (not taxed). An unknown code is a problem naming the item. */
export function resolveTaxCode(item: OrderItem, index: number, settings: InvoiceSettings, problems: Problem[]): string | null {
  const code = item.taxCode ?? settings.defaultTaxCode ?? null;
  if (item.taxCode !== undefined && !Object.hasOwn(settings.taxRates, item.taxCode)) {
    problems.push({
      path: `items[${index}].taxCode`,
      message: `unknown tax code "${item.taxCode}"`,
      fix: `use one of the configured tax codes: ${knownCodes(settings)}`,
    });
  }
  return code;
}

/**
 * Tax per tax code: round(Σ amount of the code's lines × rate) once, then split across those lines by largest
 * remainder of each line's exact amount × rate (allocateByQuota), so every line's tax is within a minor unit of
 * its own amount × rate. Rounding per line instead would let the lines disagree with the tax the authority
 * expects on the total; splitting the rounded total by amount could move a line more than a cent (a property
 * test found 1.04 cents on a large line beside a small one).
 */
export function taxByLine(amounts: number[], taxCodes: (string | null)[], rates: Map<string, string>): number[] {
  const taxes = amounts.map(() => 0);
  const codesInOrder = [...new Set(taxCodes.filter((code): code is string => code !== null))];
  for (const code of codesInOrder) {
    const indexes = taxCodes.flatMap((lineCode, index) => (lineCode === code ? [index] : []));
    const rate = rates.get(code)!;
    const base = sumMinor(indexes.map((index) => amounts[index]));
    const codeTax = multiplyRate(base, rate);
    const { numerator, denominator } = parseRate(rate);
    const shares = allocateByQuota(codeTax, indexes.map((index) => BigInt(amounts[index]) * numerator), denominator);
    indexes.forEach((lineIndex, k) => (taxes[lineIndex] = shares[k]));
  }
  return taxes;
}

/**
 * Builds the invoice (or credit memo) for `order`. Throws InvalidInput listing every problem: money that does
 * not fit the currency, a line discount above its gross, an order discount above the subtotal net of line
 * discounts, unknown tax codes, bad rates.
 */
export function buildInvoice(order: Order, settings: InvoiceSettings, options: BuildInvoiceOptions): Invoice {
  const subject = `invoice for order ${order.id}`;
  const { currency } = order;
  const problems: Problem[] = [];
  const rates = parseTaxRates(settings, problems);
  const elsewhere = new Set(options.billedElsewhere ?? []);
  const priced = order.items.map((item, index) => collectProblems(problems, () => priceItem(item, index, currency, elsewhere.has(item.id))));
  const taxCodes = order.items.map((item, index) => resolveTaxCode(item, index, settings, problems));
  const orderDiscount = order.discount === undefined ? 0 : collectProblems(problems, () => parseMoney(order.discount!, currency, 'discount'));
  if (problems.length > 0 || orderDiscount === undefined) throw new InvalidInput(subject, problems);
  const lines = priced as PricedItem[];

  const nets = lines.map((line) => line.net);
  const netTotal = sumMinor(nets);
  if (orderDiscount > netTotal) {
    throw new InvalidInput(subject, [
      {
        path: 'discount',
        message: `${formatMoney(orderDiscount, currency)} is more than the order's amount after line discounts, ${formatMoney(netTotal, currency)}`,
        fix: 'lower the order discount',
      },
    ]);
  }
  const orderDiscountShares = allocateLargestRemainder(orderDiscount, nets);
  const amounts = nets.map((net, index) => net - orderDiscountShares[index]);
  const taxes = taxByLine(amounts, taxCodes, rates);
  const lineDiscounts = lines.map((line, index) => line.discount + orderDiscountShares[index]);

  return assembleInvoice(order, options, order.items.map((item, index) => ({
    item,
    unitPrice: lines[index].unitPrice,
    gross: lines[index].gross,
    discount: lineDiscounts[index],
    amount: amounts[index],
    tax: taxes[index],
    taxCode: taxCodes[index],
  })));
}

/** One invoice line in minor units, as priced, discounted and taxed. */
export interface BilledLine {
  item: OrderItem;
  unitPrice: number;
  gross: number;
  discount: number;
  /** gross − discount. */
  amount: number;
  tax: number;
  taxCode: string | null;
}

/** The invoice of `lines`: money formatted in the order's currency once, totals summed exactly from the lines. */
export function assembleInvoice(order: Order, options: BuildInvoiceOptions, lines: readonly BilledLine[]): Invoice {
  const money = (minor: number) => formatMoney(minor, order.currency);
  const sum = (pick: (line: BilledLine) => number) => money(sumMinor(lines.map(pick)));
  return {
    id: options.id,
    orderId: order.id,
    accountId: order.accountId,
    kind: options.kind ?? 'invoice',
    currency: order.currency,
    subtotal: sum((line) => line.gross),
    discount: sum((line) => line.discount),
    tax: sum((line) => line.tax),
    total: money(sumMinor(lines.flatMap((line) => [line.amount, line.tax]))),
    lines: lines.map((line) => ({
      orderItemId: line.item.id,
      product: line.item.product,
      quantity: line.item.quantity,
      unitPrice: money(line.unitPrice),
      gross: money(line.gross),
      discount: money(line.discount),
      amount: money(line.amount),
      tax: money(line.tax),
      taxCode: line.taxCode,
    })),
  };
}
