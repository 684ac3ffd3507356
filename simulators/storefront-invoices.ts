import type { BillingReader } from './billing';
import type { Router } from './http';
import type { StorefrontState } from './storefront-records';

/**
 * "My Invoices": billing stays the source of truth, so each request reads the billing simulator's
 * invoices in the process and nothing is copied into the storefront. An invoice that names its account
 * (`accountId`, as Ordo's do) is that account's and no other's; one that names none is the account's when it
 * bills one of the account's storefront orders or their Ordo or CPQ twins.
 */
export function mountMyInvoices(router: Router, state: StorefrontState, billing: BillingReader): void {
  router.on('GET', '/storefront/accounts/:accountId/invoices', (ctx) => {
    const accountId = ctx.params.accountId!;
    const orderIds = new Set(
      state.orders
        .filter((order) => order.accountId === accountId)
        .flatMap((order) => [order.id, order.links.ordoOrder, order.links.cpqOrder].filter((id): id is string => id !== undefined)),
    );
    const invoices = billing
      .invoices()
      .filter((invoice) => (invoice.accountId !== undefined ? invoice.accountId === accountId : invoice.orderId !== undefined && orderIds.has(invoice.orderId)));
    return { status: 200, body: { accountId, invoices } };
  });
}
