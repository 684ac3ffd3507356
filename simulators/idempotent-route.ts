import type { z } from 'zod';
import { orderIdOf, type CallLog } from './call-log';
import { InjectedFault, type FaultBook } from './faults';
import { errorReply, HttpError, jsonOrText, parseJson, type Reply, type RequestContext, type Router } from './http';
import type { IdempotencyStore } from './idempotency';
import { REPLAY_HEADER } from './simulated-system';
import { parseBody } from './validation';

/**
 * The pipeline of simulated-system.ts's business POSTs, for routes that mountSystem's
 * `POST /<system>/<operation>` cannot express: resources with ids in the path
 * (`POST /storefront/carts/:id/checkout`, `PATCH /storefront/orders/:id/links`). Same order of checks:
 *
 *   fault injection → missing Idempotency-Key 400 (when required) → invalid body 400
 *   → stored response for the key, or the work (stored when 2xx) → failure after the work, if injected
 *
 * Keys are scoped per operation, as everywhere, or per resource (keyScope). A route that does not require a key (an update that
 * is idempotent by nature, such as setting links) runs its work directly when none is given.
 */
export interface IdempotentRoute<R> {
  system: string;
  method: string;
  pattern: string;
  /** The name faults and the call log know the route by, e.g. `checkout`. */
  operation: string;
  requestSchema: z.ZodType<R>;
  idempotency: IdempotencyStore;
  /** Creates need a key; idempotent updates may go without. Default true. */
  requireKey?: boolean;
  /**
   * The scope keys live in; default the operation. A route on one resource scopes them to it
   * (`checkout/CART-1`), so a client reusing a key for another cart gets a new checkout, not the old answer.
   */
  keyScope?: (ctx: RequestContext) => string;
  work: (request: R, ctx: RequestContext, idempotencyKey: string | undefined) => Reply | Promise<Reply>;
}

export function mountIdempotentRoute<R>(router: Router, faults: FaultBook, calls: CallLog, route: IdempotentRoute<R>): void {
  const { system, operation } = route;
  router.on(route.method, route.pattern, async (ctx) => {
    const startedAt = Date.now();
    const idempotencyKey = headerValue(ctx.headers['idempotency-key']);
    let loggedBody: unknown = null;
    let reply: Reply;
    let replayed = false;
    let fault: string | null = null;
    try {
      const text = await ctx.readText();
      loggedBody = jsonOrText(text);
      const failureAfterWork = await faults.enter(system, operation, ctx.signal);
      if (!idempotencyKey && route.requireKey !== false) {
        throw new HttpError(400, 'missing-idempotency-key', `${system}/${operation} needs an Idempotency-Key header`);
      }
      const request = parseBody(route.requestSchema, parseJson(text) ?? {});
      if (idempotencyKey) {
        const outcome = await route.idempotency.run(route.keyScope?.(ctx) ?? operation, idempotencyKey, () => route.work(request, ctx, idempotencyKey));
        replayed = outcome.replayed;
        reply = replayed ? { ...outcome.reply, headers: { ...outcome.reply.headers, [REPLAY_HEADER]: 'true' } } : outcome.reply;
      } else {
        reply = await route.work(request, ctx, undefined);
      }
      if (failureAfterWork) {
        fault = failureAfterWork.code;
        reply = errorReply(failureAfterWork);
      }
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error instanceof InjectedFault) fault = error.code;
      reply = errorReply(error);
    }
    calls.record({
      at: new Date(startedAt).toISOString(),
      operation,
      idempotencyKey: idempotencyKey ?? null,
      orderId: orderIdOf(loggedBody) ?? ctx.params.orderId ?? null,
      body: loggedBody,
      status: reply.status,
      response: reply.body ?? null,
      replayed,
      fault,
      durationMs: Date.now() - startedAt,
    });
    return reply;
  });
}

/** Mounts `GET|DELETE /<system>/calls`, as mountSystem does for its systems. */
export function mountCallLog(router: Router, system: string, calls: CallLog): void {
  router.on('GET', `/${system}/calls`, (ctx) => ({ status: 200, body: { calls: calls.list({ orderId: ctx.query.get('orderId') }) } }));
  router.on('DELETE', `/${system}/calls`, () => {
    calls.clear();
    return { status: 204 };
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.trim() !== '' ? first.trim() : undefined;
}
