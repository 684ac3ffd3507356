import assert from 'node:assert/strict';
import { billedAmounts, changeOrderBilling, checkChangeOrder, netBilled, type ChangeOrderBilling } from '../../domain/change-order';
import { buildInvoice, type Invoice, type InvoiceSettings } from '../../domain/invoice';
import { parseMoney, sumMinor } from '../../domain/money';
import type { Order } from '../../domain/order';
import { InvalidInput, type Problem } from '../../domain/problems';
import { validateOrder } from '../../domain/validate-order';
import { exampleOrder, item, orderOf } from './fixtures';

const SETTINGS: InvoiceSettings = { taxRates: { STANDARD: '0.0825', REDUCED: '0.05' }, defaultTaxCode: 'STANDARD' };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function invoiceOf(order: Order): Invoice {
  return buildInvoice(order, SETTINGS, { id: `INV-${order.id}-1` });
}

/** A change order of ORD-T (the fixtures' order id), validated like a submitted one. */
function changeOf(id: string, items: unknown[], extra: Record<string, unknown> = {}): Order {
  return validateOrder(orderOf(items, { id, changeOf: 'ORD-T', ...extra }));
}

function change(id: string, action: string, originalItemId: string, product: string, quantity: number, extra: Record<string, unknown> = {}) {
  return { ...item(id, product, quantity, { unitPrice: '0.00', action, originalItemId }), ...extra };
}

/** The money of each line, the numbers a finance user checks. */
const money = (document: Invoice | undefined) =>
  document?.lines.map((line) => ({ id: line.orderItemId, of: line.originalItemId, quantity: line.quantity, gross: line.gross, discount: line.discount, amount: line.amount, tax: line.tax }));

function assertAddsUp(document: Invoice): void {
  const minor = (text: string) => parseMoney(text, document.currency);
  assert.equal(minor(document.total), sumMinor(document.lines.flatMap((line) => [minor(line.amount), minor(line.tax)])), `${document.id} total`);
  assert.equal(minor(document.subtotal), sumMinor(document.lines.map((line) => minor(line.gross))), `${document.id} subtotal`);
  for (const line of document.lines) assert.equal(minor(line.gross) - minor(line.discount), minor(line.amount), `${document.id} ${line.orderItemId}`);
}

function billed(result: ChangeOrderBilling): ChangeOrderBilling {
  if (result.invoice) assertAddsUp(result.invoice);
  if (result.creditMemo) assertAddsUp(result.creditMemo);
  return result;
}

function problemsOf(run: () => unknown): { subject: string; problems: Problem[] } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidInput, String(error));
    return { subject: error.subject, problems: error.problems };
  }
  assert.fail('expected InvalidInput');
}

const pathsAndMessages = (problems: Problem[]) => problems.map((p) => [p.path, p.message]);

