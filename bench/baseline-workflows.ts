import {
  ApplicationFailure,
  condition,
  defineSignal,
  defineUpdate,
  executeChild,
  getExternalWorkflowHandle,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BaselineActivities, CalloutCall } from './baseline-activities';
import type { BaselineLine, BaselineOrder, BaselineSplit } from './baseline-plan';

/**
 * The like-for-like baseline: the laptop order as an engineer would write it by hand on Temporal, with no catalog
 * and no engine. The order plans in a local activity (the availability call), runs one child workflow per split,
 * and invoices in a local activity; each child makes the same calls as Ordo's split, with the same keys; milestones
 * are plain code. The point of no return is kept as Ordo keeps it: the split asks the order before it ships and the
 * order alone decides against a cancellation (two signals). By hand it cannot be had for less: an update sent from
 * an activity writes the activity's events besides the update's, and a local activity would hold the split's
 * workflow-task slot while the order needs one to answer.
 */

const { planOrder, issueInvoice } = proxyLocalActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });
const { callout, pickList, notifyCustomer } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

export const baselinePonrRequest = defineSignal<[{ splitId: string; stepId: string }]>('baselinePonrRequest');
export const baselinePonrDecision = defineSignal<[{ stepId: string; granted: boolean }]>('baselinePonrDecision');
/** Cancels the order unless a split has passed its point of no return (then refused: nothing is written). */
export const baselineCancel = defineUpdate<'cancelled', [string]>('baselineCancel');

export interface BaselineResult {
  state: 'completed' | 'cancelled';
  childIds: string[];
  invoiceId?: string;
}

export const baselineChildId = (orderWorkflowId: string, splitId: string) => `${orderWorkflowId}/${splitId}`;

export async function BaselineOrderWorkflow(order: BaselineOrder): Promise<BaselineResult> {
  const { workflowId } = workflowInfo();
  let cancelled = false;
  const pastPonr = new Set<string>();
  setHandler(baselinePonrRequest, ({ splitId, stepId }) => {
    const granted = !cancelled;
    if (granted) pastPonr.add(stepId);
    // A split that is gone (terminated) needs no answer.
    getExternalWorkflowHandle(baselineChildId(workflowId, splitId)).signal(baselinePonrDecision, { stepId, granted }).catch(() => undefined);
  });
  setHandler(baselineCancel, (_reason: string) => ((cancelled = true), 'cancelled' as const), {
    validator: (_reason: string) => {
      if (pastPonr.size > 0) throw ApplicationFailure.nonRetryable(`order ${order.id} is past the point of no return (${[...pastPonr].join(', ')})`, 'PastPointOfNoReturn');
    },
  });

  const splits = await planOrder(order);
  const childIds = splits.map((split) => baselineChildId(workflowId, split.id));
  const outcomes = await Promise.all(splits.map((split, i) => runSplit(order.id, split, childIds[i])));
  if (cancelled || outcomes.includes('cancelled')) return { state: 'cancelled', childIds };
  const invoice = await issueInvoice(order);
  return { state: 'completed', childIds, invoiceId: invoice.id };
}

type SplitInput<K extends BaselineSplit['kind']> = { orderId: string; split: Extract<BaselineSplit, { kind: K }> };
type SplitOutcome = 'completed' | 'cancelled';

function runSplit(orderId: string, split: BaselineSplit, workflowId: string): Promise<SplitOutcome> {
  if (split.kind === 'device') return executeChild(DeviceDeliveryWorkflow, { workflowId, args: [{ orderId, split }] });
  if (split.kind === 'license') return executeChild(LicenseActivationWorkflow, { workflowId, args: [{ orderId, split }] });
  return executeChild(WarrantyRegistrationWorkflow, { workflowId, args: [{ orderId, split }] });
}

