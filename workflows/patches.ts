/**
 * The registry of behaviour changes ("patches"): every branch a workflow takes on behaviour it did not always
 * have is named here, with the behaviour version that introduced it. Dependency-free, so clients and
 * activities may read it too. How a workflow asks it: workflows/versions.ts; the lifecycle of a patch
 * (add → deprecate → remove) and when a new workflow type is the better tool: docs/versioning.md.
 *
 * Append only. A new patch gets version CURRENT + 1 (the same new version for every patch of one release),
 * never a version that histories were already recorded with: a workflow started at version N takes every
 * patch with `since <= N` without asking, so registering a new patch at an old version changes the
 * behaviour of every workflow recorded at that version (test/replay/later-patch.test.ts shows it).
 */
export interface PatchEntry {
  /** The behaviour version that introduced it. */
  readonly since: number;
  /**
   * Set once no workflow that could still replay took the old path: `has()` then answers true for every
   * version and, for histories that asked this patch by name (version 0), writes `deprecatePatch()` instead.
   */
  readonly deprecated?: true;
  /** What the patched branch does, for the docs and the next reader. */
  readonly why: string;
}

export const PATCHES = {
  'people-and-time': {
    since: 1,
    why: 'manual tasks with queues and assignment, pause steps, SLA timers with jeopardy actions, fallout routing by rule, operator authorization and the queue search attributes',
  },
  'changes-in-flight': {
    since: 1,
    why: 'cancellation (update and signal), amendments, point of no return granted by the order, compensation, account-wide work',
  },
  'operator-trail': {
    since: 1,
    why: '`resume` counts only for pause steps waiting for it when it arrives; who resumed, updated or completed a step is recorded with how',
  },
  'redo-reopens-at-once': {
    since: 1,
    why: 'an amended finished step is reopened before its undo completes, so its waiting dependents are not blocked',
  },
  'lean-history': {
    since: 1,
    why: 'the order decomposes and bills in local activities and passes its version to its splits; a split starts with its quiet search attributes and leaves its SLA timer to Temporal when it finishes',
  },
  subscriptions: {
    since: 2,
    why: 'a completed order hands its recurring and usage items to a SubscriptionWorkflow (its invoice bills recurring items at 0.00 when the subscription bills them per period) and keeps its payment method on the billing account; a change order sends its recurring and usage items to that subscription; a renewal order records the order action Renew',
  },
  'retry-cancelled-local-activities': {
    since: 3,
    why: 'an order makes a local activity (decomposition, billing) again when it was cancelled without the workflow asking, as the worker does to the local activities of a run it evicts from its cache (workflows/local-activities.ts)',
  },
  'sync-operators': {
    since: 3,
    why: 'a channel sync reads the operator keys and its fallout queue\'s members when it falls out, and takes only a signed resolution from a member (syncs carry no version: they ask it by name)',
  },
  'local-planning-rejects': {
    since: 4,
    why: 'an order its decomposition refuses (a local activity, whose failure reaches the workflow without an ActivityFailure around it) ends `rejected` with the reason, as the remote activity\'s refusal did, instead of failing the workflow',
  },
  'dated-steps': {
    since: 4,
    why: 'a step whose plan step has `notBefore` or `startAfter` waits `Scheduled` on a durable timer until its date, which an amendment may move; asked only when a step is dated, which no plan decomposed before it is',
  },
  'order-events': {
    since: 4,
    why: 'an order whose plan says the API hub had a subscriber for it (`notifyOrderEvents`, which no plan decomposed before it has) sends its TMF622 events (state change, jeopardy, point of no return, cancellation) through the notifyOrderEvent activity, and returns once they are delivered (workflows/order-events.ts)',
  },
  'every-tmf-state': {
    since: 4,
    why: 'a cancellation passes through `assessingCancellation` while it is weighed against the point of no return (to `pendingCancellation`, or back where it was when a cancel signal is refused); an order with ordered items no rule fulfils (unfulfilledItems of action Add) ends `partial` and bills only what was fulfilled; the summary keeps a state log',
  },
  'cross-plan-dependencies': {
    since: 5,
    why: 'a step may wait for steps of another split of its order (`FO-ID/step-id` in dependsOn): each split reports the steps others wait for when they finish and the order relays that to the splits that wait (workflows/cross-plan-relay.ts); asked only when a plan has such a dependency, which no plan decomposed before it has',
  },
  'batched-ponr': {
    since: 5,
    why: 'a split sends the point-of-no-return requests of the steps that become ready in one round of a workflow task as one `ponrRequest` signal (with `steps`), and the order answers them with one `ponrDecision` (with `stepIds`): a 2,000-item order with a PONR step per bundle no longer costs two signals per step (workflows/ponr-batch.ts)',
  },
  'ordered-progress': {
    since: 6,
    why: 'a split numbers its progress reports (`sequence`) and the order applies only the newest it has had from each split: Temporal does not promise that two signals sent from different workflow tasks arrive in the order they were sent, and a `held` report that arrived after the `inProgress` which resolved it left the order held while its split ran. Decided when the order starts: orders started on this build take it (one an older client starts asks the patch, so its history records it); orders already in flight replay as recorded, applying every report as it comes',
  },
} as const satisfies Record<string, PatchEntry>;

export type PatchId = keyof typeof PATCHES;
export type PatchRegistry<Id extends string = string> = Readonly<Record<Id, PatchEntry>>;

/**
 * The one marker each behaviour version writes when a workflow starts (asked newest first, so a replayed
 * history finds the one it has). Version 1's marker predates the registry and keeps its name.
 */
export function versionMarker(version: number): string {
  return version === 1 ? 'lean-history' : `ordo-behaviour-v${version}`;
}

/** The behaviour version new workflows start with: the newest version any patch was introduced in. */
export function currentVersion(registry: PatchRegistry = PATCHES): number {
  return Math.max(0, ...Object.values(registry).map((entry) => entry.since));
}
