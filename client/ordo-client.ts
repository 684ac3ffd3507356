import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type QueryDefinition } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { connectionOptions, dataConverterFor } from '../config/connection';
import type { LoadedConfig } from '../config/load';
import type { Catalog } from '../domain/catalog';
import { fulfillmentOrderPlanQuery, orderPlanQuery, summaryQuery } from '../workflows/messages';
import { orderWorkflowId } from '../workflows/ids';
import { FINAL_ORDER_STATES, type ChangeOrderEntry, type FulfillmentOrderPlan, type OrderPlanView, type OrderSummary } from '../workflows/types';
import type { Invoice } from '../domain/invoice';
import { netBilled } from '../domain/change-order';
import { InvalidInput } from '../domain/problems';
import { loadChangeContext } from '../activities/change-context';
import { startOrderWorkflow } from '../activities/start-order-workflow';
import { checkOrder } from './check-order';
import { OrdoError } from './errors';

export interface StartedOrder {
  orderId: string;
  workflowId: string;
  runId: string;
}

/**
 * The typed API upstream systems (CPQ, storefronts, change-order systems), the CLI and the console use.
 * Bad input is refused here, before any workflow starts, with every problem named.
 */
export class OrdoClient {
  constructor(
    readonly temporal: Client,
    readonly taskQueue: string,
    /** With a catalog, an order is also decomposed before it starts, so a missing rule is refused at submission. */
    readonly catalog?: Catalog,
  ) {}

  static async connect(config: Pick<LoadedConfig, 'temporal' | 'encryption' | 'keyringFile'>, catalog?: Catalog): Promise<OrdoClient> {
    let connection: Connection;
    try {
      connection = await Connection.connect({ ...connectionOptions(config.temporal), connectTimeout: '5 seconds' });
    } catch (error) {
      throw new OrdoError('unavailable', `cannot reach Temporal at ${config.temporal.address}: ${(error as Error).message}. Start the stack with \`ordo stack up --detach\` or set TEMPORAL_ADDRESS.`);
    }
    // After connecting: with no server, "start the stack" is the first thing to say (`ordo stack up` makes the keyring too).
    let dataConverter: DataConverter;
    try {
      dataConverter = dataConverterFor(config);
    } catch (error) {
      await connection.close();
      throw error;
    }
    return new OrdoClient(new Client({ connection, namespace: config.temporal.namespace, dataConverter }), config.temporal.taskQueue, catalog);
  }

  async close(): Promise<void> {
    await this.temporal.connection.close();
  }

