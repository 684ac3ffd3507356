import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { registerSecret } from '../log-capture';
import { cleanEnv, describeRun, ordo } from './run-ordo';

/** `ordo keys rotate|list` (docs/security.md "Encrypted histories"): ids and dates, never key material. */
describe('ordo keys', function () {
  this.timeout(60_000);
  let dir: string;
  let configFile: string;
  let keyring: string;
  const env = cleanEnv({ ORDO_ENCRYPTION_KEYS: '' }); // the file, not the test run's keys

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-keys-cli-'));
    configFile = path.join(dir, 'temporal-config.yaml');
    keyring = path.join(dir, 'secrets', 'keyring.json');
    fs.writeFileSync(configFile, 'catalog: [catalog.yaml]\nencryption:\n  keyring: secrets/keyring.json\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => ordo([...args, '--config', configFile], { env });

  it('rotate creates the keyring (0600), then adds a key and makes it current; list shows ids, never keys', async () => {
    const first = await run('keys', 'rotate', '--json');
    assert.equal(first.code, 0, describeRun(first));
    const created = JSON.parse(first.stdout) as { keyring: string; current: string; created: boolean };
    assert.deepEqual([created.keyring, created.created], [keyring, true]);
    assert.equal(fs.statSync(keyring).mode & 0o777, 0o600);

    const second = await run('keys', 'rotate');
    assert.equal(second.code, 0, describeRun(second));
    assert.match(second.stdout, /Key k\d{8}-[0-9a-f]{8} added to .* and made current; the older keys stay/);

    const listed = await run('keys', 'list', '--json');
    assert.equal(listed.code, 0, describeRun(listed));
    const { keys } = JSON.parse(listed.stdout) as { keys: { id: string; current: boolean; createdAt: string }[] };
    assert.equal(keys.length, 2);
    assert.deepEqual(keys.map((k) => k.current), [false, true]);
    assert.equal(keys[0].id, created.current);
    const material = Object.values((JSON.parse(fs.readFileSync(keyring, 'utf8')) as { keys: Record<string, string> }).keys);
    for (const key of material) registerSecret('a key made by ordo keys rotate', key);
    const human = await run('keys', 'list');
    for (const output of [first.stdout, second.stdout, listed.stdout, human.stdout, human.stderr]) {
      for (const key of material) assert.ok(!output.includes(key), 'no key material is printed');
    }
    assert.match(human.stdout, /\(current\)/);
  });

  it('names a missing keyring with the fix, without a stack trace', async () => {
    const other = path.join(dir, 'other.yaml');
    fs.writeFileSync(other, 'catalog: [catalog.yaml]\nencryption:\n  keyring: nowhere/keyring.json\n');
    const listed = await ordo(['keys', 'list', '--config', other], { env });
    assert.equal(listed.code, 1, describeRun(listed));
    assert.match(listed.stderr, /does not exist.*ordo keys rotate/s);
    assert.doesNotMatch(listed.stderr, /^\s+at /m);
  });

  it('refuses an unknown verb as a usage error', async () => {
    const bad = await run('keys', 'show');
    assert.equal(bad.code, 2, describeRun(bad));
  });
});
