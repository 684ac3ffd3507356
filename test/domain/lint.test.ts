import assert from 'node:assert/strict';
import { lintCatalog, type Finding } from '../../domain/lint';
import { catalogOf, referenceCatalog } from './fixtures';

/** A clean one-workspace catalog; each test breaks one thing. */
function cleanCatalog(overrides: { products?: unknown[]; fulfillmentProducts?: unknown[]; steps?: unknown[]; workspaces?: unknown[]; scenarios?: unknown[]; falloutRules?: unknown[] } = {}) {
  return catalogOf({
    products: overrides.products ?? [{ code: 'WIDGET' }],
    fulfillmentProducts: overrides.fulfillmentProducts ?? [{ code: 'SHIP-WIDGET', fulfilledBy: { locations: ['WH-1'] } }],
    decompositionRules: [{ id: 'widget-ships', source: 'WIDGET', destination: 'SHIP-WIDGET' }],
    workspaces: overrides.workspaces ?? [
      {
        id: 'delivery',
        groups: [
          {
            name: 'Main',
            steps: overrides.steps ?? [
              { id: 'ship', type: 'callout', call: { system: 'shipping', operation: 'ship' }, estimatedDuration: '1h', fallout: { queue: 'desk' } },
              { id: 'done', type: 'milestone', dependsOn: ['ship'] },
            ],
          },
        ],
      },
    ],
    scenarios: overrides.scenarios ?? [{ fulfillmentProduct: 'SHIP-WIDGET', workspace: 'delivery' }],
    falloutRules: overrides.falloutRules ?? [],
  });
}

const byRule = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);

