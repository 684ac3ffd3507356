import { proxyActivities } from '@temporalio/workflow';
import type { OrdoActivities } from '../activities/types';
import type { StepDefinition } from '../domain/catalog';
import type { FulfillmentLineItem, FulfillmentOrder, Plan } from '../domain/plan';
import { compensationCallKey } from '../domain/step-keys';
import { now } from './clock';
import type { CompensationRecord, FulfillmentOrderPlan, StepStatus } from './types';

// A compensation gets a few tries of its own; one that still fails is recorded, and the rest go on.
const { callout: compensate } = proxyActivities<OrdoActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

/** Where a step ran: its split and the line items it worked on (as they were then). */
interface Ran {
  fulfillmentOrder: Pick<FulfillmentOrder, 'id' | 'location' | 'system' | 'deliveryGroupId'>;
  lineItems: FulfillmentLineItem[];
}

/** Undoes one completed step with its `compensate` call; undefined when it has none. */
export async function compensateStep(orderId: string, where: Ran, step: StepStatus, definition: StepDefinition | undefined): Promise<CompensationRecord | undefined> {
  const call = definition?.compensate;
  if (!call) return undefined;
  const fo = where.fulfillmentOrder;
  const record: CompensationRecord = { fulfillmentOrderId: fo.id, stepId: step.id, call, state: 'Completed', at: now() };
  try {
    await compensate({
      call,
      idempotencyKey: compensationCallKey(orderId, fo.id, step),
      body: {
        orderId,
        fulfillmentOrderId: fo.id,
        stepId: step.id,
        compensating: step.id,
        location: fo.location,
        system: fo.system,
        deliveryGroupId: fo.deliveryGroupId,
        lineItems: where.lineItems,
        // What the step answered (a reservation id, a tracking number) is what its undo needs.
        input: { [step.id]: step.output },
      },
    });
  } catch (error) {
    record.state = 'Failed';
    record.error = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
  }
  record.at = now();
  return record;
}

/**
 * Undoes the completed steps of a cancelled order that say how (`compensate`), newest first across every
 * split: reverse execution order, so a shipment is cancelled before its reservation is released.
 */
export async function compensateCompletedSteps(orderId: string, plan: Plan, finalPlans: Iterable<FulfillmentOrderPlan>): Promise<CompensationRecord[]> {
  const done: Array<{ fo: FulfillmentOrderPlan; step: StepStatus }> = [];
  for (const fo of finalPlans) for (const step of fo.steps) if (step.state === 'Completed') done.push({ fo, step });
  done.sort((a, b) => (b.step.completedAt ?? '').localeCompare(a.step.completedAt ?? '') || b.fo.steps.indexOf(b.step) - a.fo.steps.indexOf(a.step));

  const records: CompensationRecord[] = [];
  for (const { fo, step } of done) {
    const planned = plan.fulfillmentOrders.find((f) => f.id === fo.fulfillmentOrderId);
    if (!planned) continue;
    const lineItems = planned.lineItems.filter((li) => step.lineItemIds.includes(li.id));
    const record = await compensateStep(orderId, { fulfillmentOrder: planned, lineItems }, step, planned.definitions[step.definition]);
    if (record) records.push(record);
  }
  return records;
}
