import assert from 'node:assert/strict';
import { keyHashOf } from '../../api/keys';
import * as path from 'node:path';
import { cleanEnv, ordo, REPO_ROOT } from './run-ordo';

/** `ordo api` without a server (docs/api.md "Keys"): a key's hash for api.keys, and a refusal to serve with no usable key. */
describe('ordo api (CLI, no server)', function () {
  this.timeout(60_000);

  it('prints the sha256 of the key on standard input, as api.keys[].keyHash takes it', async () => {
    const { execFile } = await import('node:child_process');
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile(path.join(REPO_ROOT, 'bin', 'ordo'), ['api', 'key-hash'], { env: cleanEnv(), cwd: REPO_ROOT }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
      child.stdin!.end('a key of this test\n');
    });
    assert.equal(out.trim(), keyHashOf('a key of this test'));
    assert.match(out.trim(), /^sha256:[0-9a-f]{64}$/);
  });

  it('refuses to serve when no key is usable, naming the variable to set (exit 1), and refuses extra words (exit 2)', async () => {
    const refused = await ordo(['api']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /ORDO_API_KEY is not set/);
    assert.equal((await ordo(['api', 'serve'])).code, 2);
  });
});
