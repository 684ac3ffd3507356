import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, setHandler, setWorkflowOptions, startChild, workflowInfo } from '@temporalio/workflow';
import { accountFulfillmentOrderId } from '../domain/plan';
import { now } from './clock';
import { autoUpgradeWhenVersioned } from './versioning-behaviour';
import { FulfillmentOrderWorkflow } from './fulfillment-order';
import { accountRunWorkflowId, orderWorkflowId } from './ids';
import {
  accountShareReadySignal,
  accountWorkQuery,
  joinAccountWorkSignal,
  leaveAccountWorkSignal,
  ponrDecisionSignal,
  ponrRequestSignal,
  type AccountJoin,
  type AccountWorkView,
} from './messages';
import { checkedSignal } from './message-checks';
import { QUIET_SPLIT_ATTRIBUTES } from './search-attributes';
import { ownBehaviour } from './versions';

/** Continue as new after this many joins, long before history limits (each join is a signal and a reply). */
const JOINS_PER_RUN = 500;

/**
 * Account-wide fulfillment (DESIGN.md scope `account`): one long-running workflow per (account,
 * destination product). The first order that joins starts the work (its account split runs as a child
 * FulfillmentOrderWorkflow); every order that joins waits for it, and is told when it is done — at once if
 * it already is. An order that is cancelled leaves: only its share is released, the others stay.
 */
export async function AccountFulfillmentWorkflow(input: {
  accountId: string;
  destination: string;
  carried?: AccountWorkView;
  /** Joins per run before continuing as new (tests make it small). */
  joinsPerRun?: number;
  /** Carried from run to run (workflows/versions.ts); absent in the first run and in histories recorded before it. */
  behaviourVersion?: number;
}): Promise<void> {
  const behaviour = ownBehaviour(input.behaviourVersion);
  const joinsPerRun = input.joinsPerRun ?? JOINS_PER_RUN;
  const view: AccountWorkView = input.carried ?? { accountId: input.accountId, destination: input.destination, state: 'pending', shares: [] };
  const joins: AccountJoin[] = [];
  const orderWorkflows = new Map<string, string>();
  let joinsThisRun = 0;

  setHandler(accountWorkQuery, () => view);
  /** A message of the wrong shape (anyone can signal a workflow) is logged and dropped, never thrown. */
  const dropMalformed = (reason: string, _payload: unknown, message: string) => log.warn(`${message} signal refused`, { reason });
  setHandler(joinAccountWorkSignal, checkedSignal('joinAccountWork', dropMalformed, (join) => {
    joinsThisRun++;
    orderWorkflows.set(join.orderId, join.orderWorkflowId);
    const known = view.shares.find((s) => s.orderId === join.orderId);
    if (known && known.state !== 'released') return; // a repeated join does nothing twice
    if (known) Object.assign(known, { state: 'waiting', releasedReason: undefined });
    else view.shares.push({ orderId: join.orderId, state: 'waiting', joinedAt: now() });
    joins.push(join);
    if (view.state === 'completed') tellReady(join.orderId, join.orderWorkflowId);
  }));
  // The account's own work answers to no single order: its point-of-no-return steps go ahead.
  setHandler(ponrRequestSignal, checkedSignal('ponrRequest', dropMalformed, (request) => {
    getExternalWorkflowHandle(view.runWorkflowId!)
      .signal(ponrDecisionSignal, { stepId: request.stepId, granted: true })
      .catch((error: Error) => log.warn('PONR decision not delivered', { error: error.message }));
  }));
  setHandler(leaveAccountWorkSignal, checkedSignal('leaveAccountWork', dropMalformed, ({ orderId, reason }) => {
    const share = view.shares.find((s) => s.orderId === orderId);
    if (share && share.state === 'waiting') Object.assign(share, { state: 'released', releasedReason: reason });
  }));

  function tellReady(orderId: string, orderWorkflowId: string): void {
    const share = view.shares.find((s) => s.orderId === orderId);
    if (!share || share.state !== 'waiting') return;
    share.state = 'ready';
    getExternalWorkflowHandle(orderWorkflowId)
      .signal(accountShareReadySignal, { destination: view.destination, fulfillmentOrderId: accountFulfillmentOrderId(view.destination), accountWorkflowId: workflowInfo().workflowId })
      .catch((error: Error) => log.warn('account share not delivered', { orderId, error: error.message }));
  }

  for (;;) {
    await condition(() => (view.state === 'pending' && joins.length > 0) || joinsThisRun >= joinsPerRun || workflowInfo().continueAsNewSuggested);
    if (view.state === 'pending' && joins.length > 0) {
      const first = joins[0];
      view.state = 'running';
      view.runWorkflowId = accountRunWorkflowId(workflowInfo().workflowId);
      const child = await startChild(FulfillmentOrderWorkflow, {
        workflowId: view.runWorkflowId,
        args: [{ orderId: first.orderId, accountId: view.accountId, fulfillmentOrder: first.fulfillmentOrder, falloutRules: first.falloutRules, queues: first.queues, operators: first.operators, ...behaviour.toInput() }],
        // Started the way an order starts its splits, so the split asks no patch and writes no attribute until one changes.
        ...(behaviour.has('lean-history') ? { typedSearchAttributes: [...QUIET_SPLIT_ATTRIBUTES] } : {}),
      });
      await child.result();
      view.state = 'completed';
      view.completedAt = now();
      for (const share of view.shares) tellReady(share.orderId, orderWorkflows.get(share.orderId) ?? orderWorkflowId(share.orderId));
      continue;
    }
    // Long-lived: hand the state to a fresh run before the history grows large.
    await condition(allHandlersFinished);
    await continueAsNew<typeof AccountFulfillmentWorkflow>({ accountId: view.accountId, destination: view.destination, carried: view, joinsPerRun: input.joinsPerRun, ...behaviour.toInput() });
  }
}

// It outlives every deployment: under Worker Versioning it moves to the current version (docs/deploying.md).
// Only a versioned worker may say so (an unversioned one fails the task), hence the question first.
setWorkflowOptions(autoUpgradeWhenVersioned, AccountFulfillmentWorkflow);
