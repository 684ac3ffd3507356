import { continueAsNew, log, proxyLocalActivities, setHandler, setWorkflowOptions, sleep, workflowInfo } from '@temporalio/workflow';
import type { OrdoActivities } from '../activities/types';
import { channelIntakeQuery, type ChannelIntakeInput, type ChannelIntakeView, type ChannelPoll } from './channel-intake-messages';
import { now } from './clock';
import { autoUpgradeWhenVersioned } from './versioning-behaviour';
import { ownBehaviour } from './versions';

/** Polls per run before continuing as new: about 6 events each, so a run stays near 2,000 events. */
const POLLS_PER_RUN = 300;

/** A channel that keeps failing is logged at its first failed round and then every this many, not every round. */
const LOG_FAILURE_EVERY = 30;

// Local activities: short reads and starts, recorded as one marker each instead of three events.
const { pollChannels, startChannelSyncs } = proxyLocalActivities<OrdoActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

type Channel = keyof ChannelIntakeView['failures'];

/**
 * The channel intake (id `channel-intake`, one per namespace): how syncs get started. Every poll interval it looks
 * at the storefront's outbox after its cursor (checkouts with syncToCPQ become new order syncs) and at CPQ's
 * activated orders that want a storefront twin (reorder syncs), and starts each sync by its workflow id, which
 * makes a trigger seen twice (here, by the webhook or by `ordo checkout --sync`) start nothing twice.
 *
 * It never ends on a channel's outage: a failed look is logged and tried again next round, and the cursor moves
 * only past events whose syncs were started, so nothing noticed is lost. It continues as new with its cursor.
 */
export async function ChannelIntakeWorkflow(input: ChannelIntakeInput): Promise<void> {
  const behaviour = ownBehaviour(input.behaviourVersion);
  const pollsPerRun = input.pollsPerRun ?? POLLS_PER_RUN;
  const view: ChannelIntakeView = { storefrontCursor: input.storefrontCursor ?? 0, polls: 0, started: 0, failures: {} };
  // CPQ lists an order until its twin exists: ask for its sync once per run, not every round while it works.
  const reordersAsked = new Set<string>();
  setHandler(channelIntakeQuery, () => view);

  while (view.polls < pollsPerRun && !workflowInfo().continueAsNewSuggested) {
    await pollOnce();
    await sleep(input.pollIntervalMs);
  }
  await continueAsNew<typeof ChannelIntakeWorkflow>({ ...input, storefrontCursor: view.storefrontCursor, ...behaviour.toInput() });

  async function pollOnce(): Promise<void> {
    view.polls++;
    view.lastPollAt = now();
    let poll: ChannelPoll;
    try {
      poll = await pollChannels({ storefrontCursor: view.storefrontCursor });
    } catch (error) {
      noteRound('storefront', (error as Error).message);
      noteRound('cpq', (error as Error).message);
      return;
    }
    noteRound('storefront', poll.storefrontError);
    noteRound('cpq', poll.cpqError);
    const reorders = poll.reorders.filter((sync) => !reordersAsked.has(sync.sourceId));
    const syncs = [...poll.newOrders, ...reorders];
    if (syncs.length > 0) {
      try {
        const results = await startChannelSyncs({ taskQueue: workflowInfo().taskQueue, syncs });
        const started = results.filter((result) => result.started);
        view.started += started.length;
        if (started.length > 0) log.info('channel syncs started', { workflowIds: started.map((result) => result.workflowId) });
        noteRound('start', undefined);
      } catch (error) {
        // The cursor stays: the same events are read, and their syncs asked for, next round.
        noteRound('start', (error as Error).message);
        return;
      }
      for (const sync of reorders) reordersAsked.add(sync.sourceId);
    }
    view.storefrontCursor = poll.storefrontCursor;
  }

  /** Keeps a channel's failure in the view (and the log) until a round with it succeeds. */
  function noteRound(channel: Channel, error: string | undefined): void {
    const failing = view.failures[channel];
    if (error === undefined) {
      if (failing) log.info(`channel intake: ${channel} is back`, { failedRounds: failing.rounds });
      delete view.failures[channel];
      return;
    }
    const rounds = (failing?.rounds ?? 0) + 1;
    view.failures[channel] = { message: error, rounds, since: failing?.since ?? now() };
    if (rounds === 1 || rounds % LOG_FAILURE_EVERY === 0) log.warn(`channel intake: ${channel} failed; trying again next round`, { error, rounds });
  }
}

// It outlives every deployment: under Worker Versioning it moves to the current version (docs/deploying.md).
setWorkflowOptions(autoUpgradeWhenVersioned, ChannelIntakeWorkflow);
