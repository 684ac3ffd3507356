/**
 * A workflow bundle entry for test/replay/later-patch.test.ts: Ordo's versioned workflow types, each behind a
 * patch added "later" (`test-later-sleep`) whose branch sleeps a millisecond before the real workflow runs,
 * so taking the branch adds a timer command that no recorded history has. The channel syncs, the invoice payment and
 * the scheduler runs carry no behaviour version yet (docs/versioning.md): they are exported as they are, and must
 * replay either way.
 *
 * The patch is asked through the real registry functions (workflows/versions.ts), from the version the real
 * workflow derives the same way, with the registry extended two ways, chosen by the replay's task queue:
 * - registered rightly, at the next behaviour version: every recorded history must still replay;
 * - registered wrongly, at the version histories were recorded with (replayed on a task queue named
 *   `misregistered-…`): they must not, which shows the test can fail.
 */
import { sleep, workflowInfo } from '@temporalio/workflow';
import { AccountFulfillmentWorkflow as account } from '../../../workflows/account-fulfillment';
import { FulfillmentOrderWorkflow as fulfillmentOrder } from '../../../workflows/fulfillment-order';
import { OrderWorkflow as order } from '../../../workflows/order';
import { currentVersion, PATCHES } from '../../../workflows/patches';
import { ChannelIntakeWorkflow as intake } from '../../../workflows/channel-intake';
import { QueueRotationWorkflow as rotation } from '../../../workflows/queue-rotation';
import { SubscriptionWorkflow as subscription } from '../../../workflows/subscription';
import { givenBehaviour, ownBehaviour, type Behaviour } from '../../../workflows/versions';

/** The replay name (hence task queue prefix) that picks the wrong registration. */
export const MISREGISTERED = 'misregistered';
const LATER = 'test-later-sleep';
const why = 'test: sleeps a millisecond before the workflow runs';
const rightly = { ...PATCHES, [LATER]: { since: currentVersion() + 1, why } };
const wrongly = { ...PATCHES, [LATER]: { since: currentVersion(), why } };
const registry = () => (workflowInfo().taskQueue.startsWith(`${MISREGISTERED}-`) ? wrongly : rightly);

async function later(behaviour: Behaviour<keyof typeof rightly>): Promise<void> {
  if (behaviour.has(LATER)) await sleep(1);
}

export async function OrderWorkflow(...args: Parameters<typeof order>): ReturnType<typeof order> {
  await later(ownBehaviour(args[0].behaviourVersion, registry()));
  return order(...args);
}

export async function FulfillmentOrderWorkflow(...args: Parameters<typeof fulfillmentOrder>): ReturnType<typeof fulfillmentOrder> {
  await later(givenBehaviour(args[0].behaviourVersion, registry()));
  return fulfillmentOrder(...args);
}

export async function AccountFulfillmentWorkflow(...args: Parameters<typeof account>): ReturnType<typeof account> {
  await later(ownBehaviour(args[0].behaviourVersion, registry()));
  return account(...args);
}

export async function QueueRotationWorkflow(...args: Parameters<typeof rotation>): ReturnType<typeof rotation> {
  await later(ownBehaviour(args[0]?.behaviourVersion, registry()));
  return rotation(...args);
}

export async function ChannelIntakeWorkflow(...args: Parameters<typeof intake>): ReturnType<typeof intake> {
  await later(ownBehaviour(args[0].behaviourVersion, registry()));
  return intake(...args);
}

export async function SubscriptionWorkflow(...args: Parameters<typeof subscription>): ReturnType<typeof subscription> {
  await later(ownBehaviour(args[0].behaviourVersion, registry()));
  return subscription(...args);
}

export { NewOrderSyncWorkflow } from '../../../workflows/new-order-sync';
export { InvoicePaymentWorkflow } from '../../../workflows/invoice-payment';
export { InvoiceRunWorkflow } from '../../../workflows/invoice-run';
export { PaymentRunWorkflow } from '../../../workflows/payment-run';
export { ReorderSyncWorkflow } from '../../../workflows/reorder-sync';
