import { allHandlersFinished, condition, continueAsNew, setHandler, setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import { checkedValidator } from './message-checks';
import { nextAssigneeUpdate } from './messages';
import { autoUpgradeWhenVersioned } from './versioning-behaviour';

/** Continue as new after this many assignments, long before history limits. */
const ASSIGNMENTS_PER_RUN = 500;

/**
 * Round-robin assignment for one queue, shared by every order and every worker: a long-running workflow
 * that remembers who got the last task and answers who gets the next. It follows the queue's members as
 * they are at each call, so people can join or leave the queue at any time.
 */
export async function QueueRotationWorkflow(state: { lastAssigned?: string } = {}): Promise<void> {
  let lastAssigned = state.lastAssigned;
  let served = 0;
  setHandler(nextAssigneeUpdate, (members) => {
    if (!Array.isArray(members) || members.length === 0) return undefined;
    const next = members[(members.indexOf(lastAssigned ?? '') + 1) % members.length];
    lastAssigned = next;
    served++;
    return next;
  }, { validator: checkedValidator('nextAssignee') });
  await condition(() => served >= ASSIGNMENTS_PER_RUN || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof QueueRotationWorkflow>({ lastAssigned });
}

// It outlives every deployment: under Worker Versioning it moves to the current version (docs/deploying.md).
// Only a versioned worker may say so (an unversioned one fails the task), hence the question first.
setWorkflowOptions(autoUpgradeWhenVersioned, QueueRotationWorkflow);
