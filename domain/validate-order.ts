import { collectProblems } from './collect-problems';
import { checkContract } from './contract';
import { billableTotalProblem, priceItem, type PricedItem } from './invoice';
import { formatMoney, parseMoney, sumMinor } from './money';
import { actionOf } from './item-action';
import { Order } from './order';
import { InvalidInput, parseWith, type Problem } from './problems';

/**
 * The one way an order enters Ordo (client API, CLI, HTTP): the zod schema first, then the rules zod cannot
 * express. Every problem is collected and reported at once, each naming its field (`items[1].unitPrice`) and
 * the fix, so an upstream system can correct an order in one round trip. The input is never mutated: zod
 * returns a fresh object.
 *
 * Submission is also where billing problems must surface: an order that validates here always invoices
 * (given configured tax codes), so nothing fails at the billing milestone after every split was fulfilled.
 */
export function validateOrder(input: unknown): Order {
  const subject = subjectOf(input);
  const order = parseWith(Order, input, subject);
  const problems = orderProblems(order);
  if (problems.length > 0) throw new InvalidInput(subject, problems);
  return order;
}

/** `order ORD-1001`, or just `order` when the id itself is missing or bad. */
export function subjectOf(input: unknown): string {
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  return Order.shape.id.safeParse(id).success ? `order ${id as string}` : 'order';
}

/** Every problem zod cannot see in a schema-valid order; empty when the order is good. */
export function orderProblems(order: Order): Problem[] {
  return [
    ...duplicateIds(order.items, 'items', 'item'),
    ...duplicateIds(order.deliveryGroups ?? [], 'deliveryGroups', 'delivery group'),
    ...danglingReferences(order),
    ...bundleCycles(order),
    ...termProblems(order),
    ...moneyProblems(order),
    ...checkContract(order),
    ...changeFieldProblems(order),
  ];
}

/**
 * `action` and `originalItemId` belong to change orders: on a change order every item that is not an `Add`
 * names the original item it changes; an ordinary order may carry neither (its items are all `Add`).
 * Whether the original item exists is checked against the original order (domain/change-order checkChangeOrder).
 */
function changeFieldProblems(order: Order): Problem[] {
  const problems: Problem[] = [];
  order.items.forEach((item, index) => {
    const action = actionOf(item);
    if (order.changeOf !== undefined) {
      if (action !== 'Add' && item.originalItemId === undefined) {
        problems.push({
          path: `items[${index}].originalItemId`,
          message: `is required: ${action === 'Amend' ? 'an' : 'a'} ${action} item names the item of order ${order.changeOf} it changes`,
          fix: `add "originalItemId": "<id of the item in ${order.changeOf}>"`,
        });
      }
      return;
    }
    if (action !== 'Add') {
      problems.push({
        path: `items[${index}].action`,
        message: `only a change order (changeOf) may ${action === 'NoChange' ? 'carry a NoChange item' : `${action} an item`}`,
        fix: 'remove action (an order adds its items), or submit a change order with "changeOf": "<original order id>"',
      });
    }
    if (item.originalItemId !== undefined) {
      problems.push({
        path: `items[${index}].originalItemId`,
        message: 'only a change order (changeOf) may name an original item',
        fix: 'remove originalItemId, or submit a change order with "changeOf": "<original order id>"',
      });
    }
  });
  return problems;
}

function duplicateIds(entries: ReadonlyArray<{ id: string }>, field: string, noun: string): Problem[] {
  const firstIndex = new Map<string, number>();
  const problems: Problem[] = [];
  entries.forEach(({ id }, index) => {
    const earlier = firstIndex.get(id);
    if (earlier === undefined) firstIndex.set(id, index);
    else problems.push({ path: `${field}[${index}].id`, message: `"${id}" is already the id of ${field}[${earlier}]`, fix: `give every ${noun} a unique id` });
  });
  return problems;
}

function danglingReferences(order: Order): Problem[] {
  const itemIds = new Set(order.items.map((item) => item.id));
  const groupIds = new Set((order.deliveryGroups ?? []).map((group) => group.id));
  const problems: Problem[] = [];
  order.items.forEach((item, index) => {
    if (item.parentItemId !== undefined && !itemIds.has(item.parentItemId)) {
      problems.push({
        path: `items[${index}].parentItemId`,
        message: `points at "${item.parentItemId}", which is not an item of this order`,
        fix: 'point at the id of the bundle root item, or remove parentItemId',
      });
    }
    if (item.deliveryGroupId !== undefined && !groupIds.has(item.deliveryGroupId)) {
      const known = groupIds.size ? [...groupIds].join(', ') : 'none are defined';
      problems.push({
        path: `items[${index}].deliveryGroupId`,
        message: `points at delivery group "${item.deliveryGroupId}", which is not in deliveryGroups (${known})`,
        fix: 'define the delivery group in deliveryGroups, or correct the id',
      });
    }
  });
  return problems;
}

