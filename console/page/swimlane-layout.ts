import dagre from '@dagrejs/dagre';

/**
 * Where each step of a plan goes in the swimlanes (console/page/swimlanes.tsx), apart from its state, so the page
 * lays a plan out once per shape and only recolours as it runs. Columns come from dagre's layered layout of the
 * dependency graph (rank left → right, so a step is right of everything it depends on); rows from the lanes: one
 * horizontal band per workspace and group, in the plan's order, each as tall as its fullest column. Within a
 * column of a lane, steps keep dagre's top-to-bottom order, which keeps edges from crossing where it can.
 *
 * A step of another split that this plan waits for (a cross-plan dependency, `FO-ID/step-id` in `dependsOn`) is a
 * stub: a step like the others whose id is that entry, so the edge to its dependent is drawn as any other; stubs
 * get lanes of their own (one per upstream split), above the plan's. An entry with no step or stub of that id is
 * left out, never an error.
 */

export interface LayoutStep {
  id: string;
  workspace: string;
  group?: string;
  dependsOn: string[];
  /** A step of another split (its `workspace` is that split's id): laid out in a stub lane, above the plan's own. */
  stub?: boolean;
}

export interface PlacedStep {
  id: string;
  x: number;
  y: number;
  lane: number;
  stub?: true;
}

export interface Lane {
  /** The workspace, or for a stub lane the other split's id. */
  workspace: string;
  group?: string;
  /** The lane of another split's steps that this plan waits for. */
  stub?: true;
  y: number;
  height: number;
}

export interface SwimlaneLayout {
  width: number;
  height: number;
  lanes: Lane[];
  /** In the steps' order. */
  steps: PlacedStep[];
  /** Dependency → dependent, as indexes into `steps`; dependencies on steps not in the plan are left out. */
  edges: Array<[number, number]>;
}

export const BOX = { width: 150, height: 34 } as const;
export const LANE_LABEL_WIDTH = 170;
const COLUMN_GAP = 50;
const ROW_GAP = 12;
const LANE_PADDING = 14;

/**
 * What makes a lane: each workspace and group (the catalog's swimlanes), or each workspace alone, which keeps a large
 * split's per-item chains on one row each instead of fanning their edges across a group lane of every item.
 */
export type LaneMode = 'group' | 'workspace';

export const laneKey = (step: Pick<LayoutStep, 'workspace' | 'group' | 'stub'>, mode: LaneMode = 'group'): string =>
  step.stub ? `\u0001${step.workspace}` : mode === 'group' ? `${step.workspace}\u0000${step.group ?? ''}` : step.workspace;

/** The layout's identity: what it depends on (ids, lanes, dependencies), never the states. */
export function layoutKey(steps: readonly LayoutStep[], mode: LaneMode = 'group'): string {
  return `${mode}\n${steps.map((s) => `${s.id}|${laneKey(s)}|${s.dependsOn.join(',')}`).join('\n')}`;
}

export function layoutSwimlanes(steps: readonly LayoutStep[], mode: LaneMode = 'group'): SwimlaneLayout {
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const edges: Array<[number, number]> = [];
  steps.forEach((step, to) => {
    for (const dependency of step.dependsOn) {
      const from = index.get(dependency);
      if (from !== undefined) edges.push([from, to]);
    }
  });

  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: ROW_GAP, ranksep: COLUMN_GAP, marginx: 0, marginy: 0, ranker: 'longest-path' });
  graph.setDefaultEdgeLabel(() => ({}));
  steps.forEach((step) => graph.setNode(step.id, { width: BOX.width, height: BOX.height }));
  for (const [from, to] of edges) graph.setEdge(steps[from].id, steps[to].id);
  dagre.layout(graph);

  // Columns: dagre's x positions (one per rank), renumbered 0, 1, 2…
  const xOf = steps.map((s) => Math.round(graph.node(s.id).x));
  const columns = [...new Set(xOf)].sort((a, b) => a - b);
  const columnOf = new Map(columns.map((x, i) => [x, i]));

  // Lanes: the stubs' first (what the plan waits for in other splits), then in the order their first step appears in
  // the plan (the catalog's order of workspaces and groups).
  const laneIndex = new Map<string, number>();
  const lanes: Lane[] = [];
  for (const step of [...steps.filter((s) => s.stub), ...steps.filter((s) => !s.stub)]) {
    const key = laneKey(step, mode);
    if (laneIndex.has(key)) continue;
    laneIndex.set(key, lanes.length);
    lanes.push({ workspace: step.workspace, ...(step.stub ? { stub: true as const } : step.group && mode === 'group' ? { group: step.group } : {}), y: 0, height: 0 });
  }
  const laneOf = steps.map((step) => laneIndex.get(laneKey(step, mode))!);

  // Rows: within each lane and column, in dagre's vertical order.
  const cells = new Map<string, number[]>();
  steps.forEach((step, i) => {
    const cell = `${laneOf[i]}:${columnOf.get(xOf[i])}`;
    const list = cells.get(cell) ?? [];
    list.push(i);
    cells.set(cell, list);
  });
  const rowOf = new Array<number>(steps.length).fill(0);
  const rowsInLane = new Array<number>(lanes.length).fill(1);
  for (const [cell, members] of cells) {
    members.sort((a, b) => graph.node(steps[a].id).y - graph.node(steps[b].id).y);
    members.forEach((member, row) => (rowOf[member] = row));
    const lane = Number(cell.split(':')[0]);
    rowsInLane[lane] = Math.max(rowsInLane[lane], members.length);
  }
  let y = 0;
  for (const [i, lane] of lanes.entries()) {
    lane.y = y;
    lane.height = rowsInLane[i] * (BOX.height + ROW_GAP) - ROW_GAP + 2 * LANE_PADDING;
    y += lane.height;
  }

  const placed = steps.map((step, i) => ({
    id: step.id,
    lane: laneOf[i],
    ...(step.stub ? { stub: true as const } : {}),
    x: LANE_LABEL_WIDTH + COLUMN_GAP / 2 + columnOf.get(xOf[i])! * (BOX.width + COLUMN_GAP),
    y: lanes[laneOf[i]].y + LANE_PADDING + rowOf[i] * (BOX.height + ROW_GAP),
  }));
  return { width: LANE_LABEL_WIDTH + COLUMN_GAP / 2 + Math.max(columns.length, 1) * (BOX.width + COLUMN_GAP), height: Math.max(y, BOX.height), lanes, steps: placed, edges };
}
