import assert from 'node:assert/strict';
import { parseCatalog, type CatalogSource } from '../../domain/catalog-load';
import { InvalidInput, type Problem } from '../../domain/problems';
import { referenceCatalogSources } from './fixtures';

function problemsOf(sources: CatalogSource[]): Problem[] {
  try {
    parseCatalog(sources);
  } catch (error) {
    assert.ok(error instanceof InvalidInput, String(error));
    assert.equal(error.subject, 'catalog');
    return error.problems;
  }
  assert.fail('expected the catalog to be refused');
}

const file = (path: string, ...lines: string[]): CatalogSource => ({ path, text: lines.join('\n') + '\n' });

/** A small valid family to break in different ways. */
const GOOD = [
  'products:',
  '  - code: WIDGET',
  'fulfillmentProducts:',
  '  - code: SHIP-WIDGET',
  '    fulfilledBy: { locations: [WH-1] }',
  'decompositionRules:',
  '  - { id: widget-ships, source: WIDGET, destination: SHIP-WIDGET }',
  'workspaces:',
  '  - id: delivery',
  '    groups:',
  '      - name: Main',
  '        steps:',
  '          - { id: ship, type: callout, call: { system: shipping, operation: ship } }',
  '          - { id: done, type: milestone, dependsOn: [ship] }',
  'scenarios:',
  '  - { fulfillmentProduct: SHIP-WIDGET, workspace: delivery }',
];

