import assert from 'node:assert/strict';
import { InvalidInput, type Problem } from '../../domain/problems';
import { validateOrder } from '../../domain/validate-order';

/** The DESIGN.md example order, with its contract on the license line. */
function designOrder(): Record<string, any> {
  return {
    id: 'ORD-1001',
    accountId: 'ACME',
    channel: 'cpq',
    currency: 'USD',
    effectiveDate: '2026-11-23',
    deliveryGroups: [{ id: 'DG-HQ', name: 'Headquarters', address: { line1: '1 Main St', city: 'Austin', country: 'US' } }],
    items: [
      { id: 'OI-1', product: 'LAPTOP-BUNDLE', quantity: 2, unitPrice: '1899.00', deliveryGroupId: 'DG-HQ', attributes: { region: 'US' } },
      { id: 'OI-2', product: 'LAPTOP-14', quantity: 2, unitPrice: '0.00', parentItemId: 'OI-1', attributes: { color: 'silver' } },
      { id: 'OI-3', product: 'AV-LICENSE', quantity: 2, unitPrice: '0.00', parentItemId: 'OI-1', startDate: '2026-12-01', endDate: '2027-11-30' },
    ],
  };
}

function withContract(): Record<string, any> {
  const order = designOrder();
  Object.assign(order.items[2], { unitPrice: '120.00', contractLineId: 'CL-1' });
  order.contract = {
    id: 'CTR-7',
    lines: [{ id: 'CL-1', product: 'AV-LICENSE', quantity: 2, unitPrice: '120.00', startDate: '2026-12-01', endDate: '2027-11-30' }],
  };
  return order;
}

