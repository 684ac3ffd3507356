import { sameAmount } from './money';

/** A tax table as every system states it: Ordo's `billing`, the storefront's and CPQ's `GET …/tax`. */
export interface TaxTable {
  taxRates: Record<string, string>;
  defaultTaxCode?: string;
}

/**
 * Why `system`'s tax table would tax an order differently from Ordo's billing config (a rate missing or
 * different, another default code), naming both values; undefined when they agree. Rates compare as amounts:
 * "0" and "0.00" agree. One tax calculation for every channel is what keeps their totals equal to the cent.
 */
export function taxTableDifference(system: string, theirs: TaxTable, billing: TaxTable): string | undefined {
  const codes = [...new Set([...Object.keys(theirs.taxRates), ...Object.keys(billing.taxRates)])].sort();
  for (const code of codes) {
    const their = theirs.taxRates[code];
    const ours = billing.taxRates[code];
    if (their === undefined || ours === undefined || !sameAmount(their, ours)) {
      return `tax code ${code} is ${their ?? 'unknown'} in ${system} but ${ours ?? 'unknown'} in Ordo's billing config (temporal-config.yaml billing.taxRates): make the two tables the same`;
    }
  }
  if (theirs.defaultTaxCode !== billing.defaultTaxCode) {
    return `items without a tax code are taxed as ${theirs.defaultTaxCode ?? 'nothing'} in ${system} but ${billing.defaultTaxCode ?? 'nothing'} in Ordo's billing config (billing.defaultTaxCode): make them the same`;
  }
  return undefined;
}
