import { memo, useMemo, useRef, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import { BOX, LANE_LABEL_WIDTH, layoutKey, layoutSwimlanes, type LaneMode, type SwimlaneLayout } from './swimlane-layout';
import { JEOPARDY_COLOURS, STATE_COLOURS, stateColour, STEP_STATE_NAMES } from './states';

/**
 * A plan drawn as swimlanes (docs/console.md "Order page"): one lane per workspace (and group within it), the steps
 * as a dependency graph laid out by dagre, coloured by state (states.ts), jeopardy and late marked. Used by the
 * order page (one split's plan, live) and the dashboards' heatmap (a catalog's plan with a count per step).
 *
 * Fast for 500 steps: the layout (swimlane-layout.ts) is computed once per plan shape (ids, lanes, dependencies),
 * not per state change; the drawing is plain SVG with no state per box, and one click handler for all of them.
 *
 * A step of another split that this plan waits for (a cross-plan dependency) is a stub (`stub: true`, made by
 * upstream-stubs.ts): a dashed box in a lane named after that split, coloured by the upstream step's state, with a
 * dashed edge to the steps that wait for it. A click on it goes to the split that holds it.
 */

export interface SwimlaneStep {
  id: string;
  /** What the box says (the step definition's name). */
  label: string;
  workspace: string;
  group?: string;
  dependsOn: string[];
  /** A step state (states.ts STATE_COLOURS); absent for a step with no state (the heatmap colours by count instead). */
  state?: string;
  jeopardy?: 'none' | 'inJeopardy' | 'late';
  pointOfNoReturn?: boolean;
  /** A step of another split this plan waits for (its `workspace` is that split's id): see upstream-stubs.ts. */
  stub?: boolean;
  /** The other splits that wait for this step (the far end of their stubs): marked on its box. */
  awaitedBy?: string[];
}

export interface SwimlanesProps {
  steps: SwimlaneStep[];
  /** Something to show on a step's box (the heatmap's count); nothing by default. */
  badge?: (step: SwimlaneStep) => ReactNode;
  /** A fill colour per step instead of its state's (the heatmap's intensity). */
  fill?: (step: SwimlaneStep) => string | undefined;
  onSelect?: (step: SwimlaneStep) => void;
  selectedId?: string;
}

const LABEL_CHARS = 20;
/** Above this many steps the lanes start as workspaces only (a toggle gives the groups back): see swimlane-layout.ts LaneMode. */
const GROUP_LANES_UP_TO = 150;
const ZOOMS = [0.4, 0.6, 0.8, 1, 1.25, 1.5];

const truncate = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);

export function Swimlanes({ steps, badge, fill, onSelect, selectedId }: SwimlanesProps) {
  const [lanes, setLanes] = useState<LaneMode>(steps.length > GROUP_LANES_UP_TO ? 'workspace' : 'group');
  const key = layoutKey(steps, lanes);
  // The key is the layout's identity: a state change recolours boxes, it never moves them.
  const layout = useMemo(() => layoutSwimlanes(steps, lanes), [key]);
  const [zoom, setZoom] = useState(steps.length > GROUP_LANES_UP_TO ? 0.6 : 1);
  const scroller = useRef<HTMLDivElement>(null);
  const [found, setFound] = useState<string>();
  const [notFound, setNotFound] = useState(false);
  // Find a step by (part of) its id or label: scroll to it and select it, so a large split need not be searched by eye.
  const find = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('find') ?? '').trim().toLowerCase();
    const index = text ? steps.findIndex((step) => step.id.toLowerCase().includes(text) || step.label.toLowerCase().includes(text)) : -1;
    setNotFound(Boolean(text) && index < 0);
    if (index < 0) return;
    const placed = layout.steps[index];
    scroller.current?.scrollTo({ left: Math.max(0, (placed.x - 80) * zoom), top: Math.max(0, (placed.y - 80) * zoom), behavior: 'smooth' });
    setFound(steps[index].id);
    onSelect?.(steps[index]);
  };
  const select = (event: MouseEvent<SVGSVGElement>) => {
    const box = (event.target as Element).closest('[data-index]');
    if (box && onSelect) onSelect(steps[Number(box.getAttribute('data-index'))]);
  };
  return (
    <div className="swimlanes">
      <div className="swimlanes-tools">
        <button type="button" onClick={() => setZoom((z) => ZOOMS[Math.max(0, ZOOMS.indexOf(z) - 1)] ?? z)} aria-label="Zoom out">−</button>
        <span>{Math.round(zoom * 100)}%</span>
        <button type="button" onClick={() => setZoom((z) => ZOOMS[Math.min(ZOOMS.length - 1, ZOOMS.indexOf(z) + 1)] ?? z)} aria-label="Zoom in">+</button>
        <label>
          <input type="checkbox" checked={lanes === 'group'} onChange={(event) => setLanes(event.target.checked ? 'group' : 'workspace')} data-testid="lanes-by-group" />
          a lane per group
        </label>
        <span className="swimlanes-count">{steps.length} steps</span>
        <form onSubmit={find} className="swimlanes-find">
          <input name="find" placeholder="Find a step" data-testid="find-step" />
          {notFound && <span className="refusal">no such step</span>}
        </form>
      </div>
      <div className="swimlanes-scroll" ref={scroller}>
        <svg data-testid="swimlanes" width={layout.width * zoom} height={layout.height * zoom} viewBox={`0 0 ${layout.width} ${layout.height}`} onClick={select}>
          <Lanes layout={layout} />
          <Edges layout={layout} />
          {steps.map((step, i) => (
            <StepBox key={step.id} step={step} index={i} x={layout.steps[i].x} y={layout.steps[i].y} selected={step.id === (selectedId ?? found)} fill={fill?.(step)} badge={badge?.(step)} clickable={Boolean(onSelect)} />
          ))}
        </svg>
      </div>
    </div>
  );
}

