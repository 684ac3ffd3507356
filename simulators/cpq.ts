import { z } from 'zod';
import { activateOrder } from './cpq-activation';
import { CHANNEL_TAX } from './channel-tax';
import { findPriceBookEntry, priceLine } from './cpq-pricing';
import {
  defaultPriceBook,
  DiscountSchedulesDocumentSchema,
  PriceBookDocumentSchema,
  PriceRulesDocumentSchema,
} from './cpq-pricing-config';
import { CpqStateSchema, type CpqState, type Order, type Quote, type QuoteLine } from './cpq-records';
import {
  ActivateOrderSchema,
  CreateAccountSchema,
  CreateOpportunitySchema,
  CreateOrderSchema,
  CreateQuoteSchema,
  UpdateOrderSchema,
  UpdateQuoteSchema,
} from './cpq-requests';
import { quoteTotals } from './cpq-totals';
import { updateOrder, updateQuote } from './cpq-updates';
import type { FaultBook } from './faults';
import { HttpError, parseJson, type Reply, type Router } from './http';
import { newId } from './ids';
import { mountSystem, type OperationWork } from './simulated-system';
import { openSystemStore, type StoreLocation } from './system-store';
import { parseBody } from './validation';

/**
 * The CPQ system (Salesforce CPQ's part of the CPQ ↔ B2B Commerce connector): accounts → opportunities →
 * quotes with lines → orders with order products → activation (contracts, subscriptions, assets). Creates are
 * `POST /cpq/<operation>` through the common pipeline (faults, Idempotency-Key, call log); reads find records
 * by id and by the links a connector carries. State and stored answers live in `<dataDir>/cpq.json`.
 */

export const CPQ_OPERATIONS = ['accounts', 'opportunities', 'quotes', 'orders', 'activate', 'update-quote', 'update-order'] as const;

type Collection = 'accounts' | 'opportunities' | 'quotes' | 'orders' | 'contracts' | 'subscriptions' | 'assets';

/**
 * The query filters each list accepts; any other is refused so a misspelt link never lists everything.
 * An empty value matches records without the field: `?b2bOrder=` lists the orders with no storefront twin yet.
 */
const LIST_FILTERS: Record<Collection, readonly string[]> = {
  accounts: ['accountNumber'],
  opportunities: ['accountId', 'b2bSourceOrder'],
  quotes: ['opportunityId', 'b2bSource', 'accountId', 'primary'],
  orders: ['b2bSourceOrder', 'accountId', 'status', 'quoteId', 'opportunityId', 'syncToB2B', 'b2bOrder'],
  contracts: ['accountId', 'orderId'],
  subscriptions: ['accountId', 'orderId', 'contractId'],
  assets: ['accountId', 'orderId', 'contractId'],
};

