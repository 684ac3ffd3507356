import assert from 'node:assert/strict';
import { fleetOrder } from '../../bench/large-order';
import { parseCatalog } from '../../domain/catalog-load';
import { amendmentLimitProblems, LIMITS, orderLimitProblems } from '../../domain/limits';
import { InvalidInput, type Problem } from '../../domain/problems';
import { validateOrder } from '../../domain/validate-order';
import { checkOrder } from '../../client/check-order';
import { OrdoError } from '../../client/errors';
import { exampleOrder } from './fixtures';

/** Limits (docs/limits.md): each refusal names the limit, the value and the fix, before anything reaches Temporal. */

function order(): Record<string, any> {
  return JSON.parse(JSON.stringify(exampleOrder('laptop-bundle.json')));
}

function refusalOf(run: () => unknown): Problem[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidInput || error instanceof OrdoError, `expected a refusal, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected a refusal');
}

describe('input limits', () => {
  it('a 10 MB order is refused at once, naming its size, the limit and the fix', () => {
    const input = order();
    input.items[0].attributes = { note: 'x'.repeat(10_000_000) };
    const started = Date.now();
    const [problem] = refusalOf(() => checkOrder(input));
    assert.ok(Date.now() - started < 2_000, 'refused without validating it item by item');
    assert.match(problem.message, /is 10,000,\d{3} bytes of JSON; an order may have at most 1,048,576 \(limit orderBytes\)/);
    assert.ok(problem.fix);
  });

  it('too many items', () => {
    const input = fleetOrder(LIMITS.orderItems + 1);
    input.items = (input.items as any[]).map((item) => ({ id: item.id, product: item.product, quantity: 1, unitPrice: '1.00' }));
    const problems = orderLimitProblems(input);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].path, 'items');
    assert.match(problems[0].message, /has 5,001 items; an order may have at most 5,000 \(limit orderItems\)/);
  });

  it('the large-order bench (2,000 items) is within every limit', () => {
    assert.deepEqual(orderLimitProblems(fleetOrder(2000)), []);
  });

  it('attribute values, names and counts, in orders and amendments', () => {
    const input = order();
    input.items[0].attributes = { region: 'US', note: 'y'.repeat(LIMITS.attributeValueChars + 1) };
    input.items[1].attributes = Object.fromEntries(Array.from({ length: LIMITS.attributesPerItem + 1 }, (_, i) => [`a${i}`, i]));
    const problems = refusalOf(() => checkOrder(input));
    assert.ok(problems.some((p) => p.path === 'items[0].attributes.note' && /is 1,025 characters; an attribute value may have at most 1,024 \(limit attributeValueChars\)/.test(p.message)), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.path === 'items[1].attributes' && /has 65 attributes/.test(p.message)), JSON.stringify(problems));
    const amendment = { actor: 'cpq', actions: [{ type: 'Amend', itemId: 'OI-1', attributes: { note: 'z'.repeat(2000) } }] };
    const [amendProblem] = amendmentLimitProblems(amendment);
    assert.equal(amendProblem.path, 'actions[0].attributes.note');
  });

  it('ids: at most 128 characters of letters, digits, ".", "_", ":" and "-"', () => {
    const long = order();
    long.id = `ORD-${'9'.repeat(125)}`;
    const [tooLong] = refusalOf(() => validateOrder(long));
    assert.equal(tooLong.path, 'id');
    assert.match(tooLong.message, /is 129 characters; an id may have at most 128 \(limit idChars\)/);
    for (const bad of ['ORD 1', 'ORD/1', '-ORD', 'ORD#1']) {
      const input = order();
      input.id = bad;
      const [problem] = refusalOf(() => validateOrder(input));
      assert.equal(problem.path, 'id', bad);
      assert.match(problem.message, /letters, digits, "\.", "_", ":" and "-"/);
    }
    const good = order();
    Object.assign(good, { id: 'ORD-1001.a_b:2' });
    assert.equal(validateOrder(good).id, 'ORD-1001.a_b:2');
  });

  it('a catalog file too large, too deep, or an alias bomb: refused naming the file and the limit', () => {
    const problemOf = (text: string) => refusalOf(() => parseCatalog([{ path: 'catalog/big.yaml', text }]))[0];
    const big = problemOf(`# ${'x'.repeat(LIMITS.catalogFileBytes)}\n`);
    assert.equal(big.path, 'catalog/big.yaml');
    assert.match(big.message, /limit catalogFileBytes/);
    for (const depth of [40, 20_000]) {
      const deep = problemOf(`products: ${'['.repeat(depth)}${']'.repeat(depth)}`);
      assert.equal(deep.path, 'catalog/big.yaml');
      assert.match(deep.message, /nests deeper than 32 levels \(limit yamlDepth\)/);
      assert.doesNotMatch(`${deep.message} ${deep.fix}`, /call stack|syntax/);
    }
    const nine = (ref: string) => `[${Array(9).fill(ref).join(',')}]`;
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', `b: &b ${nine('*a')}`, `c: &c ${nine('*b')}`, `d: &d ${nine('*c')}`, `e: &e ${nine('*d')}`, `f: &f ${nine('*e')}`].join('\n');
    const aliases = problemOf(bomb);
    assert.equal(aliases.path, 'catalog/big.yaml');
    assert.match(aliases.message, /YAML aliases expand too much .*limit yamlAliases/);
  });
});
