import type { OrderItem, OrderItemAction } from './order';

/**
 * An item's action, `Add` when it gives none. Apart from domain/order.ts, whose zod schemas are built when it loads:
 * the order workflow reads actions, and every workflow run evaluates the modules it loads (zod's made a tenth of
 * an order workflow's CPU in the bench).
 */
export function actionOf(item: Pick<OrderItem, 'action'>): OrderItemAction {
  return item.action ?? 'Add';
}
