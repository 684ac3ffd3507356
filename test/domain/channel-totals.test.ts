import assert from 'node:assert/strict';
import { CPQ_TOTALS_INCLUDE_TAX, expectedCpqTotal, quoteDiscount, storefrontTwinTotal, taxTableDifference } from '../../domain/channel-totals';

describe('domain/channel-totals: CPQ money beside the storefront', () => {
  const storefront = {
    currency: 'USD',
    discount: '10.00',
    items: [
      { unitPrice: '19.99', quantity: 3, discount: '0.97' },
      { unitPrice: '5.00', quantity: 2 },
    ],
    total: '71.55',
  };

  it('expects the CPQ total the way CPQ prices today (lines net of their discounts), or the storefront total once CPQ taxes', () => {
    if (CPQ_TOTALS_INCLUDE_TAX) {
      assert.equal(expectedCpqTotal(storefront), '71.55');
      assert.deepEqual(quoteDiscount(storefront), { discount: '10.00' });
      assert.deepEqual(storefrontTwinTotal({ total: '71.55' }), { total: '71.55' });
    } else {
      // 59.97 − 0.97 + 10.00: no order discount, no tax.
      assert.equal(expectedCpqTotal(storefront), '69.00');
      assert.deepEqual(quoteDiscount(storefront), {});
      assert.deepEqual(storefrontTwinTotal({ total: '69.00' }), {});
    }
  });

  it('finds tax tables that agree, whatever the rates look like, and names both values when they do not', () => {
    const ordo = { taxRates: { STANDARD: '0.0825', REDUCED: '0.05', EXEMPT: '0' }, defaultTaxCode: 'STANDARD' };
    assert.equal(taxTableDifference({ taxRates: { STANDARD: '0.08250', REDUCED: '0.050', EXEMPT: '0.00' }, defaultTaxCode: 'STANDARD' }, ordo), undefined);
    assert.match(taxTableDifference({ ...ordo, taxRates: { ...ordo.taxRates, REDUCED: '0.07' } }, ordo) ?? '', /tax code REDUCED is 0\.07 on the storefront but 0\.05 in Ordo's billing config/);
    assert.match(taxTableDifference({ ...ordo, taxRates: { STANDARD: '0.0825', REDUCED: '0.05' } }, ordo) ?? '', /tax code EXEMPT is unknown on the storefront but 0 in Ordo/);
    assert.match(taxTableDifference({ ...ordo, defaultTaxCode: undefined }, ordo) ?? '', /taxed as nothing on the storefront but STANDARD/);
  });
});
