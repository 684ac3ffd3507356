import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Availability, FulfillmentOrder, Plan } from '../../domain/plan';
import type { Order } from '../../domain/order';
import { fleetOrder } from '../../bench/large-order';
import { cleanEnv, describeRun, jsonOf, ordo, REPO_ROOT, STACK_FRAME } from './run-ordo';

/**
 * The real `bin/ordo`, in a child process, for everything that needs no server: decompose, lint,
 * the error paths of the other verbs, usage errors and help (DESIGN.md "The command line: ordo").
 */

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as T;
const byId = (plan: Plan) => new Map(plan.fulfillmentOrders.map((fo) => [fo.id, fo]));

/** Every key DESIGN.md names for the plan JSON, on every fulfillment order, line item and step. */
function assertPlanShape(plan: Plan): void {
  assert.equal(typeof plan.orderId, 'string');
  assert.ok(Array.isArray(plan.fulfillmentOrders));
  assert.ok(Array.isArray(plan.accountLineItems));
  assert.ok(Array.isArray(plan.unfulfilledItems));
  for (const fo of plan.fulfillmentOrders) {
    assert.equal(typeof fo.id, 'string');
    assert.ok((fo.location === undefined) !== (fo.system === undefined), `${fo.id} has a location or a system, not both`);
    if (fo.location) assert.equal(typeof fo.deliveryGroupId, 'string', `${fo.id}: a physical split names its delivery group`);
    for (const li of fo.lineItems) {
      for (const key of ['id', 'product', 'scope', 'sourceItemIds', 'quantity', 'attributes']) assert.ok(key in li, `${fo.id} line item lacks ${key}`);
      assert.ok(Array.isArray(li.sourceItemIds));
      assert.ok(Number.isInteger(li.quantity) && li.quantity > 0);
    }
    const stepIds = new Set(fo.steps.map((s) => s.id));
    for (const step of fo.steps) {
      for (const key of ['id', 'definition', 'workspace', 'group', 'type', 'scope', 'lineItemIds', 'dependsOn', 'pointOfNoReturn']) {
        assert.ok(key in step, `${fo.id} step ${step.id} lacks ${key}`);
      }
      assert.equal(typeof step.pointOfNoReturn, 'boolean');
      for (const dep of step.dependsOn) assert.ok(stepIds.has(dep), `${step.id} depends on ${dep}, not a step of ${fo.id}`);
      for (const li of step.lineItemIds) assert.ok(fo.lineItems.some((l) => l.id === li), `${step.id} names line item ${li}, not in ${fo.id}`);
    }
  }
}