/** A bundle's parent chain must end at a root; a cycle is reported once, at its earliest item. */
function bundleCycles(order: Order): Problem[] {
  const indexById = new Map(order.items.map((item, index) => [item.id, index] as const));
  const reported = new Set<number>();
  const problems: Problem[] = [];
  order.items.forEach((_, start) => {
    const chain: number[] = [];
    let current: number | undefined = start;
    while (current !== undefined && !chain.includes(current)) {
      chain.push(current);
      const parentId: string | undefined = order.items[current].parentItemId;
      current = parentId === undefined ? undefined : indexById.get(parentId);
    }
    if (current === undefined) return;
    const cycle = chain.slice(chain.indexOf(current));
    const first = Math.min(...cycle);
    if (reported.has(first)) return;
    reported.add(first);
    const fromFirst = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first)), first];
    problems.push({
      path: `items[${first}].parentItemId`,
      message: `forms a bundle cycle: ${fromFirst.map((index) => order.items[index].id).join(' → ')}`,
      fix: 'components point at their bundle root, and the root has no parentItemId',
    });
  });
  return problems;
}

/** ISO dates (already checked by zod) order correctly as text. */
function endBeforeStart(term: { startDate?: string; endDate?: string }): boolean {
  return term.startDate !== undefined && term.endDate !== undefined && term.endDate < term.startDate;
}

function termProblems(order: Order): Problem[] {
  const terms = [
    ...order.items.map((item, index) => ({ term: item, path: `items[${index}]` })),
    ...(order.contract?.lines ?? []).map((line, index) => ({ term: line, path: `contract.lines[${index}]` })),
  ];
  return terms.filter(({ term }) => endBeforeStart(term)).map(({ term, path }) => ({
    path: `${path}.endDate`,
    message: `${term.endDate} is before the start date ${term.startDate}`,
    fix: 'give an end date on or after the start date (the end date is inclusive)',
  }));
}

/**
 * Money fits the currency, line discounts fit their lines and the order discount fits the order — the same
 * pricing the invoice will do (domain/invoice priceItem), so billing cannot fail on these later.
 */
function moneyProblems(order: Order): Problem[] {
  const { currency } = order;
  const problems: Problem[] = [];
  const priced = order.items.map((item, index) => {
    // A reversed term is reported by termProblems; pricing it would only repeat that.
    if (endBeforeStart(item)) return undefined;
    const line = collectProblems(problems, () => priceItem(item, index, currency));
    if (line && item.billing === 'usage') problems.push(...usageDiscountProblems(item.discount, item.quantity, line, index, currency));
    return line;
  });
  const orderDiscount = order.discount === undefined ? 0 : collectProblems(problems, () => parseMoney(order.discount!, currency, 'discount'));
  order.contract?.lines.forEach((line, index) => collectProblems(problems, () => parseMoney(line.unitPrice, currency, `contract.lines[${index}].unitPrice`)));

  if (orderDiscount !== undefined && priced.every((line) => line !== undefined)) {
    const tooLarge = billableTotalProblem((priced as PricedItem[]).reduce((sum, line) => sum + BigInt(line.gross), 0n), currency);
    if (tooLarge) return [...problems, tooLarge];
    const netTotal = sumMinor(priced.map((line) => line!.net));
    if (orderDiscount > netTotal) {
      problems.push({
        path: 'discount',
        message: `${formatMoney(orderDiscount, currency)} is more than the order's billed amount after line discounts, ${formatMoney(netTotal, currency)}`,
        fix: 'lower the order discount',
      });
    }
  }
  return problems;
}

/** Usage lines bill nothing now, so their discount is checked against quantity × unitPrice instead. */
function usageDiscountProblems(discount: string | undefined, quantity: number, line: PricedItem, index: number, currency: string): Problem[] {
  if (discount === undefined) return [];
  const discountMinor = parseMoney(discount, currency, `items[${index}].discount`);
  const listAmount = BigInt(quantity) * BigInt(line.unitPrice);
  if (BigInt(discountMinor) <= listAmount) return [];
  return [
    {
      path: `items[${index}].discount`,
      message: `${formatMoney(discountMinor, currency)} is more than quantity × unitPrice (${quantity} × ${formatMoney(line.unitPrice, currency)})`,
      fix: 'lower the discount to at most quantity × unitPrice',
    },
  ];
}
