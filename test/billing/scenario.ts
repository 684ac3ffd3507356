import type { Order, OrderItem } from '../../domain/order';
import type { Simulation } from '../../scripts/simulation';

/** Small builders for the billing scenarios: orders of one account, items by billing kind. */

export const monthly = { type: 'recurring', period: 'month' } as const;
export const yearly = { type: 'recurring', period: 'year' } as const;

export function seats(id: string, quantity: number, unitPrice: string, startDate: string, endDate: string, taxCode = 'EXEMPT'): OrderItem {
  return { id, product: 'SEATS', quantity, unitPrice, attributes: { edition: 'standard' }, billing: monthly, startDate, endDate, taxCode };
}

export function supportPlan(id: string, unitPrice: string, startDate: string, endDate: string): OrderItem {
  return { id, product: 'SUPPORT-PLAN', quantity: 1, unitPrice, attributes: { tier: 'premium' }, billing: yearly, startDate, endDate, taxCode: 'EXEMPT' };
}

/** One order per account: `ORD-<account>`, its subscription `SUB-ORD-<account>`. */
export function orderOf(accountId: string, items: OrderItem[], payment: Order['payment']): Order {
  return { id: `ORD-${accountId}`, accountId, channel: 'b2b', currency: 'USD', items, payment };
}

export const subscriptionOf = (accountId: string) => `SUB-ORD-${accountId}`;

/** A card number turned into a token at the gateway (POST /payments/tokens), as the hosted payment page does: only the token reaches Ordo. */
export async function tokenize(simulation: Simulation, cardNumber: string): Promise<string> {
  const response = await fetch(`${simulation.simulatorsUrl}/payments/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `tokenize-${cardNumber.slice(-4)}` },
    body: JSON.stringify({ cardNumber }),
  });
  if (!response.ok) throw new Error(`tokenizing failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** A fault on a simulated system (simulators/README.md "Faults"). */
export async function setFault(simulation: Simulation, system: string, spec: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${simulation.simulatorsUrl}/_faults/${system}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  if (!response.ok) throw new Error(`setting the fault failed: ${response.status} ${await response.text()}`);
}

export async function clearFaults(simulation: Simulation): Promise<void> {
  await fetch(`${simulation.simulatorsUrl}/_faults`, { method: 'DELETE' });
}
