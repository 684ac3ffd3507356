import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Order } from '../../domain/order';
import { orderWorkflowId } from '../../workflows/ids';
import { eventually } from '../e2e/eventually';
import { simulatorSend, type Harness } from '../e2e/harness';
import { atEndOfRun } from '../hooks';

/**
 * The dashboard tests' own orders on the shared stack (`CONSOLE-DASH-<pid>-<n>`), run once per test run and shared
 * by the API and browser tests: laptop bundles from examples/ that complete by themselves, and one whose warranty
 * registration falls out (the simulator refuses it with 422 FALLOUT_CODE), so it stays running, held, in fallout.
 * The stack holds other tests' orders too: figures are asserted as "at least" these.
 */
export const OWN_ORDERS = 3;
export const FALLOUT_CODE = 'DASHBOARD-TEST';
export const FALLEN_STEP = 'warranty-registration.register';

let ran: Promise<{ completed: string[]; held: string }> | undefined;

export function runOwnOrders(stack: Harness): Promise<{ completed: string[]; held: string }> {
  ran ??= (async () => {
    const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/laptop-bundle.json'), 'utf8')) as Order;
    const ids = Array.from({ length: OWN_ORDERS + 1 }, (_, n) => `CONSOLE-DASH-${process.pid}-${n + 1}`);
    const [held, ...completed] = ids;
    // The held order first and alone, so the one refused registration is its own.
    await simulatorSend(stack, 'PUT', '/_faults/warranty', { operation: 'register', failNext: 1, errorStatus: 422, errorCode: FALLOUT_CODE });
    try {
      await stack.client.startOrder({ ...example, id: held });
      await eventually(`${held} in fallout`, async () => ((await stack.client.getSummary(held)).fallout >= 1 ? true : undefined), 30_000);
    } finally {
      await simulatorSend(stack, 'DELETE', '/_faults/warranty');
    }
    // Nobody resolves it: it is ended when the run ends, so no other test finds it waiting.
    atEndOfRun(async () => {
      await stack.env.client.workflow.getHandle(orderWorkflowId(held)).terminate('dashboard test over').catch(() => undefined);
    });
    await Promise.all(completed.map((id) => stack.client.startOrder({ ...example, id })));
    for (const id of completed) {
      const summary = await stack.client.waitForCompletion(id, { timeoutMs: 60_000 });
      if (summary.state !== 'completed') throw new Error(`order ${id} ended ${summary.state}: ${summary.reason ?? ''}`);
    }
    return { completed, held };
  })();
  return ran;
}
