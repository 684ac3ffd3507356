import { z } from 'zod';
import { Duration } from './duration';
import { UsagePrice } from './usage-price';

/**
 * The catalog: commercial products, fulfillment (technical) products, decomposition rules,
 * workspaces (orchestration plans) and scenarios. Schemas are the types.
 * Parsing YAML text into a Catalog lives in domain/catalog-load.ts; reading files is the caller's job.
 */

const Code = z
  .string({ error: 'must be a product or step code' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may contain only letters, digits, ".", "_" and "-"');

export const Product = z.strictObject({
  code: Code,
  name: z.string().optional(),
  kind: z.enum(['simple', 'bundle']).default('simple'),
  components: z.array(Code).optional(),
  /** Allowed values per attribute; an order item's attribute outside them is an error. `[]`: declared, any value. */
  attributes: z.record(z.string(), z.array(z.union([z.string(), z.number(), z.boolean()]))).optional(),
  /** `none`: billed, never fulfilled, so it needs no decomposition rule. */
  fulfillment: z.enum(['required', 'none']).default('required'),
  /**
   * An order with this product waits `pending` until a member of `queue` (temporal-config.yaml `queues`) approves it
   * (`ordo`'s approveOrder update) before any fulfillment starts; refused, the order ends `rejected`.
   */
  approval: z.strictObject({ queue: Code }).optional(),
  /**
   * A usage product's rating price: per unit (`"0.10"`, up to 6 places) or graduated tiers
   * (`[{ upTo: 1000, unitPrice: "0.10" }, { upTo: null, unitPrice: "0.05" }]`). Absent: the order item's unitPrice per unit.
   */
  usagePrice: UsagePrice.optional(),
});

export const FulfilledBy = z.union([
  z.strictObject({ locations: z.array(Code).min(1, 'list at least one stock location') }),
  z.strictObject({ system: Code }),
]);

export const FulfillmentProduct = z.strictObject({
  code: Code,
  name: z.string().optional(),
  fulfilledBy: FulfilledBy,
});

export const Condition = z.strictObject({
  attribute: z.string().min(1),
  in: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

export const Scope = z.enum(['lineItem', 'order', 'bundle', 'account']);

/**
 * Which order items a rule decomposes, by their action: `Add` (default) for what is sold; `Cancel`, `Return`
 * and `Amend` for change-order items, so a catalog says which work a change takes (deprovisioning, a return
 * pickup). An item matches only the rules of its own action.
 */
export const RuleAction = z.enum(['Add', 'Amend', 'Cancel', 'Return']);

export const DecompositionRule = z.strictObject({
  id: Code,
  source: Code,
  destination: Code,
  action: RuleAction.default('Add'),
  scope: Scope.default('lineItem'),
  when: Condition.optional(),
  quantity: z.enum(['sum', 'one']).default('sum'),
  /** destination attribute ← source item attribute */
  mapAttributes: z.record(z.string(), z.string()).optional(),
});

export const SystemCall = z.strictObject({ system: Code, operation: z.string().min(1) });

export const RetryPolicy = z.strictObject({
  policy: z.enum(['immediate', 'fixed', 'staggered']),
  /** `fixed`: the wait between attempts. */
  interval: Duration.optional(),
  /** `staggered`: one wait per retry, in order. */
  intervals: z.array(Duration).optional(),
  /** `immediate` and `fixed`: attempts in all, first included (default 3). */
  maxAttempts: z.number().int().positive().optional(),
});

export const Fallout = z.strictObject({
  queue: z.string().min(1).optional(),
  retry: RetryPolicy.optional(),
});

export const JeopardyAction = z.union([
  z.strictObject({ alert: z.string().min(1).optional() }).transform(() => ({ action: 'alert' as const })),
  z.strictObject({ reassign: z.string().min(1) }).transform((a) => ({ action: 'reassign' as const, queue: a.reassign })),
  z.strictObject({ escalate: z.string().min(1) }).transform((a) => ({ action: 'escalate' as const, queue: a.escalate })),
]);

export const ResumeOn = z.union([
  z.strictObject({ signal: z.string().min(1) }),
  z.strictObject({ condition: z.strictObject({ field: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean()]) }) }),
]);

/**
 * When a dated step may start at the earliest (docs/decomposition.md "Dated steps"): an order-item field of its
 * line's source items (`startDate`), or an attribute that holds an ISO date. Decomposition writes the date on
 * the plan step as `notBefore`; an item without it leaves the step undated.
 */
export const StartAt = z
  .strictObject({
    /** The one order-item field that is a date; any other date is an attribute. */
    field: z.enum(['startDate']).optional(),
    attribute: z.string().min(1, 'name the order-item attribute that holds the date').optional(),
  })
  .refine((startAt) => (startAt.field === undefined) !== (startAt.attribute === undefined), {
    message: 'give one of field: startDate or attribute: NAME',
  });

export const StepType = z.enum(['autoTask', 'manualTask', 'callout', 'milestone', 'pause']);
export const StepScope = z.enum(['plan', 'bundle', 'lineItem']);

export const StepDefinition = z.strictObject({
  id: Code,
  name: z.string().optional(),
  type: StepType,
  scope: StepScope.default('plan'),
  dependsOn: z.array(z.string().min(1)).default([]),
  call: SystemCall.optional(),
  handler: z.string().min(1).optional(),
  queue: z.string().min(1).optional(),
  instructions: z.string().optional(),
  runAs: z.string().min(1).optional(),
  resumeOn: ResumeOn.optional(),
  /** The earliest start, from the order item: the step waits `Scheduled` until that date. */
  startAt: StartAt.optional(),
  /** A wait after its dependencies complete (`30d`): the step waits `Scheduled` that long. */
  startAfter: Duration.optional(),
  estimatedDuration: Duration.optional(),
  jeopardyThreshold: Duration.optional(),
  jeopardy: z.strictObject({ onJeopardy: z.array(JeopardyAction).optional(), onLate: z.array(JeopardyAction).optional() }).optional(),
  fallout: Fallout.optional(),
  pointOfNoReturn: z.boolean().default(false),
  compensate: SystemCall.optional(),
});

export const StepGroup = z.strictObject({ name: z.string().min(1), steps: z.array(StepDefinition).min(1) });
export const Workspace = z.strictObject({ id: Code, name: z.string().optional(), groups: z.array(StepGroup).min(1) });
export const Scenario = z.strictObject({ fulfillmentProduct: Code, workspace: Code });

/** Routes a failed callout or auto task to a queue: by system or handler and error code; blank keys match anything. */
export const FalloutRule = z.strictObject({
  system: z.string().optional(),
  handler: z.string().optional(),
  errorCode: z.string().optional(),
  queue: z.string().min(1),
});

/**
 * A price book: the price each product sells at in one currency, for every channel or for one (`channel: b2b`).
 * An order item whose unitPrice differs is refused at submission (domain/catalog-guards.ts), unless a contract
 * line governs its price. Prices compare by value ("1299" equals "1299.00").
 */
/** An order's MoneyString (domain/order.ts), restated: importing it would make catalog and order depend on each other. */
const Price = z
  .string({ error: 'must be a decimal string such as "1299.00"' })
  .regex(/^\d{1,13}(\.\d{1,2})?$/, 'must be a non-negative decimal string with at most 2 places, such as "1299.00"');

export const PriceBook = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"'),
  /** The sales channel the book is for; absent: every channel that has no book of its own. */
  channel: z.enum(['cpq', 'b2b'], { error: 'must be "cpq" or "b2b"' }).optional(),
  /** Product code → unit price, a decimal string such as "1299.00". */
  prices: z.record(Code, Price),
});

