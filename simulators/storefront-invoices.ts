import type { BillingReader } from './billing';
import type { Router } from './http';
import type { StorefrontState } from './storefront-records';

/**
 * "My Invoices": billing stays the source of truth, so each request reads the billing simulator's
 * invoices in the process and nothing is copied into the storefront. An invoice is the account's when it
 * names the account (`accountId`), or bills one of the account's storefront orders or their Ordo or CPQ twins.
 */
export function mountMyInvoices(router: Router, state: StorefrontState, billing: BillingReader): void {
  router.on('GET', '/storefront/accounts/:accountId/invoices', (ctx) => {
    const accountId = ctx.params.accountId!;
    const orderIds = new Set(
      state.orders
        .filter((order) => order.accountId === accountId)
        .flatMap((order) => [order.id, order.links.ordoOrder, order.links.cpqOrder].filter((id): id is string => id !== undefined)),
    );
    // Billing keeps any extra field it is sent (a loose schema), accountId among them.
    const invoices = billing.invoices().filter((invoice) => (invoice as Record<string, unknown>).accountId === accountId || orderIds.has(invoice.orderId));
    return { status: 200, body: { accountId, invoices } };
  });
}
