import fc from 'fast-check';
import type { Availability } from '../../../domain/plan';
import { Order } from '../../../domain/order';
import type { Catalog } from '../../../domain/catalog';
import { catalogOf } from '../fixtures';

/**
 * Generators for small catalogs and orders that decompose: products (some bundles, some `fulfillment: none`),
 * fulfillment products fulfilled by a system or by stock locations (all of which carry WH-A, so every item has a
 * location it can ship whole from), decomposition rules of every scope with and without `when`, and orders with
 * bundles (parentItemId), attributes and one or two delivery groups. The reference catalogs are exercised by the
 * example-based tests; these explore the combinations nobody wrote down.
 */

export const REGIONS = ['US', 'EU', 'APAC'] as const;
const SCOPES = ['lineItem', 'bundle', 'order', 'account'] as const;

interface ProductShape {
  kind: 'simple' | 'bundle';
  none: boolean;
  rules: RuleShape[];
}

interface RuleShape {
  destination: number;
  scope: (typeof SCOPES)[number];
  when: { attribute: 'region'; in: string[] } | { attribute: 'region'; equals: string } | undefined;
  quantity: 'sum' | 'one';
  action: 'Add' | 'Return';
}

const ruleShape = (destinations: number): fc.Arbitrary<RuleShape> =>
  fc.record({
    destination: fc.integer({ min: 0, max: destinations - 1 }),
    scope: fc.constantFrom(...SCOPES),
    when: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.subarray([...REGIONS], { minLength: 1 }).map((values) => ({ attribute: 'region' as const, in: values })) },
      { weight: 1, arbitrary: fc.constantFrom(...REGIONS).map((value) => ({ attribute: 'region' as const, equals: value })) },
    ),
    quantity: fc.constantFrom('sum', 'one'),
    action: fc.oneof({ weight: 5, arbitrary: fc.constant('Add' as const) }, { weight: 1, arbitrary: fc.constant('Return' as const) }),
  });

export const catalogArbitrary: fc.Arbitrary<Catalog> = fc
  .record({
    destinations: fc.array(fc.oneof(fc.constantFrom('provisioning', 'billing-sys', 'warranty').map((system) => ({ system })), fc.constantFrom(['WH-A'], ['WH-A', 'WH-B'], ['WH-B', 'WH-A']).map((locations) => ({ locations }))), { minLength: 1, maxLength: 4 }),
    productCount: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ destinations, productCount }) =>
    fc
      .array(
        fc.record({
          kind: fc.oneof({ weight: 4, arbitrary: fc.constant('simple' as const) }, { weight: 1, arbitrary: fc.constant('bundle' as const) }),
          none: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
          rules: fc.array(ruleShape(destinations.length), { minLength: 0, maxLength: 3 }),
        }),
        { minLength: productCount, maxLength: productCount },
      )
      .map((products) => catalogFrom(destinations, products)),
  );

function catalogFrom(destinations: readonly ({ system: string } | { locations: readonly string[] })[], products: ProductShape[]): Catalog {
  const fulfillmentProducts = destinations.map((fulfilledBy, i) => ({ code: `F${i}`, fulfilledBy }));
  const rules = products.flatMap((product, p) => {
    // A simple product that must be fulfilled needs an Add rule, or decompose refuses the order (tested elsewhere).
    const shapes = !product.none && product.kind === 'simple' && !product.rules.some((r) => r.action === 'Add') ? [...product.rules, { destination: 0, scope: 'lineItem' as const, when: undefined, quantity: 'sum' as const, action: 'Add' as const }] : product.rules;
    return shapes.map((rule, r) => ({
      id: `r-P${p}-${r}`,
      source: `P${p}`,
      destination: `F${rule.destination}`,
      action: rule.action,
      scope: rule.scope,
      quantity: rule.quantity,
      ...(rule.when ? { when: rule.when } : {}),
      mapAttributes: { region: 'region' },
    }));
  });
  return catalogOf({
    products: products.map((product, p) => ({ code: `P${p}`, kind: product.kind, ...(product.none ? { fulfillment: 'none' } : {}) })),
    fulfillmentProducts,
    decompositionRules: rules,
    workspaces: fulfillmentProducts.map((f) => ({
      id: `ws-${f.code}`,
      groups: [{ name: 'Main', steps: [{ id: 'start', type: 'milestone', scope: 'plan' }, { id: 'do', type: 'autoTask', scope: 'lineItem', dependsOn: ['start'] }, { id: 'ship', type: 'milestone', scope: 'bundle', dependsOn: ['do'] }] }],
    })),
    scenarios: fulfillmentProducts.map((f) => ({ fulfillmentProduct: f.code, workspace: `ws-${f.code}` })),
  });
}

/** An order over the catalog's products: 1–8 items, some components of earlier items, regions here and there. */
export function orderArbitrary(catalog: Catalog): fc.Arbitrary<Order> {
  const item = fc.record({
    product: fc.integer({ min: 0, max: catalog.products.length - 1 }),
    quantity: fc.integer({ min: 1, max: 5 }),
    parent: fc.option(fc.nat(), { nil: undefined }),
    region: fc.option(fc.constantFrom(...REGIONS), { nil: undefined }),
    group: fc.constantFrom('DG-1', 'DG-2'),
  });
  return fc.record({ items: fc.array(item, { minLength: 1, maxLength: 8 }), twoGroups: fc.boolean() }).map(({ items, twoGroups }) =>
    Order.parse({
      id: 'ORD-P',
      accountId: 'ACME',
      channel: 'cpq',
      currency: 'USD',
      deliveryGroups: twoGroups ? [{ id: 'DG-1' }, { id: 'DG-2' }] : [{ id: 'DG-1' }],
      items: items.map((shape, i) => ({
        id: `OI-${i + 1}`,
        product: catalog.products[shape.product].code,
        quantity: shape.quantity,
        unitPrice: '1.00',
        // Only earlier items can be parents, so there are no cycles.
        ...(shape.parent !== undefined && i > 0 ? { parentItemId: `OI-${(shape.parent % i) + 1}` } : {}),
        ...(shape.region !== undefined ? { attributes: { region: shape.region } } : {}),
        ...(twoGroups ? { deliveryGroupId: shape.group } : {}),
      })),
    }),
  );
}

/** Stock for every ordered product: WH-A can always fill the order, WH-B sometimes. */
export function availabilityArbitrary(order: Order): fc.Arbitrary<Availability | undefined> {
  const products = [...new Set(order.items.map((item) => item.product))];
  return fc.option(
    fc.array(fc.integer({ min: 0, max: 20 }), { minLength: products.length, maxLength: products.length }).map((stock) => ({
      'WH-A': Object.fromEntries(products.map((p) => [p, 1000])),
      'WH-B': Object.fromEntries(products.map((p, i) => [p, stock[i]])),
    })),
    { nil: undefined },
  );
}

export const catalogAndOrder = catalogArbitrary.chain((catalog) =>
  orderArbitrary(catalog).chain((order) => fc.record({ catalog: fc.constant(catalog), order: fc.constant(order), availability: availabilityArbitrary(order), maxSteps: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }) })),
);
