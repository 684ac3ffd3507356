import * as fs from 'node:fs';
import { approveOrder } from '../client/changes';
import { OrdoError } from '../client/errors';
import { operatorIdentity, type OperatorSigner } from '../client/operator-credentials';
import type { OrdoClient } from '../client/ordo-client';
import type { LoadedConfig } from '../config/load';
import { privateKeyFile } from '../config/operator-keys';
import type { Problem } from '../domain/problems';
import { whyActorMayNotAct } from '../domain/queues';
import { ApiRefusal } from './errors';
import type { ActiveKey } from './keys';
import { readProductOrder } from './product-orders';

/**
 * POST /productOrder/{id}/approval (docs/api.md "Approving"): Ordo's extension for an order waiting `pending` for
 * the approval its catalog asks for (TMF622 has no approve operation). `{ approved, reason?, actor? }` goes to the
 * order as `ordo approve` sends it (client/changes.ts approveOrder); the order checks the actor is a member of the
 * approval queue, as it does for the CLI and the console.
 *
 * Who acts: the key's name, or the `actor` the body names when the key lists it under `actors` (api.keys): a key
 * cannot name anyone else, or the order's membership check would only check a name the caller typed.
 */

/** What the approval route needs of the configuration: the queue directory (403 before sending) and operator keys (signed mode). */
export type ApprovalSettings = Pick<LoadedConfig, 'queues' | 'operatorKeysDir' | 'operators'>;

export interface ApprovalRequest {
  approved: boolean;
  reason?: string;
  actor?: string;
}

/** The body as an ApprovalRequest, or 400 naming each field that is wrong and its fix. */
export function approvalRequestOf(body: Record<string, unknown>): ApprovalRequest {
  const problems: Problem[] = [];
  if (typeof body.approved !== 'boolean') problems.push({ path: 'approved', message: body.approved === undefined ? 'is required' : 'must be true or false', fix: 'send "approved": true to approve, false to refuse' });
  if (body.reason !== undefined && typeof body.reason !== 'string') problems.push({ path: 'reason', message: 'must be text', fix: 'say why, e.g. "reason": "credit checked"' });
  if (body.approved === false && !(typeof body.reason === 'string' && body.reason.trim())) problems.push({ path: 'reason', message: 'is required to refuse', fix: 'say why the order is refused: it ends rejected with this reason' });
  if (body.actor !== undefined && (typeof body.actor !== 'string' || !body.actor.trim())) problems.push({ path: 'actor', message: 'must be a name', fix: "leave it out to act as the key's name" });
  const unknown = Object.keys(body).filter((field) => !['approved', 'reason', 'actor'].includes(field));
  for (const field of unknown) problems.push({ path: field, message: 'is not a field of an approval', fix: 'send { approved, reason?, actor? }' });
  if (problems.length) throw new OrdoError('invalid', `the approval is invalid:\n${problems.map((p) => `  - ${p.path}: ${p.message} (fix: ${p.fix})`).join('\n')}`, problems);
  return {
    approved: body.approved as boolean,
    ...(typeof body.reason === 'string' && body.reason.trim() ? { reason: body.reason.trim() } : {}),
    ...(typeof body.actor === 'string' ? { actor: body.actor.trim() } : {}),
  };
}

/** The actor the key acts as: its name, or one of its `actors`; 403 naming the fix otherwise. */
export function actorOf(key: Pick<ActiveKey, 'name' | 'actors'>, named: string | undefined): string {
  if (named === undefined || named === key.name) return key.name;
  if (key.actors?.includes(named)) return named;
  throw new ApiRefusal(
    'forbidden',
    `API key ${key.name} may not act as ${named}: it acts as ${key.name}${key.actors?.length ? ` or ${key.actors.join(', ')}` : ''}. Fix: leave actor out, or list ${named} under the key's actors in api.keys`,
  );
}

export async function approveProductOrder(client: OrdoClient, settings: ApprovalSettings | undefined, orderId: string, body: Record<string, unknown>, key: Pick<ActiveKey, 'name' | 'actors'>) {
  const request = approvalRequestOf(body);
  const actor = actorOf(key, request.actor);
  const summary = await client.getSummary(orderId);
  // The order decides; this only answers 403 before anything is sent when the configuration already says no.
  if (settings && summary.state === 'pending' && summary.approval?.state === 'waiting') {
    const notMember = whyActorMayNotAct(actor, summary.approval.queues, undefined, settings.queues);
    if (notMember) throw new ApiRefusal('forbidden', `${notMember.replace('act on this step', `approve order ${orderId}`)}. Fix: add ${actor} to ${summary.approval.queues.join(' or ')} under queues in temporal-config.yaml, or approve with a key that acts for a member`);
  }
  await approveOrder(client, orderId, { actor, approved: request.approved, ...(request.reason ? { reason: request.reason } : {}) }, signerFor(settings, actor));
  // The ProductOrder as it is now: its `ordo:approval` says who approved (or refused) and when.
  return readProductOrder(client, orderId);
}

/**
 * In `signed` mode the approval is signed with `<operators.keys>/<actor>.key`, as the console signs for its users
 * (the API's host holds the keys of the actors its keys act for); without that file it is refused naming the fix.
 */
function signerFor(settings: ApprovalSettings | undefined, actor: string): OperatorSigner | undefined {
  if (!settings || settings.operators.authentication !== 'signed') return undefined;
  const file = privateKeyFile(settings.operatorKeysDir, actor);
  if (!fs.existsSync(file)) throw new OrdoError('refused', `${actor} has no operator key (${file}), and in signed mode an approval is signed with its actor's key. Fix: an admin runs \`ordo operators init ${actor}\` on the API's host`);
  return operatorIdentity({ actor, keysDir: settings.operatorKeysDir, authentication: 'signed', env: {} }).signer;
}
