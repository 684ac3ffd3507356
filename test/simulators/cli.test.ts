import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDataDir } from './harness';

/** The command line, run as users run it (through tsx), in a child process. */

const MAIN = path.resolve(__dirname, '../../simulators/main.ts');

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('simulators: command line', () => {
  let dataDir: string;
  before(() => {
    dataDir = tempDataDir();
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  for (const [label, args, expected] of [
    ['an unknown flag', ['--bogus'], /Unknown option '--bogus'/],
    ['a bad port', ['--port', 'seventy'], /--port must be a whole number/],
    ['a missing faults file', ['--faults', '/nonexistent/faults.yaml'], /--faults \/nonexistent\/faults\.yaml: cannot read it/],
    ['a bad --fault', ['--fault', 'shipping:errorRate=3'], /--fault "shipping:errorRate=3": errorRate/],
  ] as const) {
    it(`exits 2 with a usage message, no stack trace, for ${label}`, async () => {
      const proc = run([...args, '--data-dir', dataDir]);
      assert.equal(await proc.exited, 2);
      const { stderr } = proc.output();
      assert.match(stderr, expected);
      assert.match(stderr, /usage: tsx simulators\/main\.ts/);
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('announces itself, serves, and stops cleanly on SIGTERM', async () => {
    const faults = path.join(dataDir, 'faults.yaml');
    fs.writeFileSync(faults, 'warranty:\n  - operation: register\n    failNext: 1\n');
    const proc = run(['--port', '0', '--data-dir', dataDir, '--faults', faults, '--fault', 'shipping:latencyMs=5']);
    const line = await new Promise<string>((resolve, reject) => {
      proc.child.stdout.on('data', () => {
        const { stdout } = proc.output();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
      });
      void proc.exited.then(() => reject(new Error(`exited early: ${proc.output().stderr}`)));
    });
    const match = /^simulators listening on (http:\/\/127\.0\.0\.1:\d+) \(inventory, shipping, provisioning, warranty, billing, webhook, cpq, storefront, payments\)$/.exec(line);
    assert.ok(match, line);
    const faultsNow = await (await fetch(`${match[1]}/_faults`)).json();
    assert.deepEqual(faultsNow, { warranty: [{ operation: 'register', failNext: 1 }], shipping: [{ latencyMs: 5 }] });

    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
  });
});
