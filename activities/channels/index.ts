import type { Client } from '@temporalio/client';
import type { LoadedConfig } from '../../config/load';
import type { Catalog } from '../../domain/catalog';
import { operatorRecordFor } from '../../config/operator-keys';
import { withHeartbeats } from '../heartbeats';
import { systemEndpoint } from '../http';
import type { ChannelActivities } from '../types';
import { CpqApi } from './cpq-api';
import { newOrderSyncActivities } from './new-order-sync';
import { ordoOrderActivities } from './ordo-orders';
import { reorderSyncActivities } from './reorder-sync';
import { StorefrontApi } from './storefront-api';

export interface ChannelDependencies {
  config: Pick<LoadedConfig, 'systems' | 'billing'> & Partial<Pick<LoadedConfig, 'queues' | 'operators' | 'operatorKeysDir'>>;
  catalog: Catalog;
  /** The worker's client and task queue, to submit the Ordo orders the syncs make. */
  temporal?: { client: Client; taskQueue: string };
}

/**
 * The channel syncs' activities (NewOrderSyncWorkflow, ReorderSyncWorkflow). Each heartbeats while it runs, so a
 * worker that stops mid-step is noticed within the heartbeat timeout and the sync runs the step again elsewhere.
 */
export function createChannelActivities(deps: ChannelDependencies): ChannelActivities {
  // Resolved per call: a sync that runs without `systems.cpq` configured fails its step naming the missing key.
  const cpq = () => new CpqApi(systemEndpoint(deps.config.systems, 'cpq'));
  const storefront = () => new StorefrontApi(systemEndpoint(deps.config.systems, 'storefront'));
  const activities: ChannelActivities = {
    ...newOrderSyncActivities(cpq, storefront, deps.config.billing),
    ...reorderSyncActivities(cpq, storefront),
    ...ordoOrderActivities({ billing: deps.config.billing, catalog: deps.catalog, temporal: deps.temporal, storefront: () => systemEndpoint(deps.config.systems, 'storefront') }),
    async syncFalloutAuthority(queue) {
      const operators = operatorRecordFor(deps.config);
      const members = deps.config.queues?.[queue]?.members;
      return { ...(operators ? { operators } : {}), ...(members ? { members } : {}) };
    },
  };
  return heartbeating(activities);
}

function heartbeating<T extends object>(activities: T): T {
  const wrapped = Object.entries(activities).map(([name, run]) => [name, (...args: unknown[]) => withHeartbeats(() => (run as (...a: unknown[]) => Promise<unknown>)(...args))]);
  return Object.fromEntries(wrapped) as T;
}
