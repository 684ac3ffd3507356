import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPassword, localAccountNames } from '../../console/accounts';
import type { LoadedConfig } from '../../config/load';
import { consolePasswordsFile, ensureStackConsoleAccounts } from '../../scripts/console-part';
import { cleanEnv, jsonOf, ordo, REPO_ROOT, STACK_FRAME, type OrdoRun } from '../cli/run-ordo';

/**
 * Local accounts from the command line (`ordo console accounts add|list`) and the ones `ordo stack up` makes: the
 * file is 0600 in a folder made for it, holds scrypt hashes only, and never shows them.
 */

/** `ordo …` with `input` on its standard input (run-ordo's helper has none). */
function ordoWithInput(args: string[], input: string): Promise<OrdoRun> {
  return new Promise((resolve) => {
    const child = execFile(path.join(REPO_ROOT, 'bin', 'ordo'), args, { cwd: REPO_ROOT, env: cleanEnv(), timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error.code as number) ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

describe('console: local accounts', function () {
  this.timeout(60_000);
  let dir: string;
  let configFile: string;
  let accountsFile: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-console-accounts-'));
    accountsFile = path.join(dir, 'secrets', 'nested', 'accounts.json');
    configFile = path.join(dir, 'temporal-config.yaml');
    fs.writeFileSync(configFile, ['catalog:', `  - ${path.join(REPO_ROOT, 'catalog', 'laptop.yaml')}`, 'console:', `  accounts: ${accountsFile}`, ''].join('\n'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds an account with a generated password shown once, or one read from stdin; lists names only', async () => {
    const generated = await ordo(['console', 'accounts', 'add', 'alice', '--json', '--config', configFile]);
    assert.equal(generated.code, 0, generated.stderr);
    const { password } = jsonOf<{ password: string }>(generated);
    assert.ok(password.length >= 20, 'a strong password');
    assert.ok(checkPassword(accountsFile, 'alice', password));
    assert.equal(fs.statSync(accountsFile).mode & 0o777, 0o600);

    const given = await ordoWithInput(['console', 'accounts', 'add', 'bob', '--password-stdin', '--config', configFile], 'from stdin\n');
    assert.equal(given.code, 0, given.stderr);
    assert.doesNotMatch(given.stdout, /from stdin/);
    assert.ok(checkPassword(accountsFile, 'bob', 'from stdin'));
    assert.ok(!checkPassword(accountsFile, 'bob', 'from stdin\n'), 'the trailing newline is not part of it');
    assert.ok(!checkPassword(accountsFile, 'alice', 'from stdin'));
    assert.match(fs.readFileSync(accountsFile, 'utf8'), /"passwordHash": "scrypt\$/);

    const list = await ordo(['console', 'accounts', 'list', '--json', '--config', configFile]);
    assert.deepEqual(jsonOf<{ accounts: string[] }>(list).accounts, ['alice', 'bob']);
    const human = await ordo(['console', 'accounts', 'list', '--config', configFile]);
    assert.doesNotMatch(human.stdout, /scrypt/);
  });

  it('refuses a name that cannot be an operator’s, without a stack trace', async () => {
    const bad = await ordo(['console', 'accounts', 'add', '../etc', '--config', configFile]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /operator name "\.\.\/etc" must be letters, digits/);
    assert.doesNotMatch(bad.stderr, STACK_FRAME);
    assert.deepEqual(localAccountNames(accountsFile), ['alice', 'bob']);
  });

  it('makes the stack’s accounts only when there are none: every queue member, one password, in a 0600 file', () => {
    const config = {
      consoleAccountsFile: path.join(dir, 'stack', 'accounts.json'),
      dataDir: path.join(dir, 'stack'),
      stack: { consolePort: 8090 },
      queues: { desk: { members: ['carol', 'alice'] }, care: { members: ['alice', 'erin'] } },
    } as unknown as LoadedConfig;
    const line = ensureStackConsoleAccounts(config);
    assert.match(line, /^Console: http:\/\/localhost:8090 \(sign in as carol, password in .*console-passwords\.txt\)$/);
    assert.deepEqual(localAccountNames(config.consoleAccountsFile), ['alice', 'carol', 'erin']);
    const passwords = consolePasswordsFile(config);
    assert.equal(fs.statSync(passwords).mode & 0o777, 0o600);
    const password = fs.readFileSync(passwords, 'utf8').trim().split('\n').pop()!;
    for (const name of ['alice', 'carol', 'erin']) assert.ok(checkPassword(config.consoleAccountsFile, name, password), name);

    const before = fs.readFileSync(config.consoleAccountsFile, 'utf8');
    ensureStackConsoleAccounts(config);
    assert.equal(fs.readFileSync(config.consoleAccountsFile, 'utf8'), before, 'an existing accounts file is left alone');
  });
});
