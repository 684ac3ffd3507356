import assert from 'node:assert/strict';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../config/load';
import { CHANNEL_TAX } from '../../simulators/channel-tax';

/**
 * The channel simulators price with a fixed copy of Ordo's billing tax table (they do not read Ordo's config).
 * A storefront total equals its Ordo invoice only while the copy and temporal-config.yaml agree: the day someone
 * edits one of them, this fails.
 */
describe('simulators: the channels\' tax table', () => {
  it('is the billing tax table of the repository\'s temporal-config.yaml', () => {
    const { billing } = loadConfig({ file: DEFAULT_CONFIG_PATH, env: {} });
    assert.deepEqual(CHANNEL_TAX.taxRates, billing.taxRates, 'taxRates: change simulators/channel-tax.ts and temporal-config.yaml together');
    assert.equal(CHANNEL_TAX.defaultTaxCode, billing.defaultTaxCode, 'defaultTaxCode: change simulators/channel-tax.ts and temporal-config.yaml together');
  });
});
