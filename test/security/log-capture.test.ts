import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Runtime } from '@temporalio/worker';
import { runLogText, secretsIn } from '../log-capture';
import { quietRuntime } from '../quiet-runtime';

describe('the end-of-run check for secrets in logs', () => {
  const secrets = new Map([['c2VjcmV0LWtleS1tYXRlcmlhbA==', 'encryption key k1'], ['tok_live_abcdef123456', 'payment token']]);

  it('finds a secret anywhere in a line, names it and the source, and masks it', () => {
    const leaks = secretsIn('[worker INFO] fine\n[ordo keys] key c2VjcmV0LWtleS1tYXRlcmlhbA== created\n', secrets);
    assert.deepEqual(leaks, [{ secret: 'encryption key k1', where: '[ordo keys]', line: '[ordo keys] key <secret> created' }]);
  });

  it('passes a log with none of them', () => {
    assert.deepEqual(secretsIn('[worker INFO] charged card ending 3456\n[ordo status] tok_live_…3456', secrets), []);
  });

  it('sees what workers log, though the console shows only errors: the check reads what the run really logged', () => {
    quietRuntime();
    const probe = `log-capture probe ${randomUUID()}`;
    Runtime.instance().logger.info(probe, { orderId: 'ORD-PROBE' });
    assert.match(runLogText(), new RegExp(`\\[worker INFO\\] ${probe} \\{"orderId":"ORD-PROBE"`));
  });
});