/** Per laptop: reserve → pick; per bundle: ask the order, then ship; then the `shipped` milestone. */
export async function DeviceDeliveryWorkflow({ orderId, split }: SplitInput<'device'>): Promise<SplitOutcome> {
  const decisions = new Map<string, boolean>(); // ship step id → whether the order let it pass
  setHandler(baselinePonrDecision, ({ stepId, granted }) => void decisions.set(stepId, granted));
  const picks = new Map<string, unknown>(); // pick step id → pick list
  await Promise.all(split.lines.map(async (line) => {
    await callout(call(orderId, split, `device-delivery.reserve[${line.id}]`, 'inventory', 'reserve', [line], {}));
    picks.set(`device-delivery.pick[${line.id}]`, await pickList({ orderId, fulfillmentOrderId: split.id, location: split.location, lines: [line] }));
  }));
  const parent = getExternalWorkflowHandle(workflowInfo().parent!.workflowId);
  const bundles = [...new Set(split.lines.map((l) => l.bundleId))];
  const outcomes = await Promise.all(bundles.map(async (bundleId): Promise<SplitOutcome> => {
    const lines = split.lines.filter((l) => l.bundleId === bundleId);
    const stepId = `device-delivery.ship[${bundleId}]`;
    await parent.signal(baselinePonrRequest, { splitId: split.id, stepId });
    await condition(() => decisions.has(stepId));
    if (!decisions.get(stepId)) return 'cancelled';
    const input = Object.fromEntries(lines.map((l) => [`device-delivery.pick[${l.id}]`, picks.get(`device-delivery.pick[${l.id}]`)]));
    await callout(call(orderId, split, stepId, 'shipping', 'ship', lines, input));
    return 'completed';
  }));
  // The `shipped` milestone: reached when every bundle has shipped, no activity.
  return outcomes.includes('cancelled') ? 'cancelled' : 'completed';
}

/** Per licence: activate; then tell the customer. */
export async function LicenseActivationWorkflow({ orderId, split }: SplitInput<'license'>): Promise<SplitOutcome> {
  await Promise.all(split.lines.map((line) => callout(call(orderId, split, `license-activation.activate[${line.id}]`, split.system, 'activate', [line], {}))));
  await notifyCustomer({ orderId, fulfillmentOrderId: split.id, lines: split.lines });
  return 'completed';
}

/** Per warranty: register; then the `confirmed` milestone (no activity). */
export async function WarrantyRegistrationWorkflow({ orderId, split }: SplitInput<'warranty'>): Promise<SplitOutcome> {
  await Promise.all(split.lines.map((line) => callout(call(orderId, split, `warranty-registration.register[${line.id}]`, split.system, 'register', [line], {}))));
  return 'completed';
}

/** A callout as Ordo's split sends it (workflows/steps.ts): the same key and body fields. */
function call(orderId: string, split: BaselineSplit, stepId: string, system: string, operation: string, lines: BaselineLine[], input: Record<string, unknown>): CalloutCall {
  const common = {
    orderId,
    fulfillmentOrderId: split.id,
    stepId,
    ...(split.kind === 'device' ? { location: split.location } : { system: split.system }),
    lineItems: lines,
    input,
  };
  const body =
    split.kind === 'device'
      ? { ...common, deliveryGroupId: split.deliveryGroupId, ...(split.deliveryAddress ? { deliveryAddress: split.deliveryAddress } : {}), items: stockItems(lines) }
      : common;
  return { system, operation, idempotencyKey: `${orderId}/${split.id}/${stepId}`, body };
}

/** What the laptops take from stock, by product: the body inventory reserves by. */
function stockItems(lines: BaselineLine[]): Array<{ product: string; quantity: number }> {
  const totals = new Map<string, number>();
  for (const l of lines) for (const [product, quantity] of Object.entries(l.orderedProducts ?? {})) totals.set(product, (totals.get(product) ?? 0) + quantity);
  return [...totals].map(([product, quantity]) => ({ product, quantity }));
}
