import { ApplicationFailure } from '@temporalio/common';
import type { HttpFailureDetails } from '../activities/http';
import { callSystem } from '../activities/http';
import type { LoadedConfig } from '../config/load';
import type { SystemEndpoint } from '../config/schema';
import { OrdoError } from './errors';

/**
 * The client's calls to the systems of temporal-config.yaml (the storefront, CPQ, billing): the same HTTP path
 * as the activities' callouts (activities/http.ts), with its failures turned into OrdoErrors a person can act on.
 */

export type ChannelSystem = 'storefront' | 'cpq' | 'billing';

const EXAMPLE_URL: Record<ChannelSystem, string> = {
  storefront: 'http://127.0.0.1:7300/storefront',
  cpq: 'http://127.0.0.1:7300/cpq',
  billing: 'http://127.0.0.1:7300/billing',
};

/** A failed call: the system's own error code and HTTP status, kept so a caller can tell "not there" from "down". */
export class SystemCallError extends OrdoError {
  constructor(
    readonly system: string,
    readonly status: number | undefined,
    readonly remoteCode: string,
    message: string,
  ) {
    super(status !== undefined && status >= 400 && status < 500 ? 'refused' : 'unavailable', message);
  }
}

export class SystemApi {
  private readonly endpoint: SystemEndpoint;

  constructor(
    config: Pick<LoadedConfig, 'systems' | 'file'>,
    readonly system: ChannelSystem,
  ) {
    const endpoint = config.systems[system];
    if (!endpoint) {
      throw new OrdoError(
        'invalid',
        `${config.file} has no systems.${system}: add \`${system}: { url: ${EXAMPLE_URL[system]}, timeout: 10s }\` under systems (or set ORDO_SYSTEM_${system.toUpperCase()}_URL)`,
      );
    }
    this.endpoint = endpoint;
  }

  async get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  /** A record by its path, or undefined when the system answers 404. */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (error) {
      if (error instanceof SystemCallError && error.status === 404) return undefined;
      throw error;
    }
  }

  async post<T>(path: string, body: unknown, idempotencyKey: string): Promise<T> {
    return this.call<T>('POST', path, body, idempotencyKey);
  }

  /** An idempotent replace (a billing account's payment method). */
  async put<T>(path: string, body: unknown, idempotencyKey: string): Promise<T> {
    return this.call<T>('PUT', path, body, idempotencyKey);
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    try {
      return await callSystem<T>({ system: this.system, endpoint: this.endpoint, method, path, body, idempotencyKey });
    } catch (error) {
      if (!(error instanceof ApplicationFailure)) throw error;
      const details = (error.details?.[0] ?? {}) as Partial<HttpFailureDetails>;
      const unreachable = details.status === undefined;
      const hint = unreachable ? ` Is the stack running (\`ordo stack up --detach\`)? Its URL is systems.${this.system} in temporal-config.yaml.` : '';
      throw new SystemCallError(this.system, details.status, details.code ?? 'failed', `${error.message}${hint}`);
    }
  }
}

/** A path segment: ids go into URLs encoded, whatever they hold. */
export const segment = (id: string): string => encodeURIComponent(id);