export function mountCpq(router: Router, faults: FaultBook, where: StoreLocation): void {
  const store = openSystemStore(where, 'cpq', CpqStateSchema, emptyCpqState);
  const state = store.state;
  // Answers are copies: a stored answer must stay what was first answered, not follow later changes to the record.
  const answer = (status: number, body: unknown): Reply => ({ status, body: structuredClone(body) });
  const created = (body: unknown): Reply => answer(201, body);
  const now = () => new Date().toISOString();

  const operations: Record<(typeof CPQ_OPERATIONS)[number], OperationWork<unknown>> = {
    accounts(body) {
      const request = parseBody(CreateAccountSchema, body);
      const existing = state.accounts.find((account) => account.accountNumber === request.accountNumber);
      if (existing) throw alreadyLinked('accountNumber', request.accountNumber, existing.id);
      const account = { id: newId('ACC'), ...request, createdAt: now() };
      state.accounts.push(account);
      return created(account);
    },

    opportunities(body) {
      const request = parseBody(CreateOpportunitySchema, body);
      findOr422(state, 'accounts', request.accountId, 'accountId');
      const existing = request.b2bSourceOrder && state.opportunities.find((o) => o.b2bSourceOrder === request.b2bSourceOrder);
      if (existing) throw alreadyLinked('b2bSourceOrder', request.b2bSourceOrder!, existing.id);
      const opportunity = { id: newId('OPP'), ...request, createdAt: now() };
      state.opportunities.push(opportunity);
      return created(opportunity);
    },

    quotes(body) {
      const request = parseBody(CreateQuoteSchema, body);
      const opportunity = findOr422(state, 'opportunities', request.opportunityId, 'opportunityId');
      const account = findOr422(state, 'accounts', opportunity.accountId, 'opportunityId');
      const existing = request.b2bSource && state.quotes.find((q) => q.b2bSource === request.b2bSource);
      if (existing) throw alreadyLinked('b2bSource', request.b2bSource!, existing.id);

      const lineIds = lineIdsBySource(request.lines);
      const lines: QuoteLine[] = request.lines.map((line, index) => {
        const field = `lines[${index}]`;
        const { parentSourceLineId, unitPrice: _given, ...kept } = line;
        let parentLineId: string | undefined;
        if (parentSourceLineId !== undefined) {
          parentLineId = lineIds.bySource.get(parentSourceLineId);
          if (!parentLineId) {
            throw new HttpError(422, 'unknown-parent-line', `${field}.parentSourceLineId: no line of this quote has sourceLineId "${parentSourceLineId}"`, {
              field: `${field}.parentSourceLineId`,
            });
          }
        }
        const priced = priceLine(line, { pricing: request.pricing, account, currency: request.currency, config: state, field });
        return { id: lineIds.ids[index]!, ...kept, ...priced, ...(parentLineId ? { parentLineId } : {}) };
      });

      const id = newId('Q');
      const discount = request.discount !== undefined ? { discount: request.discount } : {};
      const quote: Quote = {
        id,
        opportunityId: opportunity.id,
        accountId: account.id,
        pricing: request.pricing,
        primary: request.primary,
        ordered: request.ordered,
        ...(request.b2bSource ? { b2bSource: request.b2bSource } : {}),
        currency: request.currency,
        lines,
        ...discount,
        ...quoteTotals({ id, accountId: account.id, currency: request.currency, ...discount, lines }),
        createdAt: now(),
      };
      // At most one primary quote per opportunity: as in CPQ, a new primary quote takes the flag from the old.
      if (quote.primary) for (const other of state.quotes) if (other.opportunityId === opportunity.id) other.primary = false;
      state.quotes.push(quote);
      return created(quote);
    },

    orders(body) {
      const request = parseBody(CreateOrderSchema, body);
      const quote = findOr422(state, 'quotes', request.quoteId, 'quoteId');
      const existing = request.b2bSourceOrder && state.orders.find((o) => o.b2bSourceOrder === request.b2bSourceOrder);
      if (existing) throw alreadyLinked('b2bSourceOrder', request.b2bSourceOrder!, existing.id);
      // One order per quote: a quote is one sale, and a retry under a new key must not order it twice.
      const ofQuote = state.orders.find((o) => o.quoteId === quote.id);
      if (ofQuote) throw alreadyLinked('quoteId', quote.id, ofQuote.id);
      const productIds = new Map(quote.lines.map((line) => [line.id, newId('OP')]));
      const order: Order = {
        id: newId('ORD'),
        quoteId: quote.id,
        opportunityId: quote.opportunityId,
        accountId: quote.accountId,
        ...(request.b2bSourceOrder ? { b2bSourceOrder: request.b2bSourceOrder } : {}),
        syncToB2B: request.syncToB2B,
        status: 'Draft',
        contracted: false,
        currency: quote.currency,
        ...(request.effectiveDate ? { effectiveDate: request.effectiveDate } : {}),
        ...(request.shipTo ? { shipTo: request.shipTo } : {}),
        // Order products are the quote lines as priced: an order never reprices.
        products: quote.lines.map(({ id, listPrice: _list, adjustments: _adjustments, parentLineId, ...line }) => ({
          id: productIds.get(id)!,
          quoteLineId: id,
          ...line,
          ...(parentLineId ? { parentProductId: productIds.get(parentLineId)! } : {}),
        })),
        ...(quote.discount !== undefined ? { discount: quote.discount } : {}),
        subtotal: quote.subtotal,
        discountTotal: quote.discountTotal,
        tax: quote.tax,
        total: quote.total,
        createdAt: now(),
      };
      state.orders.push(order);
      return created(order);
    },

    activate(body) {
      const request = parseBody(ActivateOrderSchema, body);
      return answer(200, activateOrder(state, request.orderId, request.contracted));
    },

    'update-quote': (body) => answer(200, updateQuote(state, parseBody(UpdateQuoteSchema, body))),
    'update-order': (body) => answer(200, updateOrder(state, parseBody(UpdateOrderSchema, body))),
  };

  mountSystem(router, faults, { name: 'cpq', requestSchema: z.unknown(), operations, idempotency: store.idempotency });

  for (const collection of Object.keys(LIST_FILTERS) as Collection[]) {
    router.on('GET', `/cpq/${collection}`, (ctx) => {
      const filters = [...ctx.query.entries()];
      for (const [name] of filters) {
        if (!LIST_FILTERS[collection].includes(name)) {
          throw new HttpError(400, 'invalid-request', `${collection} can be listed by ${LIST_FILTERS[collection].join(', ')}, not by "${name}"`, { field: name });
        }
      }
      const records = (state[collection] as Record<string, unknown>[]).filter((record) =>
        filters.every(([name, value]) => String(record[name] ?? '') === value),
      );
      return { status: 200, body: { [collection]: records } };
    });
    router.on('GET', `/cpq/${collection}/:id`, (ctx) => {
      const record = (state[collection] as { id: string }[]).find((candidate) => candidate.id === ctx.params.id);
      if (!record) throw new HttpError(404, 'not-found', `CPQ has no record "${ctx.params.id}" in ${collection}`);
      return { status: 200, body: record };
    });
  }

  // The tax table quote totals use: the storefront's, so a connector can check both agree with Ordo's billing config.
  router.on('GET', '/cpq/tax', () => ({ status: 200, body: CHANNEL_TAX }));

  mountPricingConfig(router, state, store.save);
}

