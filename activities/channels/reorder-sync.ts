import { syncStepKey } from '../../domain/sync-log';
import type { ChannelActivities, CpqAccountRecord, CpqOrderRecord } from '../types';
import type { CpqApi } from './cpq-api';
import type { StorefrontApi } from './storefront-api';

type ReorderSyncActivities = Pick<ChannelActivities, 'readCpqOrder' | 'findOrCreateStorefrontTwin' | 'markCpqOrder'>;

/** Reorder sync's steps (CPQ → storefront): the storefront twin is looked up by the CPQ order it mirrors before it is made. */
export function reorderSyncActivities(cpq: () => CpqApi, storefront: () => StorefrontApi): ReorderSyncActivities {
  const key = (cpqOrderId: string, step: string) => syncStepKey('ReorderSync', cpqOrderId, step);
  return {
    async readCpqOrder(cpqOrderId) {
      const api = cpq();
      const order = await api.get<CpqOrderRecord>('orders', cpqOrderId);
      const account = await api.get<CpqAccountRecord>('accounts', order.accountId);
      return { order, account };
    },

    async findOrCreateStorefrontTwin(request) {
      const { cpqOrderId, ...fields } = request;
      const api = storefront();
      // The storefront also keeps one twin per CPQ order (a second POST answers the first): the look-up saves the write.
      return (await api.twinOf(cpqOrderId)) ?? api.createTwin({ cpqOrder: cpqOrderId, ...fields }, key(cpqOrderId, 'storefrontTwin'));
    },

    async markCpqOrder({ cpqOrderId, b2bOrder }) {
      const api = cpq();
      const order = await api.get<CpqOrderRecord>('orders', cpqOrderId);
      if (order.b2bOrder === b2bOrder) return order;
      return api.post<CpqOrderRecord>('update-order', { orderId: cpqOrderId, b2bOrder }, key(cpqOrderId, 'markCpqOrder'));
    },
  };
}