/** One catalog file. Several files merge into one Catalog. */
export const CatalogFile = z.strictObject({
  products: z.array(Product).default([]),
  fulfillmentProducts: z.array(FulfillmentProduct).default([]),
  decompositionRules: z.array(DecompositionRule).default([]),
  workspaces: z.array(Workspace).default([]),
  scenarios: z.array(Scenario).default([]),
  falloutRules: z.array(FalloutRule).default([]),
  /** Optional, so catalogs built in code need not name it; absent means no price is checked. */
  priceBooks: z.array(PriceBook).optional(),
});

export type Product = z.infer<typeof Product>;
export type FulfillmentProduct = z.infer<typeof FulfillmentProduct>;
export type DecompositionRule = z.infer<typeof DecompositionRule>;
export type RuleAction = z.infer<typeof RuleAction>;
export type Condition = z.infer<typeof Condition>;
export type Scope = z.infer<typeof Scope>;
export type StepDefinition = z.infer<typeof StepDefinition>;
export type StepType = z.infer<typeof StepType>;
export type StartAt = z.infer<typeof StartAt>;
export type StepScope = z.infer<typeof StepScope>;
export type RetryPolicy = z.infer<typeof RetryPolicy>;
export type SystemCall = z.infer<typeof SystemCall>;
export type Workspace = z.infer<typeof Workspace>;
export type Scenario = z.infer<typeof Scenario>;
export type FalloutRule = z.infer<typeof FalloutRule>;
export type PriceBook = z.infer<typeof PriceBook>;
export type Catalog = z.infer<typeof CatalogFile>;