describe('ordo command line without a server', function () {
  this.timeout(30_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-cli-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };

  describe('decompose', () => {
    it('prints the plan JSON of DESIGN.md for the laptop bundle: three splits, eight steps', async () => {
      const run = await ordo(['decompose', '--catalog', 'catalog/laptop.yaml', '--catalog', 'catalog/saas.yaml', 'examples/laptop-bundle.json', '--json']);
      assert.equal(run.code, 0, describeRun(run));
      assert.equal(run.stderr, '');
      const plan = jsonOf<Plan>(run);
      assertPlanShape(plan);
      assert.equal(plan.orderId, 'ORD-1001');
      assert.deepEqual(
        plan.fulfillmentOrders.map((fo) => [fo.id, fo.location ?? fo.system, fo.deliveryGroupId]),
        [
          ['FO-WH-EAST-DG-HQ', 'WH-EAST', 'DG-HQ'],
          ['FO-provisioning', 'provisioning', undefined],
          ['FO-warranty', 'warranty', undefined],
        ],
      );
      assert.equal(plan.fulfillmentOrders.reduce((n, fo) => n + fo.steps.length, 0), 8);
      assert.deepEqual(plan.accountLineItems, []);
      assert.deepEqual(plan.unfulfilledItems, []);

      const ship = byId(plan).get('FO-WH-EAST-DG-HQ')!;
      assert.deepEqual(
        ship.lineItems.map((li) => ({ id: li.id, product: li.product, scope: li.scope, sourceItemIds: li.sourceItemIds, quantity: li.quantity, attributes: li.attributes })),
        // The region comes from the bundle item OI-1, the colour from OI-2 itself.
        [{ id: 'SHIP-DEVICE:OI-2', product: 'SHIP-DEVICE', scope: 'lineItem', sourceItemIds: ['OI-2'], quantity: 2, attributes: { color: 'silver', region: 'US' } }],
      );
      assert.deepEqual(
        ship.steps.map((s) => [s.id, s.type, s.scope, s.dependsOn, s.pointOfNoReturn]),
        [
          ['device-delivery.reserve[SHIP-DEVICE:OI-2]', 'callout', 'lineItem', [], false],
          ['device-delivery.pick[SHIP-DEVICE:OI-2]', 'autoTask', 'lineItem', ['device-delivery.reserve[SHIP-DEVICE:OI-2]'], false],
          ['device-delivery.ship[OI-1]', 'callout', 'bundle', ['device-delivery.pick[SHIP-DEVICE:OI-2]'], true],
          ['device-delivery.shipped', 'milestone', 'plan', ['device-delivery.ship[OI-1]'], false],
        ],
      );
      assert.deepEqual(
        ship.steps.map((s) => [s.definition, s.workspace, s.group]),
        [
          ['device-delivery.reserve', 'device-delivery', 'Procurement'],
          ['device-delivery.pick', 'device-delivery', 'Procurement'],
          ['device-delivery.ship', 'device-delivery', 'Shipping'],
          ['device-delivery.shipped', 'device-delivery', 'Shipping'],
        ],
      );
    });

    it('routes physical items as the --availability file forces', async () => {
      const availability = readJson<Availability>('examples/availability-split.json');
      const order = readJson<Order>('examples/mixed.json');
      const laptops = order.items.filter((item) => item.product === 'LAPTOP-14');
      const [hq, branch] = [laptops.find((i) => i.id === 'OI-2')!, laptops.find((i) => i.id === 'OI-5')!];
      // What the file implies: WH-EAST (listed first in the catalog) is too short for the 3 laptops bound for
      // DG-HQ, WH-WEST has them; the single laptop for DG-BRANCH fits in WH-EAST.
      assert.ok(availability['WH-EAST']['LAPTOP-14'] < hq.quantity, 'fixture: WH-EAST cannot ship OI-2');
      assert.ok(availability['WH-WEST']['LAPTOP-14'] >= hq.quantity, 'fixture: WH-WEST can ship OI-2');
      assert.ok(availability['WH-EAST']['LAPTOP-14'] >= branch.quantity, 'fixture: WH-EAST can ship OI-5');

      const [limited, unlimited] = await Promise.all([
        ordo(['decompose', 'examples/mixed.json', '--availability', 'examples/availability-split.json', '--json']),
        ordo(['decompose', 'examples/mixed.json', '--json']),
      ]);
      assert.equal(limited.code, 0, describeRun(limited));
      assert.equal(unlimited.code, 0, describeRun(unlimited));
      const plan = jsonOf<Plan>(limited);
      const free = jsonOf<Plan>(unlimited);
      assertPlanShape(plan);

      const physical = (p: Plan) =>
        p.fulfillmentOrders
          .filter((fo) => fo.location)
          .map((fo) => [fo.id, fo.location, fo.deliveryGroupId, fo.lineItems.map((li) => [li.sourceItemIds, li.quantity, li.orderedProducts])]);
      assert.deepEqual(physical(plan), [
        ['FO-WH-WEST-DG-HQ', 'WH-WEST', 'DG-HQ', [[['OI-2'], hq.quantity, { 'LAPTOP-14': hq.quantity }]]],
        ['FO-WH-EAST-DG-BRANCH', 'WH-EAST', 'DG-BRANCH', [[['OI-5'], branch.quantity, { 'LAPTOP-14': branch.quantity }]]],
      ]);
      // No location ships more than the file says it has (delivery groups share the stock).
      const taken = new Map<string, number>();
      for (const fo of plan.fulfillmentOrders.filter((f) => f.location)) {
        for (const li of fo.lineItems) {
          for (const [product, qty] of Object.entries(li.orderedProducts ?? {})) {
            const key = `${fo.location}/${product}`;
            taken.set(key, (taken.get(key) ?? 0) + qty);
          }
        }
      }
      for (const [key, qty] of taken) {
        const [location, product] = key.split('/');
        assert.ok(qty <= (availability[location]?.[product] ?? 0), `${key}: ships ${qty}, has ${availability[location]?.[product]}`);
      }

      // Without the file every location has unlimited stock: both delivery groups ship from the first one.
      assert.deepEqual(
        free.fulfillmentOrders.filter((fo) => fo.location).map((fo) => fo.id),
        ['FO-WH-EAST-DG-HQ', 'FO-WH-EAST-DG-BRANCH'],
      );
      // Stock only moves physical splits: the system splits are the same either way.
      const systems = (p: Plan) => p.fulfillmentOrders.filter((fo) => fo.system).map((fo: FulfillmentOrder) => [fo.id, fo.lineItems, fo.steps]);
      assert.deepEqual(systems(plan), systems(free));
      assert.deepEqual(
        systems(plan).map(([id]) => id),
        ['FO-provisioning', 'FO-warranty'],
      );
    });

    it('reads the catalog files of the configuration when no --catalog is given, and prints the splits for people', async () => {
      const run = await ordo(['decompose', 'examples/mixed.json']);
      assert.equal(run.code, 0, describeRun(run));
      assert.match(run.stdout, /^Order ORD-3001: 4 fulfillment order\(s\)/);
      for (const id of ['FO-WH-EAST-DG-HQ', 'FO-provisioning', 'FO-warranty', 'FO-WH-EAST-DG-BRANCH']) assert.ok(run.stdout.includes(id), `${id} in:\n${run.stdout}`);
      assert.throws(() => JSON.parse(run.stdout), 'human output by default');

      // Another configuration listing only the laptop catalog (relative to that file): SEATS is then unknown.
      fs.mkdirSync(path.join(tmp, 'catalog'), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, 'catalog/laptop.yaml'), path.join(tmp, 'catalog/laptop.yaml'));
      const config = write('laptop-only.yaml', 'catalog: [catalog/laptop.yaml]\n');
      const [narrow, laptop] = await Promise.all([
        ordo(['decompose', '--config', config, 'examples/mixed.json']),
        ordo(['decompose', '--config', config, 'examples/laptop-bundle.json']),
      ]);
      assert.equal(narrow.code, 1, describeRun(narrow));
      assert.match(narrow.stderr, /items\[5\]\.product: item OI-6 orders unknown product SEATS/);
      assert.equal(laptop.code, 0, describeRun(laptop));
      assert.match(laptop.stdout, /FO-WH-EAST-DG-HQ/);
    });

    it('shows the parts of a split over decomposition.maxStepsPerFulfillmentOrder: a 2,000-item fleet order is 20 parts of 500 steps', async () => {
      const order = write('fleet-2000.json', JSON.stringify(fleetOrder(2000, 'FLEET-CLI')));
      const [json, text] = await Promise.all([ordo(['decompose', order, '--json']), ordo(['decompose', order])]);
      assert.equal(json.code, 0, describeRun(json));
      const plan = jsonOf<Plan>(json);
      assertPlanShape(plan);
      assert.deepEqual(
        plan.fulfillmentOrders.map((fo) => [fo.id, fo.steps.length, fo.lineItems.length, fo.partOf]),
        Array.from({ length: 20 }, (_, i) => [`FO-WH-EAST-DG-FLEET-P${i + 1}`, 500, 100, { id: 'FO-WH-EAST-DG-FLEET', part: i + 1, parts: 20 }]),
      );
      assert.equal(text.code, 0, describeRun(text));
      assert.match(text.stdout, /^Order FLEET-CLI: 20 fulfillment order\(s\)\n {2}FO-WH-EAST-DG-FLEET: 10000 steps, partitioned into 20 parts \(FO-WH-EAST-DG-FLEET-P1 … FO-WH-EAST-DG-FLEET-P20\)\n/);
      assert.match(text.stdout, /\nFO-WH-EAST-DG-FLEET-P20 {2}\(location WH-EAST, delivery group DG-FLEET; part 20 of 20 of FO-WH-EAST-DG-FLEET, 500 steps\)\n/);
    });

    it('takes the limit from the configuration, also with --catalog, and refuses a bad one naming the key', async () => {
      const order = write('fleet-5.json', JSON.stringify(fleetOrder(5, 'FLEET-5')));
      const small = write('small-splits.yaml', 'catalog: [catalog/laptop.yaml]\ndecomposition: { maxStepsPerFulfillmentOrder: 10 }\n');
      const bad = write('bad-splits.yaml', 'catalog: [catalog/laptop.yaml]\ndecomposition: { maxStepsPerFulfillmentOrder: 0 }\n');
      const [limited, refused] = await Promise.all([
        ordo(['decompose', '--config', small, '--catalog', 'catalog/fleet.yaml', order, '--json']),
        ordo(['decompose', '--config', bad, '--catalog', 'catalog/fleet.yaml', order]),
      ]);
      assert.equal(limited.code, 0, describeRun(limited));
      const plan = jsonOf<Plan>(limited);
      assert.deepEqual(
        plan.fulfillmentOrders.map((fo) => [fo.id, fo.steps.length, fo.lineItems.map((li) => li.sourceItemIds[0])]),
        [
          ['FO-WH-EAST-DG-FLEET-P1', 10, ['S1', 'S2']],
          ['FO-WH-EAST-DG-FLEET-P2', 10, ['S3', 'S4']],
          ['FO-WH-EAST-DG-FLEET-P3', 5, ['S5']],
        ],
      );
      assert.equal(refused.code, 1, describeRun(refused));
      assert.match(refused.stderr, /decomposition\.maxStepsPerFulfillmentOrder: must be a positive whole number/);
    });

    it('refuses an invalid order with exit 1, naming the field, without a stack trace', async () => {
      const run = await ordo(['decompose', 'examples/invalid-missing-price.json']);
      assert.equal(run.code, 1, describeRun(run));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^ordo: order ORD-9001 is invalid:/);
      assert.match(run.stderr, /items\[0\]\.unitPrice: is required \(fix: /);
      assert.doesNotMatch(run.stderr, STACK_FRAME);
    });

    it('answers the same refusal as JSON on stdout with --json', async () => {
      const run = await ordo(['decompose', 'examples/invalid-missing-price.json', '--json']);
      assert.equal(run.code, 1, describeRun(run));
      assert.equal(run.stderr, '');
      const { error } = jsonOf<{ error: { code: string; message: string; problems: Array<{ path: string; message: string; fix?: string }> } }>(run);
      assert.equal(error.code, 'invalid');
      assert.match(error.message, /items\[0\]\.unitPrice/);
      assert.deepEqual(
        error.problems.map((p) => [p.path, p.message]),
        [['items[0].unitPrice', 'is required']],
      );
      assert.match(error.problems[0].fix!, /decimal string/);
    });

    it('says so when the order file is not JSON, or does not exist', async () => {
      const notJson = write('not-json.json', '{ "id": "ORD-1", items: [\n');
      const missing = path.join(tmp, 'nowhere.json');
      const [bad, absent, absentJson] = await Promise.all([
        ordo(['decompose', notJson]),
        ordo(['decompose', missing]),
        ordo(['decompose', missing, '--json']),
      ]);
      assert.equal(bad.code, 1, describeRun(bad));
      assert.match(bad.stderr, new RegExp(`^ordo: order file ${notJson} is not valid JSON: `));
      assert.doesNotMatch(bad.stderr, STACK_FRAME);
      assert.equal(absent.code, 1, describeRun(absent));
      assert.equal(absent.stderr.trim(), `ordo: order file ${missing} cannot be read: check the path`);
      assert.equal(absentJson.code, 1, describeRun(absentJson));
      assert.equal(jsonOf<{ error: { code: string } }>(absentJson).error.code, 'invalid');
    });

    it('says so when the availability file cannot be read', async () => {
      const run = await ordo(['decompose', 'examples/mixed.json', '--availability', path.join(tmp, 'no-stock.json')]);
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stderr, /availability file .*no-stock\.json cannot be read/);
    });
  });

  describe('lint', () => {
    const CYCLE_AND_DANGLING = `products:
  - code: WIDGET
fulfillmentProducts:
  - code: SHIP-WIDGET
    fulfilledBy: { locations: [WH-1] }
decompositionRules:
  - { id: widget-ships, source: WIDGET, destination: SHIP-WIDGET }
workspaces:
  - id: delivery
    groups:
      - name: Main
        steps:
          - { id: pack, type: milestone, dependsOn: [label] }
          - { id: label, type: milestone, dependsOn: [pack] }
          - { id: done, type: milestone, dependsOn: [nowhere] }
scenarios:
  - { fulfillmentProduct: SHIP-WIDGET, workspace: delivery }
`;

    it('passes the shipped catalogs', async () => {
      const run = await ordo(['lint', 'catalog/laptop.yaml', 'catalog/saas.yaml']);
      assert.equal(run.code, 0, describeRun(run));
      assert.equal(run.stdout.trim(), 'No findings: the catalog is ready.');
      const json = await ordo(['lint', 'catalog/laptop.yaml', 'catalog/saas.yaml', '--json']);
      assert.equal(json.code, 0, describeRun(json));
      assert.deepEqual(jsonOf(json), { findings: [] });
      // Every configured catalog, the fleet's included.
      const configured = await ordo(['lint']);
      assert.equal(configured.code, 0, describeRun(configured));
      assert.equal(configured.stdout.trim(), 'No findings: the catalog is ready.');
    });

    it('names a dangling dependency and a cycle in one run, and exits 1', async () => {
      const file = write('broken.yaml', CYCLE_AND_DANGLING);
      const run = await ordo(['lint', file]);
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stdout, /ERROR\s+dangling-dependency\s+workspaces\[delivery\]\.steps\[done\]\.dependsOn\[0\]: step done depends on "nowhere"/);
      assert.match(run.stdout, /ERROR\s+dependency-cycle\s+workspaces\[delivery\]\.steps\[pack\]\.dependsOn: .*delivery\.pack → delivery\.label → delivery\.pack/);
      assert.match(run.stdout, /2 error\(s\), 0 warning\(s\)/);
    });

    it('prints { findings } with rule names with --json', async () => {
      const file = write('broken-json.yaml', CYCLE_AND_DANGLING);
      const run = await ordo(['lint', file, '--json']);
      assert.equal(run.code, 1, describeRun(run));
      const { findings } = jsonOf<{ findings: Array<{ severity: string; rule: string; path: string; message: string; fix: string }> }>(run);
      assert.deepEqual(
        findings.map((f) => [f.severity, f.rule, f.path]),
        [
          ['error', 'dangling-dependency', 'workspaces[delivery].steps[done].dependsOn[0]'],
          ['error', 'dependency-cycle', 'workspaces[delivery].steps[pack].dependsOn'],
        ],
      );
      for (const f of findings) assert.ok(f.message && f.fix, 'every finding says what is wrong and how to fix it');
    });

    it('reports other reference problems as catalog-load findings next to lint findings', async () => {
      const file = write('unknown-workspace.yaml', CYCLE_AND_DANGLING.replace('workspace: delivery }', 'workspace: delivry }'));
      const run = await ordo(['lint', file, '--json']);
      assert.equal(run.code, 1, describeRun(run));
      const { findings } = jsonOf<{ findings: Array<{ rule: string; path: string; message: string; fix: string }> }>(run);
      const load = findings.find((f) => f.rule === 'catalog-load');
      assert.ok(load, JSON.stringify(findings));
      assert.match(load.path, /unknown-workspace\.yaml: scenarios\[0\]\.workspace$/);
      assert.match(load.message, /unknown workspace "delivry"/);
      assert.match(load.fix, /delivery/);
      assert.deepEqual(
        findings.filter((f) => f.rule !== 'catalog-load').map((f) => f.rule),
        ['dangling-dependency', 'dependency-cycle'],
      );
    });

    it('names the file and line of a YAML syntax error, and exits 1', async () => {
      const file = write('syntax.yaml', 'products:\n  - code: WIDGET\n    name: [unclosed\nfulfillmentProducts: []\n');
      const run = await ordo(['lint', file]);
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stderr, /syntax\.yaml:4:\d+: YAML syntax error/);
      assert.doesNotMatch(run.stderr, STACK_FRAME);
    });
  });

  describe('usage errors exit 2 with the usage', () => {
    for (const [label, args, message] of [
      ['no verb', [], undefined],
      ['an unknown verb', ['frobnicate'], /^ordo: unknown verb "frobnicate"/],
      ['an unknown flag', ['status', '--bogus', 'X'], /^ordo: Unknown option '--bogus'/],
      ['submit with no file', ['submit'], /^ordo: submit takes one ORDER\.json/],
      ['status with no order', ['status'], /^ordo: status takes one ORDER id/],
      ['decompose with no order', ['decompose', '--json'], /^ordo: decompose needs an ORDER\.json/],
    ] as const) {
      it(label, async () => {
        const run = await ordo([...args]);
        assert.equal(run.code, 2, describeRun(run));
        const output = run.stdout + run.stderr;
        assert.match(output, /Usage:\n {2}ordo stack up/);
        if (message) assert.match(run.stderr, message);
        assert.doesNotMatch(output, STACK_FRAME);
      });
    }
  });

  it('--help exits 0 and prints the usage on stdout, also after a verb', async () => {
    const [help, verbHelp] = await Promise.all([ordo(['--help']), ordo(['submit', '--help'])]);
    for (const run of [help, verbHelp]) {
      assert.equal(run.code, 0, describeRun(run));
      assert.match(run.stdout, /^ordo — durable order orchestration on Temporal\n\nUsage:/);
      assert.match(run.stdout, /ordo decompose --catalog FILE\.\.\. ORDER\.json/);
      assert.match(run.stdout, /Exit codes: 0 success, 1 refused or failed/);
      assert.equal(run.stderr, '');
    }
  });

  it('names a configuration file that does not exist, before or after the verb, and exits 1', async () => {
    const [before, after, json] = await Promise.all([
      ordo(['--config', '/nonexistent.yaml', 'status', 'X']),
      ordo(['status', 'X', '--config', '/nonexistent.yaml']),
      ordo(['--config', '/nonexistent.yaml', 'status', 'X', '--json']),
    ]);
    for (const run of [before, after]) {
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stderr, /^ordo: configuration \/nonexistent\.yaml is invalid:/);
      assert.match(run.stderr, /cannot be read \(fix: pass --config FILE or set ORDO_CONFIG/);
    }
    assert.equal(json.code, 1, describeRun(json));
    assert.match(jsonOf<{ error: { code: string; message: string } }>(json).error.message, /\/nonexistent\.yaml/);
  });

  it('refuses an invalid order at submit before it needs a server', async () => {
    // Nothing listens on port 1: the refusal must come from validation, not from a failed connection.
    const run = await ordo(['submit', 'examples/invalid-missing-price.json', '--json'], { env: cleanEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' }) });
    assert.equal(run.code, 1, describeRun(run));
    const { error } = jsonOf<{ error: { code: string; problems: Array<{ path: string }> } }>(run);
    assert.equal(error.code, 'invalid');
    assert.deepEqual(error.problems.map((p) => p.path), ['items[0].unitPrice']);
  });
});
