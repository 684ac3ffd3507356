import { FaultSpecSchema, type FaultBook } from './faults';
import { parseJson, type Router } from './http';
import { parseBody } from './validation';

/**
 * The routes that are about the simulators rather than any one system: health, and fault injection
 * at run time (`/_faults`). The leading underscore keeps them out of the way of system names.
 */
export function mountAdmin(router: Router, faults: FaultBook, systems: readonly string[]): void {
  router.on('GET', '/health', () => ({ status: 200, body: { ok: true, systems } }));

  router.on('GET', '/_faults', () => ({ status: 200, body: faults.list() }));

  router.on('PUT', '/_faults/:system', async (ctx) => {
    const spec = parseBody(FaultSpecSchema, parseJson(await ctx.readText()));
    const fault = faults.set(ctx.params.system!, spec);
    return { status: 200, body: { system: ctx.params.system, fault } };
  });

  router.on('DELETE', '/_faults/:system', (ctx) => {
    faults.clear(ctx.params.system!, ctx.query.get('operation') ?? undefined);
    return { status: 204 };
  });

  router.on('DELETE', '/_faults', () => {
    faults.clearAll();
    return { status: 204 };
  });
}
