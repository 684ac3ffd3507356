import { useState } from 'react';
import type { HeatPlan, HeatStep } from './dashboard-types';
import { STATE_COLOURS } from './states';
import { Swimlanes, type SwimlaneStep } from './swimlanes';

/**
 * The live count of orders per step of a catalog plan (Operate's heatmap, on swimlanes): each step definition of
 * the plan, its box filled by how many running orders are there now (in progress, or waiting to run, retry or be
 * resolved), the count on its badge. A table beside it lists the steps that have orders, fallout apart.
 */

const EMPTY_FILL = '#ffffff';

/** White at 0, the InProgress colour at the plan's busiest step. */
export function heatFill(count: number, max: number): string {
  if (count === 0 || max === 0) return EMPTY_FILL;
  // At most three quarters of the way: the step names on the boxes stay readable.
  const share = 0.15 + 0.6 * (count / max);
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(STATE_COLOURS.InProgress.slice(i, i + 2), 16));
  const mix = (channel: number) => Math.round(255 + (channel - 255) * share);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

const ordersAt = (step: HeatStep) => step.inProgress + step.waiting;

/** The count on a step's box: an SVG disc (the swimlanes are SVG), red when any of the orders there is in fallout. */
function HeatBadge({ step }: { step: HeatStep }) {
  const count = ordersAt(step);
  if (count === 0) return null;
  return (
    <g className="heat-badge" data-testid={`heat-badge-${step.id}`}>
      <circle r={11} fill={step.fallout > 0 ? STATE_COLOURS.FatallyFailed : '#1f2933'} stroke="#fff" strokeWidth={1.5} />
      <text textAnchor="middle" dy="0.35em" fill="#fff" fontSize={11} fontWeight={600}>
        {count}
      </text>
    </g>
  );
}

export function Heatmap({ plans }: { plans: HeatPlan[] }) {
  // The busiest plan first, until the operator picks another.
  const busiest = [...plans].sort((a, b) => b.orders - a.orders)[0]?.product;
  const [picked, setPicked] = useState<string>();
  const plan = plans.find((p) => p.product === (picked ?? busiest));
  if (!plan) return <p className="dashboard-empty">The catalog has no plans.</p>;
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  const max = Math.max(0, ...plan.steps.map(ordersAt));
  const steps: SwimlaneStep[] = plan.steps.map((step) => ({ id: step.id, label: step.label, workspace: step.workspace, group: step.group, dependsOn: step.dependsOn, pointOfNoReturn: step.pointOfNoReturn }));
  const busy = plan.steps.filter((step) => ordersAt(step) > 0);
  return (
    <section className="dashboard-heatmap" data-testid="chart-heatmap">
      <header>
        <h3>Orders per step, now</h3>
        <label>
          Plan of{' '}
          <select value={plan.product} onChange={(event) => setPicked(event.target.value)} data-testid="heatmap-plan">
            {plans.map((p) => (
              <option key={p.product} value={p.product}>
                {p.product} ({p.workspaces.join(', ')}): {p.orders} running
              </option>
            ))}
          </select>
        </label>
        <span data-testid="heatmap-orders">{plan.orders}</span> running orders on this plan
      </header>
      <Swimlanes
        steps={steps}
        badge={(step) => <HeatBadge step={byId.get(step.id)!} />}
        fill={(step) => heatFill(ordersAt(byId.get(step.id)!), max)}
      />
      <table className="dashboard-heat-table">
        <thead>
          <tr>
            <th>Step</th>
            <th>In progress</th>
            <th>Waiting</th>
            <th>Of which in fallout</th>
          </tr>
        </thead>
        <tbody>
          {busy.map((step) => (
            <tr key={step.id} data-testid={`heat-${step.id}`}>
              <td>
                <span className="heat-swatch" style={{ background: heatFill(ordersAt(step), max) }} />
                {step.id}
              </td>
              <td>{step.inProgress}</td>
              <td>{step.waiting}</td>
              <td>{step.fallout}</td>
            </tr>
          ))}
          {busy.length === 0 && (
            <tr>
              <td colSpan={4}>No running order is on this plan now.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
