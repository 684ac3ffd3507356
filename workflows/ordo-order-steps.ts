import type { Order } from '../domain/order';
import { channel } from './sync-activities';
import type { SyncRun } from './sync-run';

/**
 * The last steps of every sync: check that the Ordo invoice of the sale will bill its source's total to the cent
 * (else an Error naming both totals, before anything is submitted), then submit the sale to Ordo's orchestration.
 */
export async function submitToOrdo(run: SyncRun, sale: { source: string; order: Order; total: string; totalOf: string }): Promise<void> {
  const { source, order, total, totalOf } = sale;
  await run.step({ name: 'invoiceTotal', source, run: () => channel.checkInvoiceTotal({ order, total, totalOf }) });
  await run.step({
    name: 'ordoOrder',
    source,
    run: () => channel.submitOrdoOrder(order),
    target: (submitted) => ({ kind: 'ordoOrder', id: submitted.orderId }),
  });
}
