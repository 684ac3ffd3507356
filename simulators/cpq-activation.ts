import { findPriceBookEntry } from './cpq-pricing';
import type { Asset, Contract, CpqState, Order, Subscription } from './cpq-records';
import { HttpError } from './http';
import { newId } from './ids';

/**
 * Activating a CPQ order: Draft → Activated, once. Only an order of the opportunity's primary quote, marked
 * ordered, may be activated — what CPQ treats as the sale. Contracting it (with the activation) creates
 * what the account owns afterwards: one contract, a subscription per recurring product and an asset per other
 * product the price book calls assetizable (fees and services are not).
 */

export interface Activation {
  order: Order;
  contract?: Contract;
  subscriptions: Subscription[];
  assets: Asset[];
}

export function activateOrder(state: CpqState, orderId: string, contracted: boolean): Activation {
  const order = state.orders.find((candidate) => candidate.id === orderId);
  if (!order) throw new HttpError(404, 'unknown-order', `orderId: there is no CPQ order "${orderId}"`, { field: 'orderId' });
  if (order.status !== 'Draft') {
    throw new HttpError(409, 'order-not-draft', `order ${order.id} is ${order.status}; only a Draft order can be activated`, {
      field: 'orderId',
      status: order.status,
    });
  }
  const quote = state.quotes.find((candidate) => candidate.id === order.quoteId);
  const missing = [quote?.primary ? undefined : 'primary', quote?.ordered ? undefined : 'ordered'].filter((flag) => flag !== undefined);
  if (missing.length > 0) {
    throw new HttpError(409, 'quote-not-ordered', `order ${order.id} comes from quote ${order.quoteId}, which is not ${missing.join(' and not ')}; activate only an order of the opportunity's primary, ordered quote (POST /cpq/update-quote)`, {
      field: 'quoteId',
      primary: quote?.primary ?? false,
      ordered: quote?.ordered ?? false,
    });
  }

  const now = new Date().toISOString();
  order.status = 'Activated';
  order.activatedAt = now;
  if (!contracted) return { order, subscriptions: [], assets: [] };

  const starts = order.products.map((product) => product.startDate).filter((date) => date !== undefined).sort();
  const ends = order.products.map((product) => product.endDate).filter((date) => date !== undefined).sort();
  const contract: Contract = {
    id: newId('CTR'),
    accountId: order.accountId,
    orderId: order.id,
    startDate: order.effectiveDate ?? starts[0],
    endDate: ends.at(-1),
    createdAt: now,
  };
  const subscriptions: Subscription[] = [];
  const assets: Asset[] = [];
  for (const product of order.products) {
    const owned = { accountId: order.accountId, contractId: contract.id, orderId: order.id, orderProductId: product.id, product: product.product, quantity: product.quantity, createdAt: now };
    if (typeof product.billing === 'object' && product.billing.type === 'recurring') {
      subscriptions.push({ id: newId('SUB'), ...owned, unitPrice: product.unitPrice, billing: product.billing, startDate: product.startDate, endDate: product.endDate });
    } else if (findPriceBookEntry(state, product.product)?.assetizable ?? true) {
      assets.push({ id: newId('AST'), ...owned });
    }
  }
  order.contracted = true;
  order.contractId = contract.id;
  state.contracts.push(contract);
  state.subscriptions.push(...subscriptions);
  state.assets.push(...assets);
  return { order, contract, subscriptions, assets };
}
