import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Invoice } from '../../../domain/invoice';
import { formatMoney, parseMoney } from '../../../domain/money';
import { Order } from '../../../domain/order';
import { InvalidInput } from '../../../domain/problems';
import { billDue, changeSubscription, subscriptionOf, type Subscription } from '../../../domain/subscription';
import { minorAmount, taxSettings } from './money-arbitraries';
import { check } from './run';

/**
 * Credits never exceed what was billed, per subscription item, across any sequence of bill dates and mid-term changes
 * (issue 12; domain/subscription.ts changeSubscription, which domain/subscription-change.ts feeds from change orders):
 * Amend down and Cancel credit the billed rest of the current period, prorated, so however the quantity comes down
 * in steps, Σ credited for an item stays at most Σ billed for it.
 *
 * The amount and the tax: each credit memo rounds its own tax (taxByLine on the memo), so the subscription keeps a tally
 * of the tax billed and credited per item and a memo's line never takes more back than is left (the regression in
 * regressions.test.ts credited 0.06 of 0.05 before it did).
 */

const DAY = 86_400_000;
const dateAt = (offset: number) => new Date(Date.UTC(2026, 0, 1) + offset * DAY).toISOString().slice(0, 10);

const recurringItem = fc.record({
  quantity: fc.integer({ min: 1, max: 12 }),
  // Cents too: rounding bugs hide where a prorated share is worth half a minor unit.
  unitPrice: fc.oneof(fc.integer({ min: 1, max: 9 }), minorAmount),
  period: fc.constantFrom('month', 'quarter', 'year'),
  // Days that land on month starts and middles, so changes often fall on a period's first day (where a credit is
  // worth the whole billed share and rounding differences show).
  startOffset: fc.oneof(fc.constantFrom(0, 14, 31, 45, 59), fc.integer({ min: 0, max: 40 })),
  years: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
});

const event = fc.oneof(
  fc.record({ kind: fc.constant('bill' as const), after: fc.oneof(fc.constantFrom(14, 17, 28, 31), fc.integer({ min: 1, max: 120 })) }),
  fc.record({ kind: fc.constant('change' as const), after: fc.oneof(fc.constantFrom(0, 0, 14, 17, 28, 31), fc.integer({ min: 0, max: 90 })), item: fc.nat(), quantity: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 12 })) }),
);

function orderOf(items: (typeof recurringItem extends fc.Arbitrary<infer T> ? T : never)[], currency: string): Order {
  return Order.parse({
    id: 'ORD-S',
    accountId: 'ACME',
    channel: 'cpq',
    currency,
    items: items.map((item, i) => ({
      id: `OI-${i + 1}`,
      product: `SAAS-${i}`,
      quantity: item.quantity,
      unitPrice: formatMoney(currency === 'JPY' ? Math.floor(item.unitPrice / 100) : item.unitPrice, currency),
      billing: { type: 'recurring', period: item.period },
      startDate: dateAt(item.startOffset),
      ...(item.years !== undefined ? { endDate: dateAt(item.startOffset + item.years * 365 - 1) } : {}),
    })),
  });
}

describe('properties: subscription changes', () => {
  it('credits never exceed what was billed per item across bill dates, Amends and Cancels', () => {
    check(
      fc.property(
        fc.array(recurringItem, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('USD', 'JPY'),
        taxSettings,
        fc.array(event, { minLength: 1, maxLength: 12 }),
        (items, currency, tax, events) => {
          const settings = { ...tax, usagePrices: {}, recurring: 'perPeriod' as const };
          let subscription: Subscription = subscriptionOf(orderOf(items, currency), settings)!;
          const billed = new Map<string, { amount: number; tax: number }>();
          const credited = new Map<string, { amount: number; tax: number }>();
          const add = (into: Map<string, { amount: number; tax: number }>, document: Invoice | undefined) => {
            for (const line of document?.lines ?? []) {
              const was = into.get(line.orderItemId) ?? { amount: 0, tax: 0 };
              into.set(line.orderItemId, { amount: was.amount + parseMoney(line.amount, currency), tax: was.tax + parseMoney(line.tax, currency) });
            }
          };
          let today = 0;
          let changes = 0;
          for (const step of events) {
            today += step.after;
            const asOf = dateAt(today);
            if (step.kind === 'bill') {
              const run = billDue(subscription, asOf, [], settings);
              run.invoices.forEach((invoice) => add(billed, invoice));
              subscription = run.next;
              continue;
            }
            const live = subscription.items.filter((item) => item.endDate === undefined || item.endDate >= asOf);
            if (live.length === 0) continue;
            // Bill what is due first, as the subscription workflow does before it applies a change.
            const run = billDue(subscription, asOf, [], settings);
            run.invoices.forEach((invoice) => add(billed, invoice));
            subscription = run.next;
            const target = live[step.item % live.length];
            // -1: one unit fewer than now, the step down where per-step rounding adds up.
            const quantity = step.quantity === -1 ? target.quantity - 1 : step.quantity;
            const action = quantity === 0 ? { type: 'Cancel' as const, itemId: target.itemId } : { type: 'Amend' as const, itemId: target.itemId, quantity };
            let result;
            try {
              result = changeSubscription(subscription, { changeId: `ORD-S-C${++changes}`, effectiveDate: asOf, actions: [action] }, settings);
            } catch (error) {
              if (error instanceof InvalidInput) continue; // outside the term, or the quantity it already has
              throw error;
            }
            add(billed, result.invoice);
            add(credited, result.creditMemo);
            subscription = result.next;
            for (const [itemId, credit] of credited) {
              const bill = billed.get(itemId) ?? { amount: 0, tax: 0 };
              assert.ok(credit.amount <= bill.amount, `${itemId}: credited ${credit.amount} of ${bill.amount} billed (after ${changes} changes, ${asOf})`);
              assert.ok(credit.tax <= bill.tax, `${itemId}: credited ${credit.tax} tax of ${bill.tax} billed (after ${changes} changes, ${asOf})`);
            }
          }
        },
      ),
      200,
    );
  });
});