describe('change orders: examples/change-order-return.json', () => {
  const original = validateOrder(exampleOrder('laptop-bundle.json'));
  const returned = validateOrder(exampleOrder('change-order-return.json'));
  const originalInvoice = invoiceOf(original);

  it('is a valid change of the laptop bundle order', () => {
    assert.equal(returned.changeOf, 'ORD-1001');
    assert.deepEqual(checkChangeOrder(returned, original), []);
  });

  it('credits one whole bundle from the original invoice line of its root; its 0.00 components credit 0.00', () => {
    assert.deepEqual(money(originalInvoice)![0], { id: 'OI-1', of: undefined, quantity: 2, gross: '3798.00', discount: '0.00', amount: '3798.00', tax: '313.34' });
    const { invoice, creditMemo } = billed(changeOrderBilling(returned, original, originalInvoice, SETTINGS));
    assert.equal(invoice, undefined);
    assert.deepEqual(
      { id: creditMemo!.id, orderId: creditMemo!.orderId, kind: creditMemo!.kind, subtotal: creditMemo!.subtotal, discount: creditMemo!.discount, tax: creditMemo!.tax, total: creditMemo!.total },
      { id: 'CM-ORD-1001-C1-1', orderId: 'ORD-1001-C1', kind: 'creditMemo', subtotal: '1899.00', discount: '0.00', tax: '156.67', total: '2055.67' },
    );
    assert.deepEqual(money(creditMemo), [
      { id: 'CO-1', of: 'OI-2', quantity: 1, gross: '0.00', discount: '0.00', amount: '0.00', tax: '0.00' },
      { id: 'CO-2', of: 'OI-1', quantity: 1, gross: '1899.00', discount: '0.00', amount: '1899.00', tax: '156.67' },
      { id: 'CO-3', of: 'OI-3', quantity: 1, gross: '0.00', discount: '0.00', amount: '0.00', tax: '0.00' },
      { id: 'CO-4', of: 'OI-4', quantity: 1, gross: '0.00', discount: '0.00', amount: '0.00', tax: '0.00' },
    ]);
    assert.deepEqual(creditMemo!.lines[1], {
      orderItemId: 'CO-2',
      product: 'LAPTOP-BUNDLE',
      quantity: 1,
      unitPrice: '1899.00',
      gross: '1899.00',
      discount: '0.00',
      amount: '1899.00',
      tax: '156.67',
      taxCode: 'STANDARD',
      originalItemId: 'OI-1',
    });
    assert.equal(netBilled([originalInvoice, creditMemo!], 'USD'), '2055.67');
    assert.deepEqual(billedAmounts([originalInvoice, creditMemo!], 'USD'), { invoiced: '4111.34', credited: '2055.67', net: '2055.67' });
  });

  it('returning the second bundle too credits exactly what is left of the line', () => {
    const second = validateOrder({ ...returned, id: 'ORD-1001-C2' });
    const { creditMemo } = billed(changeOrderBilling(second, original, originalInvoice, SETTINGS, [returned]));
    assert.deepEqual([creditMemo!.id, creditMemo!.total, creditMemo!.tax], ['CM-ORD-1001-C2-1', '2055.67', '156.67']);
    const first = changeOrderBilling(returned, original, originalInvoice, SETTINGS).creditMemo!;
    assert.equal(netBilled([originalInvoice, first, creditMemo!], 'USD'), '0.00');
    // And a third return finds nothing left.
    const third = validateOrder({ ...returned, id: 'ORD-1001-C3' });
    assert.deepEqual(pathsAndMessages(checkChangeOrder(third, original, [returned, second])).slice(0, 2), [
      ['items[0].quantity', 'returns 1 of OI-2, but only 0 of the 2 ordered remain (2 already returned or cancelled)'],
      ['items[1].quantity', 'returns 1 of OI-1, but only 0 of the 2 ordered remain (2 already returned or cancelled)'],
    ]);
  });

  it('credits nothing, and issues no memo, for a returned 0.00 component alone', () => {
    const laptopOnly = changeOf('ORD-1001-C9', [change('CO-1', 'Return', 'OI-2', 'LAPTOP-14', 1)], { id: 'ORD-1001-C9', changeOf: 'ORD-1001' });
    assert.deepEqual(checkChangeOrder(laptopOnly, original), []);
    assert.deepEqual(changeOrderBilling(laptopOnly, original, originalInvoice, SETTINGS), {});
  });

  it('never mutates its inputs', () => {
    const inputs = deepFreeze({ original: exampleOrder('laptop-bundle.json'), returned: exampleOrder('change-order-return.json'), invoice: invoiceOf(original) });
    const before = JSON.stringify(inputs);
    const result = changeOrderBilling(inputs.returned, inputs.original, inputs.invoice, SETTINGS, [deepFreeze({ ...inputs.returned, id: 'ORD-1001-C0' })]);
    assert.equal(JSON.stringify(inputs), before);
    assert.ok(result.creditMemo);
  });
});

