import type { Client } from '@temporalio/client';
import type { Catalog } from '../domain/catalog';
import { OrdoClient } from '../client/ordo-client';
import { accountRunWorkflowId } from '../workflows/ids';
import type { OrderSummary } from '../workflows/types';
import type { BaselineOrder } from './baseline-plan';
import type { BaselineResult } from './baseline-workflows';
import { referenceOrder, type ShapeName } from './shapes';

/** One side of the comparison: how to start an order of the reference shape, and what counts as done. */
export interface Contender {
  name: 'ordo' | 'baseline';
  /** Starts order `orderId`; answers its workflow id. */
  start(orderId: string): Promise<string>;
  /** Waits for the workflow to close: whether it succeeded, and the workflows it ran as children. */
  finish(workflowId: string): Promise<{ ok: boolean; childIds: string[] }>;
}

/** Ordo through its public client: validation, client-side decomposition check, OrderWorkflow. */
export function ordoContender(options: { temporal: Client; taskQueue: string; catalog: Catalog; shape: ShapeName }): Contender {
  const ordo = new OrdoClient(options.temporal, options.taskQueue, options.catalog);
  return {
    name: 'ordo',
    start: async (orderId) => (await ordo.startOrder(referenceOrder(options.shape, orderId))).workflowId,
    async finish(workflowId) {
      const summary = (await options.temporal.workflow.getHandle(workflowId).result()) as OrderSummary;
      // Account-wide work (the SaaS tenant) runs in the account's workflow and its `/run` child (workflows/account-fulfillment.ts).
      const accountIds = (summary.accountShares ?? []).flatMap((share) => [share.workflowId, accountRunWorkflowId(share.workflowId)]);
      return { ok: summary.state === 'completed', childIds: [...summary.fulfillmentOrders.map((fo) => fo.workflowId), ...accountIds] };
    },
  };
}

/** The like-for-like baseline: a client with Temporal's default data converter starts BaselineOrderWorkflow with the same order. */
export function baselineContender(options: { temporal: Client; taskQueue: string; shape: ShapeName }): Contender {
  return {
    name: 'baseline',
    async start(orderId) {
      const handle = await options.temporal.workflow.start('BaselineOrderWorkflow', {
        workflowId: `baseline-${orderId}`,
        taskQueue: options.taskQueue,
        args: [referenceOrder(options.shape, orderId) as unknown as BaselineOrder],
      });
      return handle.workflowId;
    },
    async finish(workflowId) {
      const result = (await options.temporal.workflow.getHandle(workflowId).result()) as BaselineResult;
      return { ok: result.state === 'completed', childIds: result.childIds };
    },
  };
}
