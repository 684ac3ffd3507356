import assert from 'node:assert/strict';
import { checkChangeOrder } from '../../../domain/change-order';
import { decompose } from '../../../domain/decompose';
import { buildInvoice } from '../../../domain/invoice';
import { billDue, changeSubscription, subscriptionOf } from '../../../domain/subscription';
import { validateOrder } from '../../../domain/validate-order';
import { catalogOf, orderOf, problemPaths } from '../fixtures';

/** The counterexamples the property tests found, kept as plain tests so they can never come back unnoticed. */
describe('properties: regressions', () => {
  it('a line’s tax stays within a cent of amount × rate beside a small line (was 1.04 cents over)', () => {
    // Found by "a period invoice of recurring items" (the same lines, one period): the tax total of US-TX was split by amount, so the large
    // line took a unit its own exact tax did not earn. Now each line gets the floor of amount × rate, and the units
    // left go to the largest remainders.
    const order = orderOf([
      { id: 'OI-1', product: 'P-0', quantity: 2, unitPrice: '27329.83', taxCode: 'US-TX' },
      { id: 'OI-2', product: 'P-1', quantity: 15939, unitPrice: '3758.98', taxCode: 'US-TX' },
      { id: 'OI-3', product: 'P-2', quantity: 8, unitPrice: '58909.14', taxCode: 'US-TX' },
    ]);
    const invoice = buildInvoice(order, { taxRates: { 'US-TX': '0.171' } }, { id: 'INV-1' });
    const line = invoice.lines.find((l) => l.orderItemId === 'OI-2')!;
    assert.equal(line.amount, '59914382.22');
    // 59914382.22 × 0.171 = 10245359.35962: the line's tax is 10245359.35 or .36, never .37.
    assert.ok(['10245359.35', '10245359.36'].includes(line.tax), line.tax);
    assert.equal(invoice.tax, '10335293.87'); // round(Σ amount × 0.171) once: the code's total is unchanged
  });

  it('an order whose items each fit but whose invoice could not be held exactly is refused, not a RangeError', () => {
    // Found by "an order validateOrder accepts always invoices": Σ net overflowed a safe integer inside validateOrder.
    const item = (id: string) => ({ id, product: 'P', quantity: 5, unitPrice: '9000000000000.00' });
    assert.deepEqual(problemPaths(() => validateOrder(orderOf([item('a'), item('b'), item('c')]))), ['items']);
  });

  it("a bundle root's own lineItem line and its bundle's line of the same destination stay two lines", () => {
    // Found by "every sold item lands in exactly one fulfillment line per applying rule": both were F0:OI-1, so the
    // bundle's line (both items) merged into the root's lineItem line, and the component sat in two lines of rule r-item.
    const catalog = catalogOf({
      products: [{ code: 'P0' }],
      fulfillmentProducts: [{ code: 'F0', fulfilledBy: { system: 'provisioning' } }],
      decompositionRules: [
        { id: 'r-item', source: 'P0', destination: 'F0', scope: 'lineItem' },
        { id: 'r-bundle', source: 'P0', destination: 'F0', scope: 'bundle' },
      ],
      workspaces: [{ id: 'ws', groups: [{ name: 'Main', steps: [{ id: 'do', type: 'milestone', scope: 'lineItem' }] }] }],
      scenarios: [{ fulfillmentProduct: 'F0', workspace: 'ws' }],
    });
    const order = orderOf([
      { id: 'OI-1', product: 'P0', quantity: 1, unitPrice: '1.00' },
      { id: 'OI-2', product: 'P0', quantity: 1, unitPrice: '1.00', parentItemId: 'OI-1' },
    ]);
    const lines = decompose(order, catalog).fulfillmentOrders.flatMap((fo) => fo.lineItems);
    assert.deepEqual(
      lines.map((line) => [line.id, line.scope, line.ruleIds, line.sourceItemIds, line.quantity]),
      [
        ['F0:OI-1', 'lineItem', ['r-item'], ['OI-1'], 1],
        ['F0:OI-1~bundle', 'bundle', ['r-bundle'], ['OI-1', 'OI-2'], 2],
        ['F0:OI-2', 'lineItem', ['r-item'], ['OI-2'], 1],
      ],
    );
  });

  it('a change order that would make its credit memo or invoice too large to hold exactly is refused, not a RangeError at billing', () => {
    // Found by "credits never exceed what was billed per line": Amend increases billed on their own invoices, each fit,
    // then a Return of most units made one credit memo whose total overflowed (RangeError in changeOrderBilling).
    const original = validateOrder(orderOf([{ id: 'OI-1', product: 'P-0', quantity: 29062, unitPrice: '803170098.05' }]));
    const amend = (quantity: number) => validateOrder(orderOf([{ id: 'CO-1', product: 'P-0', quantity, unitPrice: '0.00', action: 'Amend', originalItemId: 'OI-1' }], { id: 'ORD-T-C1', changeOf: 'ORD-T' }));
    assert.deepEqual(checkChangeOrder(amend(50000), original), []);
    assert.deepEqual(checkChangeOrder(amend(60000), original).map((p) => p.path), ['items']);
  });

  it('a subscription item amended down in steps then cancelled is credited what was billed, not a cent more', () => {
    // Found by "credits never exceed what was billed per item": 3 × 0.01 for half of February billed 0.015 → 0.02;
    // 3 → 2, 2 → 1 and Cancel on the same day each credited 0.005 → 0.01: 0.03 credited. Now each quantity's worth is
    // rounded once and a step credits the difference: 0.02 − 0.01, 0.01 − 0.01, 0.01.
    const settings = { taxRates: {}, usagePrices: {}, recurring: 'perPeriod' as const };
    const recurring = { type: 'recurring', period: 'month' };
    const order = orderOf([
      { id: 'OI-1', product: 'A', quantity: 1, unitPrice: '10.00', billing: recurring, startDate: '2026-01-01', endDate: '2026-12-31' },
      { id: 'OI-2', product: 'B', quantity: 3, unitPrice: '0.01', billing: recurring, startDate: '2026-02-15', endDate: '2026-12-31' },
    ]);
    const run = billDue(subscriptionOf(order, settings)!, '2026-02-15', [], settings);
    const billed = run.invoices.flatMap((invoice) => invoice.lines).filter((line) => line.orderItemId === 'OI-2').map((line) => line.amount);
    assert.deepEqual(billed, ['0.02']);
    let subscription = run.next;
    const credited: string[] = [];
    const actions = [{ type: 'Amend' as const, itemId: 'OI-2', quantity: 2 }, { type: 'Amend' as const, itemId: 'OI-2', quantity: 1 }, { type: 'Cancel' as const, itemId: 'OI-2' }];
    actions.forEach((action, i) => {
      const change = changeSubscription(subscription, { changeId: `C${i + 1}`, effectiveDate: '2026-02-15', actions: [action] }, settings);
      credited.push(...(change.creditMemo?.lines.map((line) => line.amount) ?? []));
      subscription = change.next;
    });
    assert.deepEqual(credited, ['0.01', '0.01']);
  });

  it('a subscription change amending to a quantity too large to bill is refused naming it, not a RangeError', () => {
    // Found by "a subscription change … the schema, then the arithmetic": the Amend's prorated worth overflowed.
    const settings = { taxRates: {}, usagePrices: {}, recurring: 'perPeriod' as const };
    const order = orderOf([{ id: 'OI-1', product: 'SEATS', quantity: 10, unitPrice: '25.00', billing: { type: 'recurring', period: 'month' }, startDate: '2026-12-15', endDate: '2027-12-14' }]);
    const subscription = billDue(subscriptionOf(order, settings)!, '2026-12-15', [], settings).next;
    assert.deepEqual(
      problemPaths(() => changeSubscription(subscription, { changeId: 'C1', effectiveDate: '2026-12-20', actions: [{ type: 'Amend', itemId: 'OI-1', quantity: Number.MAX_SAFE_INTEGER }] }, settings)),
      ['actions[0].quantity'],
    );
  });

  // Known, not fixed (docs/security.md "Property-based tests and dependencies"): a subscription's credit memos round
  // their own tax, and the subscription records no tax billed per period to credit against, so 10 × 0.03 at 18%
  // billed 0.05 tax and two same-day changes (10 → 5, Cancel) credit 0.03 + 0.03. Fixing it needs the tax billed per
  // period in the subscription's state (a change of its shape the lead should decide on).
  it('a subscription credited in two steps is not credited more tax than its period billed (was: 0.06 of 0.05)', () => {
    const settings = { taxRates: { 'US-CA': '0.18' }, defaultTaxCode: 'US-CA', usagePrices: {}, recurring: 'perPeriod' as const };
    const order = orderOf([{ id: 'OI-1', product: 'A', quantity: 10, unitPrice: '0.03', billing: { type: 'recurring', period: 'month' }, startDate: '2026-01-27' }]);
    const run = billDue(subscriptionOf(order, settings)!, '2026-01-29', [], settings);
    const billedTax = run.invoices.flatMap((invoice) => invoice.lines).reduce((sum, line) => sum + Math.round(Number(line.tax) * 100), 0);
    let subscription = run.next;
    let creditedTax = 0;
    [{ type: 'Amend' as const, itemId: 'OI-1', quantity: 5 }, { type: 'Cancel' as const, itemId: 'OI-1' }].forEach((action, i) => {
      const change = changeSubscription(subscription, { changeId: `C${i + 1}`, effectiveDate: '2026-01-29', actions: [action] }, settings);
      creditedTax += (change.creditMemo?.lines ?? []).reduce((sum, line) => sum + Math.round(Number(line.tax) * 100), 0);
      subscription = change.next;
    });
    assert.ok(creditedTax <= billedTax, `credited ${creditedTax} of ${billedTax} tax`);
  });
});
