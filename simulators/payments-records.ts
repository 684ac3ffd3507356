import { z } from 'zod';
import { isRawCardNumber } from '../domain/card-numbers';
import { refusingRawCardNumbers } from '../domain/cart';
import { TOKENIZE_FIRST } from './payments-cards';

/**
 * What the payment gateway keeps (`<dataDir>/payments.json`) and the bodies it takes. Tokens are kept with
 * their last four digits and brand, never the number; money is kept as the decimal string of the currency's
 * places (domain/money's formatMoney), as answered.
 */

const Text = z.string({ error: 'must be a string' }).min(1, 'must not be empty');

const Currency = z.string({ error: 'must be an ISO 4217 code such as "USD"' }).regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"');

/** Checked here for shape only; the currency's places are checked with domain/money where the currency is known. */
const Amount = z
  .string({ error: 'must be a decimal string such as "49.99"' })
  .regex(/^\d{1,13}(\.\d+)?$/, 'must be a positive decimal string such as "49.99"');

const Token = z
  .string({ error: 'must be a card token such as "tok_3f9a0c…", as POST /payments/tokens answers' })
  .regex(/^tok_[A-Za-z0-9_]{1,96}$/, 'must be a card token such as "tok_3f9a0c…" (letters, digits and "_" after "tok_"), as POST /payments/tokens answers');

export const DeclineCode = z.enum(['card_declined', 'expired_card', 'insufficient_funds']);

export const TokenRecord = z.object({
  token: z.string(),
  last4: z.string(),
  brand: z.string(),
  createdAt: z.string(),
});
export type TokenRecord = z.infer<typeof TokenRecord>;

/** What authorizations and charges share: who paid what for which reference, and how the gateway answered. */
const PaymentAttempt = z.object({
  id: z.string(),
  token: z.string(),
  last4: z.string(),
  amount: z.string(),
  currency: z.string(),
  reference: z.string(),
  /** Which attempt with the token this was (1, 2, …): what `_recover_N` tokens decide by. */
  attempt: z.number().int().positive(),
  declineCode: DeclineCode.optional(),
  declineMessage: z.string().optional(),
  createdAt: z.string(),
});

export const AuthorizationRecord = PaymentAttempt.extend({
  status: z.enum(['Authorized', 'Declined', 'Captured']),
  captureId: z.string().optional(),
});
export type AuthorizationRecord = z.infer<typeof AuthorizationRecord>;

export const ChargeRecord = PaymentAttempt.extend({
  status: z.enum(['Captured', 'Declined']),
});
export type ChargeRecord = z.infer<typeof ChargeRecord>;

export const CaptureRecord = z.object({
  id: z.string(),
  authorizationId: z.string(),
  amount: z.string(),
  currency: z.string(),
  reference: z.string(),
  status: z.literal('Captured'),
  createdAt: z.string(),
});
export type CaptureRecord = z.infer<typeof CaptureRecord>;

export const RefundRecord = z.object({
  id: z.string(),
  chargeId: z.string().optional(),
  captureId: z.string().optional(),
  amount: z.string(),
  currency: z.string(),
  reference: z.string(),
  status: z.literal('Refunded'),
  createdAt: z.string(),
});
export type RefundRecord = z.infer<typeof RefundRecord>;

export const PaymentsState = z.object({
  tokens: z.array(TokenRecord),
  authorizations: z.array(AuthorizationRecord),
  captures: z.array(CaptureRecord),
  charges: z.array(ChargeRecord),
  refunds: z.array(RefundRecord),
  /** token → how many authorizations and charges were attempted with it. */
  attempts: z.record(z.string(), z.number().int().nonnegative()),
});
export type PaymentsState = z.infer<typeof PaymentsState>;

/** `POST /payments/tokens`: the hosted payment page, the one body that may hold a card number. */
export const TokenizeRequest = z.strictObject({
  cardNumber: z
    .string({ error: 'must be the card number as a string, such as "4242 4242 4242 4242"' })
    .refine(isRawCardNumber, 'is not a card number: give 13 to 19 digits (spaces or dashes allowed) whose Luhn check digit holds'),
});

/** `POST /payments/authorizations` and `POST /payments/charges`. */
export const PaymentRequest = refusingRawCardNumbers(
  z.strictObject({
    token: Token,
    amount: Amount,
    currency: Currency,
    /** The caller's id for what is paid (an invoice id): payments are listed by it. */
    reference: Text,
  }),
  TOKENIZE_FIRST,
);
export type PaymentRequest = z.infer<typeof PaymentRequest>;

/** `POST /payments/authorizations/:id/capture`: the whole authorized amount unless an amount is given. */
export const CaptureRequest = refusingRawCardNumbers(z.strictObject({ amount: Amount.optional() }), TOKENIZE_FIRST);
export type CaptureRequest = z.infer<typeof CaptureRequest>;

/** `POST /payments/refunds`: of one charge or one capture, exactly one of them. */
export const RefundRequest = refusingRawCardNumbers(
  z
    .strictObject({
      chargeId: Text.optional(),
      captureId: Text.optional(),
      amount: Amount,
      reference: Text.optional(),
    })
    .superRefine((request, ctx) => {
      if ((request.chargeId === undefined) === (request.captureId === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [request.chargeId === undefined ? 'chargeId' : 'captureId'],
          message: 'give exactly one of chargeId (a charge\'s id) or captureId (a capture\'s id): the payment to refund',
        });
      }
    }),
  TOKENIZE_FIRST,
);
export type RefundRequest = z.infer<typeof RefundRequest>;
