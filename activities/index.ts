import { ApplicationFailure, Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { LoadedConfig } from '../config/load';
import { operatorRecordFor } from '../config/operator-keys';
import type { Catalog } from '../domain/catalog';
import { decompose } from '../domain/decompose';
import { billingDocumentId, buildInvoice, invoiceIdempotencyKey, type Invoice } from '../domain/invoice';
import type { Order } from '../domain/order';
import type { Availability, Plan } from '../domain/plan';
import { InvalidInput } from '../domain/problems';
import { changeOrderBilling, type ChangeContext } from '../domain/change-order';
import { slaAlertKey } from '../domain/step-keys';
import { subjectOf, validateOrder } from '../domain/validate-order';
import { catalogGuardProblems } from '../domain/catalog-guards';
import { accountWorkflowId, queueRotationWorkflowId } from '../workflows/ids';
import { joinAccountWorkSignal, nextAssigneeUpdate } from '../workflows/messages';
import { AccountIdKey } from '../workflows/search-attributes';
import { loadChangeContext } from './change-context';
import { channelIntakeActivities } from './channel-intake';
import { builtInHandlers, type HandlerRegistry } from './handlers';
import { recordCheckoutAuthorization } from './billing/payments';
import { sendBillingDocument } from './billing-documents';
import { callSystem, systemEndpoint } from './http';
import { orderHasSubscribers } from './order-events';
import { withHeartbeats } from './heartbeats';
import type {
  AccountWorkJoin,
  AutoTaskRequest,
  CalloutRequest,
  ChangeBillingRequest,
  InvoiceRequest,
  ManualTaskAssignment,
  OrdoActivities,
  SlaAlert,
} from './types';

export interface ActivityDependencies {
  /** `decomposition` may be left out: decomposition then uses its defaults. */
  /** `operators` and `operatorKeysDir`: the operator keys recorded with each plan (config/operator-keys.ts). */
  config: Pick<LoadedConfig, 'systems' | 'billing' | 'queues'> & Partial<Pick<LoadedConfig, 'decomposition' | 'operators' | 'operatorKeysDir' | 'dataDir'>>;
  catalog: Catalog;
  handlers?: HandlerRegistry;
  /** For assignment by load: counts open tasks per member through Temporal visibility. */
  visibility?: { client: Client; taskQueue: string };
}

/** Activities: the only place Ordo does I/O on behalf of a workflow. Built once per worker from its config. */
export function createActivities(deps: ActivityDependencies): OrdoActivities {
  const handlers = { ...builtInHandlers, ...deps.handlers };

  const endpoint = (system: string) => systemEndpoint(deps.config.systems, system);

  return {
    ...channelIntakeActivities({ systems: deps.config.systems, client: deps.visibility?.client }),

    /** Validates and decomposes the order against the worker's catalog and live stock; the plan lands in history. */
    async decomposeOrder(order: Order): Promise<Plan> {
      try {
        const valid = validateOrder(order);
        // The allowed attribute values again, against the worker's catalog: an order or amendment sent around the client
        // meets them too. Prices were checked at submission: an amended order's untouched items keep the price they sold at.
        const outside = catalogGuardProblems(valid, deps.catalog, { prices: false });
        if (outside.length > 0) throw new InvalidInput(subjectOf(valid), outside);
        const availability = deps.config.systems.inventory ? await fetchAvailability(valid) : undefined;
        // The fallout rules and the queue directory travel with the plan, so the workflow decides with what it started with.
        const plan = decompose(valid, deps.catalog, availability, { maxStepsPerFulfillmentOrder: deps.config.decomposition?.maxStepsPerFulfillmentOrder });
        const operators = operatorRecordFor(deps.config);
        const notify = orderHasSubscribers(deps.config.dataDir, valid.id) ? { notifyOrderEvents: true as const } : {};
        return { ...plan, falloutRules: deps.catalog.falloutRules, queues: deps.config.queues, ...(operators ? { operators } : {}), ...notify };
      } catch (error) {
        if (error instanceof InvalidInput) throw ApplicationFailure.nonRetryable(error.message, 'InvalidInput', error.problems);
        throw error;
      }
    },

    async callout(request: CalloutRequest): Promise<unknown> {
      // Heartbeats carry the workflow's cancellation to this call (a cancelled order aborts the request at once).
      return withHeartbeats(() => callSystem({
        system: request.call.system,
        endpoint: endpoint(request.call.system),
        method: 'POST',
        path: encodeURIComponent(request.call.operation),
        body: request.body,
        idempotencyKey: request.idempotencyKey,
        signal: Context.current().cancellationSignal,
      }));
    },

    async runAutoTask(request: AutoTaskRequest): Promise<unknown> {
      const handler = handlers[request.handler];
      if (!handler) {
        throw ApplicationFailure.nonRetryable(
          `no auto-task handler is named "${request.handler}": register it with createActivities({ handlers })`,
          'UnknownHandler',
          { code: 'unknown-handler', handler: request.handler },
        );
      }
      return (await withHeartbeats(async () => handler(request.context))) ?? {};
    },

    /** Posts a jeopardy or late alert to the configured webhook system. */
    async sendAlert(alert: SlaAlert): Promise<void> {
      await callSystem({
        system: 'webhook',
        endpoint: endpoint('webhook'),
        method: 'POST',
        path: 'alerts',
        body: alert,
        idempotencyKey: slaAlertKey(alert),
      });
    },

    /**
     * Picks the member a manual task goes to. `round-robin`: the member after the one who got the queue's
     * last task, kept by the queue's rotation workflow so every order and worker shares one rotation.
     * `least-loaded`: the member with the fewest open tasks, counted through visibility (which lags a
     * little: two tasks assigned within the same second may land on one person). Ties go to the member
     * listed first.
     */
    async assignManualTask(request: ManualTaskAssignment): Promise<string | undefined> {
      if (request.policy === 'none' || request.members.length === 0) return undefined;
      if (!deps.visibility) return request.members[0];
      const { client, taskQueue } = deps.visibility;
      if (request.policy === 'round-robin') {
        return client.workflow.executeUpdateWithStart(nextAssigneeUpdate, {
          args: [request.members],
          startWorkflowOperation: new WithStartWorkflowOperation('QueueRotationWorkflow', {
            workflowId: queueRotationWorkflowId(request.queue),
            taskQueue,
            args: [{}],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        });
      }
      let best: { member: string; load: number } | undefined;
      for (const member of request.members) {
        const { count } = await client.workflow.count(`ManualAssignees = "${member.replace(/"/g, '')}" AND ExecutionStatus = "Running"`);
        if (!best || count < best.load) best = { member, load: count };
      }
      return best?.member;
    },

    /** A change order's original, its invoice and earlier changes, checked against the change; refused as InvalidInput. */
    async loadChangeContext(change: Order): Promise<ChangeContext> {
      if (!deps.visibility) throw ApplicationFailure.nonRetryable('change orders need the worker to have a Temporal client', 'Misconfigured');
      try {
        return await loadChangeContext(deps.visibility.client, change);
      } catch (error) {
        if (error instanceof InvalidInput) throw ApplicationFailure.nonRetryable(error.message, 'InvalidInput', error.problems);
        throw error;
      }
    },

    /**
     * Joins an order to its account's long-running workflow for one destination, starting that workflow
     * if it is not running (signal-with-start: workflows cannot start-and-signal another themselves).
     */
    async joinAccountWork(request: AccountWorkJoin): Promise<string> {
      if (!deps.visibility) throw ApplicationFailure.nonRetryable('account-wide work needs the worker to have a Temporal client', 'Misconfigured');
      const workflowId = accountWorkflowId(request.accountId, request.destination);
      await deps.visibility.client.workflow.signalWithStart('AccountFulfillmentWorkflow', {
        workflowId,
        taskQueue: deps.visibility.taskQueue,
        args: [{ accountId: request.accountId, destination: request.destination }],
        signal: joinAccountWorkSignal,
        signalArgs: [request.join],
        typedSearchAttributes: [{ key: AccountIdKey, value: request.accountId }],
      });
      return workflowId;
    },

    /** Bills a change order's delta (credit memo and/or invoice), each under a key from the change order id. */
    async issueChangeBilling(request: ChangeBillingRequest): Promise<Invoice[]> {
      const { change, context } = request;
      const billing = changeOrderBilling(change, context.original, context.originalInvoice, deps.config.billing, context.previous);
      const documents = [billing.creditMemo, billing.invoice].filter((d): d is Invoice => d !== undefined);
      for (const document of documents) await sendBillingDocument(deps.config.systems, document, invoiceIdempotencyKey(change.id, document.kind));
      return documents;
    },

    /**
     * Builds the invoice from the order items and sends it with a key derived from the order id: never billed twice.
     * Items the order's subscription bills per period (`billedElsewhere`) are on it at 0.00.
     */
    async issueInvoice(request: InvoiceRequest): Promise<Invoice> {
      const id = billingDocumentId(request.order.id, request.kind, request.sequence);
      const invoice = buildInvoice(request.order, deps.config.billing, { id, kind: request.kind, billedElsewhere: request.billedElsewhere });
      await sendBillingDocument(deps.config.systems, invoice, invoiceIdempotencyKey(request.order.id, request.kind, request.sequence));
      await recordCheckoutAuthorization(deps.config.systems, invoice, request.order.payment);
      return invoice;
    },
  };

  async function fetchAvailability(order: Order): Promise<Availability> {
    const products = [...new Set(order.items.map((item) => item.product))].sort();
    return callSystem<Availability>({
      system: 'inventory',
      endpoint: endpoint('inventory'),
      method: 'GET',
      path: `availability?products=${products.map(encodeURIComponent).join(',')}`,
    });
  }
}
