import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulators, type RunningSimulators, type SimulatorOptions } from '../../simulators/index';

/** Helpers for the simulator tests: a fresh data directory per run and a small JSON HTTP client. */

export interface TestSimulators extends RunningSimulators {
  dataDir: string;
  /** Stops the simulators and removes the data directory. */
  dispose(): Promise<void>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-simulators-'));
}

export async function startTestSimulators(options: Partial<SimulatorOptions> = {}): Promise<TestSimulators> {
  const dataDir = options.dataDir ?? tempDataDir();
  const running = await startSimulators({ port: 0, ...options, dataDir });
  return {
    ...running,
    dataDir,
    async dispose() {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

export async function request(
  baseUrl: string,
  method: string,
  urlPath: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${urlPath}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A callout as Ordo's activity sends it: `POST /<system>/<operation>` with an Idempotency-Key. */
export function callout(
  baseUrl: string,
  system: string,
  operation: string,
  body: unknown,
  idempotencyKey?: string,
): Promise<JsonResponse> {
  return request(baseUrl, 'POST', `/${system}/${operation}`, {
    body,
    headers: idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey },
  });
}

/** A valid callout body; `overrides` replace top-level fields. */
export function calloutBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: 'ORD-1001',
    fulfillmentOrderId: 'ORD-1001-FO-1',
    stepId: 'reserve',
    location: 'WH-EAST',
    lineItems: [
      { id: 'FLI-1', product: 'SHIP-DEVICE', quantity: 2, attributes: { orderedProduct: 'LAPTOP-14', color: 'silver' } },
    ],
    ...overrides,
  };
}

/** An invoice whose total is exactly the sum of its lines. */
export function invoice(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'INV-ORD-1001',
    orderId: 'ORD-1001',
    kind: 'invoice',
    currency: 'USD',
    total: '4098.00',
    lines: [
      { orderItemId: 'OI-1', quantity: 2, amount: '3798.00', tax: '300.00' },
      { orderItemId: 'OI-4', quantity: 1, amount: '0.00', tax: '0.00' },
    ],
    ...overrides,
  };
}

export async function setFault(baseUrl: string, system: string, spec: Record<string, unknown>): Promise<JsonResponse> {
  return request(baseUrl, 'PUT', `/_faults/${system}`, { body: spec });
}