function refusal(input: unknown): InvalidInput {
  try {
    validateOrder(input);
  } catch (error) {
    assert.ok(error instanceof InvalidInput, `expected InvalidInput, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the order to be refused');
}

function onlyProblem(input: unknown): Problem {
  const { problems } = refusal(input);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  return problems[0];
}

describe('validateOrder', () => {
  it('accepts the DESIGN.md example order, with and without a contract', () => {
    assert.equal(validateOrder(designOrder()).id, 'ORD-1001');
    assert.equal(validateOrder(withContract()).contract?.id, 'CTR-7');
  });

  it('returns a parsed copy and leaves the input untouched', () => {
    const input = withContract();
    const snapshot = structuredClone(input);
    const order = validateOrder(input);
    assert.deepEqual(input, snapshot);
    assert.notEqual(order, input);
    assert.deepEqual(order, snapshot);
  });

  it('reports schema problems by field path, under the order id', () => {
    const input = designOrder();
    input.items[1].quantity = 0;
    input.items[2].unitPrice = '1.999';
    const error = refusal(input);
    assert.equal(error.subject, 'order ORD-1001');
    assert.deepEqual(error.problems.map((p) => p.path), ['items[1].quantity', 'items[2].unitPrice']);
  });

  it('uses "order" as the subject when the id itself is bad', () => {
    const input = designOrder();
    input.id = '';
    assert.equal(refusal(input).subject, 'order');
    assert.equal(refusal('not an order').subject, 'order');
  });

  it('refuses duplicate item ids', () => {
    const input = designOrder();
    input.items[2].id = 'OI-1';
    input.items[2].parentItemId = undefined;
    assert.deepEqual(onlyProblem(input), { path: 'items[2].id', message: '"OI-1" is already the id of items[0]', fix: 'give every item a unique id' });
  });

  it('refuses duplicate delivery group ids', () => {
    const input = designOrder();
    input.deliveryGroups.push({ id: 'DG-HQ', name: 'Again' });
    assert.deepEqual(onlyProblem(input), { path: 'deliveryGroups[1].id', message: '"DG-HQ" is already the id of deliveryGroups[0]', fix: 'give every delivery group a unique id' });
  });

  it('refuses a parentItemId that is not an item', () => {
    const input = designOrder();
    input.items[1].parentItemId = 'OI-9';
    const problem = onlyProblem(input);
    assert.equal(problem.path, 'items[1].parentItemId');
    assert.equal(problem.message, 'points at "OI-9", which is not an item of this order');
  });

  it('refuses bundle cycles, once per cycle', () => {
    const input = designOrder();
    input.items[0].parentItemId = 'OI-3';
    input.items[2].parentItemId = 'OI-1';
    const problem = onlyProblem(input);
    assert.equal(problem.path, 'items[0].parentItemId');
    assert.equal(problem.message, 'forms a bundle cycle: OI-1 → OI-3 → OI-1');

    const self = designOrder();
    self.items[0].parentItemId = 'OI-1';
    assert.equal(onlyProblem(self).message, 'forms a bundle cycle: OI-1 → OI-1');
  });

  it('refuses a deliveryGroupId that is not defined', () => {
    const input = designOrder();
    input.items[1].deliveryGroupId = 'DG-BRANCH';
    assert.deepEqual(onlyProblem(input), {
      path: 'items[1].deliveryGroupId',
      message: 'points at delivery group "DG-BRANCH", which is not in deliveryGroups (DG-HQ)',
      fix: 'define the delivery group in deliveryGroups, or correct the id',
    });
  });

  it('refuses an end date before the start date, on items and contract lines', () => {
    const input = designOrder();
    input.items[2].endDate = '2026-11-30';
    input.items[2].billing = { type: 'recurring', period: 'month' };
    assert.deepEqual(onlyProblem(input), {
      path: 'items[2].endDate',
      message: '2026-11-30 is before the start date 2026-12-01',
      fix: 'give an end date on or after the start date (the end date is inclusive)',
    });

    const contracted = withContract();
    contracted.contract.lines[0].endDate = '2025-01-01';
    assert.deepEqual(refusal(contracted).problems.map((p) => p.path), ['contract.lines[0].endDate', 'items[2].endDate']);
  });

  it('accepts a one-day term', () => {
    const input = designOrder();
    input.items[2].endDate = '2026-12-01';
    assert.doesNotThrow(() => validateOrder(input));
  });

  it('refuses money with more places than the currency has', () => {
    const input = designOrder();
    input.currency = 'JPY';
    input.items[0].unitPrice = '1899';
    input.items[1].unitPrice = '0.50';
    input.items[2].unitPrice = '0';
    const problem = onlyProblem(input);
    assert.equal(problem.path, 'items[1].unitPrice');
    assert.equal(problem.message, '"0.50" has 2 decimal places but JPY allows none');
  });

  it('refuses a line discount larger than quantity × unitPrice', () => {
    const input = designOrder();
    input.items[0].discount = '3798.01';
    assert.deepEqual(onlyProblem(input), {
      path: 'items[0].discount',
      message: "3798.01 is more than the line's billed amount 3798.00",
      fix: 'lower the discount to at most quantity × unitPrice for the term',
    });
    input.items[0].discount = '3798.00';
    assert.doesNotThrow(() => validateOrder(input));
  });

  it('checks a usage line discount against quantity × unitPrice, though usage bills nothing now', () => {
    const input = designOrder();
    Object.assign(input.items[0], { billing: 'usage', unitPrice: '0.10', quantity: 100, discount: '10.01' });
    assert.equal(onlyProblem(input).message, '10.01 is more than quantity × unitPrice (100 × 0.10)');
    input.items[0].discount = '10.00';
    assert.doesNotThrow(() => validateOrder(input));
  });

  it('checks a recurring line discount against the prorated amount the invoice will bill', () => {
    const input = designOrder();
    // Half a month of a 100.00/month subscription bills 50.00.
    Object.assign(input.items[2], { billing: { type: 'recurring', period: 'month' }, unitPrice: '100.00', quantity: 1, startDate: '2026-04-01', endDate: '2026-04-15', discount: '60.00' });
    assert.equal(onlyProblem(input).message, "60.00 is more than the line's billed amount 50.00");
  });

  it('refuses an order discount larger than what is billed after line discounts', () => {
    const input = designOrder();
    input.items[0].discount = '98.00';
    input.discount = '3700.01';
    assert.deepEqual(onlyProblem(input), {
      path: 'discount',
      message: "3700.01 is more than the order's billed amount after line discounts, 3700.00",
      fix: 'lower the order discount',
    });
  });

  it('runs the contract check', () => {
    const input = withContract();
    input.items[2].unitPrice = '130.00';
    assert.deepEqual(onlyProblem(input), {
      path: 'items[2].unitPrice',
      message: '"130.00" drifts from contract CTR-7 line CL-1 ("120.00")',
      fix: 'correct the order item or amend the contract',
    });
  });

  it('refuses change-order fields on an ordinary order, naming each one', () => {
    const input = designOrder();
    Object.assign(input.items[1], { action: 'Return', originalItemId: 'OI-9' });
    Object.assign(input.items[2], { action: 'Add' });
    const error = refusal(input);
    assert.deepEqual(error.problems, [
      {
        path: 'items[1].action',
        message: 'only a change order (changeOf) may Return an item',
        fix: 'remove action (an order adds its items), or submit a change order with "changeOf": "<original order id>"',
      },
      {
        path: 'items[1].originalItemId',
        message: 'only a change order (changeOf) may name an original item',
        fix: 'remove originalItemId, or submit a change order with "changeOf": "<original order id>"',
      },
    ]);
    assert.equal(refusal({ ...designOrder(), items: [{ ...designOrder().items[0], action: 'Upgrade' }] }).problems[0].path, 'items[0].action');
  });

  it('on a change order, needs originalItemId on every item that is not an Add', () => {
    const input: Record<string, any> = { ...designOrder(), id: 'ORD-1001-C1', changeOf: 'ORD-1001' };
    input.items = [
      { id: 'CO-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '0.00', action: 'Return' },
      { id: 'CO-2', product: 'LAPTOP-14', quantity: 1, unitPrice: '0.00', action: 'Cancel', originalItemId: 'OI-2' },
      { id: 'CO-3', product: 'SETUP-FEE', quantity: 1, unitPrice: '99.00' },
      { id: 'CO-4', product: 'AV-LICENSE', quantity: 3, unitPrice: '0.00', action: 'Amend' },
    ];
    const error = refusal(input);
    assert.deepEqual(
      error.problems.map((p) => [p.path, p.message]),
      [
        ['items[0].originalItemId', 'is required: a Return item names the item of order ORD-1001 it changes'],
        ['items[3].originalItemId', 'is required: an Amend item names the item of order ORD-1001 it changes'],
      ],
    );
    input.items[0].originalItemId = 'OI-2';
    input.items[3].originalItemId = 'OI-3';
    assert.equal(validateOrder(input).items[0].action, 'Return');
  });

  it('reports every problem at once, each naming its field', () => {
    const input = withContract();
    input.deliveryGroups.push({ id: 'DG-HQ' });
    input.items[1].parentItemId = 'OI-404';
    input.items[1].deliveryGroupId = 'DG-NOWHERE';
    input.items[0].discount = '5000.00';
    input.items[2].quantity = 3;
    input.items.push({ id: 'OI-1', product: 'SETUP-FEE', quantity: 1, unitPrice: '50.00', startDate: '2026-02-01', endDate: '2026-01-01' });
    const error = refusal(input);
    assert.equal(error.subject, 'order ORD-1001');
    assert.deepEqual(error.problems.map((p) => p.path), [
      'items[3].id',
      'deliveryGroups[1].id',
      'items[1].parentItemId',
      'items[1].deliveryGroupId',
      'items[3].endDate',
      'items[0].discount',
      'items[2].quantity',
    ]);
    assert.match(error.message, /^order ORD-1001 is invalid:\n {2}- items\[3\]\.id: "OI-1" is already the id of items\[0\] \(fix: give every item a unique id\)/);
    for (const problem of error.problems) assert.ok(problem.fix, `${problem.path} says how to fix it`);
  });

  it('takes a date only if that day exists, by the Gregorian leap rules, as the calendar of Date does', () => {
    const dateOk = (text: string) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
    for (const year of ['0000', '1900', '1999', '2000', '2024', '2026', '2100', '9999']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const input = designOrder();
          input.items[2].startDate = text;
          input.items[2].endDate = undefined;
          const taken = (() => {
            try {
              validateOrder(input);
              return true;
            } catch {
              return false;
            }
          })();
          assert.equal(taken, dateOk(text), text);
        }
      }
    }
    assert.equal(onlyProblem({ ...designOrder(), effectiveDate: '2027-02-29' }).message, 'is not a real calendar date');
  });
});
