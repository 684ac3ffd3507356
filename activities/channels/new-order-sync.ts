import { ApplicationFailure } from '@temporalio/activity';
import type { InvoiceSettings } from '../../domain/invoice';
import { recordRef, syncStepKey } from '../../domain/sync-log';
import { taxTableDifference } from '../../domain/tax-tables';
import type { ChannelActivities, CpqAccountRecord, CpqOrderRecord, CpqQuoteRecord, QuoteRequest } from '../types';
import { failureCode, type CpqApi } from './cpq-api';
import type { StorefrontApi } from './storefront-api';

type NewOrderSyncActivities = Pick<
  ChannelActivities,
  | 'readStorefrontOrder'
  | 'checkTaxTables'
  | 'findOrCreateCpqAccount'
  | 'findOrCreateOpportunity'
  | 'findOrCreateQuote'
  | 'findOrCreateCpqOrder'
  | 'activateCpqOrder'
  | 'linkStorefrontOrder'
>;

/**
 * New order sync's steps (storefront → CPQ): each looks its record up by the storefront order id it carries
 * before creating it, so a second run of a step finds the first run's record.
 */
export function newOrderSyncActivities(cpq: () => CpqApi, storefront: () => StorefrontApi, billing: InvoiceSettings): NewOrderSyncActivities {
  const key = (storefrontOrderId: string, step: string) => syncStepKey('NewOrderSync', storefrontOrderId, step);
  return {
    readStorefrontOrder: (storefrontOrderId) => storefront().order(storefrontOrderId),

    async checkTaxTables() {
      const [storefrontTax, cpqTax] = await Promise.all([storefront().tax(), cpq().tax()]);
      const difference = taxTableDifference('the storefront', storefrontTax, billing) ?? taxTableDifference('CPQ', cpqTax, billing);
      if (difference) throw ApplicationFailure.nonRetryable(difference, 'TaxTablesDiffer');
    },

    async findOrCreateCpqAccount({ storefrontOrderId, accountNumber, name }) {
      const api = cpq();
      return (
        (await api.findOne<CpqAccountRecord>('accounts', { accountNumber })) ??
        api.create<CpqAccountRecord>('accounts', 'accounts', { accountNumber, name }, key(storefrontOrderId, 'account'))
      );
    },

    async findOrCreateOpportunity({ storefrontOrderId, accountId, name, closeDate }) {
      const api = cpq();
      return (
        (await api.findOne<{ id: string }>('opportunities', { b2bSourceOrder: storefrontOrderId })) ??
        api.create<{ id: string }>('opportunities', 'opportunities', { accountId, name, closeDate, b2bSourceOrder: storefrontOrderId }, key(storefrontOrderId, 'opportunity'))
      );
    },

    async findOrCreateQuote(request) {
      const api = cpq();
      const found = await api.findOne<CpqQuoteRecord>('quotes', { b2bSource: request.storefrontOrderId });
      if (found) return found;
      const { storefrontOrderId, opportunityId, currency, discount, lines } = request;
      // Priced `source`: CPQ keeps the storefront's prices exactly (no discount schedules, no price rules).
      const body = { opportunityId, pricing: 'source', primary: true, ordered: true, b2bSource: storefrontOrderId, currency, ...(discount !== undefined ? { discount } : {}), lines };
      try {
        return await api.create<CpqQuoteRecord>('quotes', 'quotes', body, key(storefrontOrderId, 'quote'));
      } catch (error) {
        throw namingTheItem(error, request);
      }
    },

    async findOrCreateCpqOrder({ storefrontOrderId, quoteId, effectiveDate }) {
      const api = cpq();
      return (
        (await api.findOne<CpqOrderRecord>('orders', { b2bSourceOrder: storefrontOrderId })) ??
        // syncToB2B false: the order already has its storefront twin, the order it was made from.
        api.create<CpqOrderRecord>('orders', 'orders', { quoteId, b2bSourceOrder: storefrontOrderId, syncToB2B: false, effectiveDate }, key(storefrontOrderId, 'cpqOrder'))
      );
    },

    async activateCpqOrder({ storefrontOrderId, cpqOrderId, contracted }) {
      const api = cpq();
      const order = await api.get<CpqOrderRecord>('orders', cpqOrderId);
      if (order.status === 'Activated') return order;
      try {
        return (await api.post<{ order: CpqOrderRecord }>('activate', { orderId: cpqOrderId, contracted }, key(storefrontOrderId, 'activate'))).order;
      } catch (error) {
        // Activated between the look-up and the call (another run of this step): found.
        if (failureCode(error) === 'order-not-draft') return api.get<CpqOrderRecord>('orders', cpqOrderId);
        throw error;
      }
    },

    linkStorefrontOrder: ({ storefrontOrderId, links }) => storefront().link(storefrontOrderId, links, key(storefrontOrderId, 'storefrontLinks')),
  };
}

/**
 * CPQ names a refused quote line by its place (`lines[1].product`); the operator fixing it needs the storefront
 * order and its item too. Other failures pass unchanged.
 */
function namingTheItem(error: unknown, request: QuoteRequest): unknown {
  if (!(error instanceof ApplicationFailure) || !error.nonRetryable) return error;
  const line = /lines\[(\d+)\]/.exec(error.message);
  const item = line ? request.lines[Number(line[1])] : undefined;
  const where = item ? ` (item ${item.sourceLineId}, product ${item.product})` : '';
  return ApplicationFailure.nonRetryable(`quote for ${recordRef('storefrontOrder', request.storefrontOrderId)}${where}: ${error.message}`, error.type, ...(error.details ?? []));
}
