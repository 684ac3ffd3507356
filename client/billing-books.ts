import { z } from 'zod';
import { readRecord } from './channel-records';
import { segment, type SystemApi } from './system-api';

/**
 * An account's books as billing keeps them (DESIGN.md "Billing records"): its invoices and credit memos, its
 * payments, and its ledger, read live from the billing system of temporal-config.yaml (`systems.billing`).
 * Billing is the source of truth: Ordo copies nothing, it reads. Each record keeps every field billing gives
 * (loose objects), so `--json` shows it whole; the fields named here are the ones Ordo relies on.
 */

export const BillingInvoice = z.looseObject({
  id: z.string(),
  orderId: z.string().optional(),
  subscriptionId: z.string().optional(),
  accountId: z.string().optional(),
  kind: z.string(),
  currency: z.string().optional(),
  period: z.looseObject({ start: z.string(), end: z.string() }).optional(),
  total: z.string(),
  status: z.string(),
  lines: z.array(z.unknown()),
});
export type BillingInvoice = z.infer<typeof BillingInvoice>;

export const BillingPayment = z.looseObject({
  id: z.string(),
  invoiceId: z.string(),
  amount: z.string(),
  status: z.string(),
  method: z.enum(['card', 'account']),
  last4: z.string().optional(),
  reference: z.string().optional(),
  at: z.string(),
});
export type BillingPayment = z.infer<typeof BillingPayment>;

export const BillingLedger = z.looseObject({
  accountId: z.string(),
  entries: z.array(z.looseObject({ at: z.string(), kind: z.string(), documentId: z.string(), amount: z.string() })),
  balance: z.string(),
});
export type BillingLedger = z.infer<typeof BillingLedger>;

const query = (params: Record<string, string | undefined>): string => {
  const given = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return given.length ? `?${given.map(([name, value]) => `${name}=${segment(value)}`).join('&')}` : '';
};

/** Every invoice and credit memo, or the account's. */
export async function listInvoices(billing: SystemApi, accountId?: string): Promise<BillingInvoice[]> {
  const answer = await billing.get<unknown>(`invoices${query({ accountId })}`);
  return readRecord(z.object({ invoices: z.array(BillingInvoice) }), answer, 'billing\'s invoice list').invoices;
}

/** Every payment, or the account's. */
export async function listPayments(billing: SystemApi, accountId?: string): Promise<BillingPayment[]> {
  const answer = await billing.get<unknown>(`payments${query({ accountId })}`);
  return readRecord(z.object({ payments: z.array(BillingPayment) }), answer, 'billing\'s payment list').payments;
}

/** The account's ledger; `currency` picks one when the account is billed in several. */
export async function readLedger(billing: SystemApi, accountId: string, currency?: string): Promise<BillingLedger> {
  const answer = await billing.get<unknown>(`ledger${query({ accountId, currency })}`);
  return readRecord(BillingLedger, answer, `billing's ledger of ${accountId}`);
}
