import { recordRef } from '../domain/sync-log';
import {
  needsContract,
  opportunityName,
  ordoOrderOfStorefrontOrder,
  quoteRequest,
  refuseDifferentQuoteTotal,
  refuseUnlessSyncToCpq,
} from './channel-twins';
import { channel } from './sync-activities';
import type { NewOrderSyncInput, SyncView } from './sync-messages';
import { submitToOrdo } from './ordo-order-steps';
import { SyncRun } from './sync-run';

/**
 * New order sync (storefront → CPQ → Ordo), id `sync-new-order-<storefrontOrderId>`: the storefront order's
 * twin in CPQ (account, opportunity, primary quote marked ordered, order linked back through b2bSourceOrder),
 * activated, the storefront order linked to it, and the sale submitted to Ordo as an order with `channel: b2b`.
 * Prices are the storefront's exactly; the quote's total, and the Ordo invoice's, are checked against the
 * storefront's (to the cent) before the next record is made, and the CPQ order copies the quote's. It does not wait for the Ordo order: that runs (and bills) as any other order.
 */
export async function NewOrderSyncWorkflow(input: NewOrderSyncInput): Promise<SyncView> {
  const { storefrontOrderId } = input;
  const source = recordRef('storefrontOrder', storefrontOrderId);
  const run = new SyncRun('NewOrderSync', source, input.trigger);
  run.know('storefrontOrder', storefrontOrderId);
  return run.runToEnd(async () => {
    const order = await run.step({ name: 'storefrontOrder', source, run: async () => refuseUnlessSyncToCpq(await channel.readStorefrontOrder(storefrontOrderId)) });
    await run.step({ name: 'taxTables', source, run: () => channel.checkTaxTables() });
    const account = await run.step({
      name: 'account',
      source,
      run: () => channel.findOrCreateCpqAccount({ storefrontOrderId, accountNumber: order.accountId, name: order.accountId }),
      target: (found) => ({ kind: 'cpqAccount', id: found.id }),
    });
    const opportunity = await run.step({
      name: 'opportunity',
      source,
      run: () => channel.findOrCreateOpportunity({ storefrontOrderId, accountId: account.id, name: opportunityName(order), closeDate: order.effectiveDate }),
      target: (found) => ({ kind: 'opportunity', id: found.id }),
    });
    const quote = await run.step({
      name: 'quote',
      source,
      run: () => channel.findOrCreateQuote(quoteRequest(order, opportunity.id)),
      target: (found) => ({ kind: 'quote', id: found.id }),
    });
    await run.step({ name: 'quoteTotal', source: recordRef('quote', quote.id), run: async () => refuseDifferentQuoteTotal(quote, order) });
    const cpqOrder = await run.step({
      name: 'cpqOrder',
      source: recordRef('quote', quote.id),
      run: () => channel.findOrCreateCpqOrder({ storefrontOrderId, quoteId: quote.id, effectiveDate: order.effectiveDate }),
      target: (found) => ({ kind: 'cpqOrder', id: found.id }),
    });
    await run.step({
      name: 'activate',
      source: recordRef('cpqOrder', cpqOrder.id),
      run: () => channel.activateCpqOrder({ storefrontOrderId, cpqOrderId: cpqOrder.id, contracted: needsContract(order) }),
      target: (activated) => ({ kind: 'cpqOrder', id: activated.id }),
    });
    // The Ordo order shares the storefront order's id: the sale's identity in both.
    await run.step({
      name: 'storefrontLinks',
      source: recordRef('cpqOrder', cpqOrder.id),
      run: () => channel.linkStorefrontOrder({ storefrontOrderId, links: { cpqOrder: cpqOrder.id, ordoOrder: storefrontOrderId } }),
      target: () => ({ kind: 'storefrontOrder', id: storefrontOrderId }),
    });
    const ordoOrder = ordoOrderOfStorefrontOrder(order, { storefrontOrder: storefrontOrderId, opportunity: opportunity.id, quote: quote.id, cpqOrder: cpqOrder.id });
    await submitToOrdo(run, { source, order: ordoOrder, total: order.total, totalOf: `storefront order ${storefrontOrderId}` });
  });
}
