import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Order } from '../../domain/order';
import type { Harness } from '../e2e/harness';

/**
 * The dashboard tests' own orders on the shared stack (`CONSOLE-DASH-<pid>-<n>`): laptop bundles from examples/,
 * which complete by themselves. Run once per test run and shared by the API and browser tests; the stack holds
 * other tests' orders too, so figures are asserted as "at least" these.
 */
export const OWN_ORDERS = 3;

let ran: Promise<string[]> | undefined;

export function runOwnOrders(stack: Harness): Promise<string[]> {
  ran ??= (async () => {
    const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/laptop-bundle.json'), 'utf8')) as Order;
    const ids = Array.from({ length: OWN_ORDERS }, (_, n) => `CONSOLE-DASH-${process.pid}-${n + 1}`);
    await Promise.all(ids.map((id) => stack.client.startOrder({ ...example, id })));
    for (const id of ids) {
      const summary = await stack.client.waitForCompletion(id, { timeoutMs: 60_000 });
      if (summary.state !== 'completed') throw new Error(`order ${id} ended ${summary.state}: ${summary.reason ?? ''}`);
    }
    return ids;
  })();
  return ran;
}
