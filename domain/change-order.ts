import { BundleIndex } from './bundles';
import { billableTotalProblem, billingDocumentId, buildInvoice, priceItem, type Invoice, type InvoiceLine, type InvoiceSettings } from './invoice';
import { cumulativeShare, formatMoney, parseMoney, sumMinor } from './money';
import { actionOf } from './item-action';
import type { Order, OrderItem, OrderItemAction } from './order';
import { InvalidInput, type Problem } from './problems';

/**
 * Change orders (DESIGN.md "Point of no return", "Billing"): after the point of no return a change is a separate
 * order with `changeOf` naming the original. Each of its items says what it does to the original (`action`)
 * and which original item it changes (`originalItemId`):
 * - `Add`: a new item, priced and billed like any order item (it may name the item it replaces, an upgrade).
 * - `Return`, `Cancel`: `quantity` units of the original item come back or are not delivered; credited.
 * - `Amend`: `quantity` is the NEW quantity of the original item (not the difference); the difference is
 *   invoiced (up) or credited (down).
 * - `NoChange`: context only, for example the bundle root of a returned component.
 * The change order decomposes through the catalog (rules by action) and runs as its own workflows; it bills its
 * delta only and never touches the original order or its invoice.
 *
 * The original item's quantity "now" is its ordered quantity after the earlier change orders (`previous`, in the
 * order they were accepted): Return and Cancel take units away, Amend sets the quantity.
 */

/** The actions that take units back, and are credited. */
const CREDITED: ReadonlySet<OrderItemAction> = new Set<OrderItemAction>(['Return', 'Cancel']);

/** An earlier change order passed again as `previous` (the caller may pass every change order it knows) is skipped. */
function earlierChanges(change: Order, previous: readonly Order[]): Order[] {
  return previous.filter((earlier) => earlier.id !== change.id);
}

function verbOf(action: OrderItemAction): string {
  return action === 'Return' ? 'returns' : 'cancels';
}

/**
 * Every problem of `change` as a change of `original`, after the change orders in `previous`; empty when it is
 * good. Paths name the change order's fields (`items[1].quantity`). Run it with validateOrder at submission:
 * a change order that passes both bills (given configured tax codes).
 */
