import { z } from 'zod';
import { canonicalJson } from './canonical-json';

/**
 * The audit trail's entries and their hash chain (docs/security.md "The audit trail"). An entry says who did what
 * to what, when, with what outcome, and where it was read; an export chains them (each entry's `hash` covers the
 * previous entry's hash and its own canonical JSON), so one edited, removed or reordered entry breaks every hash
 * after it, and `ordo audit verify` names the first one.
 *
 * Pure: the digest (SHA-256 on the client) is given by the caller, so this module needs no node: module.
 */

/** What came of the action: a message accepted or refused, work that succeeded or failed, or something still open. */
export const AuditOutcome = z.enum(['accepted', 'refused', 'succeeded', 'failed', 'pending', 'cancelled', 'skipped']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** The proof a signed operator message kept (identity work): shown as `verified` when the recorded action has one. */
export const AuditCredential = z.strictObject({ operator: z.string(), issuedAt: z.string(), signature: z.string() });
export type AuditCredential = z.infer<typeof AuditCredential>;

export const AuditEntry = z.strictObject({
  /** ISO time the action happened, as the workflow or the system of record wrote it. */
  at: z.string(),
  /** The operator or caller named in the message, the system that acted, or `ordo` for Ordo's own automation. */
  actor: z.string(),
  /** `submit`, `amend:Add`, `complete`, `fallout retry`, `fallout`, `jeopardy`, `invoice`, `payment`, `sync:quote`, … */
  action: z.string(),
  /** What it acted on: `order ORD-1`, `step FO-1/first`, `invoice INV-ORD-1-1`, `cpq/quote/Q-4`. */
  target: z.string(),
  outcome: AuditOutcome,
  detail: z.string().optional(),
  /** Where the entry was read: `workflow order-ORD-1`, `workflow fo-ORD-1-FO-1`, `billing`. */
  source: z.string(),
  /** Whether the action kept a signed operator credential that was checked; absent when it kept none. */
  verified: z.boolean().optional(),
  credential: AuditCredential.optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const ChainedAuditEntry = AuditEntry.extend({ hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits (SHA-256)') });
export type ChainedAuditEntry = z.infer<typeof ChainedAuditEntry>;

export const AuditChain = z.strictObject({
  algorithm: z.literal('sha256'),
  /** The hash the first entry chains from: the digest of `ordo-audit:<orderId>`, so a trail cannot pass for another order's. */
  genesis: z.string(),
  /** The last entry's hash: keep it elsewhere (a ticket, a mail) and a re-hashed copy no longer matches it. */
  head: z.string(),
  length: z.number().int().nonnegative(),
});
export type AuditChain = z.infer<typeof AuditChain>;

/** What `ordo audit ORDER --json` prints. */
export const AuditExport = z.strictObject({
  orderId: z.string(),
  generatedAt: z.string(),
  entries: z.array(ChainedAuditEntry),
  chain: AuditChain,
  /** Sources that could not be read when the trail was made (billing down, a history past retention): what it lacks. */
  unavailable: z.array(z.string()).optional(),
});
export type AuditExport = z.infer<typeof AuditExport>;

/** SHA-256 of a UTF-8 string, as lower-case hex: given by the caller. */
export type Digest = (text: string) => string;

export const genesisOf = (orderId: string, digest: Digest): string => digest(`ordo-audit:${orderId}`);

/** One entry's hash: the previous hash, a newline, the entry's canonical JSON (without its own hash). */
export function entryHash(previous: string, entry: AuditEntry, digest: Digest): string {
  const { hash: _, ...fields } = entry as ChainedAuditEntry;
  return digest(`${previous}\n${canonicalJson(fields)}`);
}

/** Orders the entries by time (ties keep their given order) and chains them. */
export function chainTrail(orderId: string, generatedAt: string, entries: readonly AuditEntry[], digest: Digest): AuditExport {
  const sorted = entries.map((entry, index) => ({ entry, index })).sort((a, b) => a.entry.at.localeCompare(b.entry.at) || a.index - b.index);
  const genesis = genesisOf(orderId, digest);
  let previous = genesis;
  const chained = sorted.map(({ entry }) => {
    previous = entryHash(previous, entry, digest);
    return { ...entry, hash: previous };
  });
  return { orderId, generatedAt, entries: chained, chain: { algorithm: 'sha256', genesis, head: previous, length: chained.length } };
}

export type ChainCheck = { ok: true; length: number; head: string } | { ok: false; index?: number; problem: string };

/**
 * Recomputes the chain of an export: the first entry whose hash does not match (index and why), a genesis of
 * another order, or a head or length that does not match the entries (entries cut off at the end). The export is
 * read as parsed JSON: a file that is not an export is a problem named by field.
 */
export function verifyTrail(data: unknown, digest: Digest): ChainCheck {
  const parsed = AuditExport.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const index = issue.path[0] === 'entries' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
    return { ok: false, ...(index !== undefined ? { index } : {}), problem: `${issue.path.join('.') || '(the file)'}: ${issue.message}` };
  }
  const { orderId, entries, chain } = parsed.data;
  const genesis = genesisOf(orderId, digest);
  if (chain.genesis !== genesis) return { ok: false, problem: `chain.genesis is not the genesis of order ${orderId}: the trail was made for another order, or orderId was edited` };
  let previous = genesis;
  for (const [index, entry] of entries.entries()) {
    const expected = entryHash(previous, entry, digest);
    if (entry.hash !== expected) {
      return { ok: false, index, problem: `entry ${index} (${entry.at} ${entry.action} ${entry.target}) does not match its hash: it, or an entry before it, was edited, removed or moved` };
    }
    previous = entry.hash;
  }
  if (chain.length !== entries.length) return { ok: false, problem: `chain.length says ${chain.length} entries, the file has ${entries.length}: entries were removed or added` };
  if (chain.head !== previous) return { ok: false, problem: `chain.head is not the last entry's hash: entries were removed from the end, or the head was edited` };
  return { ok: true, length: entries.length, head: previous };
}
