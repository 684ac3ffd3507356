import assert from 'node:assert/strict';
import { parseCatalog } from '../../domain/catalog-load';
import { applyOrderActions } from '../../domain/order-actions';
import { InvalidInput, type Problem } from '../../domain/problems';
import { validateOrder } from '../../domain/validate-order';
import { exampleOrder } from './fixtures';

/** A misspelled field is never dropped: it is refused at its path, with the closest known spelling. */

function problemsOf(run: () => unknown): Problem[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidInput, `expected InvalidInput, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected a refusal');
}

function order(): Record<string, any> {
  return JSON.parse(JSON.stringify(exampleOrder('laptop-bundle.json')));
}

describe('unknown fields', () => {
  it('an item field: "discont" is refused with did-you-mean "discount", not billed at full price', () => {
    const input = order();
    input.items[0].discont = '100.00';
    const [problem, ...rest] = problemsOf(() => validateOrder(input));
    assert.deepEqual(rest, []);
    assert.equal(problem.path, 'items[0].discont');
    assert.equal(problem.message, 'unknown key "discont"');
    assert.match(problem.fix!, /^did you mean "discount"\?/);
  });

  it('at every level of an order: the order, a delivery group, its address, billing, the contract and its lines', () => {
    const input = order();
    input.curency = 'USD';
    input.deliveryGroups[0].nme = 'HQ';
    input.deliveryGroups[0].address.postcode = '78701';
    input.items[1].billing = { type: 'recurring', period: 'month', perod: 'year' };
    input.contract = { id: 'C-1', lnes: [], lines: [{ id: 'CL-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '1.00', endDat: '2027-01-01' }] };
    const problems = problemsOf(() => validateOrder(input));
    const byPath = new Map(problems.map((p) => [p.path, p.fix ?? '']));
    assert.match(byPath.get('curency')!, /did you mean "currency"/);
    assert.match(byPath.get('deliveryGroups[0].nme')!, /did you mean "name"/);
    assert.match(byPath.get('deliveryGroups[0].address.postcode')!, /allowed fields here: .*postalCode/);
    assert.match(byPath.get('contract.lnes')!, /did you mean "lines"/);
    assert.match(byPath.get('contract.lines[0].endDat')!, /did you mean "endDate"/);
    assert.ok([...byPath.keys()].some((path) => path.startsWith('items[1].billing')), `billing's stray field is named: ${[...byPath.keys()].join(', ')}`);
  });

  it('a change order item: "originalItemid" suggests "originalItemId"', () => {
    const input = order();
    Object.assign(input, { id: 'ORD-1001-C1', changeOf: 'ORD-1001' });
    input.items = [{ id: 'CI-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '0.00', action: 'Return', originalItemid: 'OI-2' }];
    const problems = problemsOf(() => validateOrder(input));
    const problem = problems.find((p) => p.path === 'items[0].originalItemid');
    assert.ok(problem, JSON.stringify(problems));
    assert.match(problem.fix!, /did you mean "originalItemId"/);
  });

  it('an amendment: a misspelled action field and a misspelled field of an added item', () => {
    const original = exampleOrder('laptop-bundle.json');
    const problems = problemsOf(() =>
      applyOrderActions(original, {
        actor: 'cpq',
        actions: [
          { type: 'Amend', itemId: 'OI-1', quantity: 3, atributes: { region: 'CA' } },
          { type: 'Add', item: { id: 'OI-9', product: 'LAPTOP-14', quantity: 1, unitPrice: '1.00', discont: '1.00' } },
        ],
      } as never),
    );
    const byPath = new Map(problems.map((p) => [p.path, p.fix ?? '']));
    assert.match(byPath.get('actions[0].atributes')!, /did you mean "attributes"/);
    assert.match(byPath.get('actions[1].item.discont')!, /did you mean "discount"/);
  });

  it('a catalog, deep inside a step: names the file and suggests the field', () => {
    const text = [
      'workspaces:',
      '  - id: w',
      '    groups:',
      '      - name: g',
      '        steps:',
      '          - id: s',
      '            type: callout',
      '            call: { system: inventory, operation: reserve }',
      '            fallout: { queue: q, retry: { policy: fixed, intervall: 10s } }',
    ].join('\n');
    const problems = problemsOf(() => parseCatalog([{ path: 'catalog/x.yaml', text }]));
    const problem = problems.find((p) => p.path.endsWith('fallout.retry.intervall'));
    assert.ok(problem, JSON.stringify(problems));
    assert.ok(problem.path.startsWith('catalog/x.yaml: '), problem.path);
    assert.match(problem.fix!, /did you mean "interval"/);
  });
});
