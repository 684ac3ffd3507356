import { z } from 'zod';
import { CartPayment, refusingRawCardNumbers } from '../domain/cart';
import { UsagePosting } from '../domain/usage';

/**
 * What the billing simulator keeps (`<dataDir>/billing.json`) and what it takes: invoices and credit memos as
 * received, payments against them, and the append-only ledger every document and money movement posts to
 * (DESIGN.md "Billing records").
 */

/** Up to 3 places: some currencies (KWD, BHD) have three minor digits. */
const MONEY_MESSAGE = 'must be a decimal string with at most 3 places, such as "1499.00"';
export const MoneySchema = z.string().regex(/^-?\d+(\.\d{1,3})?$/, MONEY_MESSAGE);

const InvoiceLineSchema = z.looseObject({ amount: MoneySchema, tax: MoneySchema.optional() });

/** A business date (workflow time: a subscription's bill day, `ordo simulate`'s month), not when billing received it. */
export const BusinessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD, such as "2027-01-31"');

export const InvoiceSchema = z.looseObject({
  id: z.string().min(1),
  /** What is billed: an order, or a subscription's period (DESIGN.md "Billing records"); at least one of the two. */
  orderId: z.string().min(1).optional(),
  subscriptionId: z.string().min(1).optional(),
  period: z.looseObject({ start: z.string().min(1), end: z.string().min(1) }).optional(),
  /** The account billed (Ordo sends its order's accountId); invoices are listed, and the ledger kept, by it. */
  accountId: z.string().min(1).optional(),
  /** `invoice` raises what the account owes, `creditMemo` lowers it; other kinds are kept and listed, off the ledger. */
  kind: z.string().min(1),
  /** The bill date (YYYY-MM-DD, workflow time); absent: the day billing received it. The payment run picks invoices by it. */
  invoiceDate: BusinessDate.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"'),
  total: MoneySchema,
  lines: z.array(InvoiceLineSchema),
}).refine((invoice) => invoice.orderId !== undefined || invoice.subscriptionId !== undefined, {
  path: ['orderId'],
  message: 'an invoice bills an order or a subscription: give orderId (or subscriptionId)',
});
export type Invoice = z.infer<typeof InvoiceSchema>;

export const StoredInvoiceSchema = z.object({
  invoice: InvoiceSchema,
  idempotencyKey: z.string(),
  receivedAt: z.string(),
});
export type StoredInvoice = z.infer<typeof StoredInvoiceSchema>;

export const PaymentStatus = z.enum(['Authorized', 'Settled', 'Failed', 'Refunded']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

/**
 * A payment as billing keeps it. A card payment keeps only the token's last four characters: billing never
 * charges a card itself (a gateway does), so it has no use for the token and cannot leak it.
 */
export const PaymentRecord = z.object({
  id: z.string(),
  invoiceId: z.string(),
  /** The invoice's account and currency, copied so payments are listed by account and formatted without a lookup. */
  accountId: z.string().optional(),
  currency: z.string(),
  amount: z.string(),
  status: PaymentStatus,
  method: z.enum(['card', 'account']),
  last4: z.string().optional(),
  reference: z.string().optional(),
  /** When the payment reached its current status. */
  at: z.string(),
  /** The business date of the payment (YYYY-MM-DD, workflow time), when the caller gave one. */
  date: BusinessDate.optional(),
  /** The gateway's id of the money movement (a charge `CH-…` or capture `CAP-…`), to refund it there later. */
  processorId: z.string().optional(),
  /** Partial refunds of a settled payment (`POST …/refund` with an amount), each with the credit memo it refunds. */
  refunds: z.array(z.object({ amount: z.string(), at: z.string(), creditMemoId: z.string().optional(), date: BusinessDate.optional() })).optional(),
});
export type PaymentRecord = z.infer<typeof PaymentRecord>;

export const LedgerKind = z.enum(['invoice', 'creditMemo', 'payment', 'refund']);
export type LedgerKind = z.infer<typeof LedgerKind>;

/**
 * One ledger entry. `amount` is signed by its effect on what the account owes: invoices and refunds add,
 * credit memos and settled payments subtract, so the balance is the plain sum of the entries.
 */
export const LedgerEntryRecord = z.object({
  accountId: z.string(),
  currency: z.string(),
  at: z.string(),
  kind: LedgerKind,
  documentId: z.string(),
  amount: z.string(),
  /** The document's business date (its invoiceDate, the payment's date), when it has one. */
  date: BusinessDate.optional(),
});
export type LedgerEntryRecord = z.infer<typeof LedgerEntryRecord>;

/**
 * A billing account's payment method. Billing keeps the card token (the payment scheduler charges it later) and
 * answers its last four characters only, except to the integration's `…/payment-token` read.
 */
export const AccountRecord = z.object({
  accountId: z.string(),
  method: z.enum(['card', 'account']),
  token: z.string().optional(),
  last4: z.string().optional(),
  reference: z.string().optional(),
  /** Charged by the payment run when its invoices are due; a purchase-order account pays by reference, never auto. */
  autoPay: z.boolean(),
  /** Checkout authorizations of the account's orders, each captured by the first invoice of its order. */
  authorizations: z.array(z.object({ orderId: z.string(), authorizationId: z.string() })).default([]),
  updatedAt: z.string(),
});
export type AccountRecord = z.infer<typeof AccountRecord>;

/** Credit of a credit memo applied to an invoice: lowers what is open on the invoice; posts nothing (the memo did). */
export const CreditApplication = z.object({
  id: z.string(),
  creditMemoId: z.string(),
  invoiceId: z.string(),
  accountId: z.string().optional(),
  amount: z.string(),
  at: z.string(),
  date: BusinessDate.optional(),
});
export type CreditApplication = z.infer<typeof CreditApplication>;

export const CreditApplicationRequest = z.strictObject({
  creditMemoId: z.string().min(1, 'must name the credit memo whose credit is applied'),
  invoiceId: z.string().min(1, 'must name the invoice the credit pays'),
  amount: z.string().regex(/^\d+(\.\d{1,3})?$/, 'must be a positive decimal string such as "25.00"'),
  date: BusinessDate.optional(),
});
export type CreditApplicationRequest = z.infer<typeof CreditApplicationRequest>;

export const StoredUsage = UsagePosting.extend({ receivedAt: z.string() });
export type StoredUsage = z.infer<typeof StoredUsage>;

const UsageBatch = z.strictObject({ records: z.array(UsagePosting).min(1, 'give at least one usage record') });

/**
 * `POST /billing/usage`: one usage record, or `{ records: [...] }`; either way the list of records, and whether they came
 * as a batch (its answer is a list too). Problems name the field as sent (`quantity` for one record,
 * `records[2].quantity` in a batch), not as a union of the two shapes would.
 */
export const UsageIntake = z.unknown().transform((body, ctx): { records: UsagePosting[]; batch: boolean } => {
  const batch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'records' in body;
  const parsed = batch ? UsageBatch.safeParse(body) : UsagePosting.safeParse(body);
  if (parsed.success) return { records: 'records' in parsed.data ? parsed.data.records : [parsed.data as UsagePosting], batch };
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: issue.input });
  return z.NEVER;
});

