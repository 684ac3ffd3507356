import type { z } from 'zod';
import { orderIdOf, type CallLog } from './call-log';
import { InjectedFault, type FaultBook } from './faults';
import { errorReply, HttpError, jsonOrText, parseJson, type Reply, type RequestContext, type Router } from './http';
import type { IdempotencyStore } from './idempotency';
import { parseBody } from './validation';

/**
 * The one pipeline every simulated write goes through, whether mountSystem's `POST /<system>/<operation>`
 * or an idempotent route with ids in the path (idempotent-route.ts), so the protocol is identical everywhere:
 *
 *   fault injection (latency, outage, failure before the work)
 *   → finding the work (mountSystem: unknown operation 404) → missing Idempotency-Key 400 (when required)
 *   → invalid body 400 → stored response for the key (Idempotent-Replay: true), or the work (stored when 2xx)
 *   → failure after the work (a "lost response" fault), if injected
 *   → the call log record, whatever the outcome
 *
 * Faults come first because a system that is down or slow is so for every request, valid or not.
 */

export const REPLAY_HEADER = 'Idempotent-Replay';

export type RequestWork<R> = (request: R, idempotencyKey: string | undefined) => Reply | Promise<Reply>;

export interface IdempotentRequest<R> {
  system: string;
  /** The name faults, key scopes and the call log know the request by, e.g. `checkout`. */
  operation: string;
  requestSchema: z.ZodType<R>;
  idempotency: IdempotencyStore;
  /** Called after the faults, so a wrong path on a system that is down still reports the outage; may throw an HttpError. */
  findWork: () => RequestWork<R>;
  /** Creates need a key; idempotent updates may go without, and then run their work directly. Default true. */
  requireKey?: boolean;
  /** Routes whose body fields are all optional accept no body at all as `{}`. Default false. */
  missingBodyIsEmpty?: boolean;
  /** The scope keys live in; default the operation. */
  keyScope?: () => string;
  /** How a stored answer is given again (before the replay header is added); default as stored. */
  replay?: (stored: Reply) => Reply;
  /** What the call log keeps of the body as it arrived; default all of it (the payment gateway masks card numbers). */
  logBody?: (body: unknown) => unknown;
}

export async function handleIdempotentRequest<R>(
  ctx: RequestContext,
  faults: FaultBook,
  calls: CallLog,
  request: IdempotentRequest<R>,
): Promise<Reply> {
  const { system, operation } = request;
  const startedAt = Date.now();
  const idempotencyKey = headerValue(ctx.headers['idempotency-key']);
  let loggedBody: unknown = null;
  let reply: Reply;
  let replayed = false;
  let fault: string | null = null;
  try {
    const text = await ctx.readText();
    loggedBody = request.logBody ? request.logBody(jsonOrText(text)) : jsonOrText(text);
    const failureAfterWork = await faults.enter(system, operation, ctx.signal);
    const work = request.findWork();
    if (!idempotencyKey && request.requireKey !== false) {
      throw new HttpError(400, 'missing-idempotency-key', `${system}/${operation} needs an Idempotency-Key header`);
    }
    const json = parseJson(text);
    const body = parseBody(request.requestSchema, request.missingBodyIsEmpty ? (json ?? {}) : json);
    if (idempotencyKey) {
      const scope = request.keyScope?.() ?? operation;
      const outcome = await request.idempotency.run(scope, idempotencyKey, () => work(body, idempotencyKey));
      replayed = outcome.replayed;
      const replay = request.replay ?? ((stored: Reply) => stored);
      reply = replayed ? withHeader(replay(outcome.reply), REPLAY_HEADER, 'true') : outcome.reply;
    } else {
      reply = await work(body, undefined);
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
    // Routes with the order in the path (`/orders/:orderId/...`) log it even when the body does not name it.
    orderId: orderIdOf(loggedBody) ?? ctx.params.orderId ?? null,
    body: loggedBody,
    status: reply.status,
    response: reply.body ?? null,
    replayed,
    fault,
    durationMs: Date.now() - startedAt,
  });
  return reply;
}

/** Mounts `GET|DELETE /<system>/calls`: what a test or connector author reads to see what a system was asked. */
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

function withHeader(reply: Reply, name: string, value: string): Reply {
  return { ...reply, headers: { ...reply.headers, [name]: value } };
}
