import assert from 'node:assert/strict';
import { taxTableDifference } from '../../domain/tax-tables';

describe('domain/tax-tables: a channel taxes as Ordo bills', () => {
  const ordo = { taxRates: { STANDARD: '0.0825', REDUCED: '0.05', EXEMPT: '0' }, defaultTaxCode: 'STANDARD' };

  it('finds tables that agree, whatever the rates look like', () => {
    assert.equal(taxTableDifference('the storefront', { taxRates: { STANDARD: '0.08250', REDUCED: '0.050', EXEMPT: '0.00' }, defaultTaxCode: 'STANDARD' }, ordo), undefined);
  });

  it('names the system, the code and both values when they do not', () => {
    assert.equal(
      taxTableDifference('CPQ', { ...ordo, taxRates: { ...ordo.taxRates, REDUCED: '0.07' } }, ordo),
      "tax code REDUCED is 0.07 in CPQ but 0.05 in Ordo's billing config (temporal-config.yaml billing.taxRates): make the two tables the same",
    );
    assert.match(taxTableDifference('the storefront', { ...ordo, taxRates: { STANDARD: '0.0825', REDUCED: '0.05' } }, ordo) ?? '', /tax code EXEMPT is unknown in the storefront but 0 in Ordo/);
    assert.match(taxTableDifference('the storefront', { ...ordo, defaultTaxCode: undefined }, ordo) ?? '', /taxed as nothing in the storefront but STANDARD/);
  });
});
