import type { z } from 'zod';
import { CallLog } from './call-log';
import type { FaultBook } from './faults';
import { HttpError, type Reply, type Router } from './http';
import type { IdempotencyStore } from './idempotency';
import { handleIdempotentRequest, mountCallLog } from './request-pipeline';

/**
 * Mounts one simulated system at `/<name>/`: its business operations (`POST /<name>/<operation>`)
 * and its call log (`GET|DELETE /<name>/calls`). Every POST goes through request-pipeline.ts,
 * the pipeline idempotent routes share, so the protocol is identical everywhere; an unknown
 * operation is a 404 after the faults (a system that is down is down for every path).
 */

export type OperationWork<R> = (request: R, meta: { idempotencyKey: string }) => Reply | Promise<Reply>;

export interface SystemDefinition<R> {
  name: string;
  requestSchema: z.ZodType<R>;
  operations: Record<string, OperationWork<R>>;
  idempotency: IdempotencyStore;
  /** How a stored answer is given again; default: status 200 with the stored body. */
  replay?: (stored: Reply) => Reply;
  /** The call log, when the system has other routes logging to it too (billing's payments); default a new one. */
  calls?: CallLog;
}

export function mountSystem<R>(router: Router, faults: FaultBook, system: SystemDefinition<R>): CallLog {
  const calls = system.calls ?? new CallLog();
  const { name, operations } = system;
  const replay = system.replay ?? ((stored: Reply): Reply => ({ status: 200, body: stored.body }));

  mountCallLog(router, name, calls);

  router.on('POST', `/${name}/:operation`, (ctx) => {
    const operation = ctx.params.operation!;
    return handleIdempotentRequest(ctx, faults, calls, {
      system: name,
      operation,
      requestSchema: system.requestSchema,
      idempotency: system.idempotency,
      replay,
      findWork: () => {
        const work = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
        if (!work) {
          throw new HttpError(404, 'unknown-operation', `${name} has no operation "${operation}" (it has: ${Object.keys(operations).join(', ')})`);
        }
        // A key is required here (requireKey defaults to true), so the work always receives one.
        return (request, idempotencyKey) => work(request, { idempotencyKey: idempotencyKey! });
      },
    });
  });

  return calls;
}
