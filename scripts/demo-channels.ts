import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatPlaced, formatTwins } from '../client/cli/format-channels';
import { checkCart } from '../client/check-cart';
import { OrdoError } from '../client/errors';
import type { OrdoClient } from '../client/ordo-client';
import { checkoutCart, reorder } from '../client/storefront-checkout';
import { waitForSync } from '../client/sync-views';
import { SystemApi, SystemCallError } from '../client/system-api';
import { findTwins, type ChannelSystems } from '../client/twins';
import type { LoadedConfig } from '../config/load';
import { newOrderSyncWorkflowId } from '../workflows/ids';

/**
 * The demo's commerce channel part: one sale from each channel, end to end, touching only what a buyer and a
 * rep would touch. A buyer checks a cart out on the storefront; Ordo's channel intake notices, the new order sync
 * makes its twins in CPQ, Ordo orchestrates and invoices it. A rep makes and activates a CPQ order with
 * "Sync to B2B"; reorder sync gives it a storefront twin, which the buyer finds in My Orders and reorders.
 */

const REPO_ROOT = path.resolve(__dirname, '..');
/** How long the demo waits for the intake to notice a new order (it polls every few seconds). */
const INTAKE_NOTICES_WITHIN_MS = 60_000;

export interface ChannelDemo {
  /** The buyer's storefront order, its rep-made CPQ order's storefront twin, and the reorder of that twin. */
  storefrontOrderId: string;
  cpqOrderId?: string;
  reorderId?: string;
}

export async function showChannels(config: LoadedConfig, client: OrdoClient, runTag: string, say: (line: string) => void): Promise<ChannelDemo | undefined> {
  const systems: ChannelSystems = {
    storefront: new SystemApi(config, 'storefront'),
    cpq: new SystemApi(config, 'cpq'),
    billing: new SystemApi(config, 'billing'),
  };
  const follow = (storefrontOrderId: string) => followSale(systems, client, storefrontOrderId, say);
  try {
    say('\nCommerce channels, 1: a buyer checks a cart out on the B2B storefront (examples/cart-laptop.json).');
    // Not `CART-1001-<runTag>`: sixteen digits joined by a dash can pass the card-number check, and a cart id is checked too.
    const cart = checkCart({ ...readJson('examples/cart-laptop.json'), id: `CART-DEMO-${runTag}` }, client.catalog);
    const placed = await checkoutCart(systems.storefront, cart);
    say(indent(formatPlaced(placed, { cartId: cart.id })));
    say('  Nothing else is touched: Ordo\'s channel intake notices the order and syncs it to CPQ, then orchestrates it…');
    await follow(placed.order.id);

    say('\nCommerce channels, 2: a sales rep sells in CPQ and ticks "Sync to B2B".');
    const cpqOrderId = await repSellsInCpq(systems.cpq, cart.accountId, runTag);
    say(`  CPQ order ${cpqOrderId} activated. Reorder sync gives it a storefront twin, in the buyer's My Orders…`);
    const twinId = await storefrontTwinOf(systems.storefront, cpqOrderId, cart.accountId);
    say(`  My Orders of ${cart.accountId} lists ${twinId} (the twin of ${cpqOrderId}). The buyer reorders it, on account:`);
    const again = await reorder(systems.storefront, twinId, { payment: { method: 'account', reference: `PO-${runTag}` }, buyer: cart.buyer });
    say(indent(formatPlaced(again, { cartId: again.cartId, reorderOf: twinId })));
    await follow(again.order.id);
    return { storefrontOrderId: placed.order.id, cpqOrderId, reorderId: again.order.id };
  } catch (error) {
    if (!(error instanceof OrdoError)) throw error;
    say(indent(`The channel part stopped: ${error.message}`));
    return undefined;
  }
}

