import type { CallLog } from './call-log';
import type { FaultBook } from './faults';
import { HttpError, type Router } from './http';
import type { IdempotencyStore } from './idempotency';
import { mountIdempotentRoute } from './idempotent-route';
import { PaymentMethodRequest, type AccountRecord, type BillingState } from './billing-records';

/**
 * Billing accounts: how each account pays. `PUT /billing/accounts/:accountId/payment-method` keeps a processor's card
 * token (from checkout or the hosted payment page) or a purchase order; the payment run charges auto-pay accounts.
 * Billing keeps the token because it is what a later charge is made with; it answers the last four characters only,
 * except on `GET …/payment-token`, the integration's read (Ordo's payment activities), which no person's view uses.
 */

export const ACCOUNT_OPERATIONS = ['payment-method'] as const;

export interface AccountsDeps {
  state: BillingState;
  idempotency: IdempotencyStore;
  calls: CallLog;
}

export function mountAccounts(router: Router, faults: FaultBook, deps: AccountsDeps): void {
  const { state } = deps;
  const find = (accountId: string): AccountRecord => {
    const account = state.accounts.find((candidate) => candidate.accountId === accountId);
    if (!account) {
      throw new HttpError(404, 'unknown-account', `account ${accountId} has no payment method: set one with PUT /billing/accounts/${accountId}/payment-method`);
    }
    return account;
  };

  mountIdempotentRoute(router, faults, deps.calls, {
    system: 'billing',
    method: 'PUT',
    pattern: '/billing/accounts/:accountId/payment-method',
    operation: 'payment-method',
    requestSchema: PaymentMethodRequest,
    idempotency: deps.idempotency,
    keyScope: (ctx) => `payment-method/${ctx.params.accountId}`,
    work: (request, ctx) => {
      const accountId = ctx.params.accountId!;
      if (request.method === 'card' && request.authorizationId !== undefined && request.orderId === undefined) {
        throw new HttpError(400, 'invalid-request', 'orderId: an authorization is captured by its order\'s first invoice: give the orderId it was taken for', { field: 'orderId' });
      }
      const previous = state.accounts.find((candidate) => candidate.accountId === accountId);
      const authorizations = [...(previous?.authorizations ?? [])];
      if (request.method === 'card' && request.authorizationId !== undefined && !authorizations.some((known) => known.authorizationId === request.authorizationId)) {
        authorizations.push({ orderId: request.orderId!, authorizationId: request.authorizationId });
      }
      const account: AccountRecord = {
        accountId,
        method: request.method,
        ...(request.method === 'card' ? { token: request.token, last4: request.last4 ?? request.token.slice(-4) } : { reference: request.reference }),
        autoPay: request.autoPay,
        authorizations,
        updatedAt: new Date().toISOString(),
      };
      if (previous) state.accounts.splice(state.accounts.indexOf(previous), 1, account);
      else state.accounts.push(account);
      return { status: 200, body: renderAccount(account) };
    },
  });

  router.on('GET', '/billing/accounts', (ctx) => {
    const autoPay = ctx.query.get('autoPay');
    if (autoPay !== null && autoPay !== 'true' && autoPay !== 'false') {
      throw new HttpError(400, 'invalid-request', 'autoPay: must be true or false', { field: 'autoPay' });
    }
    const listed = state.accounts.filter((account) => autoPay === null || String(account.autoPay) === autoPay);
    return { status: 200, body: { accounts: listed.map(renderAccount) } };
  });

  router.on('GET', '/billing/accounts/:accountId', (ctx) => ({ status: 200, body: renderAccount(find(ctx.params.accountId!)) }));

  router.on('GET', '/billing/accounts/:accountId/payment-token', (ctx) => {
    const account = find(ctx.params.accountId!);
    return { status: 200, body: { accountId: account.accountId, method: account.method, token: account.token, reference: account.reference, authorizations: account.authorizations } };
  });
}

/** An account as answered: the card's last four characters, never the token. */
export function renderAccount(account: AccountRecord) {
  const paymentMethod = account.method === 'card' ? { method: 'card' as const, last4: account.last4 ?? account.token!.slice(-4) } : { method: 'account' as const, reference: account.reference! };
  return { accountId: account.accountId, paymentMethod, autoPay: account.autoPay, authorizations: account.authorizations.length, updatedAt: account.updatedAt };
}
