import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Catalog } from '../domain/catalog';
import { decompose } from '../domain/decompose';
import { validateOrder } from '../domain/validate-order';

/**
 * The reference orders a benchmark submits: one of the examples, with fresh ids. Only the laptop order has a
 * like-for-like baseline (bench/baseline-workflows.ts, written by hand for it); the SaaS order ran against a
 * generic no-op baseline that favoured Ordo, and was dropped with it (issue 15).
 */
export const SHAPES = {
  /** 3 fulfillment orders, 8 steps (4 callouts, 2 auto tasks, 2 milestones), 1 invoice. */
  laptop: 'laptop-bundle.json',
} as const;
export type ShapeName = keyof typeof SHAPES;

const EXAMPLES = path.resolve(__dirname, '..', 'examples');
const templates = new Map<ShapeName, Record<string, unknown>>();

function template(shape: ShapeName): Record<string, unknown> {
  let found = templates.get(shape);
  if (!found) templates.set(shape, (found = JSON.parse(fs.readFileSync(path.join(EXAMPLES, SHAPES[shape]), 'utf8')) as Record<string, unknown>));
  return found;
}

/** The reference order with a fresh id. */
export function referenceOrder(shape: ShapeName, orderId: string): Record<string, unknown> {
  const order = structuredClone(template(shape));
  order.id = orderId;
  return order;
}

/** Plan steps of the reference order as Ordo plans it: the denominator of "events per step", the same for both sides. */
export function planSteps(shape: ShapeName, catalog: Catalog): number {
  const plan = decompose(validateOrder(referenceOrder(shape, 'SHAPE-1')), catalog);
  return [...plan.fulfillmentOrders, ...(plan.accountFulfillmentOrders ?? [])].reduce((sum, fo) => sum + fo.steps.length, 0);
}
