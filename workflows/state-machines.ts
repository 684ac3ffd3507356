import type { PaymentState } from './payment-messages';
import { SUBSCRIPTION_STATES, type SubscriptionState } from './subscription-messages';
import { SYNC_STATES, type SyncState } from './sync-messages';
import { FULFILLMENT_ORDER_STATES, ORDER_STATES, STEP_STATES, type FulfillmentOrderState, type OrderState, type StepState, type StepStatus } from './types';

/**
 * The state machines of DESIGN.md, as tables: every change of a step's, a split's or an order's state goes
 * through `move` here, which checks it against its table. docs/state-machines.md shows these tables
 * (`npm run docs:state-machines` writes them; test/workflows/state-machines.test.ts fails when they differ).
 *
 * An illegal transition is a bug in Ordo, never an operator's or a caller's mistake (those are refused before
 * any state changes). It throws a plain Error: in workflow code that fails the workflow task, not the
 * workflow, so the order stops where it was (no wrong state is recorded), the Web UI and the worker log show
 * the error, and Temporal retries the task; a fixed build replays the history (the throw issued no command)
 * and the order goes on. Logging and applying it instead would let an order bill or compensate from a state
 * it can never be in. The replay and end-to-end tests run every transition their orders take, so a missing
 * row fails them loudly. What a message asks for is input, not a decision: check it with `canMove` and refuse it.
 */
export interface StateMachine<S extends string> {
  /** What the states belong to, for messages and docs. */
  readonly name: string;
  /** The states a new one starts in. */
  readonly initial: readonly S[];
  /** For each state, the states it may move to. A state with none is final. */
  readonly transitions: { readonly [From in S]: readonly S[] };
  /** Why each transition happens, for the docs: `from>to` → reason. */
  readonly why: { readonly [Transition: string]: string };
}

export class IllegalTransition extends Error {
  constructor(machine: string, subject: string, from: string, to: string) {
    super(`illegal ${machine} transition of ${subject}: ${from} → ${to} (workflows/state-machines.ts lists what is allowed)`);
    this.name = 'IllegalTransition';
  }
}

/** Whether the table lets `from` move to `to` (staying put always may). */
export function canMove<S extends string>(machine: StateMachine<S>, from: S, to: string): to is S {
  return from === to || (machine.transitions[from]?.includes(to as S) ?? false);
}

/** Checks `from → to` against the machine and answers `to`; moving to the state it is in changes nothing. */
export function move<S extends string>(machine: StateMachine<S>, subject: string, from: S, to: S): S {
  if (!canMove(machine, from, to)) throw new IllegalTransition(machine.name, subject, from, to);
  return to;
}

/** A step's state, changed through the step table. */
export function moveStep(step: Pick<StepStatus, 'id' | 'state'>, to: StepState): void {
  step.state = move(STEP_MACHINE, `step ${step.id}`, step.state, to);
}

/** Builds a machine from rows `[from, to, why]`, so each transition is written once, with its reason. */
function machine<S extends string>(name: string, states: readonly S[], initial: readonly S[], rows: ReadonlyArray<readonly [S, S, string]>): StateMachine<S> {
  const transitions = Object.fromEntries(states.map((s) => [s, rows.filter(([from]) => from === s).map(([, to]) => to)])) as { [From in S]: S[] };
  const why = Object.fromEntries(rows.map(([from, to, reason]) => [`${from}>${to}`, reason]));
  return { name, initial, transitions, why };
}

