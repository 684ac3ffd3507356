import { containsRawCardNumber, isRawCardNumber } from '../domain/card-numbers';

/**
 * Card numbers at the payment gateway: the one place one may arrive is tokenization (the hosted payment
 * page); everywhere else a number is refused, and the call log never keeps one, even of a refused request.
 */

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'unknown';

/** The brand by the number's leading digits (IIN ranges), as a PSP reports it back with the token. */
export function cardBrand(digits: string): CardBrand {
  if (digits.startsWith('4')) return 'visa';
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  if (digits.startsWith('6011') || two === 65) return 'discover';
  return 'unknown';
}

/**
 * PSP test cards: tokenizing one of these numbers gives a token with the suffix that makes it behave
 * (payments-declines.ts). Any other valid number gives a token that always succeeds.
 */
export const TEST_CARD_SUFFIXES: Readonly<Record<string, string>> = {
  '4000000000000002': '_decline',
  '4000000000009995': '_insufficient',
  '4000000000000069': '_expired',
};

/** The gateway's refusal of a card number anywhere but tokenization says to tokenize first (domain/cart.ts refuses it). */
export const TOKENIZE_FIRST = 'card numbers go only to POST /payments/tokens (the hosted payment page): send the token it answers';

/** A body as the call log keeps it: every string holding a card number (and every such number) replaced, at any depth. */
export function maskCardNumbers(value: unknown): unknown {
  if (typeof value === 'string') return containsRawCardNumber(value) ? '[card number removed]' : value;
  if (typeof value === 'number') return Number.isInteger(value) && isRawCardNumber(value.toFixed(0)) ? '[card number removed]' : value;
  if (Array.isArray(value)) return value.map(maskCardNumbers);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [containsRawCardNumber(key) ? '[card number removed]' : key, maskCardNumbers(entry)]),
    );
  }
  return value;
}
