/**
 * Orders of any size from the reference catalog, for the decomposition benchmark: laptop bundles (a bundle
 * item, its laptop, antivirus license and warranty) spread over four delivery groups, with a per-seat SaaS
 * line after every bundle. `items` is exact: the last unit is cut short when it does not divide evenly.
 */
export function largeOrder(items: number, id = `BIG-${items}`): Record<string, unknown> {
  const groups = ['DG-1', 'DG-2', 'DG-3', 'DG-4'];
  const out: Array<Record<string, unknown>> = [];
  for (let unit = 0; out.length < items; unit++) {
    const bundle = `B${unit}`;
    const deliveryGroupId = groups[unit % groups.length];
    const term = { startDate: '2026-12-01', endDate: '2027-11-30' };
    const lines: Array<Record<string, unknown>> = [
      { id: bundle, product: 'LAPTOP-BUNDLE', quantity: 1, unitPrice: '1899.00', deliveryGroupId, attributes: { region: unit % 2 ? 'US' : 'CA' } },
      { id: `${bundle}-L`, product: 'LAPTOP-14', quantity: 1, unitPrice: '0.00', parentItemId: bundle, attributes: { color: unit % 3 ? 'silver' : 'black' } },
      { id: `${bundle}-AV`, product: 'AV-LICENSE', quantity: 1, unitPrice: '0.00', parentItemId: bundle, ...term },
      { id: `${bundle}-W`, product: 'WARRANTY-3Y', quantity: 1, unitPrice: '0.00', parentItemId: bundle, startDate: '2026-12-01', endDate: '2029-11-30' },
      { id: `S${unit}`, product: 'SEATS', quantity: 1 + (unit % 50), unitPrice: '25.00', attributes: { edition: 'standard' }, billing: { type: 'recurring', period: 'month' }, ...term },
    ];
    out.push(...lines.slice(0, items - out.length));
  }
  return {
    id,
    accountId: 'BENCH',
    channel: 'cpq',
    currency: 'USD',
    effectiveDate: '2026-11-23',
    deliveryGroups: groups.map((g) => ({ id: g, address: { line1: '1 Main St', city: 'Austin', country: 'US' } })),
    items: out,
  };
}

/**
 * A fleet of `items` IoT sensor kits (catalog/fleet.yaml) bound for one delivery group: one line item each, five
 * steps each, so a 2,000-item order plans 10,000 steps in one split until decomposition partitions it. Item ids
 * are zero-padded (`S0001`) so they sort as they are listed; everything is derived from the index.
 */
export function fleetOrder(items: number, id = `FLEET-${items}`): Record<string, unknown> {
  const width = String(items).length;
  return {
    id,
    accountId: 'BENCH-FLEET',
    channel: 'b2b',
    currency: 'USD',
    effectiveDate: '2026-11-23',
    deliveryGroups: [{ id: 'DG-FLEET', address: { line1: '1 Depot Rd', city: 'Austin', country: 'US' } }],
    items: Array.from({ length: items }, (_, i) => ({
      id: `S${String(i + 1).padStart(width, '0')}`,
      product: 'SENSOR-KIT',
      quantity: 1,
      unitPrice: '149.00',
      deliveryGroupId: 'DG-FLEET',
      attributes: { band: i % 2 ? 'nb-iot' : 'lte-m' },
    })),
  };
}