export function checkChangeOrder(change: Order, original: Order, previous: Order[] = []): Problem[] {
  const problems: Problem[] = [];
  if (change.changeOf === undefined) {
    problems.push({ path: 'changeOf', message: `is required: a change order names the order it changes (${original.id})`, fix: `add "changeOf": "${original.id}"` });
  } else if (change.changeOf !== original.id) {
    problems.push({ path: 'changeOf', message: `names ${change.changeOf}, but the original order is ${original.id}`, fix: `set "changeOf": "${original.id}"` });
  }
  if (change.id === original.id) {
    problems.push({ path: 'id', message: `${change.id} is the original order's own id`, fix: `give the change order its own id, such as "${original.id}-C1"` });
  }
  if (change.accountId !== original.accountId) {
    problems.push({ path: 'accountId', message: `${change.accountId} is not the account of order ${original.id} (${original.accountId})`, fix: `set "accountId": "${original.accountId}"` });
  }
  if (change.currency !== original.currency) {
    problems.push({ path: 'currency', message: `${change.currency} is not the currency of order ${original.id} (${original.currency})`, fix: `set "currency": "${original.currency}": a change bills in the original's currency` });
  }

  const originals = new Map(original.items.map((item) => [item.id, item] as const));
  const quantities = new QuantityState(original);
  for (const earlier of earlierChanges(change, previous)) quantities.apply(earlier);
  const before = quantities.snapshot();

  change.items.forEach((item, index) => {
    const at = `items[${index}]`;
    const action = actionOf(item);
    if (action === 'Add') {
      if (item.originalItemId !== undefined && !originals.has(item.originalItemId)) {
        problems.push({ path: `${at}.originalItemId`, message: `order ${original.id} has no item ${item.originalItemId}`, fix: `name the item it replaces (${[...originals.keys()].join(', ')}), or remove originalItemId` });
      }
      return;
    }
    if (item.originalItemId === undefined) {
      problems.push({ path: `${at}.originalItemId`, message: `is required: ${action === 'Amend' ? 'an' : 'a'} ${action} item names the item of order ${original.id} it changes`, fix: `add "originalItemId": "<id of the item in ${original.id}>"` });
      return;
    }
    const target = originals.get(item.originalItemId);
    if (!target) {
      problems.push({ path: `${at}.originalItemId`, message: `order ${original.id} has no item ${item.originalItemId}`, fix: `name one of its items: ${[...originals.keys()].join(', ')}` });
      return;
    }
    if (item.product !== target.product) {
      problems.push({
        path: `${at}.product`,
        message: `${item.product} is not the product of ${target.id} in order ${original.id} (${target.product})`,
        fix: `a change keeps the product: to change it, ${action === 'Amend' ? 'Cancel or Return' : action} ${target.id} and Add the new product`,
      });
      return;
    }
    const current = quantities.current(target.id);
    if (CREDITED.has(action)) {
      if (item.quantity > current) {
        const why =
          current === target.quantity
            ? `only ${current} were ordered`
            : quantities.amended(target.id)
              ? `its quantity is ${current} after earlier changes`
              : `only ${current} of the ${target.quantity} ordered remain (${target.quantity - current} already returned or cancelled)`;
        problems.push({
          path: `${at}.quantity`,
          message: `${verbOf(action)} ${item.quantity} of ${target.id}, but ${why}`,
          fix: current > 0 ? `${action === 'Return' ? 'return' : 'cancel'} at most ${current}` : `${target.id} has nothing left to ${action === 'Return' ? 'return' : 'cancel'}`,
        });
      }
    } else if (action === 'Amend') {
      // An Amend item carries the NEW quantity of the original item, not the difference.
      if (item.quantity === current) {
        problems.push({
          path: `${at}.quantity`,
          message: `${item.quantity} is already the quantity of ${target.id}: an Amend gives the new quantity`,
          fix: `give the new quantity of ${target.id} (not the difference), or leave the item out`,
        });
      }
    }
    quantities.change(action, target.id, item.quantity);
  });

  problems.push(...bundleProblems(change, original, before));
  const tooLarge = billableTotalProblem(grossAfter(change, original, quantities), change.currency);
  if (tooLarge) problems.push(tooLarge);
  if (change.discount !== undefined) {
    // An order discount would be spread over what the change adds, which is not known until billing: refusing it
    // here keeps the promise that a change order that passes submission always bills.
    problems.push({ path: 'discount', message: 'a change order takes no order-level discount', fix: 'put a line discount on the Add items instead; credits are priced from the original invoice, discounts included' });
  }
  return problems;
}

/**
 * What the original's items bill at their quantities after the change, plus the change's Add items: the most one of
 * its documents (an invoice of increases, a credit memo of what is outstanding) can hold. Too large to price is too large.
 */
function grossAfter(change: Order, original: Order, quantities: QuantityState): bigint {
  const TOO_LARGE = BigInt(Number.MAX_SAFE_INTEGER);
  const gross = (item: OrderItem, index: number): bigint => {
    try {
      return BigInt(priceItem({ ...item, discount: undefined }, index, change.currency).gross);
    } catch {
      return item.quantity > 0 ? TOO_LARGE : 0n; // its own problems are reported by validateOrder
    }
  };
  const originals = original.items.map((item, index) => (quantities.current(item.id) === 0 ? 0n : gross({ ...item, quantity: quantities.current(item.id) }, index)));
  const added = change.items.map((item, index) => (actionOf(item) === 'Add' ? gross(item, index) : 0n));
  return [...originals, ...added].reduce((sum, g) => sum + g, 0n);
}

/**
 * A bundle comes back whole: returning or cancelling a bundle root (whose price carries the bundle's) without its
 * components would credit the bundle while the laptop stays with the customer. Every component of the original
 * that still has units must be returned or cancelled by the same change order.
 */
