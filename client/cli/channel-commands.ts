import type { LoadedConfig } from '../../config/load';
import { SyncProcess } from '../../domain/sync-log';
import { newOrderSyncWorkflowId } from '../../workflows/ids';
import { checkCart } from '../check-cart';
import { OrdoError } from '../errors';
import type { OrdoClient } from '../ordo-client';
import type { CheckoutResult } from '../storefront-checkout';
import type { ChannelSystems } from '../twins';
import { config, configuredCatalog, parse, print, readJsonFile, systemApi, withClient, type Output } from './common';
import { formatPlaced, formatSyncLog, formatSyncStart, formatTwins } from './format-channels';
import { UsageError } from './usage';

/**
 * The commerce channel verbs: checkout and reorder on the B2B storefront, the sync log, and the twins of a sale.
 * Their logic is in client/ (storefront-checkout, channel-syncs, sync-views, twins); Temporal's libraries are
 * loaded only by the verbs that talk to Temporal, as everywhere in the CLI.
 */

const channelSystems = (cfg: LoadedConfig): ChannelSystems => ({
  storefront: systemApi(cfg, 'storefront'),
  cpq: systemApi(cfg, 'cpq'),
  billing: systemApi(cfg, 'billing'),
});

/** How long `--wait` gives the intake to start a sync it was left to (without `--sync`). */
const INTAKE_START_WITHIN_MS = 5 * 60_000;
/** How long `--wait` gives a sync that this command started to show up in Temporal. */
const OWN_START_WITHIN_MS = 30_000;

/** --sync or --wait for a sale that is not to be synced: there is no sync to start or wait for. */
function notSynced(what: string, wait: boolean): OrdoError {
  return new OrdoError('refused', `${what} has syncToCPQ false: no sync makes its twins, so there is nothing to ${wait ? 'wait for' : 'start'}. Drop --sync/--wait, or set "syncToCPQ": true`);
}

interface AfterCheckout {
  sync: boolean;
  wait: boolean;
  /** What the human output says first. */
  placedText: string;
}

/** `--sync` and `--wait`, the same for checkout and reorder: start the new order sync, wait for it and the Ordo order, print the twins. */
async function followUp(cfg: LoadedConfig, out: Output, placed: CheckoutResult, options: AfterCheckout): Promise<number> {
  const orderId = placed.order.id;
  if ((options.sync || options.wait) && !placed.order.syncToCPQ) throw notSynced(`storefront order ${orderId}`, options.wait);
  if (!options.sync && !options.wait) {
    print(out, options.placedText, placed);
    return 0;
  }
  const { startNewOrderSync } = require('../channel-syncs') as typeof import('../channel-syncs');
  return withClient(cfg, async (client) => {
    const sync = options.sync ? await startNewOrderSync(client.temporal, client.taskQueue, orderId, 'ordo checkout') : undefined;
    const started = [options.placedText, ...(sync ? [formatSyncStart(sync)] : [])].join('\n');
    if (!options.wait) {
      print(out, started, { ...placed, sync });
      return 0;
    }
    if (!out.json) console.log(`${started}\nWaiting for the new order sync and the Ordo order…`);
    const { twins, ordoState } = await waitForTwins(cfg, client, orderId, !!sync);
    print(out, `\n${formatTwins(orderId, twins)}`, twins);
    return ordoState === 'completed' ? 0 : 1;
  });
}

async function waitForTwins(cfg: LoadedConfig, client: OrdoClient, storefrontOrderId: string, startedHere: boolean) {
  const { waitForSync } = require('../sync-views') as typeof import('../sync-views');
  const { findTwins } = require('../twins') as typeof import('../twins');
  const workflowId = newOrderSyncWorkflowId(storefrontOrderId);
  const view = await waitForSync(client.temporal, workflowId, { appearWithinMs: startedHere ? OWN_START_WITHIN_MS : INTAKE_START_WITHIN_MS });
  const ordoOrderId = view.records.ordoOrder;
  if (!ordoOrderId) throw new OrdoError('refused', `sync ${workflowId} completed without an Ordo order; \`ordo sync-log --order ${storefrontOrderId}\` shows its steps`);
  const summary = await client.waitForCompletion(ordoOrderId);
  return { twins: await findTwins(channelSystems(cfg), client, storefrontOrderId), ordoState: summary.state };
}

export const channelCommands: Record<string, (args: string[]) => Promise<number>> = {
  async checkout(args) {
    const { values, positionals } = parse(args, { sync: { type: 'boolean' }, wait: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('checkout takes one CART.json');
    const cfg = config(values.config);
    // A bad cart is refused here, naming the field, before anything is sent to the storefront.
    const cart = checkCart(readJsonFile(positionals[0], 'cart file'), configuredCatalog(cfg));
    if ((values.sync || values.wait) && !cart.syncToCPQ) throw notSynced(`cart ${cart.id}`, !!values.wait);
    const { checkoutCart } = require('../storefront-checkout') as typeof import('../storefront-checkout');
    const placed = await checkoutCart(systemApi(cfg, 'storefront'), cart);
    const out = { json: !!values.json };
    return followUp(cfg, out, placed, { sync: !!values.sync, wait: !!values.wait, placedText: formatPlaced(placed, { cartId: cart.id }) });
  },

  async reorder(args) {
    const { values, positionals } = parse(args, {
      'payment-token': { type: 'string' },
      po: { type: 'string' },
      buyer: { type: 'string' },
      sync: { type: 'boolean' },
      wait: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('reorder takes one storefront ORDER id');
    const token = values['payment-token'];
    if (token !== undefined && values.po !== undefined) throw new UsageError('reorder takes --payment-token T or --po REF, not both');
    const payment = token !== undefined ? { method: 'card' as const, token } : values.po !== undefined ? { method: 'account' as const, reference: values.po } : undefined;
    const cfg = config(values.config);
    const { reorder } = require('../storefront-checkout') as typeof import('../storefront-checkout');
    const placed = await reorder(systemApi(cfg, 'storefront'), positionals[0], { payment, buyer: values.buyer });
    const out = { json: !!values.json };
    const placedText = formatPlaced(placed, { cartId: placed.cartId, reorderOf: positionals[0] });
    return followUp(cfg, out, placed, { sync: !!values.sync, wait: !!values.wait, placedText });
  },

  async 'sync-log'(args) {
    const { values, positionals } = parse(args, { order: { type: 'string' }, process: { type: 'string' } });
    if (positionals.length) throw new UsageError('sync-log takes no arguments, only --order ID and --process P');
    const process = values.process === undefined ? undefined : SyncProcess.safeParse(values.process).data;
    if (values.process !== undefined && process === undefined) {
      throw new UsageError(`--process takes ${SyncProcess.options.join(' or ')}, not "${values.process}"`);
    }
    const { listSyncViews, syncLogOf } = require('../sync-views') as typeof import('../sync-views');
    return withClient(config(values.config), async (client) => {
      const filter = { orderId: values.order, process };
      const records = syncLogOf(await listSyncViews(client.temporal, filter));
      print({ json: !!values.json }, formatSyncLog(records, filter), records);
      return 0;
    });
  },

  async twins(args) {
    const { values, positionals } = parse(args, {});
    if (positionals.length !== 1) throw new UsageError('twins takes one ID: a storefront order, a CPQ order or an Ordo order');
    const cfg = config(values.config);
    const { findTwins } = require('../twins') as typeof import('../twins');
    return withClient(cfg, async (client) => {
      const twins = await findTwins(channelSystems(cfg), client, positionals[0]);
      print({ json: !!values.json }, formatTwins(positionals[0], twins), twins);
      return 0;
    });
  },
};
