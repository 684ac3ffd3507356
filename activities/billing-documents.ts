import type { SystemEndpoint } from '../config/schema';
import type { Invoice } from '../domain/invoice';
import { callSystem, systemEndpoint } from './http';

/**
 * Sends one billing document (an order's invoice, a change order's credit memo, a subscription's period invoice)
 * to billing (`POST invoices` on systems.billing) under its idempotency key: the same key is the same document,
 * so a retried activity, a restarted worker or a replayed workflow never bills twice. `extra` travels with the
 * document as billing keeps it (a subscription's `subscriptionId`, `period`, `invoiceDate`).
 */
export async function sendBillingDocument(
  systems: Record<string, SystemEndpoint>,
  document: Invoice & Record<string, unknown>,
  idempotencyKey: string,
): Promise<void> {
  await callSystem({
    system: 'billing',
    endpoint: systemEndpoint(systems, 'billing'),
    method: 'POST',
    path: 'invoices',
    body: document,
    idempotencyKey,
  });
}
