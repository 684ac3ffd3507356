import type { BillingInvoice, BillingPayment } from '../client/billing-books';
import type { LoadedConfig } from '../config/load';
import { addMonths, formatIsoDate, parseIsoDate } from '../domain/civil-date';
import type { Order } from '../domain/order';
import type { UsagePosting } from '../domain/usage';
import { startSimulation, type BillingRecords, type Simulation } from './simulation';

/**
 * `ordo simulate`: one order and its billing for N months of workflow time (DESIGN.md Billing "Over time"), with a
 * journal of what billing recorded day by day, so a person can read the year month by month.
 */

export interface SimulationDay {
  /** The simulated day (YYYY-MM-DD) the documents and payments were recorded on. */
  date: string;
  /** Invoices and credit memos billing received that day. */
  documents: BillingInvoice[];
  /** Payments recorded that day, or whose status changed that day (a settlement, a refund). */
  payments: BillingPayment[];
  /** The account's ledger balance at the end of the day. */
  balance: string;
}

export interface SimulationReport extends BillingRecords {
  orderId: string;
  accountId: string;
  from: string;
  to: string;
  /** The days something happened, oldest first. */
  days: SimulationDay[];
}

export interface SimulateOrderOptions {
  config: LoadedConfig;
  order: Order;
  months: number;
  /** Usage records, each posted to billing when the simulated day reaches its date (earlier ones on the first day). */
  usage?: UsagePosting[];
  dunningRetryDays?: number[];
  log?: (line: string) => void;
  /** An environment already started (tests share one); otherwise one is started and stopped here. */
  simulation?: Simulation;
  /** Called once the environment runs: the CLI stops it on Ctrl-C. */
  onStarted?: (simulation: Simulation) => void;
}

/** The date `months` months after `date`, clamped to the end of a shorter month. */
export function monthsAfter(date: string, months: number): string {
  return formatIsoDate(addMonths(parseIsoDate(date, 'date'), months));
}

export async function simulateOrder(options: SimulateOrderOptions): Promise<SimulationReport> {
  const log = options.log ?? (() => undefined);
  const simulation = options.simulation ?? (await startSimulation({ config: options.config, dunningRetryDays: options.dunningRetryDays, log }));
  options.onStarted?.(simulation);
  try {
    const { order } = options;
    const from = await simulation.today();
    simulation.scheduleUsage(options.usage ?? []);
    log(`${from}: submitting order ${order.id}`);
    await simulation.submit(order);
    const journal = new Journal(simulation, order.accountId);
    await journal.record(from);
    const to = monthsAfter(from, options.months);
    let month = from.slice(0, 7);
    await simulation.advanceTo(to, {
      afterDay: async (day) => {
        if (day.slice(0, 7) !== month) {
          month = day.slice(0, 7);
          log(`${day}: ${journal.invoiceCount} documents so far`);
        }
        await journal.record(day);
      },
    });
    const records = await simulation.records(order.accountId);
    return { orderId: order.id, accountId: order.accountId, from, to, days: journal.days, ...records };
  } finally {
    if (!options.simulation) await simulation.stop();
  }
}

/** What billing recorded since the last look: new documents, new payments and payments whose status changed. */
class Journal {
  readonly days: SimulationDay[] = [];
  private readonly seenDocuments = new Set<string>();
  private readonly paymentStatus = new Map<string, string>();

  constructor(
    private readonly simulation: Simulation,
    private readonly accountId: string,
  ) {}

  get invoiceCount(): number {
    return this.seenDocuments.size;
  }

  async record(date: string): Promise<void> {
    const { invoices, payments, ledger } = await this.simulation.records(this.accountId);
    const documents = invoices.filter((invoice) => !this.seenDocuments.has(invoice.id));
    const changed = payments.filter((payment) => this.paymentStatus.get(payment.id) !== payment.status);
    documents.forEach((invoice) => this.seenDocuments.add(invoice.id));
    changed.forEach((payment) => this.paymentStatus.set(payment.id, payment.status));
    if (documents.length || changed.length) this.days.push({ date, documents, payments: changed, balance: ledger.balance });
  }
}