describe('lintCatalog', () => {
  it('finds nothing wrong with the reference catalog', () => {
    assert.deepEqual(lintCatalog(referenceCatalog()), []);
  });

  it('finds nothing wrong with a clean catalog', () => {
    assert.deepEqual(lintCatalog(cleanCatalog()), []);
  });

  it('errors on a product with no decomposition rule, but not on bundles or fulfillment: none', () => {
    const findings = lintCatalog(
      cleanCatalog({ products: [{ code: 'WIDGET' }, { code: 'GIZMO' }, { code: 'KIT', kind: 'bundle', components: ['WIDGET'] }, { code: 'FEE', fulfillment: 'none' }] }),
    );
    assert.deepEqual(findings, [
      {
        severity: 'error',
        rule: 'missing-decomposition-rule',
        path: 'products[GIZMO]',
        message: 'product GIZMO has no decomposition rule: orders containing it would stall',
        fix: 'add a decompositionRule with source: GIZMO, or mark the product fulfillment: none',
      },
    ]);
  });

  it('counts only Add rules: change rules (Return, Cancel, Amend) never decompose the sale itself', () => {
    const catalog = cleanCatalog({ products: [{ code: 'WIDGET' }, { code: 'GIZMO' }] });
    catalog.fulfillmentProducts.push({ code: 'PICKUP', fulfilledBy: { system: 'shipping' } });
    catalog.scenarios.push({ fulfillmentProduct: 'PICKUP', workspace: 'delivery' });
    catalog.decompositionRules.push(
      { id: 'gizmo-pickup', source: 'GIZMO', destination: 'PICKUP', action: 'Return', scope: 'lineItem', quantity: 'sum' },
      { id: 'widget-pickup', source: 'WIDGET', destination: 'PICKUP', action: 'Return', scope: 'lineItem', quantity: 'sum' },
    );
    assert.deepEqual(byRule(lintCatalog(catalog), 'missing-decomposition-rule'), [
      {
        severity: 'error',
        rule: 'missing-decomposition-rule',
        path: 'products[GIZMO]',
        message: 'product GIZMO has no decomposition rule for Add (only Return rule gizmo-pickup): orders containing it would stall',
        fix: 'add a decompositionRule with source: GIZMO (action: Add, the default), or mark the product fulfillment: none',
      },
    ]);
  });

  it('warns on callouts and auto tasks with no fallout rule', () => {
    const steps = [
      { id: 'reserve', type: 'callout', call: { system: 'inventory', operation: 'reserve' }, estimatedDuration: '1h' },
      { id: 'pick', type: 'autoTask', handler: 'pickList', estimatedDuration: '1h' },
      { id: 'ship', type: 'callout', call: { system: 'shipping', operation: 'ship' }, estimatedDuration: '1h' },
      { id: 'notify', type: 'autoTask', handler: 'notifyCustomer', estimatedDuration: '1h' },
    ];
    const falloutRules = [
      { system: 'shipping', queue: 'shipping-desk' }, // covers ship
      { handler: 'pickList', errorCode: 'OUT_OF_PAPER', queue: 'desk' }, // one error code only: does not cover pick
      { handler: 'notifyCustomer', queue: 'care' }, // covers notify
    ];
    const findings = byRule(lintCatalog(cleanCatalog({ steps, falloutRules })), 'missing-fallout');
    assert.deepEqual(
      findings.map((f) => [f.severity, f.path]),
      [
        ['warning', 'workspaces[delivery].steps[reserve]'],
        ['warning', 'workspaces[delivery].steps[pick]'],
      ],
    );
    assert.match(findings[0].fix, /system: inventory/);
    // A catch-all rule covers everything.
    assert.deepEqual(byRule(lintCatalog(cleanCatalog({ steps, falloutRules: [{ queue: 'order-desk' }] })), 'missing-fallout'), []);
  });

  it('warns on steps without an estimated duration, except milestones', () => {
    const steps = [
      { id: 'approve', type: 'manualTask', queue: 'desk' },
      { id: 'wait', type: 'pause', resumeOn: { signal: 'go' }, estimatedDuration: '1d' },
      { id: 'done', type: 'milestone' },
    ];
    assert.deepEqual(
      lintCatalog(cleanCatalog({ steps })).map((f) => [f.severity, f.rule, f.path]),
      [['warning', 'missing-estimated-duration', 'workspaces[delivery].steps[approve]']],
    );
  });

  it('errors on a plan step that calls the billing system', () => {
    const steps = [
      { id: 'bill', type: 'callout', call: { system: 'billing', operation: 'invoice' }, estimatedDuration: '1h', fallout: { queue: 'desk' } },
      { id: 'erp', type: 'callout', call: { system: 'erp', operation: 'post' }, estimatedDuration: '1h', fallout: { queue: 'desk' } },
    ];
    const findings = lintCatalog(cleanCatalog({ steps }));
    assert.deepEqual(
      findings.map((f) => [f.severity, f.rule, f.path]),
      [['error', 'bills-before-consolidation', 'workspaces[delivery].steps[bill].call']],
    );
    assert.match(findings[0].message, /before the order's consolidated billing milestone/);
    // Another system can be declared a billing system.
    assert.deepEqual(
      lintCatalog(cleanCatalog({ steps }), { billingSystems: ['erp'] }).map((f) => f.path),
      ['workspaces[delivery].steps[erp].call'],
    );
  });

  it('errors on dependency cycles across workspaces, naming the cycle once', () => {
    const workspaces = [
      {
        id: 'a',
        groups: [{ name: 'G', steps: [{ id: 'one', type: 'milestone', dependsOn: ['b.two'] }, { id: 'self', type: 'milestone', dependsOn: ['self'] }] }],
      },
      { id: 'b', groups: [{ name: 'G', steps: [{ id: 'two', type: 'milestone', dependsOn: ['three'] }, { id: 'three', type: 'milestone', dependsOn: ['a.one'] }] }] },
    ];
    // Workspace b is in no plan (test/domain/lint-cross-plan.test.ts checks what lint says of that).
    const findings = lintCatalog(cleanCatalog({ workspaces, scenarios: [{ fulfillmentProduct: 'SHIP-WIDGET', workspace: 'a' }] })).filter((f) => f.rule !== 'unsatisfiable-dependency');
    assert.deepEqual(
      findings.map((f) => [f.severity, f.rule, f.path, f.message]),
      [
        [
          'error',
          'dependency-cycle',
          'workspaces[a].steps[one].dependsOn',
          'dependency cycle (each step waits for the next): a.one → b.two → b.three → a.one; it runs across workspaces, so it stalls whether they land in one fulfillment order or in several (a cycle across plans)',
        ],
        ['error', 'dependency-cycle', 'workspaces[a].steps[self].dependsOn', 'dependency cycle (each step waits for the next): a.self → a.self'],
      ],
    );
  });

  it('errors on dangling dependencies', () => {
    const steps = [{ id: 'done', type: 'milestone', dependsOn: ['shipp', 'nowhere.step'] }];
    assert.deepEqual(
      lintCatalog(cleanCatalog({ steps })).map((f) => [f.severity, f.rule, f.path]),
      [
        ['error', 'dangling-dependency', 'workspaces[delivery].steps[done].dependsOn[0]'],
        ['error', 'dangling-dependency', 'workspaces[delivery].steps[done].dependsOn[1]'],
      ],
    );
  });

  it('errors on a fulfillment product that no scenario links to a workspace', () => {
    const findings = lintCatalog(cleanCatalog({ scenarios: [] }));
    assert.deepEqual(findings, [
      {
        severity: 'error',
        rule: 'fulfillment-product-without-scenario',
        path: 'fulfillmentProducts[SHIP-WIDGET]',
        message: 'fulfillment product SHIP-WIDGET has no scenario, so no workspace would fulfil it',
        fix: 'add a scenario: { fulfillmentProduct: SHIP-WIDGET, workspace: <workspace id> }',
      },
    ]);
  });
});
