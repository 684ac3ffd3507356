/**
 * The desks' API shapes (docs/console.md "Desks"): what console/desk-routes.ts answers and the page reads. Types
 * only, shared by the server and the page, so the two cannot drift.
 */

import type { ManualTask } from '../../client/worklists';

export type Jeopardy = 'none' | 'inJeopardy' | 'late';

/** GET /api/tasks: one open manual task, as client/worklists.ts lists it (the workflow id stays on the server). */
export type DeskTask = Omit<ManualTask, 'workflowId'> & {
  /** Whether the signed-in user may take it (assigned to them, or unassigned in / escalated to a queue of theirs). A hint: the workflow decides. */
  mayTake: boolean;
};

export interface TaskList {
  tasks: DeskTask[];
  /** Every queue of the configuration (temporal-config.yaml `queues`), for the queue filter. */
  queues: string[];
  /** Why the signed-in user cannot act here (no queue), when they cannot. */
  readOnly?: string;
}

/** GET /api/incidents: one step (or channel sync) in fallout. */
export interface Incident {
  /** The order; for a channel sync, its sync workflow id (what resolving it takes, as `ordo fallout` lists it). */
  orderId: string;
  fulfillmentOrderId: string;
  stepId: string;
  /** The step's definition `<workspace>.<step>` (a sync: its process). */
  definition: string;
  type: string;
  accountId?: string;
  /** The system its callout calls, when it is a callout. */
  system?: string;
  falloutQueue: string;
  error?: { message: string; code?: string; status?: number; type?: string; attempts: number };
  /** When the step started: the incident's age is counted from here. */
  startedAt?: string;
  jeopardy: Jeopardy;
}

/** The incident desk's filters: GET /api/incidents's query, and the batch form's `filter`. All optional; all must match. */
export interface IncidentFilter {
  queue?: string;
  system?: string;
  /** The error code the system answered with. */
  code?: string;
  /** A step definition (`service-activation.configure`) or a step id. */
  step?: string;
  order?: string;
  account?: string;
  /** Only incidents older than this: `30s`, `15m`, `2h`, `3d`. */
  olderThan?: string;
}

export const INCIDENT_FILTERS = ['queue', 'system', 'code', 'step', 'order', 'account', 'olderThan'] as const satisfies ReadonlyArray<keyof IncidentFilter>;

export interface IncidentList {
  incidents: Incident[];
  readOnly?: string;
}

export type IncidentAction = 'retry' | 'skip' | 'complete';

/** POST /api/incidents/resolve: these items, or every incident `filter` matches when the request is handled. */
export type ResolveRequest = { action: IncidentAction; output?: unknown; note?: string } & ({ items: Array<{ orderId: string; stepId: string }> } | { filter: IncidentFilter });

export type ItemResult = { orderId: string; stepId: string } & ({ outcome: 'resolved' } | { outcome: 'refused'; reason: string });

export interface ResolveAnswer {
  action: IncidentAction;
  results: ItemResult[];
}

/** GET /api/pauses: one pause step waiting to be resumed. */
export interface Pause {
  orderId: string;
  fulfillmentOrderId: string;
  stepId: string;
  definition: string;
  /** What resumes it: a signal name (`ordo resume ORDER NAME`, the Resume button) or a condition on attributes. */
  resumeOn?: { signal: string } | { condition: { field: string; equals: unknown } };
  startedAt?: string;
  jeopardy: Jeopardy;
  jeopardyAt?: string;
  lateAt?: string;
}

export interface PauseList {
  pauses: Pause[];
  readOnly?: string;
}

/** POST /api/pauses/resume's answer: the steps that went on (`<split>/<step>`). */
export interface ResumeAnswer {
  orderId: string;
  name: string;
  waitingSteps: string[];
}
