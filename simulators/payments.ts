import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { containsRawCardNumber } from '../domain/card-numbers';
import { formatMoney } from '../domain/money';
import { CallLog } from './call-log';
import type { FaultBook } from './faults';
import { HttpError, type RequestContext, type Router } from './http';
import { mountIdempotentRoute, type IdempotentRoute } from './idempotent-route';
import { newId } from './ids';
import { moneyField } from './money-field';
import { cardBrand, maskCardNumbers, TEST_CARD_SUFFIXES } from './payments-cards';
import { declineFor } from './payments-declines';
import {
  CaptureRequest,
  PaymentRequest,
  PaymentsState,
  RefundRequest,
  TokenizeRequest,
  type AuthorizationRecord,
  type CaptureRecord,
  type ChargeRecord,
  type RefundRecord,
} from './payments-records';
import { mountCallLog } from './request-pipeline';
import { openSystemStore, type StoreLocation } from './system-store';

/**
 * The payment gateway (a PSP): tokenization by the hosted payment page, then authorize at checkout and
 * capture later, or charge a stored token in one step (recurring charges), and refunds. Declines are
 * decided by the token and the amount as PSP test cards do (payments-declines.ts). Every create takes an
 * Idempotency-Key: the same key → the same answer, `Idempotent-Replay: true`, nothing done twice (a
 * declined attempt included: a replay is not a new attempt).
 *
 * A card number may arrive only at `POST /payments/tokens`; it is never stored, answered or logged.
 */

export const PAYMENTS_OPERATIONS = ['tokens', 'authorizations', 'capture', 'charges', 'refunds'] as const;

/** What other simulated systems in the process may ask of the gateway: the storefront's checkout authorizes here. */
export interface PaymentGateway {
  /** One authorization attempt (as `POST /payments/authorizations` makes): approved (`Authorized`) or `Declined`. */
  authorize(request: PaymentRequest): { id: string; status: 'Authorized' | 'Declined'; declineCode?: string; declineMessage?: string };
}

