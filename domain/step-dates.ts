import type { StartAt, StepDefinition } from './catalog';
import type { AttributeValue, Order, OrderItem } from './order';
import type { FulfillmentOrder, Plan } from './plan';
import { InvalidInput, type Problem } from './problems';

/**
 * Dated steps (docs/decomposition.md "Dated steps"): decomposition writes on each plan step of a definition with
 * `startAt` the date it may start at the earliest (`notBefore`), and with `startAfter` the wait after its
 * dependencies. Pure and deterministic (it reads only the order), so the workflow only compares times.
 */

/** A date-only value is midnight UTC of that day (order terms are UTC days); a date-time keeps its own zone. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an ISO date (`2027-01-05`) or date-time with a zone; undefined when it is neither. */
export function parseStartDate(value: AttributeValue | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = DATE_ONLY.test(value) ? `${value}T00:00:00Z` : DATE_TIME.test(value) ? value : undefined;
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  // Date.parse rolls 2027-02-30 over to March: a date that does not exist is not a date.
  return Number.isNaN(ms) || (DATE_ONLY.test(value) && new Date(ms).toISOString().slice(0, 10) !== value) ? undefined : ms;
}

/** Where an item's start date comes from, for messages: `startDate` or `attributes.NAME`. */
export function startAtPath(startAt: StartAt): string {
  return startAt.attribute !== undefined ? `attributes.${startAt.attribute}` : 'startDate';
}

/** The raw value `startAt` names on one order item. */
function startValueOf(startAt: StartAt, item: OrderItem): AttributeValue | undefined {
  return startAt.attribute !== undefined ? item.attributes?.[startAt.attribute] : item.startDate;
}

/**
 * The earliest start of a step over the given source items: the latest of their dates (a step on several items
 * waits for the last of them). Undefined when none of them has the date. A value that is not a date is a problem
 * naming the item and the field.
 */
export function notBeforeOf(startAt: StartAt, items: readonly OrderItem[], problems: Problem[], pathOf: (item: OrderItem) => string = (item) => `items[${item.id}]`): number | undefined {
  let latest: number | undefined;
  for (const item of items) {
    const value = startValueOf(startAt, item);
    if (value === undefined) continue;
    const ms = parseStartDate(value);
    if (ms === undefined) {
      problems.push({
        path: `${pathOf(item)}.${startAtPath(startAt)}`,
        message: `${JSON.stringify(value)} on item ${item.id} is not a date, and a step starts at it`,
        fix: 'give an ISO date such as "2027-01-05" (or a date-time with a zone, "2027-01-05T09:00:00Z")',
      });
      continue;
    }
    if (latest === undefined || ms > latest) latest = ms;
  }
  return latest;
}

/** Writes `notBefore` and `startAfter` on the dated steps of every plan of the order; InvalidInput when a date is not one. */
export function dateSteps(plan: Plan, order: Order): void {
  const splits = [...plan.fulfillmentOrders, ...(plan.accountFulfillmentOrders ?? [])];
  // Most catalogs date no step: then the order's items are not even indexed.
  if (!splits.some((fo) => Object.values(fo.definitions).some(isDated))) return;
  const items = new Map(order.items.map((item) => [item.id, item]));
  const index = new Map(order.items.map((item, i) => [item, i]));
  const pathOf = (item: OrderItem) => `items[${index.get(item)}]`;
  const problems: Problem[] = [];
  for (const fo of splits) dateFulfillmentOrder(fo, items, problems, pathOf);
  if (problems.length > 0) throw new InvalidInput('order', dedupe(problems));
}

function dateFulfillmentOrder(fo: FulfillmentOrder, items: ReadonlyMap<string, OrderItem>, problems: Problem[], pathOf: (item: OrderItem) => string): void {
  const dated = Object.entries(fo.definitions).filter(([, d]) => isDated(d));
  if (dated.length === 0) return;
  const definitions = new Map(dated);
  const lineItems = new Map(fo.lineItems.map((li) => [li.id, li]));
  for (const step of fo.steps) {
    const definition = definitions.get(step.definition);
    if (!definition) continue;
    if (definition.startAfter !== undefined) step.startAfter = definition.startAfter;
    if (!definition.startAt) continue;
    const sources = step.lineItemIds.flatMap((id) => lineItems.get(id)?.sourceItemIds ?? []);
    const sourceItems = [...new Set(sources)].map((id) => items.get(id)).filter((item): item is OrderItem => !!item);
    const notBefore = notBeforeOf(definition.startAt, sourceItems, problems, pathOf);
    if (notBefore !== undefined) step.notBefore = new Date(notBefore).toISOString();
  }
}

function isDated(definition: StepDefinition): boolean {
  return definition.startAt !== undefined || definition.startAfter !== undefined;
}

/** One problem per item and field, however many steps start at it. */
function dedupe(problems: Problem[]): Problem[] {
  return [...new Map(problems.map((p) => [p.path, p])).values()];
}