function bundleProblems(change: Order, original: Order, before: Map<string, number>): Problem[] {
  const bundles = new BundleIndex(original.items);
  const products = new Map(original.items.map((item) => [item.id, item.product] as const));
  const credited = new Set(change.items.filter((item) => CREDITED.has(actionOf(item)) && item.originalItemId !== undefined).map((item) => item.originalItemId!));
  const problems: Problem[] = [];
  change.items.forEach((item, index) => {
    const action = actionOf(item);
    if (!CREDITED.has(action) || item.originalItemId === undefined || !bundles.hasComponents(item.originalItemId)) return;
    for (const component of bundles.descendantsOf(item.originalItemId)) {
      if (credited.has(component) || (before.get(component) ?? 0) === 0) continue;
      problems.push({
        path: `items[${index}]`,
        message: `${verbOf(action)} bundle ${item.originalItemId} (${item.product}) without its component ${component} (${products.get(component)})`,
        fix: `add an item { "action": "${action}", "originalItemId": "${component}", "product": "${products.get(component)}", … }: a bundle comes back with its components`,
      });
    }
  });
  return problems;
}

/** Each original item's quantity now, as change orders take units away (Return, Cancel) or set it (Amend). */
class QuantityState {
  private readonly quantities: Map<string, number>;
  private readonly amendedIds = new Set<string>();

  constructor(original: Order) {
    this.quantities = new Map(original.items.map((item) => [item.id, item.quantity] as const));
  }

  apply(change: Order): void {
    for (const item of change.items) if (item.originalItemId !== undefined) this.change(actionOf(item), item.originalItemId, item.quantity);
  }

  change(action: OrderItemAction, itemId: string, quantity: number): void {
    if (!this.quantities.has(itemId)) return;
    if (CREDITED.has(action)) this.quantities.set(itemId, Math.max(0, this.current(itemId) - quantity));
    if (action === 'Amend') {
      this.quantities.set(itemId, quantity);
      this.amendedIds.add(itemId);
    }
  }

  current(itemId: string): number {
    return this.quantities.get(itemId) ?? 0;
  }

  amended(itemId: string): boolean {
    return this.amendedIds.has(itemId);
  }

  snapshot(): Map<string, number> {
    return new Map(this.quantities);
  }
}

// ---------------------------------------------------------------------------------------------
// Billing the delta

/** What a change order is checked and priced against: its original, the original's invoice, and earlier changes. */
export interface ChangeContext {
  original: Order;
  originalInvoice: Invoice;
  /** Change orders of the same original submitted before this one and not refused or cancelled, oldest first. */
  previous: Order[];
}

export interface ChangeOrderBilling {
  /** What the change adds: Add items, and Amend increases. Absent when nothing is billed. */
  invoice?: Invoice;
  /** What the change takes back: Return and Cancel items, and Amend decreases; positive amounts. Absent when nothing is credited. */
  creditMemo?: Invoice;
}

/**
 * The billing documents of a change order: its delta only, never touching the original invoice.
 *
 * - Credit memo (`CM-<changeOrderId>-1`, kind `creditMemo`, positive amounts) for Return and Cancel items and
 *   Amend decreases, priced from the ORIGINAL INVOICE line pro rata by units and rounded once, cumulatively:
 *   crediting q units after p of Q were credited gives round(A×(p+q)/Q) − round(A×p/Q) of the line amount A,
 *   and the same for its tax and discount. However a line is taken back in steps, the credits sum to exactly
 *   what was billed for it.
 * - Invoice (`INV-<changeOrderId>-1`) for Add items, priced like any order (buildInvoice), and for Amend
 *   increases, priced at the original item's unit price × the added units (its billing and term; the change
 *   item's own startDate/endDate when it gives them), taxed by the original line's tax code. (A change order
 *   carries no order-level discount; an Add item may carry its own line discount.)
 * - Units added by an earlier Amend were billed on that change order's invoice; a later decrease or return
 *   takes those units back first (last in, first out), priced from that invoice line the same cumulative way,
 *   so nothing is ever credited above what was billed for it.
 * - Every line names the change order's item (`orderItemId`) and, for a change of an original item,
 *   `originalItemId`. A document is issued only when it carries money: no document has a total of 0.
 *
 * `originalInvoice` is the original order's invoice; `previous` are the change orders of the same original
 * accepted before this one, in order (re-priced here with `settings` to know what is left to credit). Billing
 * keys: invoiceIdempotencyKey(changeOrderId, kind). Throws InvalidInput naming every problem (checkChangeOrder's
 * included) so a change order that does not fit the original is never billed.
 */
