import type { z } from 'zod';
import type { CallLog } from './call-log';
import type { FaultBook } from './faults';
import type { Reply, RequestContext, Router } from './http';
import type { IdempotencyStore } from './idempotency';
import { handleIdempotentRequest } from './request-pipeline';

/**
 * Idempotent writes that mountSystem's `POST /<system>/<operation>` cannot express: resources with
 * ids in the path (`POST /storefront/carts/:id/checkout`, `PATCH /storefront/orders/:id/links`).
 * They go through the same pipeline (request-pipeline.ts) as every other simulated write.
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
  /** What the call log keeps of a body; default all of it. */
  logBody?: (body: unknown) => unknown;
}

export function mountIdempotentRoute<R>(router: Router, faults: FaultBook, calls: CallLog, route: IdempotentRoute<R>): void {
  const { keyScope } = route;
  router.on(route.method, route.pattern, (ctx) =>
    handleIdempotentRequest(ctx, faults, calls, {
      system: route.system,
      operation: route.operation,
      requestSchema: route.requestSchema,
      idempotency: route.idempotency,
      requireKey: route.requireKey,
      // Bodies on these routes may be left out when every field is optional (e.g. a checkout with defaults).
      missingBodyIsEmpty: true,
      keyScope: keyScope && (() => keyScope(ctx)),
      logBody: route.logBody,
      findWork: () => (request, idempotencyKey) => route.work(request, ctx, idempotencyKey),
    }),
  );
}
