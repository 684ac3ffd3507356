import { recordRef } from '../domain/sync-log';
import { ordoOrderOfCpqOrder, refuseUnlessReorderable, shipToDeliveryGroups, storefrontItems } from './channel-twins';
import { channel } from './sync-activities';
import type { ReorderSyncInput, SyncView } from './sync-messages';
import { submitToOrdo } from './ordo-order-steps';
import { SyncRun } from './sync-run';

/**
 * Reorder sync (CPQ → storefront → Ordo), id `sync-reorder-<cpqOrderId>`: an activated CPQ order marked
 * syncToB2B gets its storefront twin in the buyer's My Orders (so it can be reordered), is marked with it
 * (`b2bOrder`), and is submitted to Ordo (id = the CPQ order's, `channel: cpq`) to be orchestrated and invoiced.
 *
 * Where it ships: the CPQ order's `shipTo` becomes the twins' one delivery group (every item ships there, and a
 * reorder ships to the same place). A CPQ order without one has twins without delivery groups: an item that
 * ships is then refused at submission, naming its `deliveryGroupId`, and the sync falls out for an operator.
 */
export async function ReorderSyncWorkflow(input: ReorderSyncInput): Promise<SyncView> {
  const { cpqOrderId } = input;
  const source = recordRef('cpqOrder', cpqOrderId);
  const run = new SyncRun('ReorderSync', source, input.trigger);
  run.know('cpqOrder', cpqOrderId);
  return run.runToEnd(async () => {
    const { order, account } = await run.step({
      name: 'cpqOrder',
      source,
      run: async () => {
        const read = await channel.readCpqOrder(cpqOrderId);
        refuseUnlessReorderable(read.order);
        return read;
      },
      target: (read) => ({ kind: 'cpqAccount', id: read.account.id }),
    });
    // The storefront knows the buyer's company by its account number, as Ordo does.
    const twinRequest = {
      cpqOrderId,
      accountId: account.accountNumber,
      currency: order.currency,
      ...(order.effectiveDate !== undefined ? { effectiveDate: order.effectiveDate } : {}),
      ...(order.discount !== undefined ? { discount: order.discount } : {}),
      ...shipToDeliveryGroups(order),
      items: storefrontItems(order),
      // Sent so the storefront refuses a twin whose own total would differ from the CPQ order's.
      total: order.total,
      ordoOrder: cpqOrderId,
    };
    const twin = await run.step({
      name: 'storefrontTwin',
      source,
      run: () => channel.findOrCreateStorefrontTwin(twinRequest),
      target: (found) => ({ kind: 'storefrontOrder', id: found.id }),
    });
    await run.step({
      name: 'markCpqOrder',
      source: recordRef('storefrontOrder', twin.id),
      run: () => channel.markCpqOrder({ cpqOrderId, b2bOrder: twin.id }),
      target: (marked) => ({ kind: 'cpqOrder', id: marked.id }),
    });
    const ordoOrder = ordoOrderOfCpqOrder(order, twinRequest, { storefrontOrder: twin.id, opportunity: order.opportunityId, quote: order.quoteId, cpqOrder: cpqOrderId });
    await submitToOrdo(run, { source, order: ordoOrder, total: twin.total, totalOf: `its storefront twin ${twin.id}` });
  });
}
