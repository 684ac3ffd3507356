import type { Address, AttributeValue } from './order';
import type { FalloutRule, Scope, StepDefinition, StepScope, StepType } from './catalog';
import type { OperatorRecord } from './operator-signature';
import type { QueueDirectory } from './queues';

/**
 * The plan: what decomposition produces and what the workflows run. It is recorded in workflow history
 * (decomposition runs in an activity), so catalog edits never change an order in flight.
 */

/** A fulfillment line item: one destination (technical) product to be fulfilled. */
export interface FulfillmentLineItem {
  /** Unique within the order: `<destination>:<scopeKey>` (scopeKey = item id, bundle root id, `order` or `account`), plus `@<location>` when a bundle-scope FLI is split. */
  id: string;
  product: string;
  scope: Scope;
  /** The rule(s) that produced it. */
  ruleIds: string[];
  sourceItemIds: string[];
  quantity: number;
  attributes: Record<string, AttributeValue>;
  /** The bundle root item id the sources belong to (the item itself when outside any bundle); absent for order/account scope. */
  bundleId?: string;
  deliveryGroupId?: string;
  /** Physical lines: the stock they take, as ordered product code → quantity (what inventory reserves). */
  orderedProducts?: Record<string, number>;
}

/** One instance of a step definition in a fulfillment order's plan. */
export interface PlanStep {
  /** Unique within the fulfillment order: `<workspace>.<step>` for plan scope, `<workspace>.<step>[<bundleId or FLI id>]` otherwise. */
  id: string;
  /** The definition key `<workspace>.<step>`; the full definition is in the fulfillment order's `definitions`. */
  definition: string;
  workspace: string;
  /** The swimlane (step group) name. */
  group: string;
  type: StepType;
  scope: StepScope;
  lineItemIds: string[];
  /** The bundle this instance belongs to (bundle-scope instances, and line-item instances of bundled items). */
  bundleId?: string;
  /** Step instance ids (in this fulfillment order) that must be Completed or Skipped first. */
  dependsOn: string[];
  pointOfNoReturn: boolean;
  /** A dated step (catalog `startAt`): not before this ISO date-time, the latest date of its line items' source items. */
  notBefore?: string;
  /** A dated step (catalog `startAfter`): milliseconds to wait after its dependencies completed. */
  startAfter?: number;
}

export interface FulfillmentOrder {
  /** Unique within the order: `FO-<location or system>[-<deliveryGroupId>]`, plus `-P<n>` on the parts of a partitioned one. */
  id: string;
  location?: string;
  system?: string;
  deliveryGroupId?: string;
  /**
   * The address of its delivery group, when the order gives one: what the shipping callouts send. An amendment that
   * changes it (ChangeDeliveryAddress) reaches the split's callouts still to run; it never moves the split.
   */
  deliveryAddress?: Address;
  /**
   * Only on the parts of a fulfillment order that decomposition divided because its plan had more steps than
   * `maxStepsPerFulfillmentOrder` (docs/decomposition.md "Large fulfillment orders are partitioned"): the id the
   * whole would have had, this part's number (from 1) and how many parts there are.
   */
  partOf?: { id: string; part: number; parts: number };
  lineItems: FulfillmentLineItem[];
  steps: PlanStep[];
  /** Step definitions used by `steps`, keyed by `<workspace>.<step>`. */
  definitions: Record<string, StepDefinition>;
}

export interface UnfulfilledItem {
  itemId: string;
  product: string;
  reason: string;
}

export interface Plan {
  orderId: string;
  accountId: string;
  /** Recorded with the plan by the decomposition activity: the catalog's fallout rules and the queue directory. */
  falloutRules?: FalloutRule[];
  queues?: QueueDirectory;
  /** Who may sign operator messages (domain/operator-signature.ts); absent in plans decomposed before signing. */
  operators?: OperatorRecord;
  /**
   * Recorded by the decomposition activity when the order API's hub had a subscription that may take this order's
   * events (docs/api.md "Events"): only then does the order send them, so an order nobody listens to adds nothing to
   * its history.
   */
  notifyOrderEvents?: true;
  /**
   * Products of the order ask for an approval before orchestration (catalog `approval`): the queues whose members
   * may give it (any one of them) and the items that asked. Absent when nothing asks (and in older plans).
   */
  approval?: { queues: string[]; itemIds: string[] };
  fulfillmentOrders: FulfillmentOrder[];
  /** Account-scope FLIs: fulfilled once per (account, destination), shared by every order of the account. */
  accountLineItems: FulfillmentLineItem[];
  /** Their plans, one per destination (id `ACCOUNT-<destination>`), run by the account's workflow. */
  accountFulfillmentOrders?: FulfillmentOrder[];
  unfulfilledItems: UnfulfilledItem[];
}

/** The plan id of an account's work for one destination product (one per account and destination). */
export const accountFulfillmentOrderId = (destination: string): string => `ACCOUNT-${destination}`;

/** Stock on hand per location and ordered (commercial) product code: `{ "WH-EAST": { "LAPTOP-14": 5 } }`. */
export type Availability = Record<string, Record<string, number>>;
