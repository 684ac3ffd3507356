import { log, proxyActivities } from '@temporalio/workflow';
import type { OrderEventActivities } from '../activities/types';
import { orderEventId, tmfState, type OrderEvent, type OrderEventType } from '../domain/tmf622';
import { now } from './clock';
import type { OrderSummary } from './types';

/**
 * The TMF622 events of one order (since patch `order-events`, docs/api.md "Events"): each time the order's run says
 * its summary changed, what changed since the last look becomes events: a new state, more steps in jeopardy, items
 * past the point of no return, a cancellation weighed or done. Each goes to the hub's subscribers through the
 * `notifyOrderEvent` activity, one after another in the order they happened; retried until delivered (at least
 * once; subscribers deduplicate on `eventId`, which is built from the order, the type and what changed).
 * The order waits for the last delivery before it returns, so a final state's event is never dropped.
 * Only an order whose plan says the hub had a subscriber for it (`plan.notifyOrderEvents`) makes one of these.
 */

// Retried every minute at most for a day; then the event is given up, logged, and the order goes on.
const { notifyOrderEvent } = proxyActivities<OrderEventActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export class OrderEvents {
  private seenState: string | undefined;
  /** How often the order has entered each state: a state entered again (held, then inProgress again) is a new event. */
  private readonly entries = new Map<string, number>();
  private seenJeopardy = 0;
  private jeopardySequence = 0;
  private readonly seenPonr = new Set<string>();
  private delivering: Promise<void> = Promise.resolve();

  constructor(private readonly summary: OrderSummary) {}

  /** Called after every change of the summary that could be an event (workflows/order-run.ts `changed`). */
  changed(): void {
    const { summary } = this;
    const events: OrderEvent[] = [];
    if (summary.state !== this.seenState) {
      this.seenState = summary.state;
      const entered = (this.entries.get(summary.state) ?? 0) + 1;
      this.entries.set(summary.state, entered);
      // The first entry keeps the plain state as its id's end; later ones add `#<n>`, so a subscriber that
      // deduplicates on eventId does not drop the order's return to a state it was in before.
      const discriminator = entered === 1 ? summary.state : `${summary.state}#${entered}`;
      events.push(this.event('ProductOrderStateChangeEvent', discriminator, { productOrder: this.productOrder() }));
      const cancel = cancelState(summary.state);
      if (cancel && summary.cancellation) {
        events.push(this.event('CancelProductOrderStateChangeEvent', cancel, {
          cancelProductOrder: { id: summary.orderId, state: cancel, cancellationReason: summary.cancellation.reason, productOrder: { id: summary.orderId } },
        }));
      }
    }
    if (summary.jeopardy > this.seenJeopardy) {
      this.jeopardySequence++;
      events.push(this.event('ProductOrderJeopardyEvent', this.jeopardySequence, { productOrder: this.productOrder(), jeopardy: summary.jeopardy }));
    }
    this.seenJeopardy = summary.jeopardy;
    for (const record of summary.pointOfNoReturn ?? []) {
      if (this.seenPonr.has(record.orderItemId)) continue;
      this.seenPonr.add(record.orderItemId);
      events.push(this.event('ProductOrderPointOfNoReturnEvent', record.orderItemId, {
        productOrder: this.productOrder(),
        productOrderItem: { id: record.orderItemId },
        pointOfNoReturn: { stepId: record.stepId, fulfillmentOrderId: record.fulfillmentOrderId, at: record.at },
      }));
    }
    for (const event of events) this.delivering = this.delivering.then(() => deliver(event));
  }

  /** Resolves once every event so far was delivered (or given up). */
  delivered(): Promise<void> {
    return this.delivering;
  }

  private event(eventType: OrderEventType, discriminator: string | number, event: Record<string, unknown>): OrderEvent {
    return { eventId: orderEventId(this.summary.orderId, eventType, discriminator), eventType, eventTime: now(), orderId: this.summary.orderId, event };
  }

  private productOrder() {
    const { summary } = this;
    return { id: summary.orderId, href: `productOrder/${summary.orderId}`, state: tmfState(summary.state), 'ordo:state': summary.state };
  }
}

/** The cancellation's own state (TMF's CancelProductOrder), while the order is being cancelled and once it is. */
function cancelState(orderState: string): string | undefined {
  if (orderState === 'pendingCancellation' || orderState === 'assessingCancellation') return 'inProgress';
  if (orderState === 'cancelled') return 'done';
  return undefined;
}

async function deliver(event: OrderEvent): Promise<void> {
  try {
    await notifyOrderEvent(event);
  } catch (error) {
    log.warn('an order event was not delivered within a day; it is given up', { eventId: event.eventId, error: (error as Error).message });
  }
}