export const STEP_MACHINE = machine<StepState>('step', STEP_STATES, ['Pending'], [
  ['Pending', 'Ready', 'every dependency is Completed or Skipped'],
  ['Pending', 'Scheduled', 'every dependency is Completed or Skipped, and its date (notBefore, or startAfter past them) has not come'],
  ['Pending', 'Cancelled', 'a dependency ended Cancelled or Discarded, or the split was cancelled'],
  ['Pending', 'Discarded', 'an amendment no longer needs it'],
  ['Scheduled', 'Ready', 'its date came (a durable timer; an amendment may have moved the date)'],
  ['Scheduled', 'Cancelled', 'the split was cancelled while it waited for its date'],
  ['Scheduled', 'Amended', 'an amendment changed its line items while it waited for its date'],
  ['Scheduled', 'Discarded', 'an amendment no longer needs it'],
  ['Ready', 'InProgress', 'it starts (a point-of-no-return step once its order granted it)'],
  ['Ready', 'Cancelled', 'its order refused the point of no return (the order is being cancelled), or the split was cancelled'],
  ['Ready', 'Amended', 'an amendment changed its line items while it waited for its order'],
  ['Ready', 'Discarded', 'an amendment no longer needs it'],
  ['InProgress', 'Completed', 'its work succeeded, a milestone was reached, an operator completed the task, or the pause resumed'],
  ['InProgress', 'Failed', 'an attempt failed and its retry policy has another one'],
  ['InProgress', 'FatallyFailed', 'retries are spent or the error is not retryable: fallout'],
  ['InProgress', 'Cancelled', 'the split was cancelled'],
  ['InProgress', 'Amended', 'an amendment changed its line items: stopped, to run again'],
  ['InProgress', 'Discarded', 'an amendment no longer needs it: stopped'],
  ['Failed', 'InProgress', 'the next attempt, after the policy’s wait'],
  ['Failed', 'Cancelled', 'the split was cancelled while it waited to retry'],
  ['Failed', 'Amended', 'an amendment changed its line items while it waited to retry'],
  ['Failed', 'Discarded', 'an amendment no longer needs it'],
  ['FatallyFailed', 'InProgress', 'an operator resolved the fallout with retry (a fresh attempt count)'],
  ['FatallyFailed', 'Completed', 'an operator resolved the fallout with complete (and its output)'],
  ['FatallyFailed', 'Skipped', 'an operator resolved the fallout with skip'],
  ['FatallyFailed', 'Cancelled', 'the split was cancelled while the step was in fallout'],
  ['FatallyFailed', 'Amended', 'an amendment changed its line items while it was in fallout'],
  ['FatallyFailed', 'Discarded', 'an amendment no longer needs it'],
  ['Completed', 'Amended', 'an amendment changed its line items: undone (compensated) and run again'],
  ['Completed', 'Discarded', 'an amendment no longer needs it: undone (compensated) when it says how'],
  ['Skipped', 'Discarded', 'an amendment no longer needs it'],
  ['Cancelled', 'Discarded', 'an amendment no longer needs it'],
  ['Amended', 'Scheduled', 'it runs again with its new line items, and its date has not come'],
  ['Amended', 'Ready', 'it runs again with its new line items (after the undo of its first run, when it had finished)'],
  ['Amended', 'Cancelled', 'the split was cancelled before the step ran again'],
  ['Amended', 'Discarded', 'a later amendment no longer needs it'],
]);

/** A split's own state, and the order's copy of it in the summary (which starts `pending`, before the split starts). */
export const SPLIT_MACHINE = machine<FulfillmentOrderState>('fulfillment order', FULFILLMENT_ORDER_STATES, ['pending', 'inProgress'], [
  ['pending', 'inProgress', 'the order started the split'],
  ['pending', 'held', 'the split reported a step in fallout before the order saw it start'],
  ['pending', 'completed', 'the split finished before the order saw it start'],
  ['pending', 'cancelled', 'the split was cancelled before the order saw it start'],
  ['pending', 'failed', 'the split failed before the order saw it start'],
  ['inProgress', 'held', 'a step is in fallout and waits for an operator'],
  ['inProgress', 'completed', 'every step finished'],
  ['inProgress', 'cancelled', 'its order was cancelled, or an amendment no longer needs the split'],
  ['inProgress', 'failed', 'the split workflow failed (a bug or a terminated run): nothing is billed'],
  ['held', 'inProgress', 'every step in fallout was resolved'],
  ['held', 'completed', 'in the summary: the split reported its resolved fallout after its result (the two reach the order independently)'],
  ['held', 'cancelled', 'its order was cancelled, or an amendment no longer needs the split'],
  ['held', 'failed', 'the split workflow failed (a bug or a terminated run): nothing is billed'],
]);