export function mountPayments(router: Router, faults: FaultBook, where: StoreLocation): PaymentGateway {
  const store = openSystemStore(where, 'payments', PaymentsState, () => ({
    tokens: [],
    authorizations: [],
    captures: [],
    charges: [],
    refunds: [],
    attempts: {},
  }));
  const { state } = store;
  const calls = new CallLog();
  const create = <R>(pattern: string, operation: (typeof PAYMENTS_OPERATIONS)[number], requestSchema: z.ZodType<R>, work: IdempotentRoute<R>['work']) =>
    mountIdempotentRoute(router, faults, calls, {
      system: 'payments',
      method: 'POST',
      pattern,
      operation,
      requestSchema,
      idempotency: store.idempotency,
      work,
      // A capture's keys are its authorization's (`capture/AUTH-1`): a key reused on another authorization captures that one.
      keyScope: (ctx) => [operation, ...Object.values(ctx.params)].join('/'),
      logBody: maskCardNumbers,
    });

  mountCallLog(router, 'payments', calls);

  create('/payments/tokens', 'tokens', TokenizeRequest, ({ cardNumber }) => {
    const digits = cardNumber.replace(/[ -]/g, '');
    const record = {
      token: `tok_${randomBytes(8).toString('hex')}${TEST_CARD_SUFFIXES[digits] ?? ''}`,
      last4: digits.slice(-4),
      brand: cardBrand(digits),
      createdAt: new Date().toISOString(),
    };
    state.tokens.push(record);
    return { status: 201, body: { token: record.token, last4: record.last4, brand: record.brand } };
  });

  /** One authorization or charge attempt with a token: counted, then approved or declined by payments-declines.ts. */
  function attempt(request: PaymentRequest, idPrefix: string) {
    const amountMinor = positiveAmount(request.amount, request.currency, 'amount');
    const attemptNumber = (state.attempts[request.token] ?? 0) + 1;
    state.attempts[request.token] = attemptNumber;
    const decline = declineFor(request.token, amountMinor, request.currency, attemptNumber);
    return {
      id: newId(idPrefix),
      token: request.token,
      last4: state.tokens.find((known) => known.token === request.token)?.last4 ?? request.token.slice(-4),
      amount: formatMoney(amountMinor, request.currency),
      currency: request.currency,
      reference: request.reference,
      attempt: attemptNumber,
      ...decline,
      createdAt: new Date().toISOString(),
    };
  }

  function authorize(request: PaymentRequest): AuthorizationRecord {
    const made = attempt(request, 'AUTH');
    const authorization: AuthorizationRecord = { ...made, status: made.declineCode ? 'Declined' : 'Authorized' };
    state.authorizations.push(authorization);
    store.save();
    return authorization;
  }

  create('/payments/authorizations', 'authorizations', PaymentRequest, (request) => ({ status: 201, body: renderAttempt(authorize(request)) }));

  create('/payments/authorizations/:authorizationId/capture', 'capture', CaptureRequest, (request, ctx) => {
    const authorization = findOr404(state.authorizations, ctx.params.authorizationId!, 'authorization');
    if (authorization.status === 'Declined') {
      throw new HttpError(409, 'authorization-declined', `authorization ${authorization.id} was declined (${authorization.declineCode}): there is nothing to capture; authorize again or charge another card`);
    }
    if (authorization.status === 'Captured') {
      throw new HttpError(409, 'authorization-captured', `authorization ${authorization.id} was already captured by ${authorization.captureId}; an authorization is captured once`, {
        captureId: authorization.captureId,
      });
    }
    const authorizedMinor = moneyField(authorization.amount, authorization.currency, 'amount');
    const amountMinor = request.amount === undefined ? authorizedMinor : positiveAmount(request.amount, authorization.currency, 'amount');
    if (amountMinor > authorizedMinor) {
      throw new HttpError(422, 'amount-exceeds-authorized', `amount: ${request.amount} is more than the ${authorization.amount} ${authorization.currency} authorized; capture at most that`, {
        field: 'amount',
        authorized: authorization.amount,
      });
    }
    const capture: CaptureRecord = {
      id: newId('CAP'),
      authorizationId: authorization.id,
      amount: formatMoney(amountMinor, authorization.currency),
      currency: authorization.currency,
      reference: authorization.reference,
      status: 'Captured',
      createdAt: new Date().toISOString(),
    };
    state.captures.push(capture);
    authorization.status = 'Captured';
    authorization.captureId = capture.id;
    return { status: 201, body: capture };
  });

  create('/payments/charges', 'charges', PaymentRequest, (request) => {
    const made = attempt(request, 'CH');
    const charge: ChargeRecord = { ...made, status: made.declineCode ? 'Declined' : 'Captured' };
    state.charges.push(charge);
    return { status: 201, body: renderAttempt(charge) };
  });

  create('/payments/refunds', 'refunds', RefundRequest, (request) => {
    const [field, payment] = request.chargeId !== undefined
      ? (['chargeId', findOr404(state.charges, request.chargeId, 'charge', 'chargeId')] as const)
      : (['captureId', findOr404(state.captures, request.captureId!, 'capture', 'captureId')] as const);
    if (payment.status === 'Declined') {
      throw new HttpError(409, 'charge-declined', `${field}: charge ${payment.id} was declined; nothing was paid to refund`, { field });
    }
    const { currency } = payment;
    const amountMinor = positiveAmount(request.amount, currency, 'amount');
    const refundedMinor = state.refunds
      .filter((refund) => refund[field] === payment.id)
      .reduce((sum, refund) => sum + moneyField(refund.amount, currency, 'amount'), 0);
    const refundableMinor = moneyField(payment.amount, currency, 'amount') - refundedMinor;
    if (amountMinor > refundableMinor) {
      const refundable = formatMoney(refundableMinor, currency);
      throw new HttpError(422, 'amount-exceeds-refundable', `amount: ${request.amount} is more than the ${refundable} ${currency} left to refund of ${payment.id} (${payment.amount} paid); refund at most that`, {
        field: 'amount',
        refundable,
      });
    }
    const refund: RefundRecord = {
      id: newId('RF'),
      [field]: payment.id,
      amount: formatMoney(amountMinor, currency),
      currency,
      reference: request.reference ?? payment.reference,
      status: 'Refunded',
      createdAt: new Date().toISOString(),
    };
    state.refunds.push(refund);
    return { status: 201, body: refund };
  });

  // Reads: by id, and lists by the caller's reference (an invoice id). Tokens show their attempts, never a number.
  router.on('GET', '/payments/tokens/:token', (ctx) => {
    const token = ctx.params.token!;
    refuseCardNumberId(token, 'token');
    const known = state.tokens.find((record) => record.token === token);
    const attempts = state.attempts[token];
    if (!known && attempts === undefined) throw new HttpError(404, 'not-found', `there is no token "${token}" (none was made or used here)`);
    return { status: 200, body: { token, last4: known?.last4 ?? token.slice(-4), brand: known?.brand ?? 'unknown', attempts: attempts ?? 0 } };
  });
  const readable: [collection: string, what: string, list: () => { id: string; reference: string }[]][] = [
    ['authorizations', 'authorization', () => state.authorizations.map(renderAttempt)],
    ['captures', 'capture', () => state.captures],
    ['charges', 'charge', () => state.charges.map(renderAttempt)],
    ['refunds', 'refund', () => state.refunds],
  ];
  for (const [collection, what, list] of readable) {
    router.on('GET', `/payments/${collection}`, (ctx) => {
      const reference = referenceFilter(ctx);
      const records = list();
      return { status: 200, body: { [collection]: records.filter((record) => reference === undefined || record.reference === reference) } };
    });
    router.on('GET', `/payments/${collection}/:id`, (ctx) => ({ status: 200, body: findOr404(list(), ctx.params.id!, what) }));
  }

  router.on('POST', '/payments/:operation', (ctx) => {
    throw new HttpError(404, 'unknown-operation', `payments has no operation "${ctx.params.operation}" (it has: tokens, authorizations, authorizations/:id/capture, charges, refunds)`);
  });

  return {
    authorize: (request) => {
      const { id, status, declineCode, declineMessage } = authorize(request);
      return { id, status: status === 'Declined' ? 'Declined' : 'Authorized', ...(declineCode !== undefined ? { declineCode, declineMessage } : {}) };
    },
  };
}

