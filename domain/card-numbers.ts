/**
 * Finding raw payment card numbers in a JSON document, so they can be refused before they are stored.
 * A card number is 13–19 digits, written together or grouped with single spaces or dashes
 * ("4111 1111 1111 1111", "4111-1111-1111-1111"), whose Luhn checksum holds. The checksum keeps ordinary
 * long numbers (phone numbers, ids) from being flagged nine times out of ten.
 */

/** Runs of digits joined by single spaces or dashes; each is a candidate judged by length and Luhn. */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

export function isRawCardNumber(text: string): boolean {
  const digits = text.replace(/[ -]/g, '');
  return /^\d{13,19}$/.test(digits) && passesLuhn(digits);
}

/** True when some run of digits inside `text` is a card number ("card 4111 1111 1111 1111, exp 12/29"). */
export function containsRawCardNumber(text: string): boolean {
  return (text.match(DIGIT_RUN) ?? []).some(isRawCardNumber);
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The paths of every string or number (at any depth, keys included) that holds a card number. */
export function findRawCardNumbers(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (typeof value === 'string') return containsRawCardNumber(value) ? [path] : [];
  // A card number sent as a JSON number is still a card number.
  if (typeof value === 'number') return Number.isInteger(value) && isRawCardNumber(value.toFixed(0)) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((entry, index) => findRawCardNumbers(entry, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, entry]) => [
      ...(containsRawCardNumber(key) ? [[...path, key]] : []),
      ...findRawCardNumbers(entry, [...path, key]),
    ]);
  }
  return [];
}
