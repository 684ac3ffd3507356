import assert from 'node:assert/strict';
import { cleanEnv, describeRun, ordo, STACK_FRAME } from './run-ordo';

/**
 * `ordo approve` through the real `bin/ordo`, without a server: what it refuses before it connects. The approval
 * itself (pending → inProgress or rejected, queue members only) is tested on the workflow:
 * test/workflows/order-states.test.ts.
 */
const NO_SERVER = cleanEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' });

describe('ordo approve', function () {
  this.timeout(60_000);

  it('needs one order id, and a reason to refuse; says so without a stack trace', async () => {
    const [none, refuse] = await Promise.all([
      ordo(['approve'], { env: NO_SERVER }),
      ordo(['approve', 'ORD-1', '--refuse', '--actor', 'bob'], { env: NO_SERVER }),
    ]);
    assert.equal(none.code, 2, describeRun(none));
    assert.match(none.stderr, /approve takes one ORDER id/);
    assert.equal(refuse.code, 2, describeRun(refuse));
    assert.match(refuse.stderr, /approve --refuse needs --reason TEXT/);
    for (const run of [none, refuse]) assert.doesNotMatch(run.stderr, STACK_FRAME);
  });
});