/** An authorization or charge as answered: the token stays inside the gateway; its last four characters are shown. */
function renderAttempt<T extends { token: string }>(record: T): Omit<T, 'token'> {
  const { token: _token, ...shown } = record;
  return shown;
}

function findOr404<T extends { id: string }>(records: readonly T[], id: string, what: string, field?: string): T {
  refuseCardNumberId(id, field ?? 'id');
  const found = records.find((record) => record.id === id);
  if (!found) throw new HttpError(404, `unknown-${what}`, `there is no ${what} "${id}"`, field ? { field } : {});
  return found;
}

/** An id in a path or body that is a card number is refused without being repeated in the answer. */
function refuseCardNumberId(id: string, field: string): void {
  if (containsRawCardNumber(id)) {
    throw new HttpError(400, 'invalid-request', `${field}: looks like a raw card number; card numbers go only to POST /payments/tokens`, { field });
  }
}

/** Money the currency can hold and more than nothing: a payment of 0 is a mistake, not a payment. */
function positiveAmount(text: string, currency: string, field: string): number {
  const minor = moneyField(text, currency, field);
  if (minor <= 0) throw new HttpError(400, 'invalid-request', `${field}: must be more than 0`, { field });
  return minor;
}

/** Lists take one filter, `reference`; anything else (or a card number as a reference) is a 400 naming it. */
function referenceFilter(ctx: RequestContext): string | undefined {
  for (const name of ctx.query.keys()) {
    if (name !== 'reference') throw new HttpError(400, 'invalid-request', `${name}: not a filter here; lists are filtered by reference only`, { field: name });
  }
  const reference = ctx.query.get('reference') ?? undefined;
  if (reference !== undefined && containsRawCardNumber(reference)) {
    throw new HttpError(400, 'invalid-request', 'reference: looks like a raw card number; card numbers go only to POST /payments/tokens', { field: 'reference' });
  }
  return reference;
}
