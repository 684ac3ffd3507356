import { proxyActivities } from '@temporalio/workflow';
import type { OrdoActivities } from '../activities';
import type { Plan } from '../domain/plan';
import { now } from './clock';
import type { CompensationRecord, FulfillmentOrderPlan, StepStatus } from './types';

// A compensation gets a few tries of its own; one that still fails is recorded, and the rest go on.
const { callout: compensate } = proxyActivities<OrdoActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

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
    const call = planned?.definitions[step.definition]?.compensate;
    if (!planned || !call) continue;
    const record: CompensationRecord = { fulfillmentOrderId: fo.fulfillmentOrderId, stepId: step.id, call, state: 'Completed', at: now() };
    try {
      await compensate({
        call,
        idempotencyKey: `${orderId}/${fo.fulfillmentOrderId}/${step.id}/compensate`,
        body: {
          orderId,
          fulfillmentOrderId: fo.fulfillmentOrderId,
          stepId: step.id,
          compensating: step.id,
          location: planned.location,
          system: planned.system,
          deliveryGroupId: planned.deliveryGroupId,
          lineItems: planned.lineItems.filter((li) => step.lineItemIds.includes(li.id)),
          // What the step answered (a reservation id, a tracking number) is what its undo needs.
          input: { [step.id]: step.output },
        },
      });
    } catch (error) {
      record.state = 'Failed';
      record.error = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    }
    record.at = now();
    records.push(record);
  }
  return records;
}
