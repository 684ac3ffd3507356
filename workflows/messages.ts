import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FulfillmentOrderPlan, OrderPlanView, OrderSummary, StepCounts, FulfillmentOrderState } from './types';

/**
 * Message definitions shared by the workflows and the client: one typed definition per name of DESIGN.md.
 * The names are public; extend, never rename.
 */

/** Order: the Order Summary. */
export const summaryQuery = defineQuery<OrderSummary>('summary');
/** Order and fulfillment order: every step with its state. The order answers with its view; the client adds live steps. */
export const orderPlanQuery = defineQuery<OrderPlanView>('plan');
export const fulfillmentOrderPlanQuery = defineQuery<FulfillmentOrderPlan>('plan');

/** Internal: a fulfillment order tells its order how it is doing, on the rare transitions that change the summary. */
export interface FulfillmentOrderProgress {
  fulfillmentOrderId: string;
  state: FulfillmentOrderState;
  counts: StepCounts;
}
export const fulfillmentOrderProgressSignal = defineSignal<[FulfillmentOrderProgress]>('fulfillmentOrderProgress');

/** Fulfillment order: an operator resolves a step in fallout. */
export interface ResolveFalloutRequest {
  stepId: string;
  actor: string;
  action: 'retry' | 'complete' | 'skip';
  output?: unknown;
  note?: string;
}
export const resolveFalloutUpdate = defineUpdate<{ accepted: true; stepId: string; action: string }, [ResolveFalloutRequest]>('resolveFallout');
export const resolveFalloutSignal = defineSignal<[ResolveFalloutRequest]>('resolveFallout');