describe('parseCatalog', () => {
  it('loads and merges the reference catalog files', () => {
    const sources = referenceCatalogSources();
    assert.deepEqual(
      sources.map((s) => s.path),
      ['catalog/fleet.yaml', 'catalog/laptop.yaml', 'catalog/network.yaml', 'catalog/saas.yaml'],
    );
    const catalog = parseCatalog(sources);
    assert.deepEqual(
      catalog.products.map((p) => p.code),
      [
        'SENSOR-KIT',
        ...['LAPTOP-BUNDLE', 'LAPTOP-14', 'AV-LICENSE', 'WARRANTY-3Y'],
        ...['NETWORK-KIT', 'ROUTER', 'MANAGED-SERVICE'],
        ...['SAAS-SUITE', 'SEATS', 'TENANT', 'SUPPORT-PLAN', 'ONSITE-INSTALL', 'SETUP-FEE', 'API-CALLS'],
      ],
    );
    assert.deepEqual(
      catalog.workspaces.map((w) => w.id),
      [
        'sensor-rollout',
        ...['device-delivery', 'license-activation', 'warranty-registration', 'return-pickup'],
        ...['router-delivery', 'service-activation'],
        ...['seat-licensing', 'support-enrollment', 'onsite-installation', 'tenant-provisioning', 'seat-deallocation'],
      ],
    );
    // Defaults applied and durations converted to milliseconds.
    const reserve = catalog.workspaces.find((w) => w.id === 'device-delivery')!.groups[0].steps[0];
    assert.equal(reserve.scope, 'lineItem');
    assert.equal(reserve.estimatedDuration, 7_200_000);
    assert.equal(reserve.jeopardyThreshold, 1_800_000);
    assert.deepEqual(reserve.fallout?.retry?.intervals, [10_000, 60_000, 300_000]);
    assert.deepEqual(reserve.jeopardy?.onLate, [{ action: 'escalate', queue: 'inventory-leads' }]);
    assert.equal(catalog.products.find((p) => p.code === 'SETUP-FEE')?.fulfillment, 'none');
    assert.equal(catalog.decompositionRules.find((r) => r.id === 'tenant-provision')?.scope, 'account');
    // A rule decomposes sales unless it names the change it is for.
    assert.equal(catalog.decompositionRules.find((r) => r.id === 'laptop-ships')?.action, 'Add');
    assert.equal(catalog.decompositionRules.find((r) => r.id === 'laptop-return-pickup')?.action, 'Return');
    assert.equal(catalog.decompositionRules.find((r) => r.id === 'seats-deallocate')?.action, 'Cancel');
  });

  it('suggests the right spelling of a rule action', () => {
    const text = 'products: [{ code: A }]\nfulfillmentProducts: [{ code: B, fulfilledBy: { system: s } }]\ndecompositionRules: [{ id: r, source: A, destination: B, action: Retrun }]\n';
    assert.deepEqual(problemsOf([{ path: 'catalog/c.yaml', text }]), [
      { path: 'catalog/c.yaml: decompositionRules[0].action', message: '"Retrun" is not allowed', fix: 'did you mean "Return"? use one of: Add, Amend, Cancel, Return' },
    ]);
  });

  it('accepts a small valid file and an empty one', () => {
    const catalog = parseCatalog([file('catalog/good.yaml', ...GOOD), { path: 'catalog/empty.yaml', text: '' }]);
    assert.equal(catalog.products.length, 1);
    assert.deepEqual(catalog.workspaces[0].groups[0].steps[1].dependsOn, ['ship']);
  });

  it('names the file, line and column of a YAML syntax error', () => {
    const problems = problemsOf([file('catalog/good.yaml', ...GOOD), file('catalog/bad.yaml', 'products:', '  - code: [A, B', 'fulfillmentProducts: []')]);
    assert.equal(problems.length, 1);
    assert.match(problems[0].path, /^catalog\/bad\.yaml:3:1$/);
    assert.match(problems[0].message, /^YAML syntax error: /);
    assert.ok(problems[0].fix);
  });

  it('reports duplicate keys in YAML as syntax errors', () => {
    const problems = problemsOf([file('catalog/dup.yaml', 'products: []', 'products: []')]);
    assert.equal(problems[0].path, 'catalog/dup.yaml:2:1');
    assert.match(problems[0].message, /unique/);
  });

  it('names the file and the path of a bad value, with the allowed values as the fix', () => {
    const text = GOOD.join('\n').replace('type: callout', 'type: callot');
    const problems = problemsOf([{ path: 'catalog/laptop.yaml', text }]);
    assert.deepEqual(problems, [
      {
        path: 'catalog/laptop.yaml: workspaces[0].groups[0].steps[0].type',
        message: '"callot" is not allowed',
        fix: 'did you mean "callout"? use one of: autoTask, manualTask, callout, milestone, pause',
      },
    ]);
  });

  it('names unknown fields and suggests the right spelling', () => {
    const text = GOOD.join('\n').replace('dependsOn: [ship]', 'dependson: [ship]');
    const problems = problemsOf([{ path: 'catalog/x.yaml', text }]);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].path, 'catalog/x.yaml: workspaces[0].groups[0].steps[1].dependson');
    assert.equal(problems[0].message, 'unknown key "dependson"');
    assert.match(problems[0].fix!, /^did you mean "dependsOn"\? allowed fields here: id, name, type, scope, dependsOn/);
  });

  it('explains fields that take one of several forms, and bad durations', () => {
    const text = GOOD.join('\n')
      .replace('fulfilledBy: { locations: [WH-1] }', 'fulfilledBy: { locations: [WH-1], system: shipping }')
      .replace('{ id: done, type: milestone, dependsOn: [ship] }', '{ id: done, type: milestone, dependsOn: [ship], estimatedDuration: 2 hours }');
    const problems = problemsOf([{ path: 'catalog/x.yaml', text }]);
    assert.deepEqual(problems, [
      {
        path: 'catalog/x.yaml: fulfillmentProducts[0].fulfilledBy',
        message: 'does not match any allowed form',
        fix: 'use { locations: [WH-EAST, ...] } for a product routed to stock locations, or { system: name } for one fulfillment system (not both)',
      },
      {
        path: 'catalog/x.yaml: workspaces[0].groups[0].steps[1].estimatedDuration',
        message: '"2 hours" is not a duration: use 30s, 15m, 2h, 3d or ISO 8601 such as PT2H',
      },
    ]);
  });

  it('says a required field is required', () => {
    const text = GOOD.join('\n').replace('{ id: widget-ships, source: WIDGET, destination: SHIP-WIDGET }', '{ id: widget-ships, source: WIDGET }');
    assert.deepEqual(problemsOf([{ path: 'c.yaml', text }]), [{ path: 'c.yaml: decompositionRules[0].destination', message: 'is required', fix: 'add it; it must be a product or step code' }]);
  });

  it('reports schema problems of every file at once', () => {
    const problems = problemsOf([
      { path: 'a.yaml', text: 'products: [{ code: A, kind: bundel }]' },
      { path: 'b.yaml', text: 'workspaces: 3' },
    ]);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['a.yaml: products[0].kind', 'b.yaml: workspaces'],
    );
  });

  it('checks every cross reference and lists all problems at once', () => {
    const broken = file(
      'catalog/broken.yaml',
      'products:',
      '  - { code: KIT, kind: bundle, components: [WIDGET, GIZMO] }',
      '  - code: WIDGET',
      'fulfillmentProducts:',
      '  - { code: SHIP-WIDGET, fulfilledBy: { locations: [WH-1] } }',
      'decompositionRules:',
      '  - { id: r1, source: WIDGT, destination: SHIP-WIDGET }',
      '  - { id: r2, source: WIDGET, destination: WIDGET, when: { attribute: color } }',
      'workspaces:',
      '  - id: delivery',
      '    groups:',
      '      - name: Main',
      '        steps:',
      '          - { id: ship, type: callout, estimatedDuration: 1h, jeopardyThreshold: 2h }',
      '          - { id: pick, type: autoTask, dependsOn: [shipp, nowhere.step] }',
      '      - name: Later',
      '        steps:',
      '          - { id: ship, type: pause, fallout: { retry: { policy: staggered } } }',
      'scenarios:',
      '  - { fulfillmentProduct: SHIP-WIDGT, workspace: delivery }',
      '  - { fulfillmentProduct: SHIP-WIDGET, workspace: deliveries }',
    );
    const problems = problemsOf([broken]);
    const at = (suffix: string) => problems.find((p) => p.path === `catalog/broken.yaml: ${suffix}`);
    assert.deepEqual(at('products[0].components[1]'), { path: 'catalog/broken.yaml: products[0].components[1]', message: 'unknown component product "GIZMO"', fix: 'use one of the known products: KIT, WIDGET (or add GIZMO under products)' });
    assert.deepEqual(at('decompositionRules[0].source'), {
      path: 'catalog/broken.yaml: decompositionRules[0].source',
      message: 'unknown product "WIDGT"',
      fix: 'did you mean "WIDGET"? (or add WIDGT under products)',
    });
    assert.equal(at('decompositionRules[1].destination')?.message, '"WIDGET" is a commercial product; a destination must be a fulfillment product');
    assert.equal(at('decompositionRules[1].when')?.message, 'gives neither "in" nor "equals"');
    assert.equal(at('workspaces[0].groups[0].steps[0].call')?.message, 'callout step ship has no call');
    assert.match(at('workspaces[0].groups[0].steps[0].jeopardyThreshold')!.message, /must be shorter than estimatedDuration/);
    assert.equal(at('workspaces[0].groups[0].steps[1].handler')?.message, 'auto task pick has no handler');
    assert.deepEqual(at('workspaces[0].groups[0].steps[1].dependsOn[0]'), {
      path: 'catalog/broken.yaml: workspaces[0].groups[0].steps[1].dependsOn[0]',
      message: 'step pick depends on "shipp", which is neither a step of workspace delivery nor a workspace.step of another workspace',
      fix: 'did you mean "ship"? (or name a step id of this workspace, or workspace.step for another workspace)',
    });
    assert.ok(at('workspaces[0].groups[0].steps[1].dependsOn[1]'));
    assert.equal(
      at('workspaces[0].groups[1].steps[0].id')?.message,
      'step id "ship" is used twice in workspace delivery: first at catalog/broken.yaml: workspaces[0].groups[0].steps[0].id',
    );
    assert.equal(at('workspaces[0].groups[1].steps[0].resumeOn')?.message, 'pause step ship has no resumeOn');
    assert.ok(at('workspaces[0].groups[1].steps[0].fallout.retry.intervals'));
    assert.equal(at('scenarios[0].fulfillmentProduct')?.message, 'unknown fulfillment product "SHIP-WIDGT"');
    assert.equal(at('scenarios[1].workspace')?.fix, 'did you mean "delivery"? (or add a workspace with id deliveries)');
    assert.equal(problems.length, 14, problems.map((p) => p.path).join('\n'));
  });

  it('resolves workspace.step dependencies across files', () => {
    const other = file(
      'catalog/other.yaml',
      'workspaces:',
      '  - id: follow-up',
      '    groups: [{ name: Main, steps: [{ id: call, type: milestone, dependsOn: [delivery.ship] }] }]',
    );
    const catalog = parseCatalog([file('catalog/good.yaml', ...GOOD), other]);
    assert.deepEqual(catalog.workspaces[1].groups[0].steps[0].dependsOn, ['delivery.ship']);
    const dangling = { ...other, text: other.text.replace('delivery.ship', 'delivery.shipit') };
    assert.equal(problemsOf([file('catalog/good.yaml', ...GOOD), dangling])[0].path, 'catalog/other.yaml: workspaces[0].groups[0].steps[0].dependsOn[0]');
  });

  it('refuses the same code or id twice across files, naming both files', () => {
    const second = file(
      'catalog/second.yaml',
      'products:',
      '  - code: WIDGET',
      'workspaces:',
      '  - id: delivery',
      '    groups: [{ name: Main, steps: [{ id: x, type: milestone }] }]',
    );
    assert.deepEqual(problemsOf([file('catalog/first.yaml', ...GOOD), second]), [
      {
        path: 'catalog/second.yaml: products[0].code',
        message: 'product code "WIDGET" is defined twice: first at catalog/first.yaml: products[0].code',
        fix: 'rename one of them or remove the duplicate',
      },
      {
        path: 'catalog/second.yaml: workspaces[0].id',
        message: 'workspace id "delivery" is defined twice: first at catalog/first.yaml: workspaces[0].id',
        fix: 'rename one of them or remove the duplicate',
      },
    ]);
  });

  it('refuses to load nothing', () => {
    assert.equal(problemsOf([])[0].message, 'no catalog files were given');
  });

  it('renders problems into the error message', () => {
    assert.throws(() => parseCatalog([{ path: 'c.yaml', text: 'products: [{ code: A, kind: bundel }]' }]), /catalog is invalid:\n {2}- c\.yaml: products\[0\]\.kind: "bundel" is not allowed/);
  });
});
