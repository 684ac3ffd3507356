import type { z } from 'zod';
import { CallLog, orderIdOf } from './call-log';
import { InjectedFault, type FaultBook } from './faults';
import { errorReply, HttpError, jsonOrText, parseJson, type Reply, type Router } from './http';
import type { IdempotencyStore } from './idempotency';
import { parseBody } from './validation';

/**
 * Mounts one simulated system at `/<name>/`: its business operations (`POST /<name>/<operation>`)
 * and its call log (`GET|DELETE /<name>/calls`). Every system answers its POSTs through the same
 * pipeline, so the protocol is identical everywhere:
 *
 *   fault injection (latency, outage, failure before the work)
 *   → unknown operation 404 → missing Idempotency-Key 400 → invalid body 400
 *   → stored response for the key, or the work (stored when 2xx)
 *   → failure after the work (a "lost response" fault), if injected
 *
 * Faults come first because a system that is down or slow is so for every request, valid or not.
 */

export type OperationWork<R> = (request: R, meta: { idempotencyKey: string }) => Reply | Promise<Reply>;

export interface SystemDefinition<R> {
  name: string;
  requestSchema: z.ZodType<R>;
  operations: Record<string, OperationWork<R>>;
  idempotency: IdempotencyStore;
  /** How a stored answer is given again; default: status 200 with the stored body. */
  replay?: (stored: Reply) => Reply;
}

export const REPLAY_HEADER = 'Idempotent-Replay';

export function mountSystem<R>(router: Router, faults: FaultBook, system: SystemDefinition<R>): CallLog {
  const calls = new CallLog();
  const { name, operations } = system;
  const replay = system.replay ?? ((stored: Reply): Reply => ({ status: 200, body: stored.body }));

  router.on('GET', `/${name}/calls`, (ctx) => ({
    status: 200,
    body: { calls: calls.list({ orderId: ctx.query.get('orderId') }) },
  }));
  router.on('DELETE', `/${name}/calls`, () => {
    calls.clear();
    return { status: 204 };
  });

  router.on('POST', `/${name}/:operation`, async (ctx) => {
    const startedAt = Date.now();
    const operation = ctx.params.operation!;
    const idempotencyKey = headerValue(ctx.headers['idempotency-key']);
    let loggedBody: unknown = null;
    let reply: Reply;
    let replayed = false;
    let fault: string | null = null;
    try {
      const text = await ctx.readText();
      loggedBody = jsonOrText(text);
      const failureAfterWork = await faults.enter(name, operation, ctx.signal);

      const work = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      if (!work) {
        throw new HttpError(404, 'unknown-operation', `${name} has no operation "${operation}" (it has: ${Object.keys(operations).join(', ')})`);
      }
      if (!idempotencyKey) {
        throw new HttpError(400, 'missing-idempotency-key', `${name}/${operation} needs an Idempotency-Key header`);
      }
      const request = parseBody(system.requestSchema, parseJson(text));
      const outcome = await system.idempotency.run(operation, idempotencyKey, () => work(request, { idempotencyKey }));
      replayed = outcome.replayed;
      reply = replayed ? withHeader(replay(outcome.reply), REPLAY_HEADER, 'true') : outcome.reply;

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
      orderId: orderIdOf(loggedBody),
      body: loggedBody,
      status: reply.status,
      response: reply.body ?? null,
      replayed,
      fault,
      durationMs: Date.now() - startedAt,
    });
    return reply;
  });

  return calls;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.trim() !== '' ? first.trim() : undefined;
}

function withHeader(reply: Reply, name: string, value: string): Reply {
  return { ...reply, headers: { ...reply.headers, [name]: value } };
}