export function changeOrderBilling(change: Order, original: Order, originalInvoice: Invoice, settings: InvoiceSettings, previous: Order[] = []): ChangeOrderBilling {
  const subject = `change order ${change.id}`;
  const problems = [...checkChangeOrder(change, original, previous), ...invoiceProblems(original, originalInvoice)];
  if (problems.length > 0) throw new InvalidInput(subject, problems);

  const ledger = new Ledger(original, originalInvoice);
  for (const earlier of earlierChanges(change, previous)) billDelta(earlier, ledger, settings);
  return billDelta(change, ledger, settings);
}

/** The original invoice must be the original order's, in its currency, with one line per item at its quantity. */
function invoiceProblems(original: Order, invoice: Invoice): Problem[] {
  const problems: Problem[] = [];
  if (invoice.orderId !== original.id) {
    problems.push({ path: 'originalInvoice.orderId', message: `invoice ${invoice.id} is of order ${invoice.orderId}, not of ${original.id}`, fix: `pass the invoice of order ${original.id}` });
  }
  if (invoice.kind !== 'invoice') {
    problems.push({ path: 'originalInvoice.kind', message: `${invoice.id} is a ${invoice.kind}, not an invoice`, fix: `pass the invoice of order ${original.id}` });
  }
  if (invoice.currency !== original.currency) {
    problems.push({ path: 'originalInvoice.currency', message: `${invoice.currency} is not the currency of order ${original.id} (${original.currency})`, fix: `pass the invoice of order ${original.id}` });
  }
  for (const item of original.items) {
    const line = invoice.lines.find((candidate) => candidate.orderItemId === item.id);
    if (!line) {
      problems.push({ path: 'originalInvoice.lines', message: `invoice ${invoice.id} has no line for item ${item.id}`, fix: `pass the invoice of order ${original.id}` });
    } else if (line.quantity !== item.quantity) {
      problems.push({ path: 'originalInvoice.lines', message: `invoice ${invoice.id} bills ${line.quantity} of item ${item.id}, which was ordered ${item.quantity}`, fix: `pass the invoice of order ${original.id}` });
    }
  }
  return problems;
}

/** What one billed line holds, in minor units, and how much of it was credited already. */
interface Segment {
  units: number;
  credited: number;
  gross: number;
  discount: number;
  amount: number;
  tax: number;
  taxCode: string | null;
}

interface Credit {
  gross: number;
  discount: number;
  amount: number;
  tax: number;
  taxCode: string | null;
}

/**
 * What is billed for each original item and not yet credited: the original invoice line, then one segment per
 * Amend increase, in the order they were billed. Credits take units from the newest segment first.
 */
class Ledger {
  readonly currency: string;
  readonly items: Map<string, OrderItem>;
  private readonly segments = new Map<string, Segment[]>();

  constructor(original: Order, invoice: Invoice) {
    this.currency = original.currency;
    this.items = new Map(original.items.map((item) => [item.id, item] as const));
    for (const item of original.items) {
      const line = invoice.lines.find((candidate) => candidate.orderItemId === item.id)!;
      this.segments.set(item.id, [this.segmentOf(line)]);
    }
  }

