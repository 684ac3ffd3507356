import { formatMoney, parseMoney, sumMinor } from '../../domain/money';
import { subscriptionIdOf } from '../../domain/subscription';

/**
 * The verdict of a chaos run, from what it submitted, where each order ended and what the billing system holds.
 * Pure: the unit tests feed it fabricated outcomes (a lost order, a second invoice) and it must say so.
 */

export interface SubmittedOrder {
  orderId: string;
  example: string;
  currency: string;
  /** Its invoice's total as the domain computes it from the order file (orders.ts expectedInvoiceTotal). */
  expectedTotal: string;
}

export type OrderOutcome =
  | { kind: 'completed' }
  /** At least one step FatallyFailed, waiting in these queues for someone: a run that resolves nothing leaves it there. */
  | { kind: 'fallout'; steps: Array<{ stepId: string; queue?: string; error?: string }> }
  /** Temporal does not know the order: it was accepted and then lost. */
  | { kind: 'lost' }
  /** Still running without fallout when the run stopped waiting. */
  | { kind: 'unsettled'; state: string }
  /** Ended otherwise (rejected, failed, cancelled): no fault in this run should make an order end so. */
  | { kind: 'ended'; state: string; reason?: string };

/** A billing document as `GET /billing/invoices` lists it (only the fields the checks read). */
export interface BillingDocument {
  id: string;
  kind: string;
  total: string;
  currency: string;
  orderId?: string;
  subscriptionId?: string;
  period?: { start: string; end: string };
}

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface ChaosFigures {
  orders: number;
  completed: number;
  inFallout: number;
  lost: number;
  unsettled: number;
  endedOtherwise: number;
  /** Orders with more than one invoice, and subscription periods billed more than once. */
  billedTwice: string[];
  /** Completed orders billing has no invoice for. */
  notBilled: string[];
  /** Orders whose invoice total differs from the expected one, or that billing invoiced without them completing. */
  billedWrong: Array<{ orderId: string; billed: string; expected: string }>;
  sumBilled: string;
  sumExpected: string;
  currency: string;
  fallout: Array<{ orderId: string; steps: Array<{ stepId: string; queue?: string; error?: string }> }>;
  notSettled: Array<{ orderId: string; state: string; reason?: string }>;
  checks: Check[];
  ok: boolean;
}

/**
 * The checks: none lost; every order completed or in fallout; none billed twice (counted from billing's own documents
 * per order, not from a summary: a second invoice is exactly what a summary would not show); every completed order
 * billed once, at its expected total; Σ billed over every order invoice billing holds = Σ expected over the completed orders.
 */