/** The bands and their labels: drawn once per layout. */
const Lanes = memo(function Lanes({ layout }: { layout: SwimlaneLayout }) {
  return (
    <g className="lanes">
      {layout.lanes.map((lane, i) => (
        <g key={i}>
          <rect x={0} y={lane.y} width={layout.width} height={lane.height} className={lane.stub ? 'lane lane-stub' : i % 2 ? 'lane lane-odd' : 'lane'} />
          <text x={8} y={lane.y + 18} className="lane-workspace">
            {truncate(lane.stub ? `↤ ${lane.workspace}` : lane.workspace, 24)}
            <title>{lane.stub ? `Steps of split ${lane.workspace} that this split waits for` : lane.workspace}</title>
          </text>
          {lane.stub && (
            <text x={8} y={lane.y + 34} className="lane-group">
              another split
            </text>
          )}
          {lane.group && (
            <text x={8} y={lane.y + 34} className="lane-group">
              {truncate(lane.group, 24)}
              <title>{lane.group}</title>
            </text>
          )}
          <line x1={LANE_LABEL_WIDTH} x2={LANE_LABEL_WIDTH} y1={lane.y} y2={lane.y + lane.height} className="lane-divider" />
        </g>
      ))}
    </g>
  );
});

/** Dependency edges: one path element for those inside the plan, one (dashed) for those from other splits; once per layout. */
const Edges = memo(function Edges({ layout }: { layout: SwimlaneLayout }) {
  const own = layout.edges.filter(([from]) => !layout.steps[from].stub);
  const crossPlan = layout.edges.filter(([from]) => layout.steps[from].stub);
  // Edges always run left to right (a step is right of its dependencies), so they need no arrowheads.
  return (
    <>
      <path d={edgePath(layout, own)} className="edges" />
      {crossPlan.length > 0 && <path d={edgePath(layout, crossPlan)} className="edges edges-cross-plan" data-testid="cross-plan-edges" />}
    </>
  );
});

function edgePath(layout: SwimlaneLayout, edges: SwimlaneLayout['edges']): string {
  return edges
    .map(([from, to]) => {
      const a = layout.steps[from];
      const b = layout.steps[to];
      const x1 = a.x + BOX.width;
      const y1 = a.y + BOX.height / 2;
      const x2 = b.x;
      const y2 = b.y + BOX.height / 2;
      const bend = Math.max(20, (x2 - x1) / 2);
      return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
    })
    .join(' ');
}

interface StepBoxProps {
  step: SwimlaneStep;
  index: number;
  x: number;
  y: number;
  selected: boolean;
  fill?: string;
  badge?: ReactNode;
  clickable: boolean;
}

/** A box is drawn again only when what it shows changed: a live update of a 500-step plan redraws the few that moved on. */
const sameBox = (a: StepBoxProps, b: StepBoxProps): boolean =>
  a.step.id === b.step.id &&
  a.step.label === b.step.label &&
  a.step.state === b.step.state &&
  a.step.jeopardy === b.step.jeopardy &&
  a.step.pointOfNoReturn === b.step.pointOfNoReturn &&
  a.step.stub === b.step.stub &&
  a.step.awaitedBy === b.step.awaitedBy &&
  a.index === b.index &&
  a.x === b.x &&
  a.y === b.y &&
  a.selected === b.selected &&
  a.fill === b.fill &&
  a.badge === b.badge &&
  a.clickable === b.clickable;