describe('change orders: cumulative credits', () => {
  // 3 units at 70.00 less a 10.00 line discount: amount 200.00, tax 5% = 10.00. Neither splits evenly in three.
  const original = orderOf([item('OI-1', 'WIDGET', 3, { unitPrice: '70.00', discount: '10.00', taxCode: 'REDUCED' })]);
  const originalInvoice = invoiceOf(original);
  const returnOf = (id: string, quantity: number) => changeOf(id, [change('CO-1', 'Return', 'OI-1', 'WIDGET', quantity)]);

  it('returning 1 of 3, then 2 of 3, credits exactly the billed amount and tax, split by cumulative rounding', () => {
    const first = returnOf('ORD-T-C1', 1);
    const second = returnOf('ORD-T-C2', 2);
    const one = billed(changeOrderBilling(first, original, originalInvoice, SETTINGS)).creditMemo!;
    const two = billed(changeOrderBilling(second, original, originalInvoice, SETTINGS, [first])).creditMemo!;
    assert.deepEqual(money(one), [{ id: 'CO-1', of: 'OI-1', quantity: 1, gross: '70.00', discount: '3.33', amount: '66.67', tax: '3.33' }]);
    assert.deepEqual(money(two), [{ id: 'CO-1', of: 'OI-1', quantity: 2, gross: '140.00', discount: '6.67', amount: '133.33', tax: '6.67' }]);
    assert.deepEqual([one.total, two.total], ['70.00', '140.00']);
    const line = originalInvoice.lines[0];
    assert.deepEqual([line.amount, line.tax, line.discount, line.gross], ['200.00', '10.00', '10.00', '210.00']);
    assert.equal(netBilled([originalInvoice, one, two], 'USD'), '0.00');
  });

  it('three returns of one unit never credit more than was billed (per-unit rounding would credit 200.01)', () => {
    const changes = ['ORD-T-C1', 'ORD-T-C2', 'ORD-T-C3'].map((id) => returnOf(id, 1));
    const memos = changes.map((c, i) => billed(changeOrderBilling(c, original, originalInvoice, SETTINGS, changes.slice(0, i))).creditMemo!);
    assert.deepEqual(memos.map((m) => m.lines[0].amount), ['66.67', '66.66', '66.67']);
    assert.deepEqual(memos.map((m) => m.lines[0].tax), ['3.33', '3.34', '3.33']);
    assert.equal(netBilled([originalInvoice, ...memos], 'USD'), '0.00');
  });

  it('ignores the change order itself when it is passed among the earlier ones', () => {
    const first = returnOf('ORD-T-C1', 1);
    assert.deepEqual(changeOrderBilling(first, original, originalInvoice, SETTINGS, [first]), changeOrderBilling(first, original, originalInvoice, SETTINGS));
  });

  it('refuses to return more than remains, naming the numbers', () => {
    const first = returnOf('ORD-T-C1', 2);
    const { subject, problems } = problemsOf(() => changeOrderBilling(returnOf('ORD-T-C2', 2), original, originalInvoice, SETTINGS, [first]));
    assert.equal(subject, 'change order ORD-T-C2');
    assert.deepEqual(problems, [
      { path: 'items[0].quantity', message: 'returns 2 of OI-1, but only 1 of the 3 ordered remain (2 already returned or cancelled)', fix: 'return at most 1' },
    ]);
    assert.deepEqual(pathsAndMessages(checkChangeOrder(returnOf('ORD-T-C1', 4), original)), [['items[0].quantity', 'returns 4 of OI-1, but only 3 were ordered']]);
  });
});