export function checkChaosRun(submitted: readonly SubmittedOrder[], outcomes: ReadonlyMap<string, OrderOutcome>, documents: readonly BillingDocument[]): ChaosFigures {
  const currency = submitted[0]?.currency ?? 'USD';
  const mine = new Set(submitted.map((order) => order.orderId));
  // The order's own invoices: a subscription's period invoices carry its order id too, and are checked by period below.
  const invoicesOf = new Map<string, BillingDocument[]>();
  for (const document of documents) {
    if (document.kind !== 'invoice' || !document.orderId || !mine.has(document.orderId) || document.subscriptionId) continue;
    invoicesOf.set(document.orderId, [...(invoicesOf.get(document.orderId) ?? []), document]);
  }

  const billedTwice: string[] = [];
  const notBilled: string[] = [];
  const billedWrong: ChaosFigures['billedWrong'] = [];
  const fallout: ChaosFigures['fallout'] = [];
  const notSettled: ChaosFigures['notSettled'] = [];
  const expectedMinor: number[] = [];
  let completed = 0;
  let lost = 0;
  for (const order of submitted) {
    const outcome = outcomes.get(order.orderId) ?? { kind: 'lost' };
    const invoices = invoicesOf.get(order.orderId) ?? [];
    if (invoices.length > 1) billedTwice.push(`${order.orderId} (${invoices.length} invoices: ${invoices.map((d) => d.id).join(', ')})`);
    if (outcome.kind === 'completed') {
      completed += 1;
      expectedMinor.push(parseMoney(order.expectedTotal, order.currency));
      if (invoices.length === 0) notBilled.push(order.orderId);
      for (const invoice of invoices) {
        if (parseMoney(invoice.total, invoice.currency) !== parseMoney(order.expectedTotal, order.currency)) {
          billedWrong.push({ orderId: order.orderId, billed: invoice.total, expected: order.expectedTotal });
        }
      }
    } else {
      // Billing comes after every split is done: an order that did not complete must not have been invoiced.
      for (const invoice of invoices) billedWrong.push({ orderId: order.orderId, billed: invoice.total, expected: `nothing (${outcome.kind})` });
      if (outcome.kind === 'fallout') fallout.push({ orderId: order.orderId, steps: outcome.steps });
      else if (outcome.kind === 'lost') lost += 1;
      else notSettled.push({ orderId: order.orderId, state: outcome.state, ...(outcome.kind === 'ended' && outcome.reason ? { reason: outcome.reason } : {}) });
    }
  }
  billedTwice.push(...periodsBilledTwice(documents, mine));

  const billed = sumMinor([...invoicesOf.values()].flat().map((d) => parseMoney(d.total, d.currency)));
  const expected = sumMinor(expectedMinor);
  const unsettled = submitted.filter((o) => outcomes.get(o.orderId)?.kind === 'unsettled').length;
  const endedOtherwise = submitted.filter((o) => outcomes.get(o.orderId)?.kind === 'ended').length;
  const checks: Check[] = [
    { name: 'none lost', ok: lost === 0, ...(lost ? { detail: `${lost} order(s) unknown to Temporal` } : {}) },
    {
      name: 'every order completed or in fallout',
      ok: notSettled.length === 0,
      ...(notSettled.length ? { detail: notSettled.map((o) => `${o.orderId}: ${o.state}${o.reason ? ` (${o.reason})` : ''}`).join('; ') } : {}),
    },
    { name: 'none billed twice', ok: billedTwice.length === 0, ...(billedTwice.length ? { detail: billedTwice.join('; ') } : {}) },
    { name: 'every completed order billed', ok: notBilled.length === 0, ...(notBilled.length ? { detail: notBilled.join(', ') } : {}) },
    {
      name: 'each invoice at its expected total',
      ok: billedWrong.length === 0,
      ...(billedWrong.length ? { detail: billedWrong.map((w) => `${w.orderId}: billed ${w.billed}, expected ${w.expected}`).join('; ') } : {}),
    },
    {
      name: 'Σ billed = Σ expected',
      ok: billed === expected,
      ...(billed !== expected ? { detail: `billed ${formatMoney(billed, currency)}, expected ${formatMoney(expected, currency)}` } : {}),
    },
  ];
  return {
    orders: submitted.length,
    completed,
    inFallout: fallout.length,
    lost,
    unsettled,
    endedOtherwise,
    billedTwice,
    notBilled,
    billedWrong,
    sumBilled: formatMoney(billed, currency),
    sumExpected: formatMoney(expected, currency),
    currency,
    fallout,
    notSettled,
    checks,
    ok: checks.every((check) => check.ok),
  };
}

/** A subscription's period is billed once: a second invoice for the same subscription and period start is a double. */
function periodsBilledTwice(documents: readonly BillingDocument[], orders: ReadonlySet<string>): string[] {
  const subscriptions = new Set([...orders].map(subscriptionIdOf));
  const seen = new Map<string, string[]>();
  for (const document of documents) {
    if (document.kind !== 'invoice' || !document.subscriptionId || !document.period || !subscriptions.has(document.subscriptionId)) continue;
    const key = `${document.subscriptionId} period ${document.period.start}`;
    seen.set(key, [...(seen.get(key) ?? []), document.id]);
  }
  return [...seen].filter(([, ids]) => ids.length > 1).map(([key, ids]) => `${key} (${ids.length} invoices: ${ids.join(', ')})`);
}
