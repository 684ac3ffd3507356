import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../../domain/lint';
import { cleanEnv, describeRun, jsonOf, ordo, REPO_ROOT, STACK_FRAME } from './run-ordo';

/**
 * The catalog guards through the real `bin/ordo`, without a server: a bad attribute value and an off-price-book
 * price are refused by `ordo submit` (before it connects) and `ordo decompose`, exit 1, with the field and the fix
 * and no stack trace; `ordo lint` takes its billing systems from the configuration.
 */

type Refusal = { error: { code: string; message: string; problems: Array<{ path: string; message: string; fix: string }> } };

/** Nothing listens on port 1: a refusal must come from the checks, not from a failed connection. */
const NO_SERVER = cleanEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' });

describe('ordo and the catalog guards', function () {
  this.timeout(60_000);
  let tmp: string;
  /** A configuration whose catalog is the bundled one plus examples/price-book.yaml. */
  let priced: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-guards-'));
    const catalogs = ['catalog/laptop.yaml', 'catalog/saas.yaml', 'catalog/network.yaml', 'catalog/fleet.yaml', 'examples/price-book.yaml'];
    priced = path.join(tmp, 'priced.yaml');
    fs.writeFileSync(priced, `catalog:\n${catalogs.map((c) => `  - ${path.join(REPO_ROOT, c)}\n`).join('')}`);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('submit and decompose refuse an attribute value the product does not allow, naming it and the allowed values', async () => {
    const runs = await Promise.all([
      ordo(['submit', 'examples/invalid-attribute-value.json', '--json'], { env: NO_SERVER }),
      ordo(['decompose', 'examples/invalid-attribute-value.json', '--json']),
      ordo(['submit', 'examples/invalid-attribute-value.json'], { env: NO_SERVER }),
    ]);
    for (const run of runs.slice(0, 2)) {
      assert.equal(run.code, 1, describeRun(run));
      const { error } = jsonOf<Refusal>(run);
      assert.equal(error.code, 'invalid');
      assert.deepEqual(error.problems.map((p) => p.path), ['items[0].attributes.color']);
      assert.match(error.problems[0].message, /"purple-polka-dot" is not an allowed value of color for product LAPTOP-14 \(allowed: "silver", "black"\)/);
      assert.match(error.problems[0].fix, /set color to one of "silver", "black"/);
    }
    const human = runs[2];
    assert.equal(human.code, 1, describeRun(human));
    assert.match(human.stderr, /items\[0\]\.attributes\.color: "purple-polka-dot" is not an allowed value/);
    assert.doesNotMatch(human.stderr, STACK_FRAME);
    assert.doesNotMatch(human.stderr, /cannot reach Temporal/);
  });

  it('submit and decompose refuse an off-price-book price with the book’s price as the fix', async () => {
    const runs = await Promise.all([
      ordo(['submit', '--config', priced, 'examples/invalid-off-book-price.json', '--json'], { env: NO_SERVER }),
      ordo(['decompose', '--config', priced, 'examples/invalid-off-book-price.json', '--json']),
      ordo(['decompose', '--catalog', 'catalog/laptop.yaml,catalog/saas.yaml,catalog/network.yaml,catalog/fleet.yaml,examples/price-book.yaml', 'examples/invalid-off-book-price.json']),
    ]);
    for (const run of runs.slice(0, 2)) {
      assert.equal(run.code, 1, describeRun(run));
      const { error } = jsonOf<Refusal>(run);
      assert.equal(error.code, 'invalid');
      assert.deepEqual(error.problems, [
        {
          path: 'items[0].unitPrice',
          message: '"999.00" drifts from the USD price book: LAPTOP-14 sells at "1499.00"',
          fix: 'set unitPrice to "1499.00" (a lower price is a discount), price it through a contract line (contractLineId), or change the price book',
        },
      ]);
    }
    const human = runs[2];
    assert.equal(human.code, 1, describeRun(human));
    assert.match(human.stderr, /items\[0\]\.unitPrice: "999.00" drifts from the USD price book/);
    assert.doesNotMatch(human.stderr, STACK_FRAME);
    // Without a price book the same order is fine: prices are checked only against a book.
    const unpriced = await ordo(['decompose', 'examples/invalid-off-book-price.json']);
    assert.equal(unpriced.code, 0, describeRun(unpriced));
  });

  it('the example orders keep within the bundled catalog with the example price book', async () => {
    const runs = await Promise.all(
      ['laptop-bundle', 'mixed', 'network-kit', 'saas-suite', 'subscription'].map((name) => ordo(['decompose', '--config', priced, `examples/${name}.json`])),
    );
    for (const run of runs) assert.equal(run.code, 0, describeRun(run));
  });

  it('lint takes the billing systems from billing.systems in the configuration', async () => {
    const catalog = path.join(tmp, 'erp.yaml');
    fs.writeFileSync(
      catalog,
      [
        'products: [{ code: WIDGET }]',
        'fulfillmentProducts: [{ code: SHIP-WIDGET, fulfilledBy: { locations: [WH-1] } }]',
        'decompositionRules: [{ id: widget-ships, source: WIDGET, destination: SHIP-WIDGET }]',
        'workspaces:',
        '  - id: delivery',
        '    groups:',
        '      - name: Main',
        '        steps:',
        '          - { id: post, type: callout, call: { system: erp, operation: post }, estimatedDuration: 1h, fallout: { queue: fallout } }',
        'scenarios: [{ fulfillmentProduct: SHIP-WIDGET, workspace: delivery }]',
        '',
      ].join('\n'),
    );
    const erpBills = path.join(tmp, 'erp-bills.yaml');
    fs.writeFileSync(erpBills, `catalog: [${catalog}]\nbilling: { systems: [billing, erp] }\n`);
    const [defaults, configured] = await Promise.all([ordo(['lint', catalog, '--json']), ordo(['lint', '--config', erpBills, '--json'])]);
    assert.equal(defaults.code, 0, describeRun(defaults));
    assert.deepEqual(jsonOf<{ findings: Finding[] }>(defaults).findings, []);
    assert.equal(configured.code, 1, describeRun(configured));
    assert.deepEqual(
      jsonOf<{ findings: Finding[] }>(configured).findings.map((f) => [f.severity, f.rule, f.path]),
      [['error', 'bills-before-consolidation', 'workspaces[delivery].steps[post].call']],
    );
  });

  it('lint finds the bundled catalog with the example price book clean, and refuses a bad billing.systems naming the key', async () => {
    // The example book prices every product sold on its own (bundle components are priced at their root).
    const lint = await ordo(['lint', '--config', priced, '--json']);
    assert.equal(lint.code, 0, describeRun(lint));
    assert.deepEqual(jsonOf<{ findings: Finding[] }>(lint).findings, []);
    const bad = path.join(tmp, 'bad-billing.yaml');
    fs.writeFileSync(bad, 'billing: { systems: [] }\n');
    const refused = await ordo(['lint', '--config', bad]);
    assert.equal(refused.code, 1, describeRun(refused));
    assert.match(refused.stderr, /billing\.systems: list at least one billing system/);
    assert.doesNotMatch(refused.stderr, STACK_FRAME);
  });
});