/** Waits for the storefront order's new order sync (started by the intake) and its Ordo order, then prints the twins. */
async function followSale(systems: ChannelSystems, client: OrdoClient, storefrontOrderId: string, say: (line: string) => void): Promise<void> {
  const view = await waitForSync(client.temporal, newOrderSyncWorkflowId(storefrontOrderId), { appearWithinMs: INTAKE_NOTICES_WITHIN_MS });
  say(`  ${view.workflowId}: ${view.log.filter((record) => record.outcome === 'Success').map((record) => record.step).join(' → ')}`);
  if (view.records.ordoOrder) {
    const summary = await client.waitForCompletion(view.records.ordoOrder);
    say(`  Ordo order ${summary.orderId}: ${summary.state}, invoiced ${summary.invoices.map((invoice) => `${invoice.id} ${invoice.total}`).join(', ') || 'not yet'}`);
  }
  say(indent(formatTwins(storefrontOrderId, await findTwins(systems, client, storefrontOrderId))));
}

/** What a rep does in CPQ: an account, an opportunity, a primary quote marked ordered, an order with Sync to B2B, activated. */
async function repSellsInCpq(cpq: SystemApi, accountNumber: string, runTag: string): Promise<string> {
  const today = new Date().toISOString().slice(0, 10);
  const accountId = await cpqAccount(cpq, accountNumber);
  const opportunity = await cpq.post<{ id: string }>('opportunities', { accountId, name: `Laptop refresh ${runTag}`, closeDate: today }, `demo-opportunity-${runTag}`);
  const quote = await cpq.post<{ id: string }>(
    'quotes',
    {
      opportunityId: opportunity.id,
      primary: true,
      ordered: true,
      lines: [
        { product: 'LAPTOP-BUNDLE', quantity: 3, sourceLineId: 'OI-1' },
        { product: 'LAPTOP-14', quantity: 3, unitPrice: '0.00', sourceLineId: 'OI-2', parentSourceLineId: 'OI-1' },
        { product: 'AV-LICENSE', quantity: 3, unitPrice: '0.00', sourceLineId: 'OI-3', parentSourceLineId: 'OI-1', startDate: today, endDate: oneYearLater(today) },
        { product: 'WARRANTY-3Y', quantity: 3, unitPrice: '0.00', sourceLineId: 'OI-4', parentSourceLineId: 'OI-1' },
      ],
    },
    `demo-quote-${runTag}`,
  );
  const order = await cpq.post<{ id: string }>('orders', { quoteId: quote.id, syncToB2B: true, effectiveDate: today }, `demo-order-${runTag}`);
  await cpq.post('activate', { orderId: order.id }, `demo-activate-${runTag}`);
  return order.id;
}

/** The CPQ account of a storefront account number: made once, found after (accountNumber is unique in CPQ). */
async function cpqAccount(cpq: SystemApi, accountNumber: string): Promise<string> {
  try {
    return (await cpq.post<{ id: string }>('accounts', { accountNumber, name: `${accountNumber} (demo)` }, `demo-account-${accountNumber}`)).id;
  } catch (error) {
    if (!(error instanceof SystemCallError && error.remoteCode === 'already-linked')) throw error;
    const { accounts } = await cpq.get<{ accounts: Array<{ id: string }> }>(`accounts?accountNumber=${encodeURIComponent(accountNumber)}`);
    return accounts[0].id;
  }
}

/** Waits for reorder sync's storefront twin of the CPQ order, as the buyer would see it in My Orders. */
async function storefrontTwinOf(storefront: SystemApi, cpqOrderId: string, accountId: string): Promise<string> {
  const deadline = Date.now() + INTAKE_NOTICES_WITHIN_MS * 2;
  for (;;) {
    const { orders } = await storefront.get<{ orders: Array<{ id: string; links: { cpqOrder?: string } }> }>(`orders?buyerAccount=${encodeURIComponent(accountId)}`);
    const twin = orders.find((order) => order.links.cpqOrder === cpqOrderId);
    if (twin) return twin.id;
    if (Date.now() > deadline) throw new OrdoError('timeout', `no storefront twin of CPQ order ${cpqOrderId} appeared: is the channel intake running? \`ordo sync-log --order ${cpqOrderId}\` shows its reorder sync`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function oneYearLater(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  next.setUTCDate(next.getUTCDate() - 1);
  return next.toISOString().slice(0, 10);
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Record<string, unknown>;
}

/** Two spaces before every line: the demo's way of showing what a command or a system answered. */
export const indent = (text: string) => text.split('\n').map((line) => `  ${line}`).join('\n');
