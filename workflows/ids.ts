/**
 * Every Temporal workflow id Ordo builds, each builder beside its parser. This module imports nothing, so the
 * CLI, the client, the activities, scripts and tests can name a workflow without loading workflow code.
 *
 * Changing a format here changes the id of workflows started afterwards only: running workflows keep theirs,
 * and recorded histories carry the ids they were started with (fulfillment order ids are in them as commands).
 */

const ORDER_PREFIX = 'order-';

/** The order's workflow: `order-<orderId>` (public: DESIGN.md names it). */
export const orderWorkflowId = (orderId: string): string => `${ORDER_PREFIX}${orderId}`;

/** The order id of an order workflow id; undefined for any other id. */
export function orderIdOfWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(ORDER_PREFIX) && !workflowId.includes('/') ? workflowId.slice(ORDER_PREFIX.length) : undefined;
}

/**
 * A split's child workflow: `order-<orderId>/<fulfillmentOrderId>`. Unambiguous because order ids never
 * contain `/` (the order schema refuses it), so the first `/` ends the order id; fulfillment order ids may.
 */
export const fulfillmentOrderWorkflowId = (orderId: string, fulfillmentOrderId: string): string => `${orderWorkflowId(orderId)}/${fulfillmentOrderId}`;

export function parseFulfillmentOrderWorkflowId(workflowId: string): { orderId: string; fulfillmentOrderId: string } | undefined {
  if (!workflowId.startsWith(ORDER_PREFIX)) return undefined;
  const slash = workflowId.indexOf('/');
  if (slash < 0) return undefined;
  return { orderId: workflowId.slice(ORDER_PREFIX.length, slash), fulfillmentOrderId: workflowId.slice(slash + 1) };
}

const ACCOUNT_PREFIX = 'account-';

/**
 * One account's long-running workflow for one destination product: `account-<accountId>-<destination>`, with
 * `%` and `-` in the account id percent-encoded (`%25`, `%2D`). The encoded account id holds no `-`, so the
 * first `-` after the prefix ends it, whatever either part contains: `ACME-EU` + `TENANT` and `ACME` +
 * `EU-TENANT` get different ids. An account id without `-` or `%` keeps the id it had before the encoding, so
 * those accounts' running workflows are still found.
 */
export const accountWorkflowId = (accountId: string, destination: string): string => `${ACCOUNT_PREFIX}${encodeAccountId(accountId)}-${destination}`;

export function parseAccountWorkflowId(workflowId: string): { accountId: string; destination: string } | undefined {
  if (!workflowId.startsWith(ACCOUNT_PREFIX)) return undefined;
  const rest = workflowId.slice(ACCOUNT_PREFIX.length);
  const dash = rest.indexOf('-');
  if (dash < 0) return undefined;
  const accountId = decodeAccountId(rest.slice(0, dash));
  return accountId === undefined ? undefined : { accountId, destination: rest.slice(dash + 1) };
}

const encodeAccountId = (accountId: string): string => accountId.replace(/%/g, '%25').replace(/-/g, '%2D');

function decodeAccountId(encoded: string): string | undefined {
  if (/%(?!25|2D)/.test(encoded)) return undefined; // not something encodeAccountId wrote
  return encoded.replace(/%2D|%25/g, (escape) => (escape === '%2D' ? '-' : '%'));
}

const RUN_SUFFIX = '/run';

/** The child that runs an account workflow's fulfillment order once: `<account workflow id>/run`. */
export const accountRunWorkflowId = (accountWorkflowId: string): string => `${accountWorkflowId}${RUN_SUFFIX}`;

export function accountWorkflowIdOfRun(workflowId: string): string | undefined {
  return workflowId.endsWith(RUN_SUFFIX) ? workflowId.slice(0, -RUN_SUFFIX.length) : undefined;
}

const QUEUE_ROTATION_PREFIX = 'queue-rotation-';

/** A queue's round-robin turn keeper: `queue-rotation-<queue>` (one part, nothing to confuse). */
export const queueRotationWorkflowId = (queue: string): string => `${QUEUE_ROTATION_PREFIX}${queue}`;

export function queueOfRotationWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(QUEUE_ROTATION_PREFIX) ? workflowId.slice(QUEUE_ROTATION_PREFIX.length) : undefined;
}

const NEW_ORDER_SYNC_PREFIX = 'sync-new-order-';
const REORDER_SYNC_PREFIX = 'sync-reorder-';

/**
 * One storefront order's new order sync (storefront → CPQ → Ordo): `sync-new-order-<storefrontOrderId>`. One
 * workflow per source record is what makes a duplicated trigger harmless: the second start finds the first.
 */
export const newOrderSyncWorkflowId = (storefrontOrderId: string): string => `${NEW_ORDER_SYNC_PREFIX}${storefrontOrderId}`;

/** One activated CPQ order's reorder sync (CPQ → storefront twin): `sync-reorder-<cpqOrderId>`. */
export const reorderSyncWorkflowId = (cpqOrderId: string): string => `${REORDER_SYNC_PREFIX}${cpqOrderId}`;

/** The process and source record of a sync workflow id; undefined for any other id. */
export function parseSyncWorkflowId(workflowId: string): { process: 'NewOrderSync' | 'ReorderSync'; sourceId: string } | undefined {
  if (workflowId.startsWith(NEW_ORDER_SYNC_PREFIX)) return { process: 'NewOrderSync', sourceId: workflowId.slice(NEW_ORDER_SYNC_PREFIX.length) };
  if (workflowId.startsWith(REORDER_SYNC_PREFIX)) return { process: 'ReorderSync', sourceId: workflowId.slice(REORDER_SYNC_PREFIX.length) };
  return undefined;
}

/** The one long-running intake that watches the storefront's outbox and CPQ's activated orders and starts syncs. */
export const CHANNEL_INTAKE_WORKFLOW_ID = 'channel-intake';
