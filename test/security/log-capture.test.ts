import assert from 'node:assert/strict';
import { secretsIn } from '../log-capture';

describe('the end-of-run check for secrets in logs', () => {
  const secrets = new Map([['c2VjcmV0LWtleS1tYXRlcmlhbA==', 'encryption key k1'], ['tok_live_abcdef123456', 'payment token']]);

  it('finds a secret anywhere in a line, names it and the source, and masks it', () => {
    const leaks = secretsIn('[worker INFO] fine\n[ordo keys] key c2VjcmV0LWtleS1tYXRlcmlhbA== created\n', secrets);
    assert.deepEqual(leaks, [{ secret: 'encryption key k1', where: '[ordo keys]', line: '[ordo keys] key <secret> created' }]);
  });

  it('passes a log with none of them', () => {
    assert.deepEqual(secretsIn('[worker INFO] charged card ending 3456\n[ordo status] tok_live_…3456', secrets), []);
  });
});
