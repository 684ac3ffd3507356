import { WorkflowNotFoundError } from '@temporalio/client';
import { amendOrder, cancelOrder } from '../client/changes';
import type { OperatorSigner } from '../client/operator-credentials';
import { checkOrder } from '../client/check-order';
import { OrdoError } from '../client/errors';
import type { OrdoClient } from '../client/ordo-client';
import { canonicalJson } from '../domain/canonical-json';
import { deliveryGroupOf } from '../domain/delivery-groups';
import type { Order } from '../domain/order';
import { renderProblems } from '../domain/problems';
import { amendmentFromPatch, deliveryPlaceOf, orderFromProductOrder, tmfState, TMF_STATE } from '../domain/tmf622';
import { orderWorkflowId } from '../workflows/ids';
import { orderRecordQuery } from '../workflows/messages';
import { OrderIdKey, OrderStateKey } from '../workflows/search-attributes';
import type { OrderSummary } from '../workflows/types';

/**
 * The TMF622 resources on Ordo's client calls (docs/api.md): a ProductOrder is an Ordo order, read from its summary
 * and its record; a CancelProductOrder is the order's cancellation (one per order, so its id is the order's).
 */

export const BASE_PATH = '/tmf-api/productOrderingManagement/v4';

const TMF_ACTIONS: Record<string, string> = { Add: 'add', Amend: 'modify', Cancel: 'delete', NoChange: 'noChange', Return: 'return' };

/** A ProductOrder as the API answers it: TMF's fields, and Ordo's own under `ordo:` names. */
export function productOrderOf(summary: OrderSummary, order: Order | undefined): Record<string, unknown> {
  // An item's delivery address is its group's (TMF's product.place, role deliveryAddress; domain/tmf622.ts).
  const placeOf = (itemId: string) => {
    const groupId = order ? deliveryGroupOf(order, itemId) : undefined;
    const address = order?.deliveryGroups?.find((group) => group.id === groupId)?.address;
    return groupId && address ? { place: [deliveryPlaceOf(groupId, address)] } : {};
  };
  return {
    id: summary.orderId,
    href: `${BASE_PATH}/productOrder/${summary.orderId}`,
    '@type': 'ProductOrder',
    externalId: summary.orderId,
    state: tmfState(summary.state),
    'ordo:state': summary.state,
    ...(summary.reason ? { 'ordo:stateReason': summary.reason } : {}),
    // The approval the catalog asks for (POST productOrder/{id}/approval, api/approvals.ts): who may give it, its state.
    ...(summary.approval ? { 'ordo:approval': summary.approval } : {}),
    ...(summary.submittedAt ? { orderDate: summary.submittedAt } : {}),
    ...(summary.completedAt ? { completionDate: summary.completedAt } : {}),
    relatedParty: [{ id: summary.accountId, role: 'customer', '@referredType': 'Organization' }],
    channel: [{ name: summary.channel }],
    productOrderItem: (order?.items ?? []).map((item) => ({
      id: item.id,
      action: TMF_ACTIONS[item.action ?? 'Add'] ?? 'add',
      quantity: item.quantity,
      product: { id: item.product, ...(item.attributes ? { productCharacteristic: Object.entries(item.attributes).map(([name, value]) => ({ name, value })) } : {}), ...placeOf(item.id) },
      itemPrice: [{ priceType: 'oneTime', price: { dutyFreeAmount: { unit: summary.currency, value: Number(item.unitPrice) } } }],
      ...(item.parentItemId ? { productOrderItemRelationship: [{ id: item.parentItemId, relationshipType: 'bundled' }] } : {}),
      ...(summary.pointOfNoReturn?.some((p) => p.orderItemId === item.id) ? { 'ordo:pointOfNoReturn': true } : {}),
    })),
    'ordo:jeopardy': summary.jeopardy,
    'ordo:fallout': summary.fallout,
    'ordo:invoices': summary.invoices.map((invoice) => ({ id: invoice.id, kind: invoice.kind, total: invoice.total })),
  };
}

export async function readProductOrder(client: OrdoClient, orderId: string): Promise<Record<string, unknown>> {
  const summary = await client.getSummary(orderId);
  return productOrderOf(summary, await orderRecord(client, orderId));
}

