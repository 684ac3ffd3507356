import { Context } from '@temporalio/activity';
import type { SystemEndpoint } from '../../config/schema';
import type { TaxTable } from '../../domain/tax-tables';
import { callSystem } from '../http';
import type { StorefrontOrderRecord } from '../types';

/** The B2B storefront's REST API (simulators/README.md "Storefront"), as the channel syncs use it. */
export class StorefrontApi {
  constructor(private readonly endpoint: SystemEndpoint) {}

  order(id: string): Promise<StorefrontOrderRecord> {
    return this.call('GET', `orders/${encodeURIComponent(id)}`);
  }

  /** The storefront orders linked to `cpqOrder` (a CPQ order's twin), at most one. */
  async twinOf(cpqOrder: string): Promise<StorefrontOrderRecord | undefined> {
    const answer = await this.call<{ orders: StorefrontOrderRecord[] }>('GET', `orders?cpqOrder=${encodeURIComponent(cpqOrder)}`);
    return answer.orders[0];
  }

  /** `POST /storefront/orders`: the twin of a CPQ order; the storefront keeps one per CPQ order and answers it again. */
  createTwin(body: unknown, idempotencyKey: string): Promise<StorefrontOrderRecord> {
    return this.call('POST', 'orders', body, idempotencyKey);
  }

  /** Sets links (the same again is a no-op; another value is a 409 link-conflict). */
  link(id: string, links: StorefrontOrderRecord['links'], idempotencyKey: string): Promise<StorefrontOrderRecord> {
    return this.call('PATCH', `orders/${encodeURIComponent(id)}/links`, links, idempotencyKey);
  }

  /** The tax table the storefront's totals use. */
  tax(): Promise<TaxTable> {
    return this.call('GET', 'tax');
  }

  private call<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    return callSystem<T>({ system: 'storefront', endpoint: this.endpoint, method, path, body, idempotencyKey, signal: Context.current().cancellationSignal });
  }
}
