import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanEnv, describeRun, ordo, REPO_ROOT, STACK_FRAME } from './run-ordo';

/**
 * The real `bin/ordo` refuses input over Ordo's limits (docs/limits.md) before anything reaches Temporal, in a
 * line naming the limit, the value and the fix; no server is needed (TEMPORAL_ADDRESS points nowhere).
 */
describe('bin/ordo refuses input over its limits, without a server', function () {
  this.timeout(60_000);
  let dir: string;
  const nowhere = cleanEnv({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-limits-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a 10 MB order: submit and decompose refuse it at once, naming its size and the limit', async () => {
    const order = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'laptop-bundle.json'), 'utf8'));
    order.items[0].attributes = { ...order.items[0].attributes, note: 'x'.repeat(10 * 1024 * 1024) };
    const file = path.join(dir, 'huge.json');
    fs.writeFileSync(file, JSON.stringify(order));
    for (const verb of ['submit', 'decompose']) {
      const started = Date.now();
      const run = await ordo([verb, file], { env: nowhere });
      assert.equal(run.code, 1, describeRun(run));
      assert.ok(Date.now() - started < 20_000, `${verb} took ${Date.now() - started} ms`);
      assert.match(run.stderr, /\(order\): is 10,48\d,\d{3} bytes of JSON; an order may have at most 1,048,576 \(limit orderBytes\) \(fix: /);
      assert.doesNotMatch(run.stderr, STACK_FRAME);
    }
  });

  it('a misspelled field: submit refuses it with the closest known name', async () => {
    const order = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'laptop-bundle.json'), 'utf8'));
    order.items[0].discont = '100.00';
    const file = path.join(dir, 'typo.json');
    fs.writeFileSync(file, JSON.stringify(order));
    const run = await ordo(['submit', file], { env: nowhere });
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stderr, /items\[0\]\.discont: unknown key "discont" \(fix: did you mean "discount"\?/);
  });

  it('lint names the file of an alias bomb and of a catalog nested too deep', async () => {
    const nine = (ref: string) => `[${Array(9).fill(ref).join(',')}]`;
    const bomb = path.join(dir, 'bomb.yaml');
    fs.writeFileSync(bomb, ['a: &a ["x","x","x","x","x","x","x","x","x"]', `b: &b ${nine('*a')}`, `c: &c ${nine('*b')}`, `d: &d ${nine('*c')}`, `e: &e ${nine('*d')}`, `f: &f ${nine('*e')}`].join('\n'));
    const deep = path.join(dir, 'deep.yaml');
    fs.writeFileSync(deep, `products: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
    const [bombRun, deepRun] = await Promise.all([ordo(['lint', bomb], { env: nowhere }), ordo(['lint', deep], { env: nowhere })]);
    assert.equal(bombRun.code, 1, describeRun(bombRun));
    assert.match(bombRun.stderr, /bomb\.yaml: YAML aliases expand too much .*limit yamlAliases/);
    assert.equal(deepRun.code, 1, describeRun(deepRun));
    assert.match(deepRun.stderr, /deep\.yaml: nests deeper than 32 levels \(limit yamlDepth\)/);
    assert.doesNotMatch(deepRun.stderr, /call stack/);
  });
});