export const BillingState = z.object({
  invoices: z.array(StoredInvoiceSchema),
  /** Absent in files written before payments existed. */
  payments: z.array(PaymentRecord).default([]),
  /** Absent in files written before the ledger existed: then rebuilt from their invoices once, at start. */
  ledger: z.array(LedgerEntryRecord).optional(),
  /** Usage records received (billing-usage.ts); absent in files written before usage intake existed. */
  usage: z.array(StoredUsage).default([]),
  /** Billing accounts' payment methods (billing-accounts.ts); absent in files written before they existed. */
  accounts: z.array(AccountRecord).default([]),
  /** Credit memos' credit applied to invoices (billing-credits.ts); absent in files written before. */
  applications: z.array(CreditApplication).default([]),
});
export type BillingState = z.infer<typeof BillingState>;

const [CardPayment, AccountPayment] = CartPayment.options;

const paymentFields = {
  invoiceId: z.string().min(1, 'must name the invoice paid, such as "INV-ORD-1001-1"'),
  amount: z.string().regex(/^\d+(\.\d{1,3})?$/, 'must be a positive decimal string such as "1499.00"'),
  /** Refunded is not a way to create a payment: a settled payment is refunded with `POST /billing/payments/:id/refund`. */
  status: z.enum(['Authorized', 'Settled', 'Failed'], {
    error: 'must be "Authorized", "Settled" or "Failed" (a settled payment is refunded with POST /billing/payments/<id>/refund)',
  }),
  date: BusinessDate.optional(),
  processorId: z.string().min(1).optional(),
};

/** `POST /billing/payments/:id/refund`: no body (or `{}`) refunds it whole; an amount refunds part, for a credit memo. */
export const RefundRequest = z.strictObject({
  amount: z.string().regex(/^\d+(\.\d{1,3})?$/, 'must be a positive decimal string such as "25.00"').optional(),
  creditMemoId: z.string().min(1).optional(),
  date: BusinessDate.optional(),
});
export type RefundRequest = z.infer<typeof RefundRequest>;

/** `PUT /billing/accounts/:accountId/payment-method`: a processor's card token, or a purchase order (never auto-pay). */
export const PaymentMethodRequest = refusingRawCardNumbers(
  z.discriminatedUnion('method', [
    CardPayment.extend({
      /** The card's last four digits as the gateway's tokenization answered them; absent: the token's last four characters. */
      last4: z.string().regex(/^\d{4}$/, 'must be the last four digits of the card, such as "4242"').optional(),
      autoPay: z.boolean().default(true),
      orderId: z.string().min(1).optional(),
      authorizationId: z.string().min(1).optional(),
    }),
    AccountPayment.extend({ autoPay: z.literal(false, { error: 'an account (purchase order) is billed on terms: autoPay must be false or left out' }).default(false) }),
  ], { error: 'method: must be "card" (with token) or "account" (with reference)' }),
);
export type PaymentMethodRequest = z.infer<typeof PaymentMethodRequest>;

/** `POST /billing/payments`: a card payment by the processor's token, or an account payment by its reference; never a card number. */
export const PaymentRequest = refusingRawCardNumbers(
  z.discriminatedUnion('method', [CardPayment.extend(paymentFields), AccountPayment.extend(paymentFields)], {
    error: 'method: must be "card" (with token) or "account" (with reference)',
  }),
);
export type PaymentRequest = z.infer<typeof PaymentRequest>;

