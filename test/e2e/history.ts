import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/**
 * The attempts an activity of the given type took in a workflow's history, remote or local: a remote
 * activity's start event carries its attempt; a local activity's marker carries it in its `data` detail.
 */
export function activityAttempts(history: History, activityType: string): number[] {
  const attempts: number[] = [];
  const events = history.events ?? [];
  const typeOfScheduled = new Map(events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!.activityType?.name]));
  for (const event of events) {
    const started = event.activityTaskStartedEventAttributes;
    if (started && typeOfScheduled.get(String(started.scheduledEventId)) === activityType) attempts.push(started.attempt ?? 1);
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    if (!data) continue;
    const recorded = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string; attempt?: number };
    if (recorded.activity_type === activityType) attempts.push(recorded.attempt ?? 1);
  }
  return attempts;
}
