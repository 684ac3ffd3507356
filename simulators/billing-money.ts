import { minorUnitDigits } from '../domain/money';

/**
 * Billing's exact money: decimal strings held as BigInt thousandths of the currency unit ("mills"), so
 * invoices in three-digit currencies (KWD) and sums over any number of documents never go through a float.
 */

export function toMills(money: string): bigint {
  const negative = money.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? money.slice(1) : money).split('.');
  const mills = BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, '0'));
  return negative ? -mills : mills;
}

export function fromMills(mills: bigint, places: number): string {
  const sign = mills < 0n ? '-' : '';
  const abs = mills < 0n ? -mills : mills;
  const fraction = String(abs % 1000n).padStart(3, '0').slice(0, places);
  return places === 0 ? `${sign}${abs / 1000n}` : `${sign}${abs / 1000n}.${fraction}`;
}

/** Whether `mills` is a whole number of `currency`'s minor units (cents for USD, yen for JPY). */
export function isWholeMinorUnits(mills: bigint, currency: string): boolean {
  return mills % 10n ** BigInt(3 - minorUnitDigits(currency)) === 0n;
}

/**
 * An amount as billing answers it: with the currency's places ("12.50", JPY "1500", KWD "1.250"), or three
 * when it holds a fraction of the minor unit (an invoice may carry three places whatever its currency).
 */
export function formatMills(mills: bigint, currency: string): string {
  return fromMills(mills, isWholeMinorUnits(mills, currency) ? minorUnitDigits(currency) : 3);
}