async function orderRecord(client: OrdoClient, orderId: string): Promise<Order | undefined> {
  try {
    return (await client.temporal.workflow.getHandle(orderWorkflowId(orderId)).query(orderRecordQuery)).order;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * POST /productOrder: checked as the CLI checks (problems named in the ProductOrder's words), then started. The same
 * order id again: the same body answers the order (200), a different one is refused (409).
 */
export async function createProductOrder(client: OrdoClient, body: Record<string, unknown>): Promise<{ created: boolean; productOrder: Record<string, unknown> }> {
  const { order: candidate, tmfPath } = orderFromProductOrder(body);
  let order: Order;
  try {
    order = checkOrder(candidate, client.catalog);
  } catch (error) {
    if (error instanceof OrdoError && error.problems.length) {
      const problems = error.problems.map((p) => ({ ...p, path: tmfPath(p.path) }));
      throw new OrdoError('invalid', `the ProductOrder is invalid:\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}`).join('\n')}`, problems);
    }
    throw error;
  }
  try {
    await client.startOrder(order);
    return { created: true, productOrder: await readProductOrder(client, order.id) };
  } catch (error) {
    if (!(error instanceof OrdoError && error.code === 'already-exists')) throw error;
    const existing = await orderRecord(client, order.id);
    if (existing && canonicalJson(existing) === canonicalJson(order)) return { created: false, productOrder: await readProductOrder(client, order.id) };
    throw new OrdoError(
      'already-exists',
      `order ${order.id} was already submitted with a different body (or amended since); GET productOrder/${order.id} shows it, PATCH amends it, or use a new externalId`,
    );
  }
}

/** GET /productOrder: orders from visibility, newest first, optionally in one TMF state. */
export async function listProductOrders(client: OrdoClient, options: { state?: string; limit: number }): Promise<Array<Record<string, unknown>>> {
  const where = ['WorkflowType = "OrderWorkflow"'];
  if (options.state) {
    const ordoStates = Object.entries(TMF_STATE).filter(([, tmf]) => tmf === options.state).map(([ordo]) => ordo);
    if (!ordoStates.length) throw new OrdoError('invalid', `state "${options.state}" is not a TMF622 state: use one of ${[...new Set(Object.values(TMF_STATE))].join(', ')}`, [{ path: 'state', message: 'unknown state' }]);
    where.push(`OrderState IN (${ordoStates.map((s) => `"${s}"`).join(', ')})`);
  }
  const rows: Array<Record<string, unknown>> = [];
  for await (const execution of client.temporal.workflow.list({ query: where.join(' AND ') })) {
    const attributes = execution.typedSearchAttributes;
    const id = attributes.get(OrderIdKey) ?? execution.workflowId.replace(/^order-/, '');
    const state = attributes.get(OrderStateKey) ?? 'acknowledged';
    rows.push({ id, href: `${BASE_PATH}/productOrder/${id}`, '@type': 'ProductOrder', state: tmfState(state), 'ordo:state': state, orderDate: execution.startTime.toISOString() });
    if (rows.length >= options.limit) break;
  }
  return rows;
}

/**
 * PATCH /productOrder/{id}: Ordo's amendment (`{ actions: [...] }`, docs/api.md "Amending"), before the point of no
 * return; after it, 409 ChangeOrderRequired. The actor is the API key's name unless the body names one. A delivery
 * address may change TMF's way (an item's product.place) or as a POST gives it (ordo.deliveryGroups): see
 * amendmentFromPatch. Problems are named in the body's words.
 */
export async function amendProductOrder(client: OrdoClient, orderId: string, body: Record<string, unknown>, keyName: string, signer?: () => OperatorSigner | undefined) {
  // An address change reads the order: the group an item ships to, and the groups it has.
  const order = body.productOrderItem !== undefined || body.ordo !== undefined ? await orderRecord(client, orderId) : undefined;
  const { amendment, problems, tmfPath } = amendmentFromPatch(body, order);
  if (problems.length) throw new OrdoError('invalid', renderProblems(`the amendment of ProductOrder ${orderId}`, problems), problems);
  let answer;
  try {
    answer = await amendOrder(client, orderId, { actor: keyName, ...amendment }, signer?.());
  } catch (error) {
    // A problem of an action this body's places or extension made is named where the body gave it.
    if (error instanceof OrdoError && error.problems.some((p) => tmfPath(p.path) !== p.path)) {
      const named = error.problems.map((p) => ({ ...p, path: tmfPath(p.path) }));
      throw new OrdoError(error.code, renderProblems(`the amendment of ProductOrder ${orderId}`, named), named);
    }
    throw error;
  }
  return { ...(await readProductOrder(client, orderId)), 'ordo:amendment': answer };
}

/** POST /cancelProductOrder: the order's cancellation, weighed against the point of no return by the order. */
export async function cancelProductOrder(client: OrdoClient, body: Record<string, unknown>, keyName: string, signer?: () => OperatorSigner | undefined): Promise<Record<string, unknown>> {
  const productOrder = body.productOrder as { id?: unknown } | undefined;
  if (typeof productOrder?.id !== 'string' || !productOrder.id) {
    throw new OrdoError('invalid', 'productOrder.id is required: name the order to cancel, e.g. { "productOrder": { "id": "ORD-1" }, "cancellationReason": "…" }', [{ path: 'productOrder.id', message: 'is required', fix: 'give the id of the order to cancel' }]);
  }
  if (typeof body.cancellationReason !== 'string' || !body.cancellationReason.trim()) {
    throw new OrdoError('invalid', 'cancellationReason is required: say why the order is cancelled', [{ path: 'cancellationReason', message: 'is required', fix: 'say why the order is cancelled' }]);
  }
  await cancelOrder(client, productOrder.id, { reason: body.cancellationReason, actor: keyName }, signer?.());
  return readCancellation(client, productOrder.id);
}

/** GET /cancelProductOrder/{id}: `inProgress` while the order is being cancelled, `done` once it is. */
export async function readCancellation(client: OrdoClient, orderId: string): Promise<Record<string, unknown>> {
  const summary = await client.getSummary(orderId);
  const cancellation = summary.cancellation;
  if (!cancellation) throw new OrdoError('not-found', `order ${orderId} has no cancellation: POST cancelProductOrder asks for one`);
  return {
    id: orderId,
    href: `${BASE_PATH}/cancelProductOrder/${orderId}`,
    '@type': 'CancelProductOrder',
    state: summary.state === 'cancelled' ? 'done' : 'inProgress',
    cancellationReason: cancellation.reason,
    requestedCancellationDate: cancellation.requestedAt,
    ...(cancellation.completedAt ? { effectiveCancellationDate: cancellation.completedAt } : {}),
    productOrder: { id: orderId, href: `${BASE_PATH}/productOrder/${orderId}`, state: tmfState(summary.state) },
  };
}
