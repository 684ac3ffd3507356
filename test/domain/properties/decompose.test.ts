import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Catalog, DecompositionRule } from '../../../domain/catalog';
import { decompose } from '../../../domain/decompose';
import type { AttributeValue, Order, OrderItem } from '../../../domain/order';
import type { FulfillmentLineItem, Plan } from '../../../domain/plan';
import { validateOrder } from '../../../domain/validate-order';
import { catalogAndOrder } from './catalog-arbitraries';
import { check } from './run';

/**
 * Every sold item lands in exactly one fulfillment line per rule that applies to it, or in `unfulfilledItems`
 * (issue 12; DESIGN.md "Decomposition"). Exactly, for an item of an ordinary order (action Add):
 * - `fulfillment: none` products, and bundle roots (an item other items point at) whose product has no Add rule of
 *   its own, are in no fulfillment line and not unfulfilled: the first is billed only, the second is fulfilled
 *   through its components;
 * - an item none of whose product's Add rules holds (`when`), or a bundle product ordered without components, is
 *   listed once in `unfulfilledItems` and is in no fulfillment line;
 * - otherwise, for every Add rule whose `when` holds on the item's attributes over its bundle's (nearest wins), exactly
 *   one fulfillment line (in any fulfillment order, a partition of one, or the account's lines) names the rule in
 *   `ruleIds`, has the rule's destination as its product and the item in `sourceItemIds`; and the item is in no line
 *   that none of its applying rules made.
 * Rules of other actions (Return) never apply to an ordinary order's items.
 */

function allLines(plan: Plan): FulfillmentLineItem[] {
  return [...plan.fulfillmentOrders.flatMap((fo) => fo.lineItems), ...plan.accountLineItems];
}

function effectiveAttributes(item: OrderItem, order: Order): Record<string, AttributeValue> {
  const byId = new Map(order.items.map((i) => [i.id, i]));
  const chain: OrderItem[] = [];
  for (let at: OrderItem | undefined = item; at; at = at.parentItemId ? byId.get(at.parentItemId) : undefined) chain.unshift(at);
  return Object.assign({}, ...chain.map((i) => i.attributes ?? {})) as Record<string, AttributeValue>;
}

function holds(rule: DecompositionRule, attributes: Record<string, AttributeValue>): boolean {
  if (!rule.when) return true;
  if (!Object.hasOwn(attributes, rule.when.attribute)) return false;
  const value = String(attributes[rule.when.attribute]);
  return rule.when.in !== undefined ? rule.when.in.some((v) => String(v) === value) : String(rule.when.equals) === value;
}

type Expected = { kind: 'nothing' } | { kind: 'unfulfilled' } | { kind: 'lines'; rules: DecompositionRule[] };

function expectedFor(item: OrderItem, order: Order, catalog: Catalog): Expected {
  const product = catalog.products.find((p) => p.code === item.product)!;
  if (product.fulfillment === 'none') return { kind: 'nothing' };
  const rules = catalog.decompositionRules.filter((rule) => rule.source === product.code && rule.action === 'Add');
  const isRoot = order.items.some((other) => other.parentItemId === item.id);
  if (rules.length === 0) return isRoot ? { kind: 'nothing' } : { kind: 'unfulfilled' };
  const applying = rules.filter((rule) => holds(rule, effectiveAttributes(item, order)));
  return applying.length === 0 ? { kind: 'unfulfilled' } : { kind: 'lines', rules: applying };
}

describe('properties: decomposition', () => {
  it('every sold item lands in exactly one fulfillment line per applying rule, or in unfulfilledItems', () => {
    check(
      fc.property(catalogAndOrder, ({ catalog, order, availability, maxSteps }) => {
        validateOrder(order);
        const plan = decompose(order, catalog, availability, maxSteps === undefined ? {} : { maxStepsPerFulfillmentOrder: maxSteps });
        const lines = allLines(plan);
        const ruleById = new Map(catalog.decompositionRules.map((rule) => [rule.id, rule]));
        for (const item of order.items) {
          const expected = expectedFor(item, order, catalog);
          const unfulfilled = plan.unfulfilledItems.filter((u) => u.itemId === item.id);
          const holding = lines.filter((line) => line.sourceItemIds.includes(item.id));
          const where = `${item.id} (${item.product})`;
          if (expected.kind !== 'lines') {
            assert.equal(holding.length, 0, `${where} is in fulfillment lines ${holding.map((l) => l.id).join(', ')}`);
            assert.equal(unfulfilled.length, expected.kind === 'unfulfilled' ? 1 : 0, `${where} is listed ${unfulfilled.length} times as unfulfilled`);
            continue;
          }
          assert.equal(unfulfilled.length, 0, `${where} is fulfilled and unfulfilled`);
          for (const rule of expected.rules) {
            const made = holding.filter((line) => line.ruleIds.includes(rule.id));
            assert.equal(made.length, 1, `${where}: rule ${rule.id} put it in ${made.length} lines`);
            assert.equal(made[0].product, rule.destination);
          }
          for (const line of holding) {
            assert.ok(line.ruleIds.some((id) => expected.rules.includes(ruleById.get(id)!)), `${where} is in ${line.id}, which none of its rules made`);
          }
        }
        for (const line of lines) {
          assert.equal(new Set(line.sourceItemIds).size, line.sourceItemIds.length, `${line.id} names a source twice`);
          const sources = line.sourceItemIds.map((id) => order.items.find((i) => i.id === id)!);
          const sum = sources.reduce((total, i) => total + i.quantity, 0);
          assert.ok(line.quantity === 1 || line.quantity === sum, `${line.id}: quantity ${line.quantity} is neither one nor the sum ${sum}`);
        }
        const lineIds = plan.fulfillmentOrders.flatMap((fo) => fo.lineItems.map((l) => l.id));
        assert.equal(new Set(lineIds).size, lineIds.length, 'two fulfillment lines share an id');
      }),
      300,
    );
  });
});