  segmentOf(line: InvoiceLine): Segment {
    const money = (text: string, field: string) => parseMoney(text, this.currency, `lines[${line.orderItemId}].${field}`);
    return { units: line.quantity, credited: 0, gross: money(line.gross, 'gross'), discount: money(line.discount, 'discount'), amount: money(line.amount, 'amount'), tax: money(line.tax, 'tax'), taxCode: line.taxCode };
  }

  /** Units billed and not yet credited. */
  current(itemId: string): number {
    return sumMinor(this.segments.get(itemId)!.map((segment) => segment.units - segment.credited));
  }

  /** The original invoice line's tax code: what an increase is taxed by. */
  taxCode(itemId: string): string | null {
    return this.segments.get(itemId)![0].taxCode;
  }

  add(itemId: string, line: InvoiceLine): void {
    this.segments.get(itemId)!.push(this.segmentOf(line));
  }

  /** Credits `units` of the item, newest segment first, each priced by cumulative pro-rata shares. */
  credit(itemId: string, units: number, changeOrderId: string): Credit {
    const credit: Credit = { gross: 0, discount: 0, amount: 0, tax: 0, taxCode: null };
    let left = units;
    let taxCodeSet = false;
    const segments = this.segments.get(itemId)!;
    for (let i = segments.length - 1; i >= 0 && left > 0; i--) {
      const segment = segments[i];
      const take = Math.min(left, segment.units - segment.credited);
      if (take === 0) continue;
      const share = (total: number) => cumulativeShare(total, segment.units, segment.credited, take);
      const amount = share(segment.amount);
      const discount = share(segment.discount);
      credit.amount += amount;
      credit.discount += discount;
      credit.gross += amount + discount;
      credit.tax += share(segment.tax);
      if (!taxCodeSet) {
        credit.taxCode = segment.taxCode;
        taxCodeSet = true;
      }
      segment.credited += take;
      left -= take;
    }
    if (left > 0) {
      throw new InvalidInput(`change order ${changeOrderId}`, [
        { path: 'items', message: `credits ${units} of ${itemId}, but only ${units - left} are billed and not yet credited`, fix: 'pass the earlier change orders of the original order, in the order they were accepted' },
      ]);
    }
    return credit;
  }
}

/** Bills one change order against the ledger, and records what it billed and credited there. */
function billDelta(change: Order, ledger: Ledger, settings: InvoiceSettings): ChangeOrderBilling {
  const { currency } = ledger;
  const money = (minor: number) => formatMoney(minor, currency);
  const creditLines: InvoiceLine[] = [];
  const invoiceItems: OrderItem[] = [];
  /** Invoice item id → the original item it increases (Amend up), to record the billed units in the ledger. */
  const increases = new Map<string, string>();

  const creditLine = (item: OrderItem, original: OrderItem, units: number): InvoiceLine => {
    const credit = ledger.credit(original.id, units, change.id);
    return {
      orderItemId: item.id,
      product: item.product,
      quantity: units,
      unitPrice: money(parseMoney(original.unitPrice, currency, 'unitPrice')),
      gross: money(credit.gross),
      discount: money(credit.discount),
      amount: money(credit.amount),
      tax: money(credit.tax),
      taxCode: credit.taxCode,
      originalItemId: original.id,
    };
  };

  for (const item of change.items) {
    const action = actionOf(item);
    if (action === 'Add') {
      invoiceItems.push(invoiceItemOf(item));
      continue;
    }
    if (action === 'NoChange') continue;
    const original = ledger.items.get(item.originalItemId!)!;
    if (CREDITED.has(action)) {
      creditLines.push(creditLine(item, original, item.quantity));
      continue;
    }
    // Amend: item.quantity is the NEW quantity of the original item.
    const current = ledger.current(original.id);
    if (item.quantity < current) {
      creditLines.push(creditLine(item, original, current - item.quantity));
    } else if (item.quantity > current) {
      const taxCode = ledger.taxCode(original.id);
      invoiceItems.push({
        id: item.id,
        product: original.product,
        quantity: item.quantity - current,
        unitPrice: original.unitPrice,
        ...(taxCode !== null ? { taxCode } : {}),
        ...(original.billing !== undefined ? { billing: original.billing } : {}),
        ...termOf(item.startDate ?? original.startDate, item.endDate ?? original.endDate),
        originalItemId: original.id,
      });
      increases.set(item.id, original.id);
    }
  }

  const result: ChangeOrderBilling = {};
  if (invoiceItems.length > 0) {
    const invoiceOrder: Order = { id: change.id, accountId: change.accountId, channel: change.channel, currency, items: invoiceItems };
    const built = buildInvoice(invoiceOrder, settings, { id: billingDocumentId(change.id, 'invoice'), kind: 'invoice' });
    const byId = new Map(invoiceItems.map((item) => [item.id, item] as const));
    built.lines = built.lines.map((line) => {
      const originalItemId = byId.get(line.orderItemId)?.originalItemId;
      return originalItemId === undefined ? line : { ...line, originalItemId };
    });
    for (const line of built.lines) {
      const increased = increases.get(line.orderItemId);
      if (increased !== undefined) ledger.add(increased, line);
    }
    if (carriesMoney(built, currency)) result.invoice = built;
  }
  if (creditLines.length > 0) {
    const minor = (field: 'gross' | 'discount' | 'amount' | 'tax') => creditLines.map((line) => parseMoney(line[field], currency, field));
    const memo: Invoice = {
      id: billingDocumentId(change.id, 'creditMemo'),
      orderId: change.id,
      accountId: change.accountId,
      kind: 'creditMemo',
      currency,
      subtotal: money(sumMinor(minor('gross'))),
      discount: money(sumMinor(minor('discount'))),
      tax: money(sumMinor(minor('tax'))),
      total: money(sumMinor([...minor('amount'), ...minor('tax')])),
      lines: creditLines,
    };
    if (carriesMoney(memo, currency)) result.creditMemo = memo;
  }
  return result;
}

