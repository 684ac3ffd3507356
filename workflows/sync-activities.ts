import { proxyActivities } from '@temporalio/workflow';
import type { ChannelActivities } from '../activities/types';

/**
 * The channel syncs' activities, one attempt each: SyncRun retries a failed step itself, so that every failed
 * attempt is seen (and logged `Retrying`) by the workflow. The heartbeat timeout notices a worker that stopped
 * mid-step within seconds (the activities heartbeat every 2 s); the start-to-close timeout bounds a step that
 * hangs while heartbeating.
 */
export const channel = proxyActivities<ChannelActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});
