import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Order } from '../../domain/order';

let counter = 0;

/** A sample order from examples/ with a fresh id, so each test has its own workflows. */
export function exampleOrder(file: string, label = 'T'): Order {
  const order = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples', file), 'utf8')) as Order;
  return { ...order, id: `${order.id}-${label}-${process.pid}-${++counter}` };
}
