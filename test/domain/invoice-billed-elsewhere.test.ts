import assert from 'node:assert/strict';
import { buildInvoice } from '../../domain/invoice';
import type { Order } from '../../domain/order';

/** An order whose subscription bills its recurring items per period: its own invoice carries them at 0.00. */
describe('buildInvoice billedElsewhere', () => {
  const order: Order = {
    id: 'ORD-9',
    accountId: 'ACME',
    channel: 'cpq',
    currency: 'USD',
    items: [
      { id: 'OI-1', product: 'SETUP', quantity: 1, unitPrice: '100.00' },
      { id: 'OI-2', product: 'SEAT', quantity: 3, unitPrice: '20.00', discount: '5.00', billing: { type: 'recurring', period: 'month' }, startDate: '2030-01-01', endDate: '2030-12-31' },
    ],
  };
  const settings = { taxRates: { STANDARD: '0.0825' }, defaultTaxCode: 'STANDARD' };

  it('keeps the item as a 0.00 line, its discount with it, and bills the rest as before', () => {
    const invoice = buildInvoice(order, settings, { id: 'INV-ORD-9-1', billedElsewhere: ['OI-2'] });
    // SETUP 100.00; tax 100.00 × 0.0825 = 8.25; total 108.25. SEAT: 0.00, discount 0.00.
    assert.deepEqual(invoice.lines.map((l) => [l.orderItemId, l.gross, l.discount, l.amount, l.tax]), [
      ['OI-1', '100.00', '0.00', '100.00', '8.25'],
      ['OI-2', '0.00', '0.00', '0.00', '0.00'],
    ]);
    assert.equal(invoice.total, '108.25');
  });

  it('bills the whole term without it: 12 months × 3 × 20.00 = 720.00 less 5.00', () => {
    const invoice = buildInvoice(order, settings, { id: 'INV-ORD-9-1' });
    assert.equal(invoice.lines[1].amount, '715.00');
  });
});
