import { ApplicationFailure, Context } from '@temporalio/activity';
import type { SystemEndpoint } from '../../config/schema';
import type { TaxTable } from '../../domain/tax-tables';
import { callSystem, type HttpFailureDetails } from '../http';

/**
 * The CPQ system's REST API (simulators/README.md "CPQ"), as the channel syncs use it: look-ups by the links a
 * connector stores on CPQ records, and creates with an Idempotency-Key whose `409 already-linked` answer
 * (another run made the record under another key) is read as the record found.
 */
export class CpqApi {
  constructor(private readonly endpoint: SystemEndpoint) {}

  get<T>(collection: string, id: string): Promise<T> {
    return this.call<T>('GET', `${collection}/${encodeURIComponent(id)}`);
  }

  /** The tax table CPQ's quote totals use. */
  tax(): Promise<TaxTable> {
    return this.call<TaxTable>('GET', 'tax');
  }

  /** The first record of `collection` matching every filter (exact match), or undefined. */
  async findOne<T>(collection: string, filters: Record<string, string>): Promise<T | undefined> {
    const query = new URLSearchParams(filters).toString();
    const answer = await this.call<Record<string, T[]>>('GET', `${collection}?${query}`);
    return answer[collection]?.[0];
  }

  /** `POST /cpq/<operation>`: the record made; when CPQ says it is `already-linked`, the record that holds the link. */
  async create<T>(operation: string, collection: string, body: unknown, idempotencyKey: string): Promise<T> {
    try {
      return await this.call<T>('POST', operation, body, idempotencyKey);
    } catch (error) {
      const existingId = alreadyLinkedId(error);
      if (existingId === undefined) throw error;
      return this.get<T>(collection, existingId);
    }
  }

  /** `POST /cpq/<operation>` for the changes that are not creates (activate, update-order). */
  post<T>(operation: string, body: unknown, idempotencyKey: string): Promise<T> {
    return this.call<T>('POST', operation, body, idempotencyKey);
  }

  private call<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    return callSystem<T>({ system: 'cpq', endpoint: this.endpoint, method, path, body, idempotencyKey, signal: Context.current().cancellationSignal });
  }
}

/** The `existingId` of a CPQ `409 already-linked` failure; undefined for any other error. */
function alreadyLinkedId(error: unknown): string | undefined {
  if (!(error instanceof ApplicationFailure)) return undefined;
  const details = error.details?.[0] as HttpFailureDetails | undefined;
  const existingId = details?.error?.existingId;
  return details?.code === 'already-linked' && typeof existingId === 'string' ? existingId : undefined;
}

/** The HTTP error code of a failed call (`order-not-draft`, `unknown-product`, …); undefined for anything else. */
export function failureCode(error: unknown): string | undefined {
  if (!(error instanceof ApplicationFailure)) return undefined;
  return (error.details?.[0] as HttpFailureDetails | undefined)?.code;
}