/** An Add item as the invoice bills it: the change-order fields (action, originalItemId) play no part in pricing. */
function invoiceItemOf(item: OrderItem): OrderItem {
  const { action: _action, ...priced } = item;
  return priced;
}

function termOf(startDate: string | undefined, endDate: string | undefined): Pick<OrderItem, 'startDate' | 'endDate'> {
  return { ...(startDate !== undefined ? { startDate } : {}), ...(endDate !== undefined ? { endDate } : {}) };
}

function carriesMoney(document: Invoice, currency: string): boolean {
  return parseMoney(document.total, currency, 'total') !== 0;
}

// ---------------------------------------------------------------------------------------------
// What an order and its change orders billed, net

export interface BilledAmounts {
  /** Σ totals of invoices. */
  invoiced: string;
  /** Σ totals of credit memos (positive). */
  credited: string;
  /** invoiced − credited. */
  net: string;
}

/** Sums billing documents (an order's invoice, its change orders' invoices and credit memos) in `currency`. */
export function billedAmounts(documents: readonly Invoice[], currency: string): BilledAmounts {
  const problems: Problem[] = [];
  documents.forEach((document, index) => {
    if (document.currency !== currency) {
      problems.push({ path: `documents[${index}].currency`, message: `${document.id} is in ${document.currency}, not ${currency}`, fix: 'sum documents of one currency' });
    }
  });
  if (problems.length > 0) throw new InvalidInput('billed documents', problems);
  const totalOf = (kind: Invoice['kind']) =>
    sumMinor(documents.flatMap((document, index) => (document.kind === kind ? [parseMoney(document.total, currency, `documents[${index}].total`)] : [])));
  const invoiced = totalOf('invoice');
  const credited = totalOf('creditMemo');
  return { invoiced: formatMoney(invoiced, currency), credited: formatMoney(credited, currency), net: formatMoney(sumMinor([invoiced, -credited]), currency) };
}

/** Σ invoices − Σ credit memos, as a decimal string ("3798.00", or "-20.00" when more was credited than invoiced). */
export function netBilled(documents: readonly Invoice[], currency: string): string {
  return billedAmounts(documents, currency).net;
}
