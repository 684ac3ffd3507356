import { defineQuery } from '@temporalio/workflow';
import type { SyncProcess } from '../domain/sync-log';

/**
 * The channel intake's contract (ChannelIntakeWorkflow, id `channel-intake`): its input, what it shows, and what
 * its activities take and answer. A leaf, so the worker, the client and the activities can name it.
 */

/** The workflow type the worker registers and starters name. */
export const CHANNEL_INTAKE_WORKFLOW_TYPE = 'ChannelIntakeWorkflow';

export interface ChannelIntakeInput {
  /** Milliseconds between two polls (`channels.intake.pollInterval`). */
  pollIntervalMs: number;
  /** The last storefront outbox seq already handled: carried from run to run; 0 (all) in the first run. */
  storefrontCursor?: number;
  /** Polls per run before continuing as new (tests make it small). */
  pollsPerRun?: number;
  /** Carried from run to run (workflows/versions.ts); absent in the first run. */
  behaviourVersion?: number;
}

/** One channel's last failed look, kept until a look at it succeeds. */
export interface ChannelPollFailure {
  message: string;
  /** Failed polls in a row. */
  rounds: number;
  since: string;
}

/** What the intake shows (`channelIntakeQuery`). */
export interface ChannelIntakeView {
  storefrontCursor: number;
  /** Polls in this run; the run continues as new after `pollsPerRun`. */
  polls: number;
  /** Syncs this run started (a trigger that found its sync already there is not counted). */
  started: number;
  lastPollAt?: string;
  failures: Partial<Record<'storefront' | 'cpq' | 'start', ChannelPollFailure>>;
}

export const channelIntakeQuery = defineQuery<ChannelIntakeView>('channelIntake');

/** A sync the intake (or the CLI) wants running: by process and source record, with what noticed it. */
export interface SyncTrigger {
  process: SyncProcess;
  /** The storefront order id (NewOrderSync) or the CPQ order id (ReorderSync). */
  sourceId: string;
  /** `storefront-outbox#<seq>`, `cpq-poll`, `ordo checkout`, … */
  trigger: string;
}

/**
 * One look at both channels. A channel that could not be read says why (`…Error`) and gives nothing: the other
 * channel is still served, and the storefront cursor stays where it was.
 */
export interface ChannelPoll {
  /** New storefront orders to sync (checkouts with syncToCPQ), in outbox order. */
  newOrders: SyncTrigger[];
  /** The seq of the last outbox event read (synced or skipped); the cursor it was given when nothing was read. */
  storefrontCursor: number;
  storefrontError?: string;
  /** Activated CPQ orders with syncToB2B and no storefront twin yet, made by reps (not twins of storefront orders). */
  reorders: SyncTrigger[];
  cpqError?: string;
}

export interface SyncStartResult {
  workflowId: string;
  /** False when the sync was already running or had completed: a duplicate trigger starts nothing. */
  started: boolean;
}
