import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { newOrderSyncOfEvent, startSync, type StorefrontOrderEvent } from '../client/channel-syncs';
import type { SystemEndpoint } from '../config/schema';
import type { ChannelPoll, SyncStartResult, SyncTrigger } from '../workflows/channel-intake-messages';
import { callSystem } from './http';

/**
 * The channel intake's I/O: one look at the storefront's outbox and CPQ's to-do list, and starting the syncs they
 * call for. Reading a channel fails as data (the intake logs it and looks again next round); starting fails as an
 * ordinary retryable activity error (Temporal itself is unreachable).
 */

/** Outbox events taken per poll: a backlog is worked off over a few rounds, each activity answer staying small. */
export const OUTBOX_EVENTS_PER_POLL = 100;

interface CpqOrder {
  id: string;
  b2bSourceOrder?: string;
}

export interface ChannelIntakeDependencies {
  systems: Record<string, SystemEndpoint>;
  /** Starts the syncs; the worker's client. */
  client?: Client;
}

export function channelIntakeActivities(deps: ChannelIntakeDependencies) {
  return {
    /** Storefront checkouts to sync after the cursor, and CPQ orders that want a storefront twin. */
    async pollChannels(request: { storefrontCursor: number }): Promise<ChannelPoll> {
      const [storefront, cpq] = await Promise.all([
        settled(() => readOutbox(request.storefrontCursor)),
        settled(readPendingReorders),
      ]);
      return {
        newOrders: storefront.value?.newOrders ?? [],
        storefrontCursor: storefront.value?.cursor ?? request.storefrontCursor,
        ...(storefront.error ? { storefrontError: storefront.error } : {}),
        reorders: cpq.value ?? [],
        ...(cpq.error ? { cpqError: cpq.error } : {}),
      };
    },

    /** Starts each sync on the given task queue (the intake's own), or finds it already there. */
    async startChannelSyncs(request: { taskQueue: string; syncs: SyncTrigger[] }): Promise<SyncStartResult[]> {
      const client = deps.client;
      if (!client) throw ApplicationFailure.nonRetryable('the channel intake needs the worker to have a Temporal client', 'Misconfigured');
      const results: SyncStartResult[] = [];
      for (const sync of request.syncs) results.push(await startSync(client, request.taskQueue, sync));
      return results;
    },
  };

  async function readOutbox(cursor: number): Promise<{ newOrders: SyncTrigger[]; cursor: number }> {
    const { events } = await callSystem<{ events: StorefrontOrderEvent[] }>({
      system: 'storefront',
      endpoint: endpoint('storefront'),
      method: 'GET',
      path: `events?after=${cursor}`,
    });
    const taken = [...events].sort((a, b) => a.seq - b.seq).slice(0, OUTBOX_EVENTS_PER_POLL);
    const newOrders = taken.map((event) => newOrderSyncOfEvent(event, 'storefront-outbox')).filter((sync) => sync !== undefined);
    return { newOrders, cursor: taken.at(-1)?.seq ?? cursor };
  }

  async function readPendingReorders(): Promise<SyncTrigger[]> {
    const { orders } = await callSystem<{ orders: CpqOrder[] }>({
      system: 'cpq',
      endpoint: endpoint('cpq'),
      method: 'GET',
      path: 'orders?status=Activated&syncToB2B=true&b2bOrder=',
    });
    // A twin of a storefront order is that order's own CPQ side: it never gets a second storefront order.
    return orders
      .filter((order) => !order.b2bSourceOrder)
      .map((order): SyncTrigger => ({ process: 'ReorderSync', sourceId: order.id, trigger: 'cpq-poll' }));
  }

  function endpoint(system: 'storefront' | 'cpq'): SystemEndpoint {
    const found = deps.systems[system];
    if (!found) throw new Error(`no endpoint is configured for system "${system}": add systems.${system}.url to temporal-config.yaml`);
    return found;
  }
}

/** The value, or why it could not be had: one channel's failure must not hide the other's news. */
async function settled<T>(read: () => Promise<T>): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
