import type { SyncRecordKind } from '../domain/sync-log';
import {
  CpqOpportunityRecord,
  CpqOrderRecord,
  CpqQuoteRecord,
  StorefrontOrderRecord,
  type CpqOrderRecord as CpqOrder,
  type CpqQuoteRecord as CpqQuote,
  type StorefrontOrderRecord as StorefrontOrder,
} from '../domain/channel-records';
import { BillingInvoiceRecord, readRecord } from './channel-records';
import { OrdoError } from './errors';
import type { OrdoClient } from './ordo-client';
import { listSyncViews } from './sync-views';
import { segment, type SystemApi } from './system-api';

/**
 * The twins of one sale (DESIGN.md "The twins"), read live from each system: the storefront order, the CPQ
 * opportunity, quote and order, the Ordo order's state and billing's invoices. Any of the three order ids finds
 * the rest, through the links the records carry (`links.cpqOrder`, `b2bSourceOrder`, `b2bOrder`, …) and the
 * sync workflows that made them (the SyncRecords search attribute). A twin that does not exist yet is null.
 */

export interface Twins {
  storefrontOrder: { id: string; total: string } | null;
  opportunity: { id: string } | null;
  quote: { id: string; primary: boolean; ordered: boolean; total: string } | null;
  cpqOrder: { id: string; status: string; b2bSourceOrder: string | null; total: string } | null;
  ordoOrder: { id: string; state: string } | null;
  invoices: Array<{ id: string; total: string }>;
}

export interface ChannelSystems {
  storefront: SystemApi;
  cpq: SystemApi;
  billing: SystemApi;
}

type Known = Partial<Record<SyncRecordKind, string>>;

export async function findTwins(systems: ChannelSystems, ordo: OrdoClient, id: string): Promise<Twins> {
  const { storefront, cpq } = systems;
  // What the syncs of this sale recorded: the links a record does not carry yet (e.g. the Ordo order's id).
  const synced: Known = Object.assign({}, ...(await listSyncViews(ordo.temporal, { orderId: id })).map((view) => view.records));

  let storefrontOrder = await findStorefrontOrder(storefront, id);
  let cpqOrder = storefrontOrder ? undefined : await findCpqOrder(cpq, id);
  let ordoOrder = !storefrontOrder && !cpqOrder ? await findOrdoOrder(ordo, [id]) : undefined;
  if (!storefrontOrder && !cpqOrder && !ordoOrder && Object.keys(synced).length === 0) {
    throw new OrdoError(
      'not-found',
      `no storefront order, CPQ order or Ordo order is called ${id}: check the id (a storefront order such as SO-…, a CPQ order such as ORD-…, or an Ordo order id); \`ordo sync-log\` lists the syncs and the records they made`,
    );
  }

  if (ordoOrder && !storefrontOrder) storefrontOrder = await firstOf(storefront, `orders?ordoOrder=${segment(ordoOrder.id)}`, 'orders', StorefrontOrderRecord);
  storefrontOrder ??= await findStorefrontOrder(storefront, synced.storefrontOrder);
  cpqOrder ??= await findCpqOrder(cpq, storefrontOrder?.links.cpqOrder ?? synced.cpqOrder);
  if (!cpqOrder && storefrontOrder) cpqOrder = await firstOf(cpq, `orders?b2bSourceOrder=${segment(storefrontOrder.id)}`, 'orders', CpqOrderRecord);
  if (cpqOrder && !storefrontOrder) {
    storefrontOrder =
      (await findStorefrontOrder(storefront, cpqOrder.b2bSourceOrder ?? cpqOrder.b2bOrder)) ??
      (await firstOf(storefront, `orders?cpqOrder=${segment(cpqOrder.id)}`, 'orders', StorefrontOrderRecord));
  }

  const quote = await findQuote(cpq, cpqOrder?.quoteId ?? synced.quote, storefrontOrder);
  const opportunityId = cpqOrder?.opportunityId ?? quote?.opportunityId ?? synced.opportunity;
  const opportunity = opportunityId
    ? await findRecord(cpq, `opportunities/${segment(opportunityId)}`, CpqOpportunityRecord)
    : storefrontOrder && (await firstOf(cpq, `opportunities?b2bSourceOrder=${segment(storefrontOrder.id)}`, 'opportunities', CpqOpportunityRecord));

  // The Ordo order of a sale has the id of the record it was made from (a storefront order's, or a rep's CPQ order's).
  ordoOrder ??= await findOrdoOrder(ordo, [storefrontOrder?.links.ordoOrder, synced.ordoOrder, storefrontOrder?.origin === 'checkout' ? storefrontOrder.id : cpqOrder?.id]);
  const invoices = ordoOrder ? await invoicesOf(systems.billing, ordoOrder.id) : [];

  return {
    storefrontOrder: storefrontOrder ? { id: storefrontOrder.id, total: storefrontOrder.total } : null,
    opportunity: opportunity ? { id: opportunity.id } : null,
    quote: quote ? { id: quote.id, primary: quote.primary, ordered: quote.ordered, total: quote.total } : null,
    cpqOrder: cpqOrder ? { id: cpqOrder.id, status: cpqOrder.status, b2bSourceOrder: cpqOrder.b2bSourceOrder ?? null, total: cpqOrder.total } : null,
    ordoOrder: ordoOrder ?? null,
    invoices,
  };
}