describe('change orders: Amend, Add and Cancel', () => {
  // 10 seats at 25.00 a month for a 12-month term: 3000.00, taxed 8.25% by default = 247.50.
  const seats = { unitPrice: '25.00', billing: { type: 'recurring', period: 'month' }, startDate: '2026-12-01', endDate: '2027-11-30', attributes: { edition: 'standard' } };
  const original = orderOf([item('OI-1', 'SEATS', 10, seats), item('OI-2', 'SETUP-FEE', 1, { unitPrice: '500.00' })]);
  const originalInvoice = invoiceOf(original);
  const amendTo = (id: string, quantity: number, extra: Record<string, unknown> = {}) => changeOf(id, [change('CO-1', 'Amend', 'OI-1', 'SEATS', quantity, extra)]);

  it('bills an Amend up at the original unit price for the added units, taxed by the original tax code', () => {
    assert.deepEqual(money(originalInvoice)![0], { id: 'OI-1', of: undefined, quantity: 10, gross: '3000.00', discount: '0.00', amount: '3000.00', tax: '247.50' });
    const { invoice, creditMemo } = billed(changeOrderBilling(amendTo('ORD-T-C1', 15), original, originalInvoice, SETTINGS));
    assert.equal(creditMemo, undefined);
    assert.deepEqual([invoice!.id, invoice!.orderId, invoice!.kind, invoice!.total], ['INV-ORD-T-C1-1', 'ORD-T-C1', 'invoice', '1623.75']);
    assert.deepEqual(invoice!.lines, [
      { orderItemId: 'CO-1', product: 'SEATS', quantity: 5, unitPrice: '25.00', gross: '1500.00', discount: '0.00', amount: '1500.00', tax: '123.75', taxCode: 'STANDARD', originalItemId: 'OI-1' },
    ]);
  });

  it('prorates an Amend up from the start date the change item gives (co-terminous with the original term)', () => {
    const { invoice } = billed(changeOrderBilling(amendTo('ORD-T-C1', 15, { startDate: '2027-06-01' }), original, originalInvoice, SETTINGS));
    assert.deepEqual(money(invoice), [{ id: 'CO-1', of: 'OI-1', quantity: 5, gross: '750.00', discount: '0.00', amount: '750.00', tax: '61.88' }]);
  });

  it('credits an Amend down pro rata from the original line', () => {
    const { invoice, creditMemo } = billed(changeOrderBilling(amendTo('ORD-T-C1', 4), original, originalInvoice, SETTINGS));
    assert.equal(invoice, undefined);
    assert.equal(creditMemo!.id, 'CM-ORD-T-C1-1');
    assert.deepEqual(money(creditMemo), [{ id: 'CO-1', of: 'OI-1', quantity: 6, gross: '1800.00', discount: '0.00', amount: '1800.00', tax: '148.50' }]);
  });

  it('names the account billed on the invoice and the credit memo of a change, as on the original invoice', () => {
    assert.equal(originalInvoice.accountId, 'ACME');
    const { invoice } = changeOrderBilling(amendTo('ORD-T-C1', 15), original, originalInvoice, SETTINGS);
    const { creditMemo } = changeOrderBilling(amendTo('ORD-T-C2', 4), original, originalInvoice, SETTINGS);
    assert.deepEqual([invoice!.accountId, creditMemo!.accountId], ['ACME', 'ACME']);
  });

  it('takes back units an earlier Amend added first, at what that change billed for them', () => {
    const down = amendTo('ORD-T-C1', 4);
    const up = amendTo('ORD-T-C2', 7, { startDate: '2027-06-01' });
    const back = changeOf('ORD-T-C3', [change('CO-1', 'Return', 'OI-1', 'SEATS', 5)]);
    const upInvoice = billed(changeOrderBilling(up, original, originalInvoice, SETTINGS, [down])).invoice!;
    assert.deepEqual(money(upInvoice), [{ id: 'CO-1', of: 'OI-1', quantity: 3, gross: '450.00', discount: '0.00', amount: '450.00', tax: '37.13' }]);
    const { creditMemo } = billed(changeOrderBilling(back, original, originalInvoice, SETTINGS, [down, up]));
    // 3 units from the Amend-up invoice (450.00 + 37.13), then 2 of the original's remaining 4 (600.00 + 49.50).
    assert.deepEqual(money(creditMemo), [{ id: 'CO-1', of: 'OI-1', quantity: 5, gross: '1050.00', discount: '0.00', amount: '1050.00', tax: '86.63' }]);
    const downMemo = changeOrderBilling(down, original, originalInvoice, SETTINGS).creditMemo!;
    // What stays billed: 2 original seats (600.00 + 49.50) and the setup fee (500.00 + 41.25).
    assert.equal(netBilled([originalInvoice, downMemo, upInvoice, creditMemo!], 'USD'), '1190.75');
  });

  it('refuses an Amend that gives the current quantity, counting earlier changes', () => {
    assert.deepEqual(pathsAndMessages(checkChangeOrder(amendTo('ORD-T-C1', 10), original)), [['items[0].quantity', '10 is already the quantity of OI-1: an Amend gives the new quantity']]);
    assert.deepEqual(checkChangeOrder(amendTo('ORD-T-C2', 10), original, [amendTo('ORD-T-C1', 12)]), []);
    assert.deepEqual(pathsAndMessages(checkChangeOrder(changeOf('ORD-T-C2', [change('CO-1', 'Cancel', 'OI-1', 'SEATS', 13)]), original, [amendTo('ORD-T-C1', 12)])), [
      ['items[0].quantity', 'cancels 13 of OI-1, but its quantity is 12 after earlier changes'],
    ]);
  });

  it('invoices an Add like any order item, and an upgrade both credits the old item and bills the new one', () => {
    const upgrade = changeOf('ORD-T-C1', [
      change('CO-1', 'Cancel', 'OI-1', 'SEATS', 10),
      { ...item('CO-2', 'SEATS-PRO', 10, { ...seats, unitPrice: '40.00', startDate: '2027-06-01', discount: '100.00' }), action: 'Add', originalItemId: 'OI-1' },
      item('CO-3', 'TRAINING', 1, { unitPrice: '300.00', taxCode: 'REDUCED' }),
    ]);
    assert.deepEqual(checkChangeOrder(upgrade, original), []);
    const { invoice, creditMemo } = billed(changeOrderBilling(upgrade, original, originalInvoice, SETTINGS));
    assert.deepEqual(money(creditMemo), [{ id: 'CO-1', of: 'OI-1', quantity: 10, gross: '3000.00', discount: '0.00', amount: '3000.00', tax: '247.50' }]);
    assert.equal(creditMemo!.total, '3247.50');
    assert.deepEqual(money(invoice), [
      { id: 'CO-2', of: 'OI-1', quantity: 10, gross: '2400.00', discount: '100.00', amount: '2300.00', tax: '189.75' },
      { id: 'CO-3', of: undefined, quantity: 1, gross: '300.00', discount: '0.00', amount: '300.00', tax: '15.00' },
    ]);
    assert.equal(invoice!.total, '2804.75');
    assert.equal('originalItemId' in invoice!.lines[1], false);
    // 3788.75 billed − 3247.50 credited + 2804.75 added
    assert.equal(netBilled([originalInvoice, creditMemo!, invoice!], 'USD'), '3346.00');
  });

  it('issues nothing for a change that moves no money', () => {
    const context = changeOf('ORD-T-C1', [change('CO-1', 'NoChange', 'OI-1', 'SEATS', 10)]);
    assert.deepEqual(checkChangeOrder(context, original), []);
    assert.deepEqual(changeOrderBilling(context, original, originalInvoice, SETTINGS), {});
  });
});