const StepBox = memo(function StepBox({ step, index, x, y, selected, fill, badge, clickable }: StepBoxProps) {
  const jeopardy = step.jeopardy && step.jeopardy !== 'none' ? step.jeopardy : undefined;
  const colour = fill ?? (step.state ? stateColour(step.state) : '#e4e7eb');
  const dark = step.state === 'InProgress' || step.state === 'Completed' || step.state === 'FatallyFailed' || step.state === 'Cancelled';
  const awaited = step.awaitedBy?.length ? `${step.awaitedBy.join(', ')} wait${step.awaitedBy.length > 1 ? '' : 's'} for it` : undefined;
  const tip = [step.stub ? `waits for ${step.id}` : step.id, step.label !== step.id ? step.label : undefined, step.state, jeopardy, step.pointOfNoReturn ? 'point of no return' : undefined, awaited].filter(Boolean).join(' · ');
  return (
    <g
      transform={`translate(${x},${y})`}
      data-testid={`step-${step.id}`}
      data-state={step.state ?? ''}
      data-jeopardy={jeopardy ?? 'none'}
      data-index={index}
      {...(step.stub ? { 'data-stub': 'true' } : {})}
      className={`step${step.stub ? ' stub' : ''}${selected ? ' selected' : ''}${clickable ? ' clickable' : ''}`}
    >
      <title>{tip}</title>
      {jeopardy && <rect x={-4} y={-4} width={BOX.width + 8} height={BOX.height + 8} rx={8} fill="none" stroke={JEOPARDY_COLOURS[jeopardy]} strokeWidth={3} strokeDasharray={jeopardy === 'late' ? undefined : '6 3'} />}
      <rect width={BOX.width} height={BOX.height} rx={5} fill={colour} className="step-box" />
      <text x={8} y={BOX.height / 2 + 4} className={dark && !fill ? 'step-label on-dark' : 'step-label'}>
        {truncate(step.label, LABEL_CHARS)}
      </text>
      {step.pointOfNoReturn && <path d={`M${BOX.width - 14},0 L${BOX.width},0 L${BOX.width},14 Z`} className="ponr-marker" />}
      {awaited && (
        // Just right of the box, like the start of an edge that leaves for another split.
        <text x={BOX.width + 3} y={BOX.height / 2 + 4} className="awaited-marker" data-testid="awaited-marker">
          ↦
        </text>
      )}
      {badge !== undefined && badge !== null && badge !== false && <Badge badge={badge} />}
    </g>
  );
}, sameBox);

/** A step's badge at its box's top-right corner: text (a count) as a pill; any other node is drawn there as given (SVG). */
function Badge({ badge }: { badge: ReactNode }) {
  if (typeof badge !== 'string' && typeof badge !== 'number') return <g transform={`translate(${BOX.width},0)`}>{badge}</g>;
  const text = String(badge);
  const width = 10 + 7 * text.length;
  return (
    <g className="step-badge" transform={`translate(${BOX.width - width + 6},-8)`} data-testid="step-badge">
      <rect width={width} height={16} rx={8} />
      <text x={width / 2} y={12} textAnchor="middle">
        {text}
      </text>
    </g>
  );
}

/** What the colours and marks mean; the stub's mark when some split waits for another (`crossPlan`). */
export function SwimlaneLegend({ states = STEP_STATE_NAMES, crossPlan = false }: { states?: readonly string[]; crossPlan?: boolean }) {
  return (
    <div className="swimlane-legend" data-testid="swimlane-legend">
      {states.map((state) => (
        <span key={state}>
          <i style={{ background: (STATE_COLOURS as Record<string, string>)[state] }} />
          {state}
        </span>
      ))}
      <span>
        <i className="legend-ring" style={{ borderColor: JEOPARDY_COLOURS.inJeopardy, borderStyle: 'dashed' }} />
        in jeopardy
      </span>
      <span>
        <i className="legend-ring" style={{ borderColor: JEOPARDY_COLOURS.late }} />
        late
      </span>
      <span>
        <i className="legend-ponr" />
        point of no return
      </span>
      {crossPlan && (
        <>
          <span>
            <i className="legend-stub" />
            waits for a step of another split
          </span>
          <span>
            <b className="legend-awaited">↦</b>
            another split waits for it
          </span>
        </>
      )}
    </div>
  );
}
