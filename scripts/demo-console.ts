import { fleetOrder } from '../bench/large-order';
import type { OrdoClient } from '../client/ordo-client';
import type { LoadedConfig } from '../config/load';
import { orderWorkflowId } from '../workflows/ids';
import { consoleUrl } from './console-part';
import { simulatorsUrl } from './stack';

/**
 * The demo's console story (docs/console.md): the sample orders take a minute or two instead of a second, so a person
 * watching the console sees their swimlanes change colour; and a 2,000-item fleet order, partitioned into parts, whose
 * part a person opens in the Temporal Web UI to read its plan as JSON (decoded by the codec server).
 */

/** Sample orders start this far apart, so there is always one early in its plan while another finishes. */
export const SAMPLE_ORDER_SPACING_MS = 20_000;

/**
 * Latency on the callouts the sample orders make (each system's timeout is 10 s: these stay well under it). A step
 * then stays InProgress for a few seconds, long enough to see. Cleared (unpace) before anything else runs, so the
 * channels, the network kit and the fleet order go at the simulators' own speed.
 */
const PACE: Array<{ system: string; operation: string }> = [
  { system: 'inventory', operation: 'reserve' },
  { system: 'shipping', operation: 'ship' },
  { system: 'shipping', operation: 'schedule-visit' },
  { system: 'provisioning', operation: 'activate' },
  { system: 'provisioning', operation: 'allocate-seats' },
  { system: 'provisioning', operation: 'enroll-support' },
  { system: 'provisioning', operation: 'provision-tenant' },
  { system: 'warranty', operation: 'register' },
];
const PACE_LATENCY = { latencyMs: 4000, latencyJitterMs: 3000 };

async function simulatorFault(config: LoadedConfig, method: 'PUT' | 'DELETE', system: string, operation: string): Promise<void> {
  const url = `${simulatorsUrl(config)}/_faults/${system}${method === 'DELETE' ? `?operation=${encodeURIComponent(operation)}` : ''}`;
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: method === 'PUT' ? JSON.stringify({ operation, ...PACE_LATENCY }) : undefined,
  });
  if (!response.ok) throw new Error(`the demo could not ${method === 'PUT' ? 'slow' : 'speed up'} ${system}/${operation} on the simulators: ${response.status} ${await response.text()}`);
}

/** Slows the sample orders' callouts down to a pace a person can follow in the console. */
export async function paceSampleOrders(config: LoadedConfig): Promise<void> {
  for (const { system, operation } of PACE) await simulatorFault(config, 'PUT', system, operation);
}

/** Takes the latency off again (only the demo's own: the network kit's fault on configure-service stays). */
export async function unpace(config: LoadedConfig): Promise<void> {
  for (const { system, operation } of PACE) await simulatorFault(config, 'DELETE', system, operation);
}

export const FLEET_ITEMS = 2000;

export interface FleetDemo {
  orderId: string;
  /** The parts' workflow ids (`<order>/<split>-P1`, …), once decomposition has started them; empty if not yet. */
  partWorkflowIds: string[];
}

/**
 * Submits a fleet of 2,000 sensor kits (catalog/fleet.yaml): 10,000 steps in one split, which decomposition partitions
 * into parts of at most decomposition.maxStepsPerFulfillmentOrder steps. Waits (up to `waitMs`) until the parts run.
 */
export async function submitFleetOrder(client: OrdoClient, runTag: string, waitMs = 90_000): Promise<FleetDemo> {
  const started = await client.startOrder(fleetOrder(FLEET_ITEMS, `FLEET-${FLEET_ITEMS}-${runTag}`));
  const deadline = Date.now() + waitMs;
  for (;;) {
    const summary = await client.getSummary(started.orderId).catch(() => undefined); // not queryable until its first task
    const parts = summary?.fulfillmentOrders.map((fo) => fo.workflowId) ?? [];
    if (parts.length || Date.now() > deadline) return { orderId: started.orderId, partWorkflowIds: parts };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * The fleet orders earlier demo runs left running (the stack keeps its history: a demo stopped with Ctrl-C before its
 * fleet finished leaves it to resume with the next). Thousands of their callouts would hold the worker's activity slots
 * and the sample orders would wait behind them, so the demo ends its own earlier fleet orders first (terminating an
 * order ends its parts with it). Answers their ids.
 */
export async function endEarlierFleetOrders(client: OrdoClient): Promise<string[]> {
  const prefix = orderWorkflowId(`FLEET-${FLEET_ITEMS}-`);
  const ended: string[] = [];
  for await (const execution of client.temporal.workflow.list({ query: 'WorkflowType = "OrderWorkflow" AND ExecutionStatus = "Running"' })) {
    if (!execution.workflowId.startsWith(prefix)) continue;
    await client.temporal.workflow.getHandle(execution.workflowId).terminate('a new demo run: its own fleet order replaces this one');
    ended.push(execution.workflowId.slice(orderWorkflowId('').length));
  }
  return ended;
}

/** Where to open the fleet order in the Web UI, and how to make the UI decode its payloads. */
export function fleetPointers(config: LoadedConfig, fleet: FleetDemo): string {
  const ui = `http://localhost:${config.stack.temporalUiPort}/namespaces/${config.temporal.namespace}/workflows`;
  const part = fleet.partWorkflowIds[0];
  const where = part
    ? `its first part:  ${ui}/${encodeURIComponent(part)}`
    : `its parts:       ${ui}?query=${encodeURIComponent(`OrderId="${fleet.orderId}"`)}`;
  return `A fleet of ${FLEET_ITEMS.toLocaleString('en-US')} sensor kits, ${fleet.orderId}, runs as ${fleet.partWorkflowIds.length || 'several'} parts of at most ${config.decomposition.maxStepsPerFulfillmentOrder} steps.
Read a part's plan as JSON in the Temporal Web UI (its payloads are gzip-compressed and encrypted; the codec server decodes them):
  1. sign in to the codec server: open the link \`bin/ordo codec-server token --actor alice --link\` prints
  2. in the Web UI's Codec Server settings (the glasses icon at the top right): "Use my browser setting",
     endpoint http://localhost:${config.stack.codecServerPort}, tick "Include cross-origin credentials", Apply
  3. open ${where}
     its Input is the part's plan: every step (sensor-rollout.reserve[DEPLOY-SENSOR:S0001], …) with its dependencies, as JSON`;
}

/** Said before the sample orders start: they are over in a minute, so the console is worth opening first. */
export function watchTheSamples(config: LoadedConfig): string {
  return `\nOpen the console now (${consoleUrl(config)}, Orders): the sample orders below take a minute or so, and their swimlanes change colour as their steps run.`;
}

/** What to do in the console once the network kit waits for people, in one short paragraph. */
export function consoleStory(config: LoadedConfig, network: string): string {
  return `In the console (${consoleUrl(config)}):
  ${network} waits for people: its order page shows the approval waiting (late after a minute) and "configure" in fallout.
  Complete "approve" in Tasks (as its assignee, alice or carol); retry "configure" in Incidents (as dave); once it has
  shipped, resume "delivered" there too (as carol), and watch its swimlanes turn green. Dashboards count the orders as they finish.`;
}
