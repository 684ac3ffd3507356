import type { FulfillmentLineItem } from '../domain/plan';
import type { AutoTaskContext } from './types';

/**
 * Auto-task handlers: named TypeScript functions that auto-task steps run (`handler:` in the catalog).
 * A handler gets the step's context and returns its output (kept on the step, passed to dependents).
 * Throw an ApplicationFailure to fail it: non-retryable for bad data, retryable for passing trouble.
 */
export type AutoTaskHandler = (context: AutoTaskContext) => Promise<unknown> | unknown;
export type HandlerRegistry = Record<string, AutoTaskHandler>;

const totalQuantity = (lineItems: FulfillmentLineItem[]) => lineItems.reduce((sum, li) => sum + li.quantity, 0);

/** The handlers the reference catalog names. Add yours with `createActivities({ handlers })`. */
export const builtInHandlers: HandlerRegistry = {
  /** Builds the warehouse pick list for the reserved devices. */
  pickList: (ctx) => ({
    pickListId: `PL-${ctx.orderId}-${ctx.fulfillmentOrderId}`,
    location: ctx.location,
    lines: ctx.lineItems.map((li) => ({ product: li.product, quantity: li.quantity, attributes: li.attributes })),
  }),
  /** Tells the customer their licenses are active (here: records what would be sent). */
  notifyCustomer: (ctx) => ({ notified: true, about: ctx.lineItems.map((li) => li.product) }),
  /** Works out the seat allocation for per-seat licenses. */
  allocateSeats: (ctx) => ({ seats: totalQuantity(ctx.lineItems) }),
  /** Prepares an on-site visit: what the technician brings, per bundle. */
  prepareVisit: (ctx) => ({ visitPlanId: `VP-${ctx.orderId}-${ctx.stepId}`, items: ctx.lineItems.map((li) => li.product) }),
  /** A step that only records that it ran: useful for examples and tests. */
  noop: () => ({}),
};
