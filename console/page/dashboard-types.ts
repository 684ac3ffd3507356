/**
 * GET /api/dashboard?window=1h|24h|7d (docs/console.md "Dashboards"): every figure of the dashboards in one answer,
 * read from Temporal when asked (console/dashboard-sources.ts) and computed by console/dashboard-figures.ts.
 * Times are ISO strings, durations milliseconds.
 */

export const DASHBOARD_WINDOWS = ['1h', '24h', '7d'] as const;
export type DashboardWindow = (typeof DASHBOARD_WINDOWS)[number];

/** One bar or point of a time series: the bucket [start, start + bucketMs). */
export interface ThroughputBucket {
  start: string;
  /** Orders whose workflow closed completed in the bucket. */
  completed: number;
}

export interface CycleTimeBucket {
  start: string;
  /** Invoiced orders that completed in the bucket (the sample the percentiles are over). */
  orders: number;
  /** Absent when the bucket has no order. */
  p50Ms?: number;
  p95Ms?: number;
}

/** Finished steps of one queue or step definition, by when they finished against their SLA. */
export interface AdherenceRow {
  key: string;
  /** Finished steps with an SLA (estimatedDuration): the three below add up to it. */
  finished: number;
  beforeJeopardy: number;
  inJeopardy: number;
  late: number;
  /** Finished steps without an SLA: not in the shares. */
  withoutSla: number;
}

export interface CountRow {
  key: string;
  count: number;
}

/** One step definition of the heatmap's plan, with the running orders there now. */
export interface HeatStep {
  /** The definition key `<workspace>.<step>`. */
  id: string;
  label: string;
  workspace: string;
  group: string;
  /** Definition keys it depends on (same plan). */
  dependsOn: string[];
  pointOfNoReturn: boolean;
  /** Running orders with an instance of this step in progress (InProgress: working, waiting on a person or a signal). */
  inProgress: number;
  /** Running orders with an instance ready or retrying (Ready, Failed) or in fallout (FatallyFailed). */
  waiting: number;
  /** Of `waiting`: in fallout. */
  fallout: number;
}

/** A catalog plan the heatmap can show: the workspaces a commercial product's order runs. */
export interface HeatPlan {
  /** The commercial product (a bundle, or a simple product sold alone). */
  product: string;
  workspaces: string[];
  steps: HeatStep[];
  /** Running orders counted on any of its steps. */
  orders: number;
}

export interface DashboardFigures {
  window: DashboardWindow;
  since: string;
  asOf: string;
  /** Bucket sizes of the series (throughput; cycle time). */
  throughputBucketMs: number;
  cycleBucketMs: number;
  /** Orders open now, or closed in the window: by OrderState, and by Channel (visibility counts, exact). */
  ordersByState: CountRow[];
  ordersByChannel: CountRow[];
  throughput: ThroughputBucket[];
  cycleTime: CycleTimeBucket[];
  /** Over all buckets of the window. */
  cycleTimeOverall: { orders: number; p50Ms?: number; p95Ms?: number };
  slaAdherence: { byQueue: AdherenceRow[]; byDefinition: AdherenceRow[] };
  /** Fallout entries (a step's fallouts history) in the window, by the called system (or handler) and by error code. */
  fallout: { bySystem: CountRow[]; byCode: CountRow[]; total: number };
  /** The live count per step of each catalog plan (running splits only; the window does not apply). */
  heatmap: HeatPlan[];
  /** What was read, and where a cap cut it short (the figures then cover the newest ones read). */
  reads: {
    maxWorkflows: number;
    completedOrders: { listed: number; read: number; truncated: boolean };
    closedSplits: { read: number; truncated: boolean };
    runningSplits: { read: number; truncated: boolean };
    /** Workflows that could not be read (gone, or no worker for a query): left out. */
    unreadable: number;
  };
}
