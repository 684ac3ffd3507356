import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Catalog } from '../domain/catalog';
import { decompose } from '../domain/decompose';
import type { FulfillmentOrder } from '../domain/plan';
import { validateOrder } from '../domain/validate-order';
import type { BaselineShape } from './baseline-workflows';

/** The reference orders a benchmark submits: one of the examples, with fresh ids. */
export const SHAPES = {
  /** 3 fulfillment orders, 8 steps (4 callouts, 2 auto tasks, 2 milestones), 1 invoice. */
  laptop: 'laptop-bundle.json',
  /** 2 fulfillment orders and the account's tenant work (account scope), 13 steps, 1 invoice. */
  saas: 'saas-suite.json',
} as const;
export type ShapeName = keyof typeof SHAPES;

const EXAMPLES = path.resolve(__dirname, '..', 'examples');
const templates = new Map<ShapeName, Record<string, unknown>>();

function template(shape: ShapeName): Record<string, unknown> {
  let found = templates.get(shape);
  if (!found) templates.set(shape, (found = JSON.parse(fs.readFileSync(path.join(EXAMPLES, SHAPES[shape]), 'utf8')) as Record<string, unknown>));
  return found;
}

/**
 * The reference order with a fresh id. SaaS orders also get a fresh account: each is a new customer whose
 * tenant is provisioned once (account scope), rather than thousands of orders joining one account's work.
 */
export function referenceOrder(shape: ShapeName, orderId: string): Record<string, unknown> {
  const order = structuredClone(template(shape));
  order.id = orderId;
  if (shape === 'saas') order.accountId = `ACCT-${orderId}`;
  return order;
}

/**
 * What a bare Temporal program doing the same work looks like: one child workflow per split of the
 * reference plan (account splits too), and one no-op activity per plan step, with the plan's dependencies.
 */
export function baselineShape(shape: ShapeName, catalog: Catalog): BaselineShape {
  const plan = decompose(validateOrder(referenceOrder(shape, 'SHAPE-1')), catalog);
  const splits = [...plan.fulfillmentOrders, ...(plan.accountFulfillmentOrders ?? [])];
  return { children: splits.map(childShape) };
}

/** The split's steps in dependency order, each naming its dependencies by index (steps only depend on earlier ones). */
function childShape(fo: FulfillmentOrder): BaselineShape['children'][number] {
  const ordered: FulfillmentOrder['steps'] = [];
  const placed = new Set<string>();
  const remaining = [...fo.steps];
  while (remaining.length > 0) {
    const next = remaining.findIndex((s) => s.dependsOn.every((d) => placed.has(d) || !fo.steps.some((o) => o.id === d)));
    if (next < 0) throw new Error(`the plan of ${fo.id} has a dependency cycle`);
    const [step] = remaining.splice(next, 1);
    ordered.push(step);
    placed.add(step.id);
  }
  const index = new Map(ordered.map((s, i) => [s.id, i]));
  return { steps: ordered.map((s) => ({ dependsOn: s.dependsOn.filter((d) => index.has(d)).map((d) => index.get(d)!) })) };
}

/** Steps per order of the shape: the denominator of "events per step". */
export function stepsPerOrder(shape: BaselineShape): number {
  return shape.children.reduce((sum, child) => sum + child.steps.length, 0);
}
