import type { Client } from '@temporalio/client';
import { runPool } from './pool';

/** History costs per order: the order's workflow and its children, summed. */
export interface HistoryCounts {
  /** Orders whose histories were read. */
  sampled: number;
  eventsPerOrder: number;
  workflowTasksPerOrder: number;
  activitiesPerOrder: number;
  /** Local activities (one marker each, no activity events or workflow task of their own). */
  localActivitiesPerOrder: number;
  /** Event counts per order by type (`activityTaskScheduled`, `signalExternalWorkflowExecutionInitiated`, …). */
  byType: Record<string, number>;
}

/**
 * Reads the histories of up to `sample` orders (spread evenly over the phase) and counts their events. It
 * runs after the phase, so reading histories never slows the orders it counts.
 */
export async function countHistories(temporal: Client, workflows: Array<{ id: string; childIds: string[] }>, sample = 50): Promise<HistoryCounts> {
  const step = Math.max(1, workflows.length / Math.min(sample, workflows.length));
  const chosen = Array.from({ length: Math.min(sample, workflows.length) }, (_, i) => workflows[Math.floor(i * step)]);
  const ids = chosen.flatMap((w) => [w.id, ...w.childIds]);
  const byType = new Map<string, number>();
  let localActivities = 0;
  await runPool(ids.length, 16, async (i) => {
    const history = await temporal.workflow.getHandle(ids[i]).fetchHistory();
    for (const event of history.events ?? []) {
      const type = eventType(event as Record<string, unknown>);
      byType.set(type, (byType.get(type) ?? 0) + 1);
      if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') localActivities++;
    }
  });
  const perOrder = (type: string) => (byType.get(type) ?? 0) / chosen.length;
  const total = [...byType.values()].reduce((sum, n) => sum + n, 0);
  return {
    sampled: chosen.length,
    eventsPerOrder: total / chosen.length,
    workflowTasksPerOrder: perOrder('workflowTaskCompleted'),
    activitiesPerOrder: perOrder('activityTaskScheduled'),
    localActivitiesPerOrder: localActivities / chosen.length,
    byType: Object.fromEntries([...byType].sort((a, b) => b[1] - a[1]).map(([type, n]) => [type, n / chosen.length])),
  };
}

/** An event's type from the one `…EventAttributes` field it carries (no enum tables needed). */
function eventType(event: Record<string, unknown>): string {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventAttributes') && value != null) return key.slice(0, -'EventAttributes'.length);
  }
  return 'unknown';
}
