import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanEnv, describeRun, ordo, STACK_FRAME } from './run-ordo';

/**
 * `ordo amend` with a delivery address change (issue 14) through the real `bin/ordo`, without a server: the file is
 * checked before anything connects. The change itself, before and after PONR, is tested end to end:
 * test/e2e/delivery-address.test.ts.
 */
const NO_SERVER = cleanEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' });

describe('ordo amend: a delivery address change', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-amend-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names a bad address field and its fix before it connects, without a stack trace', async () => {
    const file = path.join(dir, 'bad-address.json');
    fs.writeFileSync(file, JSON.stringify({ actor: 'cpq-sync', actions: [{ type: 'ChangeDeliveryAddress', deliveryGroupId: 'DG-HQ', address: { line1: '200 Elm St', city: 'Dallas', country: 'USA', zip: '75201' } }] }));
    const run = await ordo(['amend', 'ORD-1', file, '--json'], { env: NO_SERVER });
    assert.equal(run.code, 1, describeRun(run));
    const { error } = JSON.parse(run.stdout) as { error: { code: string; problems: Array<{ path: string; fix?: string }> } };
    assert.equal(error.code, 'invalid');
    assert.deepEqual(error.problems.map((p) => p.path).sort(), ['actions[0].address.country', 'actions[0].address.zip']);
    assert.match(error.problems.find((p) => p.path === 'actions[0].address.zip')!.fix!, /postalCode/);
    assert.doesNotMatch(run.stderr, STACK_FRAME);
  });

  it('takes examples/amend-address.json as a well-formed amendment (refused only for want of a server)', async () => {
    const run = await ordo(['amend', 'ORD-1', 'examples/amend-address.json', '--json'], { env: NO_SERVER });
    assert.equal(run.code, 1, describeRun(run));
    assert.notEqual((JSON.parse(run.stdout) as { error: { code: string } }).error.code, 'invalid', run.stdout);
  });
});
