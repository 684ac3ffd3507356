import assert from 'node:assert/strict';
import { describeRun, ordo } from './run-ordo';

/** `ordo stack up --persistence sqlite|postgres` (docs/production-temporal.md): any other value is a usage error. */
describe('ordo stack --persistence', function () {
  this.timeout(30_000);

  it('names the allowed values and exits 2 on any other, starting nothing', async () => {
    const run = await ordo(['stack', 'up', '--persistence', 'mysql']);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /--persistence must be one of sqlite, postgres \(got "mysql"\)/);
  });

  it('applies to `stack up` only', async () => {
    const run = await ordo(['stack', 'status', '--persistence', 'postgres']);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /--persistence applies to `stack up` only/);
  });
});