describe('checkChangeOrder: problems', () => {
  const original = validateOrder(exampleOrder('laptop-bundle.json'));

  it('names every field that does not fit the original, at once', () => {
    const bad = validateOrder({
      id: 'ORD-1001-C1',
      changeOf: 'ORD-1002',
      accountId: 'GLOBEX',
      channel: 'cpq',
      currency: 'EUR',
      discount: '10.00',
      items: [
        { id: 'CO-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '0.00', action: 'Return', originalItemId: 'OI-9' },
        { id: 'CO-2', product: 'LAPTOP-16', quantity: 1, unitPrice: '0.00', action: 'Return', originalItemId: 'OI-2' },
        { id: 'CO-3', product: 'LAPTOP-14', quantity: 3, unitPrice: '0.00', action: 'Return', originalItemId: 'OI-2' },
        { id: 'CO-4', product: 'AV-LICENSE', quantity: 2, unitPrice: '0.00', action: 'Amend', originalItemId: 'OI-3' },
        { id: 'CO-5', product: 'LAPTOP-BUNDLE', quantity: 1, unitPrice: '0.00', action: 'Cancel', originalItemId: 'OI-1' },
        { id: 'CO-6', product: 'SETUP-FEE', quantity: 1, unitPrice: '99.00', originalItemId: 'OI-7' },
      ],
    });
    assert.deepEqual(pathsAndMessages(checkChangeOrder(bad, original)), [
      ['changeOf', 'names ORD-1002, but the original order is ORD-1001'],
      ['accountId', 'GLOBEX is not the account of order ORD-1001 (ACME)'],
      ['currency', 'EUR is not the currency of order ORD-1001 (USD)'],
      ['items[0].originalItemId', 'order ORD-1001 has no item OI-9'],
      ['items[1].product', 'LAPTOP-16 is not the product of OI-2 in order ORD-1001 (LAPTOP-14)'],
      ['items[2].quantity', 'returns 3 of OI-2, but only 2 were ordered'],
      ['items[3].quantity', '2 is already the quantity of OI-3: an Amend gives the new quantity'],
      ['items[5].originalItemId', 'order ORD-1001 has no item OI-7'],
      // OI-2 is returned by CO-2 and CO-3; OI-3 is only amended, so it does not come back with the bundle.
      ['items[4]', 'cancels bundle OI-1 (LAPTOP-BUNDLE) without its component OI-3 (AV-LICENSE)'],
      ['items[4]', 'cancels bundle OI-1 (LAPTOP-BUNDLE) without its component OI-4 (WARRANTY-3Y)'],
      ['discount', 'a change order takes no order-level discount'],
    ]);
  });

  it('needs changeOf and originalItemId even when validation was skipped', () => {
    const bare = orderOf([{ id: 'CO-1', product: 'LAPTOP-14', quantity: 1, unitPrice: '0.00', action: 'Return' }], { id: 'ORD-1001-C1' });
    assert.deepEqual(pathsAndMessages(checkChangeOrder(bare, original)), [
      ['changeOf', 'is required: a change order names the order it changes (ORD-1001)'],
      ['items[0].originalItemId', 'is required: a Return item names the item of order ORD-1001 it changes'],
    ]);
  });

  it('refuses to bill against an invoice that is not the original order\'s', () => {
    const returned = validateOrder(exampleOrder('change-order-return.json'));
    const other = invoiceOf(validateOrder({ ...exampleOrder('laptop-bundle.json'), id: 'ORD-9' }));
    const { problems } = problemsOf(() => changeOrderBilling(returned, original, other, SETTINGS));
    assert.deepEqual(pathsAndMessages(problems), [['originalInvoice.orderId', 'invoice INV-ORD-9-1 is of order ORD-9, not of ORD-1001']]);
  });
});

describe('netBilled', () => {
  const invoice = (id: string, kind: 'invoice' | 'creditMemo', total: string, currency = 'USD'): Invoice => ({ id, orderId: 'ORD-1', kind, currency, subtotal: total, discount: '0.00', tax: '0.00', total, lines: [] });

  it('is invoices less credit memos, exactly', () => {
    assert.equal(netBilled([invoice('INV-1', 'invoice', '0.10'), invoice('INV-2', 'invoice', '0.20'), invoice('CM-1', 'creditMemo', '0.30')], 'USD'), '0.00');
    assert.equal(netBilled([invoice('CM-1', 'creditMemo', '20.00')], 'USD'), '-20.00');
    assert.equal(netBilled([], 'JPY'), '0');
  });

  it('refuses documents of another currency', () => {
    const { problems } = problemsOf(() => netBilled([invoice('INV-1', 'invoice', '1.00'), invoice('INV-2', 'invoice', '1.00', 'EUR')], 'USD'));
    assert.deepEqual(pathsAndMessages(problems), [['documents[1].currency', 'INV-2 is in EUR, not USD']]);
  });
});
