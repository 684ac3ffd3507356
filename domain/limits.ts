import type { Problem } from './problems';

/**
 * Ordo's input limits (docs/limits.md). Each keeps an input well inside what Temporal accepts, so a request
 * that would be refused deep in the server (a 2 MiB payload, a history over its limits) is refused first,
 * naming the limit, the value and the fix. Checked where input enters Ordo, before anything reaches Temporal.
 */
export const LIMITS = {
  /** An order's JSON: the workflow's input. Temporal refuses a payload over 2 MiB; larger payloads are gzipped from 128 KiB. */
  orderBytes: 1024 * 1024,
  /** Items in one order or change order (a 2,000-item order runs as 20 splits: docs/decomposition.md). */
  orderItems: 5_000,
  /** Attributes on one item, the characters of an attribute's name and of a text value. */
  attributesPerItem: 64,
  attributeNameChars: 64,
  attributeValueChars: 1_024,
  /** Order, item, account, delivery group and contract ids (letters, digits, ".", "_", "-"). */
  idChars: 128,
  /** One catalog YAML file. */
  catalogFileBytes: 1024 * 1024,
  /** Nesting of a catalog YAML file (a catalog needs about 8), and how many alias uses one may have. */
  yamlDepth: 32,
  yamlAliases: 100,
} as const;

/** `1,048,576`: numbers in limit messages, readable. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The size limits of an order (or change order) as it arrives, before its schema is checked: a 10 MB order
 * is refused in one line instead of being validated item by item. Attribute limits are checked here too,
 * on whatever items are there; their shape is the schema's business.
 */
export function orderLimitProblems(input: unknown): Problem[] {
  const tooLarge = bytesProblem(input, 'order', 'split it into several orders, or move long texts out of attributes');
  if (tooLarge) return [tooLarge];
  const items = isRecord(input) && Array.isArray(input.items) ? input.items : [];
  const problems: Problem[] = [];
  if (items.length > LIMITS.orderItems) {
    problems.push({ path: 'items', message: `has ${formatCount(items.length)} items; an order may have at most ${formatCount(LIMITS.orderItems)} (limit orderItems)`, fix: 'split it into several orders' });
  }
  items.forEach((item, i) => problems.push(...attributeLimitProblems(isRecord(item) ? item.attributes : undefined, `items[${i}].attributes`)));
  return problems;
}

/** The same for an amendment: its bytes, and the attributes of the items it adds and the changes it makes. */
export function amendmentLimitProblems(input: unknown): Problem[] {
  const tooLarge = bytesProblem(input, 'amendment', 'send the actions in several amendments');
  if (tooLarge) return [tooLarge];
  const actions = isRecord(input) && Array.isArray(input.actions) ? input.actions : [];
  return actions.flatMap((action, i) => {
    if (!isRecord(action)) return [];
    const attributes = isRecord(action.item) ? action.item.attributes : action.attributes;
    return attributeLimitProblems(attributes, `actions[${i}]${isRecord(action.item) ? '.item' : ''}.attributes`);
  });
}

/** The attribute limits of one attributes object (an item's, an amendment's, an operator's update). */
export function attributeLimitProblems(attributes: unknown, path: string): Problem[] {
  if (!isRecord(attributes)) return [];
  const entries = Object.entries(attributes);
  const problems: Problem[] = [];
  if (entries.length > LIMITS.attributesPerItem) {
    problems.push({ path, message: `has ${entries.length} attributes; an item may have at most ${LIMITS.attributesPerItem} (limit attributesPerItem)`, fix: 'keep only the attributes decomposition and billing need' });
  }
  for (const [name, value] of entries) {
    if (name.length > LIMITS.attributeNameChars) {
      problems.push({ path: `${path}.${name.slice(0, 20)}…`, message: `the name is ${name.length} characters; an attribute name may have at most ${LIMITS.attributeNameChars} (limit attributeNameChars)`, fix: 'use a shorter name' });
    }
    if (typeof value === 'string' && value.length > LIMITS.attributeValueChars) {
      problems.push({ path: `${path}.${name}`, message: `is ${formatCount(value.length)} characters; an attribute value may have at most ${formatCount(LIMITS.attributeValueChars)} (limit attributeValueChars)`, fix: 'keep long texts in the system they come from and pass a reference' });
    }
  }
  return problems;
}

/** The orderBytes limit, for an order or an amendment: its size as JSON in UTF-8, as Temporal will receive it. */
function bytesProblem(input: unknown, what: 'order' | 'amendment', fix: string): Problem | undefined {
  const bytes = new TextEncoder().encode(JSON.stringify(input) ?? '').length;
  if (bytes <= LIMITS.orderBytes) return undefined;
  return { path: `(${what})`, message: `is ${formatCount(bytes)} bytes of JSON; an ${what} may have at most ${formatCount(LIMITS.orderBytes)} (limit orderBytes)`, fix };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
