import * as fs from 'node:fs';
import * as path from 'node:path';
import { usagePricesOf } from '../../activities/billing/subscriptions';
import type { LoadedConfig } from '../../config/load';
import type { Catalog } from '../../domain/catalog';
import { billingDocumentId, buildInvoice } from '../../domain/invoice';
import type { Order } from '../../domain/order';
import { InvalidInput } from '../../domain/problems';
import { subscriptionOf, type Subscription } from '../../domain/subscription';
import { validateOrder } from '../../domain/validate-order';

/**
 * The orders a chaos run submits: the examples that finish without a person, in turn, each under its own id.
 * - laptop-bundle: a bundle whose shipment is its point of no return (inventory, shipping, provisioning, warranty);
 * - mixed: a split order (two delivery groups, so two fulfillment orders) with a recurring item, a subscription;
 * - saas-suite: provisioning only, recurring items billed up front.
 * network-kit waits on an approval and subscription.json on a card: both need someone, and this run resolves nothing.
 */
export const CHAOS_EXAMPLES = ['laptop-bundle.json', 'mixed.json', 'saas-suite.json'] as const;

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

export interface ChaosOrder {
  order: Order;
  /** The example it is a copy of. */
  example: string;
  /** Its invoice's total, computed here from the order as the worker's billing does (see expectedInvoiceTotal). */
  expectedTotal: string;
}

/** `count` orders, ORD-CHAOS-<tag>-<n>, the examples in turn. */
export function chaosOrders(count: number, tag: string, config: LoadedConfig, catalog: Catalog): ChaosOrder[] {
  const examples = CHAOS_EXAMPLES.map((name) => ({ name, raw: JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, name), 'utf8')) as Record<string, unknown> }));
  return Array.from({ length: count }, (_, index) => {
    const { name, raw } = examples[index % examples.length];
    const order = validateOrder({ ...raw, id: `ORD-CHAOS-${tag}-${index + 1}` });
    return { order, example: name, expectedTotal: expectedInvoiceTotal(order, config, catalog) };
  });
}

/**
 * What the order's one invoice must total, from the order file with the domain's invoice arithmetic, not read back
 * from the workflow: a workflow that billed wrongly would report its own wrong figure, so only an independent
 * computation can say billing got exactly the right amount. The same steps as the order workflow's billing
 * (workflows/order.ts handOver): a subscription is made first, and items it bills per period are on the invoice at 0.00.
 */
export function expectedInvoiceTotal(order: Order, config: LoadedConfig, catalog: Catalog): string {
  const { taxRates, defaultTaxCode, recurring } = config.billing;
  let subscription: Subscription | undefined;
  try {
    subscription = subscriptionOf(order, { taxRates, defaultTaxCode, recurring, usagePrices: usagePricesOf(catalog.products) });
  } catch (error) {
    // The workflow bills such an order without a subscription: its invoice as before.
    if (!(error instanceof InvalidInput)) throw error;
  }
  const billedElsewhere = subscription && !subscription.recurringBilledUpFront
    ? subscription.items.filter((item) => typeof item.billing === 'object').map((item) => item.itemId)
    : [];
  return buildInvoice(order, config.billing, { id: billingDocumentId(order.id, 'invoice', 1), billedElsewhere }).total;
}