export const ORDER_MACHINE = machine<OrderState>('order', ORDER_STATES, ['acknowledged'], [
  ['acknowledged', 'inProgress', 'decomposed: its splits start'],
  ['acknowledged', 'pending', 'decomposed, and a product asks for an approval (catalog `approval`): nothing starts until it is given'],
  ['pending', 'inProgress', 'a member of the approval queue approved it: its splits start'],
  ['pending', 'rejected', 'a member of the approval queue refused it'],
  ['pending', 'assessingCancellation', 'a cancellation arrived while it waited for its approval'],
  ['acknowledged', 'rejected', 'decomposition refused it (InvalidInput), or a change order does not fit its original'],
  ['acknowledged', 'pendingCancellation', 'cancelled while it was being decomposed (before behaviour version 4)'],
  ['acknowledged', 'assessingCancellation', 'a cancellation arrived while it was being decomposed: weighed against the point of no return'],
  ['inProgress', 'held', 'a split has a step in fallout'],
  ['inProgress', 'pendingCancellation', 'a cancellation was accepted (before the point of no return; before behaviour version 4)'],
  ['inProgress', 'assessingCancellation', 'a cancellation arrived: weighed against the point of no return its splits asked for'],
  ['inProgress', 'completed', 'every split is done: billed once'],
  ['inProgress', 'partial', 'every split is done, but some ordered items had no rule to fulfil them (unfulfilledItems): billed for what was fulfilled'],
  ['inProgress', 'failed', 'a split failed: nothing is billed'],
  ['held', 'inProgress', 'no split has a step in fallout any more'],
  ['held', 'pendingCancellation', 'a cancellation was accepted (before the point of no return; before behaviour version 4)'],
  ['held', 'assessingCancellation', 'a cancellation arrived: weighed against the point of no return its splits asked for'],
  ['held', 'failed', 'a split failed: nothing is billed'],
  ['assessingCancellation', 'pendingCancellation', 'no item is past the point of no return and nothing was billed: the cancellation is accepted'],
  ['assessingCancellation', 'inProgress', 'refused (ChangeOrderRequired: an item is past the point of no return): back where it was'],
  ['assessingCancellation', 'held', 'refused (ChangeOrderRequired: an item is past the point of no return): back where it was'],
  ['pendingCancellation', 'cancelled', 'every split stopped and completed work was compensated'],
  ['pendingCancellation', 'rejected', 'decomposition refused it while the cancellation waited for it'],
]);

/** A channel sync (NewOrderSyncWorkflow, ReorderSyncWorkflow; workflows/sync-run.ts). */
export const SYNC_MACHINE = machine<SyncState>('channel sync', SYNC_STATES, ['running'], [
  ['running', 'fallout', 'a step failed in a way retrying cannot mend (a 4xx, totals or tax tables that differ): an Error record'],
  ['running', 'completed', 'every step found or made its record: the twins exist, linked, and the Ordo order was submitted'],
  ['fallout', 'running', 'an operator resolved it with retry (once the cause is fixed)'],
  ['fallout', 'abandoned', 'an operator resolved it with skip: the sync is given up'],
]);

export const SUBSCRIPTION_MACHINE = machine<SubscriptionState>('subscription', SUBSCRIPTION_STATES, ['active'], [
  ['active', 'ended', 'every period of its term is billed and every usage period closed (or an early renewal ended the term)'],
]);

/** The states an invoice's payment workflow takes (PAYMENT_STATES also names billing's Refunded). */
export type CollectionState = Extract<PaymentState, 'Posted' | 'Authorized' | 'Failed' | 'Collections' | 'Paid' | 'WrittenOff'>;
export const COLLECTION_STATES: readonly CollectionState[] = ['Posted', 'Authorized', 'Failed', 'Collections', 'Paid', 'WrittenOff'];

export const COLLECTION_MACHINE = machine<CollectionState>('invoice payment', COLLECTION_STATES, ['Posted'], [
  ['Posted', 'Authorized', 'billing holds the order\'s checkout authorization against the invoice: it is covered, not yet paid'],
  ['Authorized', 'Paid', 'the payment run captured the authorization (and charged the token for any rest)'],
  ['Authorized', 'Failed', 'the authorization covered part of it and the token was declined for the rest'],
  ['Posted', 'Paid', 'the first attempt settled (a capture of the checkout authorization, or a charge of the stored token), or nothing was open'],
  ['Posted', 'Failed', 'the first attempt was declined: the first dunning retry waits'],
  ['Posted', 'Collections', 'the first attempt was declined and the dunning schedule has no retry'],
  ['Failed', 'Failed', 'a dunning retry was declined and another retry is left'],
  ['Failed', 'Paid', 'a dunning retry settled'],
  ['Failed', 'Collections', 'the last dunning retry was declined: an operator works it'],
  ['Collections', 'Collections', 'an operator\'s retry was declined'],
  ['Collections', 'Paid', 'an operator\'s retry settled, or they recorded a payment by reference'],
  ['Collections', 'WrittenOff', 'an operator wrote it off (a credit memo for what was open)'],
]);

/** A state no transition leaves: the workflow's answer is settled. */
export function isFinal<S extends string>(machine: StateMachine<S>, state: S): boolean {
  return machine.transitions[state].length === 0;
}
