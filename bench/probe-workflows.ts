import { proxyActivities } from '@temporalio/workflow';
import type { ProbeActivities } from './probe-activities';

/**
 * The ceiling probe's only workflow: omes's `workflow_with_single_noop_activity` shape (a workflow that runs
 * one no-op activity and returns). Nothing of Ordo or of the baseline: what the server does for the smallest
 * workflow that touches an activity is the ceiling the other figures are fractions of.
 */
const { noop } = proxyActivities<ProbeActivities>({ startToCloseTimeout: '1 minute' });

export async function ProbeNoopActivityWorkflow(): Promise<void> {
  await noop();
}