/** `GET|PUT /cpq/products`, `/cpq/discount-schedules`, `/cpq/price-rules`: PUT replaces the whole list. */
function mountPricingConfig(router: Router, state: CpqState, save: () => void): void {
  router.on('GET', '/cpq/products', () => ({ status: 200, body: { products: state.priceBook } }));
  router.on('PUT', '/cpq/products', async (ctx) => {
    state.priceBook = parseBody(PriceBookDocumentSchema, parseJson(await ctx.readText())).products;
    save();
    return { status: 200, body: { products: state.priceBook } };
  });

  router.on('GET', '/cpq/discount-schedules', () => ({ status: 200, body: { discountSchedules: state.discountSchedules } }));
  router.on('PUT', '/cpq/discount-schedules', async (ctx) => {
    const { discountSchedules } = parseBody(DiscountSchedulesDocumentSchema, parseJson(await ctx.readText()));
    discountSchedules.forEach((schedule, index) => requirePriced(state, schedule.product, `discountSchedules[${index}].product`));
    state.discountSchedules = discountSchedules;
    save();
    return { status: 200, body: { discountSchedules } };
  });

  router.on('GET', '/cpq/price-rules', () => ({ status: 200, body: { priceRules: state.priceRules } }));
  router.on('PUT', '/cpq/price-rules', async (ctx) => {
    const { priceRules } = parseBody(PriceRulesDocumentSchema, parseJson(await ctx.readText()));
    priceRules.forEach((rule, index) => requirePriced(state, rule.product, `priceRules[${index}].product`));
    state.priceRules = priceRules;
    save();
    return { status: 200, body: { priceRules } };
  });
}

function emptyCpqState(): CpqState {
  return {
    accounts: [],
    opportunities: [],
    quotes: [],
    orders: [],
    contracts: [],
    subscriptions: [],
    assets: [],
    priceBook: defaultPriceBook(),
    discountSchedules: [],
    priceRules: [],
  };
}

const SINGULAR = { accounts: 'account', opportunities: 'opportunity', quotes: 'quote' } as const;

/** A record that a request refers to; a missing one is the request's fault (422 `unknown-<record>`), naming its field. */
function findOr422<C extends keyof typeof SINGULAR>(state: CpqState, collection: C, id: string, field: string): CpqState[C][number] {
  const record = (state[collection] as CpqState[C][number][]).find((candidate) => candidate.id === id);
  if (!record) throw new HttpError(422, `unknown-${SINGULAR[collection]}`, `${field}: CPQ has no ${SINGULAR[collection]} "${id}"`, { field });
  return record;
}

/**
 * A link that already names another record under another Idempotency-Key: a second twin of the same source
 * would be a duplicate sale. The answer names the record that exists so a connector can carry on with it.
 */
function alreadyLinked(field: string, value: string, existingId: string): HttpError {
  return new HttpError(409, 'already-linked', `${field} "${value}" already belongs to ${existingId}; look it up instead of creating it again`, {
    field,
    existingId,
  });
}

function requirePriced(state: CpqState, product: string, field: string): void {
  if (!findPriceBookEntry(state, product)) {
    throw new HttpError(422, 'unknown-product', `${field}: CPQ has no product "${product}" in its price book`, { field });
  }
}

/** New quote line ids, and the map from each line's sourceLineId to its id (for bundle parents). */
function lineIdsBySource(lines: readonly { sourceLineId?: string }[]) {
  const ids = lines.map(() => newId('QL'));
  const bySource = new Map<string, string>();
  lines.forEach((line, index) => {
    if (line.sourceLineId === undefined) return;
    if (bySource.has(line.sourceLineId)) {
      throw new HttpError(400, 'invalid-request', `lines[${index}].sourceLineId: "${line.sourceLineId}" is on two lines; each source line becomes one quote line`, {
        field: `lines[${index}].sourceLineId`,
      });
    }
    bySource.set(line.sourceLineId, ids[index]!);
  });
  return { ids, bySource };
}
