import * as fs from 'node:fs';
import { approveOrder } from '../client/changes';
import { OrdoError } from '../client/errors';
import { operatorIdentity, type OperatorSigner } from '../client/operator-credentials';
import type { OrdoClient } from '../client/ordo-client';
import type { LoadedConfig } from '../config/load';
import { privateKeyFile } from '../config/operator-keys';
import { ApiApprovalDecision, whyActorMayNotApprove } from '../domain/approval-decision';
import { parseWith } from '../domain/problems';
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
  const request = parseWith(ApiApprovalDecision, body, 'the approval');
  const actor = actorOf(key, request.actor);
  const summary = await client.getSummary(orderId);
  // The order decides; this only answers 403 before anything is sent when the configuration already says no.
  if (settings && summary.state === 'pending' && summary.approval?.state === 'waiting') {
    const notMember = whyActorMayNotApprove(actor, orderId, summary.approval.queues, settings.queues);
    if (notMember) throw new ApiRefusal('forbidden', `${notMember}. Fix: add ${actor} to ${summary.approval.queues.join(' or ')} under queues in temporal-config.yaml, or approve with a key that acts for a member`);
  }
  await approveOrder(client, orderId, { actor, approved: request.approved, ...(request.reason ? { reason: request.reason } : {}) }, signerFor(settings, actor));
  // The ProductOrder as it is now: its `ordo:approval` says who approved (or refused) and when.
  return readProductOrder(client, orderId);
}

/**
 * In `signed` mode every order action the API sends (approval, amendment, cancellation) is signed with
 * `<operators.keys>/<actor>.key`, as the console signs for its users (the API's host holds the keys of the actors
 * its keys act for); without that file it is refused naming the fix. Elsewhere: nothing to sign.
 */
export function signerFor(settings: ApprovalSettings | undefined, actor: string, what = 'an approval'): OperatorSigner | undefined {
  if (!settings || settings.operators.authentication !== 'signed') return undefined;
  const file = privateKeyFile(settings.operatorKeysDir, actor);
  if (!fs.existsSync(file)) throw new OrdoError('refused', `${actor} has no operator key (${file}), and in signed mode ${what} is signed with its actor's key. Fix: an admin runs \`ordo operators init ${actor}\` on the API's host`);
  return operatorIdentity({ actor, keysDir: settings.operatorKeysDir, authentication: 'signed', env: {} }).signer;
}
