import type { Client } from '@temporalio/client';
import type { LoadedConfig } from '../../config/load';
import type { Catalog } from '../../domain/catalog';

export interface BillingDependencies {
  /** `queues`, `operators`, `operatorKeysDir`: who may resolve collections, recorded with each invoice payment. */
  config: Pick<LoadedConfig, 'systems' | 'billing'> & Partial<Pick<LoadedConfig, 'queues' | 'operators' | 'operatorKeysDir'>>;
  catalog: Catalog;
  /** The worker's client and task queue: to start subscriptions, renewal orders and payment workflows. */
  temporal?: { client: Client; taskQueue: string };
}
