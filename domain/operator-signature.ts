import type { ed25519 as Ed25519 } from '@noble/curves/ed25519';
import { canonicalJson } from './canonical-json';

/**
 * Operators' signed messages (docs/security.md "Operators are who they say"). The client signs (node:crypto,
 * client/operator-credentials.ts) and the workflow verifies (pure JS, here), over the same bytes: the canonical
 * text of { message name, workflow id, request without its credential, issuedAt }. So a signature is good for
 * one message to one workflow, and only for a while (signatureMaxAge, by workflow time).
 */

/** What a signed operator message carries beside its own fields. Keys and signatures are hex: no Buffer in workflows. */
export interface OperatorCredential {
  operator: string;
  /** When the client signed it (ISO time). */
  issuedAt: string;
  /** Ed25519 over signedText(...), hex. */
  signature: string;
}

/**
 * Who may sign, recorded with the order's plan when it is decomposed (next to the queue directory), so a
 * workflow decides with the keys it started with. Absent in plans decomposed before signing existed: their
 * splits behave as before (that is what keeps their histories replaying).
 */
export interface OperatorRecord {
  authentication: 'signed' | 'trusted';
  /** Operator name → Ed25519 public key (32 bytes, hex). Empty in `trusted` mode. */
  keys: Record<string, string>;
  /** How old (workflow time) a signed message may be. */
  signatureMaxAgeMs: number;
}

/** A signature may be this far ahead of the workflow's clock (the client's clock and the server's differ a little). */
export const CLOCK_SKEW_MS = 60_000;

/** The request as signed: every field but `credential`. */
export function withoutCredential<T extends object>(request: T): Omit<T, 'credential'> {
  const { credential: _credential, ...rest } = request as T & { credential?: unknown };
  return rest;
}

/** The text a credential's signature covers. */
export function signedText(message: string, workflowId: string, request: object, issuedAt: string): string {
  return canonicalJson({ message, workflowId, request: withoutCredential(request), issuedAt });
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Loaded on first use: a split that never sees a signed message does not carry the curve's modules and tables. */
function curve(): typeof Ed25519 {
  return (require('@noble/curves/ed25519') as { ed25519: typeof Ed25519 }).ed25519;
}

/**
 * Why a message to `workflowId` may not be believed as coming from its `actor`, or undefined when it may.
 * `record` absent, or `trusted`: the named actor is believed (as before signing existed).
 */
export function whyNotAuthentic(record: OperatorRecord | undefined, message: string, workflowId: string, request: unknown, nowMs: number): string | undefined {
  if (!record || record.authentication !== 'signed') return undefined;
  const payload = (typeof request === 'object' && request !== null ? request : {}) as { actor?: unknown; credential?: Partial<OperatorCredential> };
  const credential = payload.credential;
  const useOrdo = 'send it with `ordo` (or the console), which signs with your operator key';
  if (!credential || typeof credential !== 'object') return `unsigned ${message} message: operators' messages must be signed (a message typed in the Temporal Web UI is not); ${useOrdo}`;
  const { operator, issuedAt, signature } = credential;
  if (typeof operator !== 'string' || typeof issuedAt !== 'string' || typeof signature !== 'string') return `malformed credential on the ${message} message (operator, issuedAt and signature are text); ${useOrdo}`;
  if (payload.actor !== undefined && payload.actor !== operator) return `the ${message} message names actor ${JSON.stringify(payload.actor)} but is signed by ${operator}: an operator acts only under their own name`;
  const key = Object.prototype.hasOwnProperty.call(record.keys, operator) ? record.keys[operator] : undefined;
  if (!key) return `${operator} has no operator key on record for this order (run \`ordo operators init ${operator}\`; orders decomposed after that know the key)`;
  const issued = Date.parse(issuedAt);
  if (Number.isNaN(issued)) return `credential issuedAt ${JSON.stringify(issuedAt)} is not a time`;
  if (issued > nowMs + CLOCK_SKEW_MS) return `the ${message} message is signed for ${issuedAt}, in the future: check the sender's clock`;
  if (nowMs - issued > record.signatureMaxAgeMs) return `the ${message} message was signed at ${issuedAt}, longer ago than operators.signatureMaxAge (${Math.round(record.signatureMaxAgeMs / 1000)}s) allows: a captured message cannot be replayed; send it again`;
  let good = false;
  try {
    good = curve().verify(signature, utf8(signedText(message, workflowId, payload, issuedAt)), key);
  } catch {
    good = false;
  }
  if (!good) return `the ${message} message's signature does not match ${operator}'s key for this message to ${workflowId}: it was signed for another message or workflow, altered, or not by ${operator}`;
  return undefined;
}

/**
 * What an action's audit record keeps of its message's credential (client/audit.ts reads it): the credential, and
 * whether this workflow verified it (`signed` mode) or only carried it (`trusted`). Nothing for an unsigned message,
 * so records of older histories keep their shape.
 */
export function credentialTrail(request: unknown, record: OperatorRecord | undefined): { credential?: OperatorCredential; verified?: boolean } {
  const credential = typeof request === 'object' && request !== null ? (request as { credential?: Partial<OperatorCredential> }).credential : undefined;
  if (!credential || typeof credential.operator !== 'string' || typeof credential.issuedAt !== 'string' || typeof credential.signature !== 'string') return {};
  return { credential: { operator: credential.operator, issuedAt: credential.issuedAt, signature: credential.signature }, verified: record?.authentication === 'signed' };
}
