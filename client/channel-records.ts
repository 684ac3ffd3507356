import { z } from 'zod';
import { OrdoError } from './errors';

/**
 * What the client reads of the channel systems' records (storefront, CPQ, billing): the fields it uses,
 * checked where they enter. Each keeps the rest of the record (loose objects), so `--json` shows it whole.
 * The systems' own schemas are theirs (simulators/ stand in for them); these are Ordo's view of their APIs.
 */

export const StorefrontOrderRecord = z.looseObject({
  id: z.string(),
  origin: z.string(),
  accountId: z.string(),
  buyer: z.string().optional(),
  currency: z.string(),
  subtotal: z.string(),
  discountTotal: z.string(),
  tax: z.string(),
  total: z.string(),
  syncToCPQ: z.boolean(),
  cartId: z.string().optional(),
  paymentId: z.string().optional(),
  reorderOf: z.string().optional(),
  links: z.looseObject({ cpqOrder: z.string().optional(), ordoOrder: z.string().optional() }),
});
export type StorefrontOrderRecord = z.infer<typeof StorefrontOrderRecord>;

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

export const CpqOrderRecord = z.looseObject({
  id: z.string(),
  quoteId: z.string(),
  opportunityId: z.string(),
  status: z.string(),
  b2bSourceOrder: z.string().optional(),
  b2bOrder: z.string().optional(),
  total: z.string(),
});
export type CpqOrderRecord = z.infer<typeof CpqOrderRecord>;

export const CpqQuoteRecord = z.looseObject({
  id: z.string(),
  opportunityId: z.string(),
  primary: z.boolean(),
  ordered: z.boolean(),
  total: z.string(),
});
export type CpqQuoteRecord = z.infer<typeof CpqQuoteRecord>;

export const CpqOpportunityRecord = z.looseObject({ id: z.string() });

export const BillingInvoiceRecord = z.looseObject({ id: z.string(), total: z.string(), orderId: z.string().optional() });

/** Parses what a system answered; a shape Ordo does not expect is the system's fault, said so with the field. */
export function readRecord<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new OrdoError('unavailable', `${what} is not what Ordo expects: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
}
