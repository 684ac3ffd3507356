import { randomBytes } from 'node:crypto';

/**
 * Ids that a real system would hand out, such as `RES-7F3A09C21B`. Random rather than sequential so
 * that ids stay unique across restarts without persisting a counter.
 */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** A license key in the usual grouped form, e.g. `LIC-8F2A-C01B-77DE`. */
export function newLicenseKey(): string {
  const hex = randomBytes(6).toString('hex').toUpperCase();
  return `LIC-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}`;
}
