import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../../domain/lint';
import { describeRun, jsonOf, ordo, STACK_FRAME } from './run-ordo';

/**
 * `ordo lint` through the real `bin/ordo`: it takes the queue directory from the configuration (as it takes
 * billing.systems), so an approval queue the configuration lacks is an error (exit 1), and a step dated by an
 * attribute no product declares is a warning (exit 0).
 */
describe('ordo lint: approval queues and dated steps', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-lint-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function files(approvalQueue: string, startAttribute: string): string {
    const catalog = path.join(tmp, `${approvalQueue}-${startAttribute}.yaml`);
    fs.writeFileSync(
      catalog,
      [
        `products: [{ code: KIT, attributes: { goLive: [] }, approval: { queue: ${approvalQueue} } }]`,
        'fulfillmentProducts: [{ code: KIT-WORK, fulfilledBy: { system: provisioning } }]',
        'decompositionRules: [{ id: kit, source: KIT, destination: KIT-WORK }]',
        'workspaces:',
        '  - id: kit',
        '    groups:',
        '      - name: Main',
        '        steps:',
        '          - { id: activate, type: callout, call: { system: provisioning, operation: activate }, estimatedDuration: 1h, fallout: { queue: desk } }',
        `          - { id: go-live, type: milestone, dependsOn: [activate], startAt: { attribute: ${startAttribute} } }`,
        'scenarios: [{ fulfillmentProduct: KIT-WORK, workspace: kit }]',
        '',
      ].join('\n'),
    );
    const config = path.join(tmp, `${approvalQueue}-${startAttribute}-config.yaml`);
    fs.writeFileSync(config, `catalog: [${catalog}]\nqueues:\n  credit: { members: [bob] }\n  desk: { members: [carol] }\n`);
    return config;
  }

  it('errors on an approval queue the configuration lacks, warns on an undeclared start attribute, and is clean otherwise', async () => {
    const [clean, badQueue, badQueueHuman, typo] = await Promise.all([
      ordo(['lint', '--config', files('credit', 'goLive'), '--json']),
      ordo(['lint', '--config', files('credt', 'goLive'), '--json']),
      ordo(['lint', '--config', files('credt', 'goLive')]),
      ordo(['lint', '--config', files('credit', 'goLiv'), '--json']),
    ]);
    assert.equal(clean.code, 0, describeRun(clean));
    assert.deepEqual(jsonOf<{ findings: Finding[] }>(clean).findings, []);

    assert.equal(badQueue.code, 1, describeRun(badQueue));
    const [queueFinding] = jsonOf<{ findings: Finding[] }>(badQueue).findings;
    assert.deepEqual([queueFinding.severity, queueFinding.rule, queueFinding.path], ['error', 'unknown-approval-queue', 'products[KIT].approval.queue']);
    assert.match(queueFinding.fix, /configured queues \(credit, desk\)/);
    assert.equal(badQueueHuman.code, 1, describeRun(badQueueHuman));
    assert.match(`${badQueueHuman.stdout}${badQueueHuman.stderr}`, /products\[KIT\]\.approval\.queue/);
    assert.doesNotMatch(badQueueHuman.stderr, STACK_FRAME);

    assert.equal(typo.code, 0, describeRun(typo));
    assert.deepEqual(
      jsonOf<{ findings: Finding[] }>(typo).findings.map((f) => [f.severity, f.rule, f.path]),
      [['warning', 'undeclared-start-attribute', 'workspaces[kit].steps[go-live].startAt.attribute']],
    );
  });
});