async function findRecord<S extends Parameters<typeof readRecord>[0]>(api: SystemApi, path: string, schema: S) {
  const found = await api.find(path);
  return found === undefined ? undefined : (readRecord(schema, found, `${api.system} ${path}`) as ReturnType<typeof readRecord<S>>);
}

/** The first record a filtered list answers (links are unique, so there is at most one). */
async function firstOf<S extends Parameters<typeof readRecord>[0]>(api: SystemApi, path: string, collection: string, schema: S) {
  const list = await api.get<Record<string, unknown[]>>(path);
  const first = list[collection]?.[0];
  return first === undefined ? undefined : (readRecord(schema, first, `${api.system} ${path}`) as ReturnType<typeof readRecord<S>>);
}

const findStorefrontOrder = async (storefront: SystemApi, id: string | undefined): Promise<StorefrontOrder | undefined> =>
  id === undefined ? undefined : findRecord(storefront, `orders/${segment(id)}`, StorefrontOrderRecord);

const findCpqOrder = async (cpq: SystemApi, id: string | undefined): Promise<CpqOrder | undefined> =>
  id === undefined ? undefined : findRecord(cpq, `orders/${segment(id)}`, CpqOrderRecord);

/** The order's quote; before the CPQ order exists, the quote the sync made from the storefront order (its b2bSource). */
async function findQuote(cpq: SystemApi, quoteId: string | undefined, storefrontOrder: StorefrontOrder | undefined): Promise<CpqQuote | undefined> {
  if (quoteId !== undefined) return findRecord(cpq, `quotes/${segment(quoteId)}`, CpqQuoteRecord);
  return storefrontOrder && firstOf(cpq, `quotes?b2bSource=${segment(storefrontOrder.id)}`, 'quotes', CpqQuoteRecord);
}

/** The first of the candidate ids that Temporal knows as an Ordo order, with its state. */
async function findOrdoOrder(ordo: OrdoClient, candidates: Array<string | undefined>): Promise<{ id: string; state: string } | undefined> {
  for (const id of new Set(candidates.filter((c): c is string => c !== undefined))) {
    try {
      const summary = await ordo.getSummary(id);
      return { id: summary.orderId, state: summary.state };
    } catch (error) {
      if (error instanceof OrdoError && error.code === 'not-found') continue;
      throw error;
    }
  }
  return undefined;
}

async function invoicesOf(billing: SystemApi, ordoOrderId: string): Promise<Twins['invoices']> {
  const { invoices } = await billing.get<{ invoices: unknown[] }>(`invoices?orderId=${segment(ordoOrderId)}`);
  return invoices.map((invoice) => readRecord(BillingInvoiceRecord, invoice, 'a billing invoice')).map(({ id, total }) => ({ id, total }));
}
