/**
 * JSON with object keys sorted at every level and no spaces; `undefined` members are left out, as JSON.stringify
 * does. Two equal values give the same text whatever order their fields were written in: what a signature
 * (domain/operator-signature.ts) or a hash chain (domain/audit-chain.ts) must cover.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}
