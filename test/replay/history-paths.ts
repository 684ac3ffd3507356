import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

/**
 * The paths a recorded history exercises, as a set of named features: every kind of event, every activity,
 * child workflow, signal and update by name (with the operator's action for fallout resolution), every
 * patch marker, every search attribute written, continue-as-new, and each behaviour version given in the input.
 * Two histories with the same features test the same code paths on replay, so a recording keeps only histories
 * that add a feature.
 */
export function historyPaths(history: History): Set<string> {
  const paths = new Set<string>();
  for (const event of history.events ?? []) {
    paths.add(`event:${eventTypeName(event.eventType)}`);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) paths.add(`activity:${scheduled.activityType?.name}`);
    const marker = event.markerRecordedEventAttributes;
    if (marker) paths.add(markerPath(marker));
    const child = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (child) paths.add(`child:${child.workflowType?.name}`);
    const signalled = event.workflowExecutionSignaledEventAttributes;
    if (signalled) paths.add(`signal:${signalled.signalName}${actionOf(signalled.input)}`);
    const sent = event.signalExternalWorkflowExecutionInitiatedEventAttributes;
    if (sent) paths.add(`sends:${sent.signalName}`);
    const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    if (update) paths.add(`update:${update.name}${actionOf(update.args)}`);
    const upsert = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    for (const key of Object.keys(upsert ?? {})) paths.add(`search-attribute:${key}`);
    if (event.workflowExecutionContinuedAsNewEventAttributes) paths.add('continued-as-new');
    // A workflow told its behaviour version by its starter runs without a version marker: a path of its own per type
    // and version, so a new version's patches taken without asking are recorded too.
    const started = event.workflowExecutionStartedEventAttributes;
    const input = started && (decodeFirst(started.input) as { behaviourVersion?: unknown } | undefined);
    if (typeof input?.behaviourVersion === 'number') paths.add(`version-in-input:${started?.workflowType?.name}@${input.behaviourVersion}`);
  }
  return paths;
}

/** The workflow type a history ran, from its first event. */
export function historyWorkflowType(history: History): string {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? 'unknown';
}

function markerPath(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes): string {
  if (marker.markerName === 'core_patch') {
    const id = decodeFirst(marker.details?.patch_data ?? marker.details?.['patch-data']) as { id?: string } | undefined;
    return `patch:${id?.id ?? 'unknown'}`;
  }
  if (marker.markerName === 'core_local_activity') {
    const data = decodeFirst(marker.details?.data) as { activity_type?: string } | undefined;
    return `local-activity:${data?.activity_type ?? 'unknown'}`;
  }
  return `marker:${marker.markerName}`;
}

/** ` retry` for a fallout resolution's action, so retry, skip and complete count as different paths. */
function actionOf(input: Payloads): string {
  const value = decodeFirst(input) as { action?: unknown } | undefined;
  return typeof value?.action === 'string' ? ` ${value.action}` : '';
}

/** The first payload as JSON, or undefined when there is none or it is not JSON. */
export function decodeFirst(payloads: Payloads): unknown {
  const data = payloads?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return undefined; // binary (e.g. gzipped by the codec): the path is still counted by its name
  }
}

function eventTypeName(type: temporal.api.enums.v1.EventType | null | undefined): string {
  return type == null ? 'unknown' : (temporal.api.enums.v1.EventType[type] ?? String(type));
}
