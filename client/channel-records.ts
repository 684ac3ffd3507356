import { z } from 'zod';
import { StorefrontOrderRecord } from '../domain/channel-records';
import { OrdoError } from './errors';

/**
 * What the client reads of the channel systems' records beyond domain/channel-records.ts (which the sync
 * activities share): the storefront's payments and carts, and billing's invoices. Loose objects, checked where
 * they enter, so `--json` shows a record whole.
 */

/** A payment as the storefront shows it: a card's last four characters at most, never its token. */
export const PaymentRecord = z.looseObject({
  id: z.string(),
  method: z.enum(['card', 'account']),
  last4: z.string().optional(),
  reference: z.string().optional(),
  amount: z.string(),
  status: z.string(),
});
export type PaymentRecord = z.infer<typeof PaymentRecord>;

export const StorefrontCartRecord = z.looseObject({
  id: z.string(),
  status: z.enum(['Open', 'CheckedOut']),
  orderId: z.string().optional(),
  reorderOf: z.string().optional(),
});
export type StorefrontCartRecord = z.infer<typeof StorefrontCartRecord>;

export const CheckoutAnswer = z.object({ order: StorefrontOrderRecord, payment: PaymentRecord });

export const BillingInvoiceRecord = z.looseObject({ id: z.string(), total: z.string(), orderId: z.string().optional() });

/** Parses what a system answered; a shape Ordo does not expect is the system's fault, said so with the field. */
export function readRecord<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new OrdoError('unavailable', `${what} is not what Ordo expects: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
}
