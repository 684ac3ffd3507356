import { minorUnitDigits } from '../domain/money';

/**
 * Which payments the gateway declines, by the card token and the amount, the way PSP test cards behave,
 * so tests and demos can make a payment fail on purpose. Decided by the end of the token:
 *
 * | token ends with | outcome |
 * |---|---|
 * | `_decline` | always declined, `card_declined` |
 * | `_expired` | always declined, `expired_card` |
 * | `_insufficient` | declined, `insufficient_funds`, when the amount is above 100 units of the currency (`100.00` USD) |
 * | `_recover_N` (e.g. `tok_recover_2`) | declined (`card_declined`) on its first N attempts, then approved: a card the customer fixed, for dunning |
 * | anything else | approved |
 *
 * An attempt is one new authorization or charge with the token (a replayed Idempotency-Key is not one).
 */

export type DeclineCode = 'card_declined' | 'expired_card' | 'insufficient_funds';

export interface Decline {
  declineCode: DeclineCode;
  declineMessage: string;
}

/** Above this many whole units of the currency, an `_insufficient` token is declined. */
export const INSUFFICIENT_FUNDS_LIMIT_UNITS = 100;

const RECOVER = /_recover_(\d+)$/;

/**
 * The decline for one attempt, or undefined when it is approved.
 * @param attempt 1 for the token's first authorization or charge, 2 for the second, …
 */
export function declineFor(token: string, amountMinor: number, currency: string, attempt: number): Decline | undefined {
  if (token.endsWith('_decline')) return { declineCode: 'card_declined', declineMessage: 'the card was declined' };
  if (token.endsWith('_expired')) return { declineCode: 'expired_card', declineMessage: 'the card has expired' };
  if (token.endsWith('_insufficient')) {
    const limitMinor = INSUFFICIENT_FUNDS_LIMIT_UNITS * 10 ** minorUnitDigits(currency);
    if (amountMinor > limitMinor) {
      return { declineCode: 'insufficient_funds', declineMessage: `the card has insufficient funds for more than ${INSUFFICIENT_FUNDS_LIMIT_UNITS} ${currency}` };
    }
    return undefined;
  }
  const recover = RECOVER.exec(token);
  if (recover && attempt <= Number(recover[1])) {
    return { declineCode: 'card_declined', declineMessage: `the card was declined (attempt ${attempt}; this test card is approved after ${recover[1]})` };
  }
  return undefined;
}