  /** Validates and starts an order. An order id can be submitted once; a second submission is refused. */
  async startOrder(input: unknown): Promise<StartedOrder> {
    const order = checkOrder(input, this.catalog);
    // A change order is checked against its original here too, so a bad one never starts.
    if (order.changeOf) await invalidAsOrdoError(() => loadChangeContext(this.temporal, order));
    try {
      const { workflowId, runId } = await startOrderWorkflow(this.temporal, this.taskQueue, order);
      return { orderId: order.id, workflowId, runId };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        throw new OrdoError('already-exists', `order ${order.id} was already submitted; use a new order id, or \`ordo status ${order.id}\` to see it`);
      }
      throw error;
    }
  }

  /** The Order Summary, with the live step counts of splits still running. */
  async getSummary(orderId: string): Promise<OrderSummary> {
    const summary = await this.queryOrder(orderId, summaryQuery);
    await Promise.all(
      summary.fulfillmentOrders
        .filter((fo) => fo.state === 'inProgress' || fo.state === 'held')
        .map(async (fo) => {
          const live = await this.queryFulfillmentOrder(fo.workflowId);
          if (live) {
            fo.steps = live.counts;
            fo.state = live.state;
          }
        }),
    );
    summary.jeopardy = summary.fulfillmentOrders.reduce((n, fo) => n + fo.steps.inJeopardy, 0);
    summary.fallout = summary.fulfillmentOrders.reduce((n, fo) => n + fo.steps.fatallyFailed, 0);
    if (!summary.changeOf) await this.addChangeOrders(summary);
    return summary;
  }

  /**
   * The original order's workflow may have finished long before its change orders come: they are found
   * through the ChangeOf search attribute, and the net billed amount is summed over every document.
   */
  private async addChangeOrders(summary: OrderSummary): Promise<void> {
    const entries: Array<ChangeOrderEntry & { invoices: Invoice[] }> = [];
    for await (const execution of this.temporal.workflow.list({ query: `ChangeOf = "${summary.orderId}" AND WorkflowType = "OrderWorkflow"` })) {
      const change = await this.temporal.workflow.getHandle(execution.workflowId).query(summaryQuery);
      entries.push({
        orderId: change.orderId,
        state: change.state,
        submittedAt: change.submittedAt,
        actions: change.actions.map((a) => ({ type: a.type, itemIds: a.itemIds })),
        documents: change.invoices.map((d) => ({ id: d.id, kind: d.kind, total: d.total })),
        invoices: change.invoices,
      });
    }
    entries.sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
    summary.changeOrders = entries.map(({ invoices: _, ...entry }) => entry);
    const documents = [...summary.invoices, ...entries.flatMap((e) => e.invoices)];
    if (documents.length) summary.netBilled = netBilled(documents, summary.currency);
  }

  /** The plan: every step of every split with its state, from the splits themselves while they run. */
  async getPlan(orderId: string): Promise<OrderPlanView> {
    const view = await this.queryOrder(orderId, orderPlanQuery);
    const known = new Map(view.fulfillmentOrders.map((fo) => [fo.fulfillmentOrderId, fo]));
    const summary = await this.queryOrder(orderId, summaryQuery);
    const plans = await Promise.all(
      summary.fulfillmentOrders.map(async (fo) => known.get(fo.id) ?? (await this.queryFulfillmentOrder(fo.workflowId))),
    );
    return { ...view, fulfillmentOrders: plans.filter((p): p is FulfillmentOrderPlan => p !== undefined) };
  }

  /** Waits until the order reaches a final state (completed, rejected, cancelled, failed, partial) and answers its summary. */
  async waitForCompletion(orderId: string, options: { timeoutMs?: number } = {}): Promise<OrderSummary> {
    const handle = this.temporal.workflow.getHandle(orderWorkflowId(orderId));
    const result = handle.result();
    const timeout = options.timeoutMs;
    if (timeout === undefined) await this.notFoundAsOrdoError(orderId, result);
    else {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeout)));
      const outcome = await Promise.race([this.notFoundAsOrdoError(orderId, result), expired]).finally(() => clearTimeout(timer));
      if (outcome === 'timeout') throw new OrdoError('timeout', `order ${orderId} is not done after ${timeout} ms; \`ordo status ${orderId}\` shows where it is`);
    }
    return this.getSummary(orderId);
  }

  isFinal(summary: OrderSummary): boolean {
    return FINAL_ORDER_STATES.has(summary.state);
  }

  private async queryOrder<T>(orderId: string, query: QueryDefinition<T>): Promise<T> {
    return this.notFoundAsOrdoError(orderId, this.temporal.workflow.getHandle(orderWorkflowId(orderId)).query(query));
  }

  private async queryFulfillmentOrder(workflowId: string): Promise<FulfillmentOrderPlan | undefined> {
    try {
      return await this.temporal.workflow.getHandle(workflowId).query(fulfillmentOrderPlanQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  private async notFoundAsOrdoError<T>(orderId: string, promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new OrdoError('not-found', `no order ${orderId} is known to Temporal; check the id, or submit it with \`ordo submit\``);
      throw error;
    }
  }
}

async function invalidAsOrdoError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidInput) throw new OrdoError('invalid', error.message, error.problems);
    throw error;
  }
}
