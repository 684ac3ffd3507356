import type { PageUser } from './auth-types';

/** Recent orders, and one order live: splits, swimlanes, PONR, actions, invoices (docs/console.md "Order page"). STUB. */
export function OrderList() {
  return <p>Orders</p>;
}

export function OrderPage(_props: { orderId: string; user: PageUser }) {
  return <p>Order</p>;
}
