import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities';

/**
 * The bare-Temporal baseline: what an order of the reference shape costs with no Ordo logic at all.
 * The parent starts one child per split and waits for all of them; a child runs one no-op activity per
 * step, each as soon as the steps it depends on are done (the same DAG as the reference plan).
 */
export interface BaselineShape {
  children: Array<{ steps: Array<{ dependsOn: number[] }> }>;
}

const { noop } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

export const baselineChildId = (parentId: string, index: number) => `${parentId}/c${index}`;

export async function BaselineOrderWorkflow(shape: BaselineShape): Promise<string[]> {
  const parentId = workflowInfo().workflowId;
  const ids = shape.children.map((_, i) => baselineChildId(parentId, i));
  await Promise.all(shape.children.map((child, i) => executeChild(BaselineSplitWorkflow, { workflowId: ids[i], args: [child] })));
  return ids;
}

export async function BaselineSplitWorkflow(child: BaselineShape['children'][number]): Promise<number> {
  const done: Array<Promise<unknown>> = [];
  child.steps.forEach((step, i) => {
    done[i] = Promise.all(step.dependsOn.map((d) => done[d])).then(() => noop());
  });
  await Promise.all(done);
  return child.steps.length;
}
