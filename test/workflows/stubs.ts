import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { billDateOf, refusedAsInvalidInput, subscriptionActivities } from '../../activities/billing/subscriptions';
import type { OrderEventActivities, OrdoActivities, PaymentActivities, SubscriptionActivities, SubscriptionBilling } from '../../activities/types';
import type { Catalog } from '../../domain/catalog';
import type { LoadedConfig } from '../../config/load';
import { buildInvoice } from '../../domain/invoice';
import type { QueueDirectory } from '../../domain/queues';
import { billDue, changeSubscription, usageWindowsDue, type Subscription } from '../../domain/subscription';
import type { UsageRecord } from '../../domain/usage';
import { joinAccountWorkSignal } from '../../workflows/messages';

/**
 * Plain-function activities under the real activity names (activities/index.ts), for the workflow tests.
 * Decomposition is the real one (pure: no inventory system is configured); everything that would reach a
 * system answers at once and is recorded, with the test server's clock, so a test can say what ran when.
 */

type Stub<F> = F extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> | R : never;
/** The activities a lane's worker has: Ordo's, and of billing over time the subscription's and the payment method's. */
export type StubbedActivities = OrdoActivities & SubscriptionActivities & Pick<PaymentActivities, 'savePaymentMethod'> & OrderEventActivities;
export type ActivityStubs = { [Name in keyof StubbedActivities]?: Stub<StubbedActivities[Name]> };
export type ActivityName = keyof StubbedActivities;

export interface StubCall {
  activity: ActivityName;
  /** The test server's time when the call came (workflow time, which the server skips ahead). */
  at: number;
  input: unknown;
}

export interface StubCalls {
  all: StubCall[];
  of(activity: ActivityName): StubCall[];
}

export interface StubContext {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  catalog: Catalog;
  queues: QueueDirectory;
  billing: LoadedConfig['billing'];
  /** The account workflow's joins per run (it continues as new after that many); absent, its own default. */
  accountJoinsPerRun?: number;
  /** The usage records billing would answer for a subscription's usage windows (by item and date). */
  usage?: UsageRecord[];
}

export function stubActivities(context: StubContext, overrides: ActivityStubs = {}): { activities: StubbedActivities; calls: StubCalls } {
  const real = createActivities({ config: { systems: {}, billing: context.billing, queues: context.queues }, catalog: context.catalog });
  // Subscriptions are made and started as the worker does (the lane's client starts and updates them); billing is the
  // pure domain's, with the lane's usage, and sends nothing.
  const subscriptions = subscriptionActivities({
    config: { systems: {}, billing: context.billing },
    catalog: context.catalog,
    temporal: { client: context.env.client, taskQueue: context.taskQueue },
  });
  const defaults: Required<ActivityStubs> = {
    decomposeOrder: real.decomposeOrder,
    callout: () => ({}),
    runAutoTask: () => ({}),
    sendAlert: () => undefined,
    assignManualTask: (request) => (request.policy === 'none' ? undefined : request.members[0]),
    loadChangeContext: () => {
      throw new Error('loadChangeContext is not stubbed in this test');
    },
    joinAccountWork: (request) => joinAccountWorkAs(context, request),
    issueChangeBilling: () => [],
    issueInvoice: (request) => buildInvoice(request.order, context.billing, { id: `STUB-${request.order.id}-${request.sequence}`, kind: request.kind, billedElsewhere: request.billedElsewhere }),
    pollChannels: (request) => ({ newOrders: [], storefrontCursor: request.storefrontCursor, reorders: [] }),
    startChannelSyncs: (request) => request.syncs.map((sync) => ({ workflowId: `${sync.process}-${sync.sourceId}`, started: true })),
    prepareSubscription: subscriptions.prepareSubscription,
    billSubscription: ({ subscription, asOf }) => billWithDomain(context, subscription, asOf),
    billSubscriptionChange: ({ subscription, change }) => {
      const run = refusedAsInvalidInput(() => changeSubscription(subscription, change, context.billing));
      const documents = [run.creditMemo, run.invoice].filter((d) => d !== undefined);
      return { next: run.next, issued: documents.map((d) => ({ id: d.id, kind: d.kind, date: change.effectiveDate, total: d.total })) };
    },
    startRenewalOrder: ({ order }) => ({ orderId: order.id, workflowId: `order-${order.id}`, existing: false }),
    startSubscription: subscriptions.startSubscription,
    sendSubscriptionChange: subscriptions.sendSubscriptionChange,
    savePaymentMethod: () => undefined,
    notifyOrderEvent: () => ({ delivered: 0 }),
  };
  const all: StubCall[] = [];
  const activities = Object.fromEntries(
    (Object.keys(defaults) as ActivityName[]).map((name) => {
      const implementation = (overrides[name] ?? defaults[name]) as (...args: unknown[]) => unknown;
      const recorded = async (...args: unknown[]) => {
        all.push({ activity: name, at: await context.env.currentTimeMs(), input: args[0] });
        return implementation(...args);
      };
      return [name, recorded];
    }),
  ) as unknown as StubbedActivities;
  return { activities, calls: { all, of: (activity) => all.filter((call) => call.activity === activity) } };
}

/** Account ids built here, not by the workflows: the order keeps whatever id its join answers. */
export const testAccountWorkflowId = (taskQueue: string, accountId: string, destination: string) => `${taskQueue}/account/${accountId}/${destination}`;

/**
 * What the real activity does (signal-with-start of the account's workflow), with the workflow's
 * `joinsPerRun` as the test sets it, so continue-as-new can come after a few joins.
 */
async function joinAccountWorkAs(context: StubContext, request: Parameters<OrdoActivities['joinAccountWork']>[0]): Promise<string> {
  const workflowId = testAccountWorkflowId(context.taskQueue, request.accountId, request.destination);
  await context.env.client.workflow.signalWithStart('AccountFulfillmentWorkflow', {
    workflowId,
    taskQueue: context.taskQueue,
    args: [{ accountId: request.accountId, destination: request.destination, joinsPerRun: context.accountJoinsPerRun }],
    signal: joinAccountWorkSignal,
    signalArgs: [request.join],
  });
  return workflowId;
}

/** What billSubscription does, without billing: the pure domain's run, with the lane's usage records of each window. */
function billWithDomain(context: StubContext, subscription: Subscription, asOf: string): SubscriptionBilling {
  const windows = usageWindowsDue(subscription, asOf);
  const usage = (context.usage ?? []).filter((record) => windows.some((w) => w.itemId === record.itemId && w.from <= record.date && record.date <= w.to));
  const run = refusedAsInvalidInput(() => billDue(subscription, asOf, usage, context.billing));
  return { next: run.next, issued: run.invoices.map((invoice) => ({ id: invoice.id, kind: invoice.kind, date: billDateOf(invoice), total: invoice.total })) };
}
