import { Context } from '@temporalio/activity';
import type { SystemEndpoint } from '../../config/schema';
import { callSystem } from '../http';

/**
 * The billing system's and the payment gateway's REST APIs as the payment activities use them
 * (simulators/README.md "Billing records" and "Payments"). Tokens pass through here; card numbers never do.
 */

export interface BillingInvoice {
  id: string;
  kind: string;
  orderId?: string;
  subscriptionId?: string;
  accountId?: string;
  currency: string;
  total: string;
  /** An invoice: what is still due (total less settled and authorized payments and applied credit). A credit memo: the credit left. */
  open?: string;
  status: string;
  invoiceDate?: string;
  receivedAt: string;
  writeOffOf?: string;
}

export interface BillingPayment {
  id: string;
  invoiceId: string;
  amount: string;
  status: 'Authorized' | 'Settled' | 'Failed' | 'Refunded';
  method: 'card' | 'account';
  processorId?: string;
  refunds?: { amount: string; creditMemoId?: string }[];
}

export interface AccountPaymentToken {
  accountId: string;
  method: 'card' | 'account';
  token?: string;
  reference?: string;
  authorizations: { orderId: string; authorizationId: string }[];
}

export interface GatewayAttempt {
  id: string;
  status: 'Authorized' | 'Declined' | 'Captured';
  amount: string;
  currency: string;
  declineCode?: string;
  declineMessage?: string;
  captureId?: string;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';

function call<T>(system: string, endpoint: SystemEndpoint, method: Method, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
  return callSystem<T>({ system, endpoint, method, path, body, idempotencyKey, signal: Context.current().cancellationSignal });
}

export class BillingApi {
  constructor(private readonly endpoint: SystemEndpoint) {}

  invoice(id: string): Promise<BillingInvoice> {
    return call('billing', this.endpoint, 'GET', `invoices/${encodeURIComponent(id)}`);
  }

  async invoices(filters: Record<string, string>): Promise<BillingInvoice[]> {
    const query = new URLSearchParams(filters).toString();
    return (await call<{ invoices: BillingInvoice[] }>('billing', this.endpoint, 'GET', `invoices?${query}`)).invoices;
  }

  postDocument(document: Record<string, unknown>, idempotencyKey: string): Promise<{ invoiceId: string; duplicate: boolean }> {
    return call('billing', this.endpoint, 'POST', 'invoices', document, idempotencyKey);
  }

  async payments(filters: Record<string, string>): Promise<BillingPayment[]> {
    const query = new URLSearchParams(filters).toString();
    return (await call<{ payments: BillingPayment[] }>('billing', this.endpoint, 'GET', `payments?${query}`)).payments;
  }

  recordPayment(payment: Record<string, unknown>, idempotencyKey: string): Promise<BillingPayment> {
    return call('billing', this.endpoint, 'POST', 'payments', payment, idempotencyKey);
  }

  settlePayment(paymentId: string, body: { date?: string; processorId?: string }, idempotencyKey: string): Promise<BillingPayment> {
    return call('billing', this.endpoint, 'POST', `payments/${encodeURIComponent(paymentId)}/settle`, body, idempotencyKey);
  }

  refundPayment(paymentId: string, body: { amount: string; creditMemoId: string; date?: string }, idempotencyKey: string): Promise<BillingPayment> {
    return call('billing', this.endpoint, 'POST', `payments/${encodeURIComponent(paymentId)}/refund`, body, idempotencyKey);
  }

  /** Applies part of a credit memo's credit to an invoice (what is open on it drops; the ledger does not move). */
  applyCredit(body: { creditMemoId: string; invoiceId: string; amount: string; date?: string }, idempotencyKey: string): Promise<unknown> {
    return call('billing', this.endpoint, 'POST', 'credits/applications', body, idempotencyKey);
  }

  setPaymentMethod(accountId: string, method: Record<string, unknown>, idempotencyKey: string): Promise<unknown> {
    return call('billing', this.endpoint, 'PUT', `accounts/${encodeURIComponent(accountId)}/payment-method`, method, idempotencyKey);
  }

  async autoPayAccounts(): Promise<string[]> {
    const answer = await call<{ accounts: { accountId: string }[] }>('billing', this.endpoint, 'GET', 'accounts?autoPay=true');
    return answer.accounts.map((account) => account.accountId);
  }

  paymentToken(accountId: string): Promise<AccountPaymentToken> {
    return call('billing', this.endpoint, 'GET', `accounts/${encodeURIComponent(accountId)}/payment-token`);
  }
}

export class GatewayApi {
  constructor(private readonly endpoint: SystemEndpoint) {}

  authorization(id: string): Promise<GatewayAttempt> {
    return call('payments', this.endpoint, 'GET', `authorizations/${encodeURIComponent(id)}`);
  }

  capture(authorizationId: string, amount: string, idempotencyKey: string): Promise<{ id: string; amount: string }> {
    return call('payments', this.endpoint, 'POST', `authorizations/${encodeURIComponent(authorizationId)}/capture`, { amount }, idempotencyKey);
  }

  charge(request: { token: string; amount: string; currency: string; reference: string }, idempotencyKey: string): Promise<GatewayAttempt> {
    return call('payments', this.endpoint, 'POST', 'charges', request, idempotencyKey);
  }

  refund(request: { chargeId?: string; captureId?: string; amount: string; reference: string }, idempotencyKey: string): Promise<{ id: string }> {
    return call('payments', this.endpoint, 'POST', 'refunds', request, idempotencyKey);
  }
}
